import { hostname } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { nodeNameFromHostname } from '../../discover/index.js';
import { initRepo, parseNodes } from '../../init/index.js';
import { UserError } from '../../errors/problem.js';
import type { Io } from '../io.js';

export function initCommand(io: Io): Command {
  const here = nodeNameFromHostname(hostname());
  return new Command('init')
    .description('scaffold a new homelab repo: inventory with one folder per node, policy at its defaults, workflows, README')
    .argument('[dir]', 'folder to create the repo in (created if missing); required unless --repo is given')
    // Every command takes --repo (PRODUCT.md): here it is the folder to scaffold, or the base of a relative DIR.
    .option('--repo <dir>', 'the folder to scaffold when DIR is left out, else the folder DIR is relative to')
    .option('--nodes <list>', 'comma-separated node names', here)
    .option('--force', 'overwrite files that already exist')
    .addHelpText('after', '\nExample:\n  labwarden init ~/homelab --nodes nas,pi,media')
    .action(async (dir: string | undefined, options: { repo?: string; nodes: string; force?: boolean }) => {
      if (dir === undefined && options.repo === undefined) {
        throw new UserError("missing required argument 'dir'", { hint: 'Name the folder for the new repo: labwarden init ~/homelab' });
      }
      const target = path.resolve(options.repo ?? '.', dir ?? '.');
      const nodes = parseNodes(options.nodes);
      const result = await initRepo({ dir: target, nodes, force: Boolean(options.force) });
      for (const file of result.written) io.out(`written   ${file}`);
      for (const file of result.unchanged) io.out(`unchanged ${file}`);
      io.out(`\nCreated a labwarden repo in ${target} with node${nodes.length === 1 ? '' : 's'} ${nodes.join(', ')}.`);
      io.out('Next: add services (labwarden discover --write), set the DISCORD_WEBHOOK_URL secret, enable Pages. See README.md there.');
    });
}
