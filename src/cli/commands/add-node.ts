import { Command } from 'commander';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function addNodeCommand(io: Io): Command {
  return new Command('add-node')
    .description(
      'add a node to an existing repo: inventory/hosts/<name>/host.yaml and services.yaml, as init writes them',
    )
    .argument('<name>', 'node name: lowercase letters, digits and inner dashes')
    .option('--repo <dir>', 'homelab repo', '.')
    .addHelpText('after', '\nExample:\n  labwarden add-node pi-4 --repo ~/homelab')
    .action(async (name: string, options: { repo: string }) => {
      const { addNode } = await import('../../init/add-node.js');
      const result = await addNode(repoDir(options.repo), name);
      for (const file of result.written) io.out(`written   ${file}`);
      if (!result.schemas) {
        io.out("note: schema/ not found, so the files' schema lines point nowhere yet; `labwarden schema` writes it.");
      }
      const discover = `labwarden discover --node ${name} --write`;
      io.out(`Next: list its services (\`${discover}\` on that machine), then \`labwarden validate\`.`);
    });
}
