import { runCli } from './cli.js';
import { appendSummary, type RunnerContext } from './runner.js';

/**
 * The pull request check: validate, then the plan (what reconcile would change against the
 * base branch), both in the job summary. Fails when validate fails; the plan still shows.
 */
export async function runCheck(context: RunnerContext, repo: string, base: string): Promise<number> {
  const validate = await runCli(context, ['validate', '--repo', repo]);
  const plan = await runCli(context, ['plan', '--repo', repo, '--base', base]);
  await appendSummary(
    context,
    [
      `### labwarden validate: ${validate.code === 0 ? 'ok' : 'failed'}`,
      '',
      '```',
      ...validate.out,
      ...validate.err,
      '```',
      '',
      ...plan.out,
      ...(plan.err.length > 0 ? ['', '```', ...plan.err, '```'] : []),
    ].join('\n'),
  );
  return validate.code || plan.code;
}
