import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors/problem.js';
import { isName } from '../model/names.js';
import type { SourceFile } from './source.js';
import type { RepoSources } from './model.js';

async function list(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

// Synchronous on purpose: for thousands of small files readFileSync is 5-10x faster than
// fs.promises.readFile (one syscall batch instead of several thread-pool round trips).
function readOptional(root: string, relative: string): SourceFile | undefined {
  try {
    return { path: relative, text: readFileSync(path.join(root, relative), 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads every file labwarden interprets. Only I/O; interpretation is `buildRepoModel`. */
export async function readRepoSources(root: string): Promise<RepoSources> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`${root}: no such directory`, { hint: 'Pass the homelab repo with --repo DIR.' });
  if (!(await stat(path.join(root, 'inventory')).catch(() => undefined))?.isDirectory()) {
    throw new UserError(`${root} is not a labwarden repo: inventory/ not found`, {
      hint: 'Run labwarden in a homelab repo, pass --repo DIR, or create one with `labwarden init DIR`.',
    });
  }
  const hostDirs = (await list(path.join(root, 'inventory/hosts'))).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const wanted: string[] = ['inventory/policy.yaml'];
  for (const dir of hostDirs) wanted.push(`inventory/hosts/${dir}/host.yaml`, `inventory/hosts/${dir}/services.yaml`);
  for (const entry of await list(path.join(root, 'world/nodes'))) {
    if (entry.isFile() && /\.(ya?ml|json)$/.test(entry.name)) wanted.push(`world/nodes/${entry.name}`);
  }
  for (const entry of await list(path.join(root, 'chronicle'))) {
    if (entry.isFile() && entry.name.endsWith('.jsonl')) wanted.push(`chronicle/${entry.name}`);
  }
  // Only node heartbeats are inputs: the reconciler's own (`_reconciler.json`, rewritten by every
  // run) would otherwise change the inputs of the next run and defeat the run shortcut.
  for (const entry of await list(path.join(root, '.labwarden/heartbeats'))) {
    if (entry.isFile() && entry.name.endsWith('.json') && isName(entry.name.slice(0, -5))) wanted.push(`.labwarden/heartbeats/${entry.name}`);
  }
  // The last status/ witnesses the newest admin line it folded (see checkAdminWitness).
  wanted.push('status/recommendations.json');
  const files = wanted.map((relative) => readOptional(root, relative)).filter((file): file is SourceFile => file !== undefined);
  return { hostDirs, files };
}
