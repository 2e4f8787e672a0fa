import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import { buildRepoModel, readRepoSources } from '../../repo/index.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function validateCommand(io: Io): Command {
  return new Command('validate')
    .description('check inventory, world, policy and chronicle; print every problem as file:line:col message')
    .option('--repo <dir>', 'homelab repo', '.')
    .addHelpText('after', '\nExample:\n  labwarden validate --repo ~/homelab')
    .action(async (options: { repo: string }) => {
      const model = buildRepoModel(await readRepoSources(repoDir(options.repo)));
      if (model.problems.length > 0) {
        throw new UserError(`${model.problems.length} problem${model.problems.length === 1 ? '' : 's'} found`, { problems: model.problems });
      }
      const services = [...model.inventory.nodes.values()].reduce((sum, node) => sum + node.services.length, 0);
      io.out(`ok: ${model.inventory.nodes.size} nodes, ${services} services, ${model.world.size} world snapshots`);
    });
}
