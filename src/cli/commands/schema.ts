import path from 'node:path';
import { Command } from 'commander';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export function schemaCommand(io: Io): Command {
  return new Command('schema')
    .description('write JSON Schema files for inventory, world and policy (editor completion)')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--out <dir>', 'folder for the schema files, relative to the repo', 'schema')
    .addHelpText(
      'after',
      '\nExample:\n  labwarden schema --repo ~/homelab\n  # then in a YAML file: # yaml-language-server: $schema=../../../schema/services.schema.json',
    )
    .action(async (options: { repo: string; out: string }) => {
      const { writeIfChanged } = await import('../../fs/atomic.js');
      const { SCHEMA_FILES, jsonSchemaOf } = await import('../../model/json-schema.js');
      const out = path.resolve(repoDir(options.repo), options.out);
      for (const name of Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]) {
        const written = await writeIfChanged(out, name, jsonSchemaOf(name));
        io.out(`${path.relative(process.cwd(), path.join(out, name)) || name} ${written ? 'written' : 'unchanged'}`);
      }
    });
}
