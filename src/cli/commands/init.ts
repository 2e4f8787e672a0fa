import { hostname } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { nodeNameFromHostname } from '../../discover/index.js';
import { initRepo, parseNodes } from '../../init/index.js';
import type { Io } from '../io.js';

export function initCommand(io: Io): Command {
  const here = nodeNameFromHostname(hostname());
  return new Command('init')
    .description('scaffold a new homelab repo: inventory with one folder per node, policy at its defaults, workflows, README')
    .argument('<dir>', 'folder to create the repo in (created if missing)')
    .option('--nodes <list>', 'comma-separated node names', here)
    .option('--force', 'overwrite files that already exist')
    .addHelpText('after', '\nExample:\n  labwarden init ~/homelab --nodes nas,pi,media')
    .action(async (dir: string, options: { nodes: string; force?: boolean }) => {
      const target = path.resolve(dir);
      const nodes = parseNodes(options.nodes);
      const result = await initRepo({ dir: target, nodes, force: Boolean(options.force) });
      for (const file of result.written) io.out(`written   ${file}`);
      for (const file of result.unchanged) io.out(`unchanged ${file}`);
      io.out(`\nCreated a labwarden repo in ${target} with node${nodes.length === 1 ? '' : 's'} ${nodes.join(', ')}.`);
      io.out('Next: add services (labwarden discover --write), set the DISCORD_WEBHOOK_URL secret, enable Pages. See README.md there.');
    });
}
