import { Command } from 'commander';
import { PROBLEMS, type ProblemCode } from '../../errors/catalogue.js';
import { UserError, type Problem } from '../../errors/problem.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function validateCommand(io: Io): Command {
  return new Command('validate')
    .description('check inventory, world, policy and chronicle; print every problem as file:line:col message')
    .option('--repo <dir>', 'homelab repo', '.')
    .option(
      '--json',
      'print the problems as a JSON array on stdout (file, line, col, severity, code, message, hint); [] when none',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  labwarden validate --repo ~/homelab\n' +
        '  labwarden validate --json | jq -r \'.[] | "\\(.file):\\(.line) \\(.message)"\'',
    )
    .action(async (options: { repo: string; json?: boolean }) => {
      const { buildRepoModel, readRepoSources } = await import('../../repo/index.js');
      const model = buildRepoModel(await readRepoSources(repoDir(options.repo)));
      if (options.json) {
        io.out(JSON.stringify(model.problems.map(problemJson), null, 2));
        // Like the text form: any error is exit 2, a warning alone is not.
        if (model.problems.some((problem) => problemJson(problem).severity === 'error')) io.exitCode = 2;
        return;
      }
      if (model.problems.length > 0) {
        const hint = untrustedInputHint(model.problems);
        throw new UserError(`${model.problems.length} problem${model.problems.length === 1 ? '' : 's'} found`, { problems: model.problems, ...(hint ? { hint } : {}) });
      }
      const services = [...model.inventory.nodes.values()].reduce((sum, node) => sum + node.services.length, 0);
      io.out(`ok: ${model.inventory.nodes.size} nodes, ${services} services, ${model.world.size} world snapshots`);
    });
}

/** One problem for scripts: where, how bad, what, and what to do about it. */
export interface ProblemJson {
  file: string;
  line: number;
  col: number;
  severity: string;
  code: string;
  message: string;
  hint: string;
}

export function problemJson(problem: Problem): ProblemJson {
  // A problem may carry its own severity (warnings); everything else stops a run.
  const severity = (problem as Problem & { severity?: string }).severity ?? 'error';
  const { file, line, col, code, message } = problem;
  return { file, line, col, severity, code, message, hint: PROBLEMS[code]?.hint ?? '' };
}

/** Problems of the repo as untrusted input (src/fs/safe-path.ts, src/model/limits.ts) are new to most users: say what to do. */
const EXPLAINED: readonly ProblemCode[] = ['symlink_escape', 'not_a_file', 'file_too_large', 'alias_expansion', 'too_many_entries'];

function untrustedInputHint(problems: readonly Problem[]): string | undefined {
  const codes = EXPLAINED.filter((code) => problems.some((problem) => problem.code === code));
  return codes.length > 0 ? codes.map((code) => PROBLEMS[code].hint).join(' ') : undefined;
}
