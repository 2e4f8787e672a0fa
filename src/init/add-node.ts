import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors/problem.js';
import { writeIfChanged } from '../fs/atomic.js';
import { isName } from '../model/name-pattern.js';
import { nodeFiles } from './files.js';

export interface AddNodeResult {
  written: string[];
  /** False when the repo has no schema/ folder, so the files' schema lines point nowhere yet. */
  schemas: boolean;
}

const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

/**
 * `labwarden add-node NAME`: inventory/hosts/NAME/host.yaml and services.yaml as `init` writes
 * them, in an existing repo. Refuses an invalid name and a node that is already there (a
 * folder, a file or a link of that name): it never overwrites.
 */
export async function addNode(repo: string, node: string): Promise<AddNodeResult> {
  if (!isName(node)) {
    throw new UserError(`"${node}" is not a valid node name`, {
      hint: 'Node names are lowercase letters, digits and inner dashes, at most 63 characters: nas, pi-4, media.',
    });
  }
  if (
    !(await lstat(path.join(repo, 'inventory/hosts')).then(
      (entry) => entry.isDirectory(),
      () => false,
    ))
  ) {
    throw new UserError(`${repo} is not a labwarden repo: inventory/hosts/ not found`, {
      hint: 'Create one with `labwarden init DIR`, or pass --repo DIR.',
    });
  }
  const folder = `inventory/hosts/${node}`;
  if (await exists(path.join(repo, folder))) {
    throw new UserError(`node "${node}" already exists: ${folder}/ is there; nothing written`, {
      hint: `Pick another name, or edit ${folder}/host.yaml and services.yaml.`,
    });
  }
  const written: string[] = [];
  for (const [file, text] of nodeFiles(node)) {
    await writeIfChanged(repo, file, text);
    written.push(file);
  }
  return { written, schemas: await exists(path.join(repo, 'schema')) };
}
