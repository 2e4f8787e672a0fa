// `node --import ./test/helpers/record-imports.mjs ...` with RECORD_IMPORTS=<file>: appends the
// URL of every module the process resolves (ES imports, static and dynamic) to that file,
// one per line. test/startup.test.ts uses it to see what a command loads.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.RECORD_IMPORTS) appendFileSync(process.env.RECORD_IMPORTS, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
