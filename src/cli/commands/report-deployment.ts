import { Command, Option } from 'commander';
import { UserError } from '../../errors/problem.js';
import { isName } from '../../model/name-pattern.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

export function reportDeploymentCommand(io: Io): Command {
  return new Command('report-deployment')
    .description("record a deployment in the node's world snapshot (for deploy scripts; the last 20 are kept)")
    .argument('<node/service>', 'the service deployed')
    .addOption(
      new Option('--result <result>', 'how it went')
        .choices(['success', 'failed', 'in_progress'])
        .makeOptionMandatory(),
    )
    .option('--version <version>', 'version deployed')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time of the deployment (default: the wall clock)')
    .addHelpText('after', '\nExample:\n  labwarden report-deployment media/jellyfin --result success --version 10.9.1')
    .action(
      async (
        ref: string,
        options: { result: 'success' | 'failed' | 'in_progress'; version?: string; repo: string; now?: string },
      ) => {
        const [node, service, extra] = ref.split('/');
        if (!node || !service || extra !== undefined || !isName(node) || !isName(service)) {
          throw new UserError(`"${ref}": expected <node>/<service>, both lowercase names`, {
            hint: 'For example: labwarden report-deployment media/jellyfin --result success',
          });
        }
        const { loadRepo, nodeWorld, recordDeployment, writeNodeWorld } = await import('../../observer/index.js');
        const now = parseNow(options.now);
        const repo = repoDir(options.repo);
        const { model, files } = await loadRepo(repo);
        const world = nodeWorld(model, files, node);
        if (!model.inventory.nodes.get(node)!.services.some((entry) => entry.name === service)) {
          throw new UserError(`unknown service "${node}/${service}"`, {
            hint: `List it in inventory/hosts/${node}/services.yaml first.`,
          });
        }
        const { snapshot } = recordDeployment(
          world.previous,
          node,
          { service, result: options.result, version: options.version },
          now,
        );
        await writeNodeWorld(repo, world, snapshot);
        io.out(
          `${node}/${service}: deployment ${options.result}${options.version ? ` ${options.version}` : ''} recorded in ${world.file}`,
        );
      },
    );
}
