import { Command } from 'commander';
import { PROBLEMS, type ProblemCode } from '../../errors/catalogue.js';
import { sortProblems, UserError, type Problem } from '../../errors/problem.js';
import { buildRepoModel, readRepoSources } from '../../repo/index.js';
import { loadSkills } from '../../skills/load.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function validateCommand(io: Io): Command {
  return new Command('validate')
    .description('check inventory, world, policy and chronicle; print every problem as file:line:col message')
    .option('--repo <dir>', 'homelab repo', '.')
    .addHelpText('after', '\nExample:\n  labwarden validate --repo ~/homelab')
    .action(async (options: { repo: string }) => {
      const repo = repoDir(options.repo);
      const model = buildRepoModel(await readRepoSources(repo));
      // inventory/skills/ is read apart: reconcile never needs it (nor its run shortcut).
      const problems = sortProblems([...model.problems, ...loadSkills(repo).problems]);
      if (problems.length > 0) {
        const hint = untrustedInputHint(problems);
        throw new UserError(`${problems.length} problem${problems.length === 1 ? '' : 's'} found`, { problems, ...(hint ? { hint } : {}) });
      }
      const services = [...model.inventory.nodes.values()].reduce((sum, node) => sum + node.services.length, 0);
      io.out(`ok: ${model.inventory.nodes.size} nodes, ${services} services, ${model.world.size} world snapshots`);
    });
}

/** Problems of the repo as untrusted input (src/fs/safe-path.ts, src/model/limits.ts) are new to most users: say what to do. */
const EXPLAINED: readonly ProblemCode[] = ['symlink_escape', 'not_a_file', 'file_too_large', 'alias_expansion', 'too_many_entries'];

function untrustedInputHint(problems: readonly Problem[]): string | undefined {
  const codes = EXPLAINED.filter((code) => problems.some((problem) => problem.code === code));
  return codes.length > 0 ? codes.map((code) => PROBLEMS[code].hint).join(' ') : undefined;
}
