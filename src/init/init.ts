import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors/problem.js';
import { writeIfChanged } from '../fs/atomic.js';
import { isName } from '../model/index.js';
import { scaffoldFiles } from './files.js';

/** This package's root (dist/init/ or src/init/ → two levels up), where its own workflows live. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The workflows a homelab repo needs are this project's own user-facing ones: read at
 * runtime so there is a single copy. Only the three a homelab uses are taken.
 */
export const SCAFFOLD_WORKFLOWS = ['reconcile.yml', 'validate.yml', 'pages.yml'] as const;

export async function readPackageWorkflows(root = PACKAGE_ROOT): Promise<Map<string, string>> {
  const dir = path.join(root, '.github/workflows');
  const present = new Set(await readdir(dir).catch(() => [] as string[]));
  const workflows = new Map<string, string>();
  for (const name of SCAFFOLD_WORKFLOWS) {
    if (present.has(name)) workflows.set(name, await readFile(path.join(dir, name), 'utf8'));
  }
  return workflows;
}

export function parseNodes(value: string): string[] {
  const nodes = [...new Set(value.split(',').map((node) => node.trim()).filter((node) => node !== ''))];
  const bad = nodes.filter((node) => !isName(node));
  if (nodes.length === 0 || bad.length > 0) {
    throw new UserError(`--nodes: ${bad.length > 0 ? `invalid node name${bad.length === 1 ? '' : 's'} ${bad.map((node) => `"${node}"`).join(', ')}` : 'no node given'}`, {
      hint: 'Node names are lowercase letters, digits and inner dashes, at most 63 characters: --nodes nas,pi,media',
    });
  }
  return nodes;
}

export interface InitResult {
  written: string[];
  unchanged: string[];
}

/**
 * Writes a new homelab repo into `dir`. Refuses, before writing anything, when any file it
 * would write already exists, unless `force`.
 */
export async function initRepo(options: { dir: string; nodes: readonly string[]; force: boolean; workflows?: ReadonlyMap<string, string> }): Promise<InitResult> {
  const info = await stat(options.dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UserError(`${options.dir} exists and is not a directory`);
  const files = scaffoldFiles({ nodes: options.nodes, workflows: options.workflows ?? (await readPackageWorkflows()) });
  const existing: string[] = [];
  for (const relative of files.keys()) {
    if (await stat(path.join(options.dir, relative)).catch(() => undefined)) existing.push(relative);
  }
  if (existing.length > 0 && !options.force) {
    throw new UserError(`${existing.length} file${existing.length === 1 ? '' : 's'} already exist${existing.length === 1 ? 's' : ''} in ${options.dir}:\n${existing.map((file) => `  ${file}`).join('\n')}`, {
      hint: 'Nothing was written. Choose an empty folder, or pass --force to overwrite these files.',
    });
  }
  const result: InitResult = { written: [], unchanged: [] };
  for (const [relative, content] of files) {
    (await writeIfChanged(options.dir, relative, content) ? result.written : result.unchanged).push(relative);
  }
  return result;
}
