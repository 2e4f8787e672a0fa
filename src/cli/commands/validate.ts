import { Command } from 'commander';
import { PROBLEMS, type ProblemCode } from '../../errors/catalogue.js';
import { renderProblem, UserError, type Problem } from '../../errors/problem.js';
import { buildRepoModel, readRepoSources } from '../../repo/index.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function validateCommand(io: Io): Command {
  return new Command('validate')
    .description(
      'check inventory, world, policy and chronicle; print every problem as file:line:col message ' +
        '(exit 2 on any; warnings alone exit 0)',
    )
    .option('--repo <dir>', 'homelab repo', '.')
    .addHelpText('after', '\nExample:\n  labwarden validate --repo ~/homelab')
    .action(async (options: { repo: string }) => {
      const model = buildRepoModel(await readRepoSources(repoDir(options.repo)));
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

/** Problems of the repo as untrusted input (src/fs/safe-path.ts, src/model/limits.ts) are new to most users: say what to do. */
const EXPLAINED: readonly ProblemCode[] = ['symlink_escape', 'not_a_file', 'file_too_large', 'alias_expansion', 'too_many_entries'];

function untrustedInputHint(problems: readonly Problem[]): string | undefined {
  const codes = EXPLAINED.filter((code) => problems.some((problem) => problem.code === code));
  return codes.length > 0 ? codes.map((code) => PROBLEMS[code].hint).join(' ') : undefined;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
