import type { Io } from '../cli/io.js';
import { main } from '../cli/main.js';
import type { RunnerContext } from './runner.js';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/**
 * Runs one labwarden command in this process (no child, nothing installed): the same parser,
 * handler and exit codes as `labwarden <argv>`, with its output echoed to the log and kept
 * for the job summary.
 */
export async function runCli(context: RunnerContext, argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const split = (text: string) => text.replace(/\n$/, '').split('\n');
  const io: Io = {
    out: (text) => {
      for (const line of split(text)) {
        out.push(line);
        context.log(line);
      }
    },
    err: (text) => {
      for (const line of split(text)) {
        err.push(line);
        context.log(line);
      }
    },
    color: false,
    exitCode: 0,
  };
  context.log(`$ labwarden ${argv.join(' ')}`);
  const code = await main(argv, io);
  return { code, out, err };
}
