import { Command } from 'commander';
import { PROBLEMS, type ProblemCode } from '../../errors/catalogue.js';
import { renderProblem, sortProblems, UserError, type Problem } from '../../errors/problem.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function validateCommand(io: Io): Command {
  return new Command('validate')
    .description(
      'check inventory, world, policy and chronicle; print every problem as file:line:col message ' +
        '(exit 2 on any; warnings alone exit 0)',
    )
    .option('--repo <dir>', 'homelab repo', '.')
    .option(
      '--json',
      'print the problems as a JSON array on stdout (file, line, col, severity, code, message, hint); [] when there are none',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  labwarden validate --repo ~/homelab\n  labwarden validate --json | jq -r \'.[] | "\\(.file):\\(.line) \\(.message)"\'',
    )
    .action(async (options: { repo: string; json?: boolean }) => {
      const { buildRepoModel, readRepoSources } = await import('../../repo/index.js');
      const { loadSkills } = await import('../../skills/load.js');
      const repo = repoDir(options.repo);
      const built = buildRepoModel(await readRepoSources(repo));
      // inventory/skills/ is read apart: reconcile never needs it (nor its run shortcut).
      const model = { ...built, problems: sortProblems([...built.problems, ...loadSkills(repo).problems]) };
      if (options.json) {
        const all = [
          ...model.problems.map((problem) => problemJson(problem, 'error')),
          ...model.warnings.map((warning) => problemJson(warning, 'warning')),
        ];
        all.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
        io.out(JSON.stringify(all, null, 2));
        // Like the text form: any error is exit 2, a warning alone is not.
        if (model.problems.length > 0) io.exitCode = 2;
        return;
      }
      for (const warning of model.warnings) io.err(`warning: ${renderProblem(warning)}`);
      if (model.problems.length > 0) {
        const hint = untrustedInputHint(model.problems);
        const found = `${plural(model.problems.length, 'problem')} found`;
        throw new UserError(found, { problems: model.problems, ...(hint ? { hint } : {}) });
      }
      const services = [...model.inventory.nodes.values()].reduce((sum, node) => sum + node.services.length, 0);
      const warned = model.warnings.length > 0 ? `; ${plural(model.warnings.length, 'warning')}` : '';
      const nodes = plural(model.inventory.nodes.size, 'node');
      const counts = [nodes, plural(services, 'service'), plural(model.world.size, 'world snapshot')];
      io.out(`ok: ${counts.join(', ')}${warned}`);
    });
}

/** One problem for scripts: where, how bad, what, and what to do about it. */
export function problemJson(
  problem: Problem,
  severity: 'error' | 'warning',
): { file: string; line: number; col: number; severity: string; code: string; message: string; hint: string } {
  return {
    file: problem.file,
    line: problem.line,
    col: problem.col,
    severity,
    code: problem.code,
    message: problem.message,
    hint: PROBLEMS[problem.code]?.hint ?? '',
  };
}

/** Problems of the repo as untrusted input (src/fs/safe-path.ts, src/model/limits.ts) are new to most users: say what to do. */
const EXPLAINED: readonly ProblemCode[] = [
  'symlink_escape',
  'not_a_file',
  'file_too_large',
  'alias_expansion',
  'too_many_entries',
];

function untrustedInputHint(problems: readonly Problem[]): string | undefined {
  const codes = EXPLAINED.filter((code) => problems.some((problem) => problem.code === code));
  return codes.length > 0 ? codes.map((code) => PROBLEMS[code].hint).join(' ') : undefined;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
