import { readdirSync, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UserError, type Problem } from '../errors/problem.js';
import { RepoPathError, RepoRoot } from '../fs/safe-path.js';
import { isName } from '../model/name-pattern.js';
import { LIMITS } from '../model/limits.js';
import type { SourceFile } from './source.js';
import { closest } from './suggest.js';
import { decodeUtf8 } from './utf8.js';
import type { RepoSources } from './model.js';
import { STATUS_SOURCE } from './status-source.js';

const problemOf = (error: RepoPathError): Problem => ({
  code: error.code,
  file: error.file,
  line: 1,
  col: 1,
  message: error.message.slice(error.file.length + 2),
});

/** The entries of a repo directory (checked: never through a link out of the repo); none when it does not exist. */
function list(repo: RepoRoot, dir: string, problems: Problem[]): Dirent[] {
  try {
    const real = repo.dir(dir);
    return real === null ? [] : readdirSync(real, { withFileTypes: true });
  } catch (error) {
    if (!(error instanceof RepoPathError)) throw error;
    problems.push(problemOf(error));
    return [];
  }
}

/** Plain files and links (a link is checked when read); anything else with this name is a problem. */
function candidate(entry: Dirent, relative: string, problems: Problem[]): boolean {
  if (entry.isFile() || entry.isSymbolicLink()) return true;
  problems.push({
    code: 'not_a_file',
    file: relative,
    line: 1,
    col: 1,
    message: `is ${entry.isDirectory() ? 'a directory' : 'not a regular file'}; expected a file`,
  });
  return false;
}

/** Files a folder may hold only so that git keeps it: never reported. */
const KEEP_FILES = new Set(['.gitkeep', '.keep']);
const NODE_FILES = ['host.yaml', 'services.yaml'];

/**
 * The files of node folder `dir` to read (into `wanted`). Every other entry is a problem, so
 * nothing written there is ignored: `services.yml` gets "did you mean services.yaml?". A
 * folder without services.yaml is a warning: git does not keep an empty folder, and a node
 * with no services file turns every service observed on it into an unmanaged one.
 */
function nodeFiles(repo: RepoRoot, dir: string, wanted: string[], problems: Problem[], warnings: Problem[]): void {
  const folder = `inventory/hosts/${dir}`;
  const before = problems.length;
  const entries = list(repo, folder, problems);
  if (problems.length > before) return;
  let services = false;
  for (const entry of entries) {
    const relative = `${folder}/${entry.name}`;
    if (NODE_FILES.includes(entry.name)) {
      if (candidate(entry, relative, problems)) wanted.push(relative);
      services ||= entry.name === 'services.yaml';
    } else if (!KEEP_FILES.has(entry.name)) {
      const what = entry.isDirectory() ? 'a directory, not read' : 'not read';
      const suggestion = entry.isDirectory() ? undefined : closest(entry.name.toLowerCase(), NODE_FILES);
      const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
      const message = `${what}: a node folder holds only host.yaml and services.yaml${hint}`;
      problems.push({ code: 'unknown_file', file: relative, line: 1, col: 1, message });
    }
  }
  if (entries.length === 0) {
    const message =
      `empty node folder: git does not keep an empty folder, so node "${dir}" is missing from every clone ` +
      'and from CI; add host.yaml and services.yaml';
    warnings.push({ code: 'empty_node_folder', file: folder, line: 1, col: 1, message });
  } else if (!services) {
    const message =
      `node "${dir}" has no services.yaml: nothing is desired on it, so every service observed there ` +
      'is reported as unmanaged (write `services: []` if it runs none)';
    warnings.push({ code: 'no_services_file', file: folder, line: 1, col: 1, message });
  }
}

function limitOf(relative: string): number {
  if (relative.startsWith('world/')) return LIMITS.worldFileBytes;
  if (relative.startsWith('inventory/')) return LIMITS.inventoryFileBytes;
  if (relative.startsWith('.labwarden/')) return LIMITS.heartbeatFileBytes;
  // The chronicle grows by design; what one run can add is bounded by the limits on its inputs.
  return Number.POSITIVE_INFINITY;
}

/**
 * Reads every file labwarden interprets. Only I/O; interpretation is `buildRepoModel`.
 * Every path goes through the one rule of src/fs/safe-path.ts: a file behind a symlink that
 * leaves the repo (or enters .git/) is not read; it becomes a problem in `problems`, as do a
 * directory where a file belongs and a file over its size limit (src/model/limits.ts).
 */
export async function readRepoSources(root: string): Promise<RepoSources> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UserError(`${root}: no such directory`, { hint: 'Pass the homelab repo with --repo DIR.' });
  const repo = new RepoRoot(root);
  const problems: Problem[] = [];
  let inventory: string | null = null;
  try {
    inventory = repo.dir('inventory');
  } catch (error) {
    if (!(error instanceof RepoPathError)) throw error;
    throw new UserError(error.message, { hint: error.hint ?? '' });
  }
  if (inventory === null) {
    throw new UserError(`${root} is not a labwarden repo: inventory/ not found`, {
      hint: 'Run labwarden in a homelab repo, pass --repo DIR, or create one with `labwarden init DIR`.',
    });
  }
  // Synchronous on purpose: for thousands of small files readFileSync is 5-10x faster than
  // fs.promises.readFile (one syscall batch instead of several thread-pool round trips).
  const warnings: Problem[] = [];
  const hostDirs: string[] = [];
  for (const entry of list(repo, 'inventory/hosts', problems)) {
    if (entry.isDirectory() || entry.isSymbolicLink()) hostDirs.push(entry.name);
    else if (!KEEP_FILES.has(entry.name)) {
      const message = 'not read: a node is a folder inventory/hosts/<node>/ with host.yaml and services.yaml';
      problems.push({ code: 'unknown_file', file: `inventory/hosts/${entry.name}`, line: 1, col: 1, message });
    }
  }
  const wanted: string[] = ['inventory/policy.yaml'];
  for (const dir of hostDirs) nodeFiles(repo, dir, wanted, problems, warnings);
  for (const entry of list(repo, 'world/nodes', problems)) {
    if (/\.(ya?ml|json)$/.test(entry.name) && candidate(entry, `world/nodes/${entry.name}`, problems))
      wanted.push(`world/nodes/${entry.name}`);
  }
  for (const entry of list(repo, 'chronicle', problems)) {
    // A directory named admin.jsonl would otherwise hide every maintenance, silence and ack.
    if (entry.name.endsWith('.jsonl') && candidate(entry, `chronicle/${entry.name}`, problems))
      wanted.push(`chronicle/${entry.name}`);
  }
  // Only node heartbeats are inputs: the reconciler's own (`_reconciler.json`, rewritten by every
  // run) would otherwise change the inputs of the next run and defeat the run shortcut.
  // Git-ignored and advisory: a bad one is skipped, never a problem.
  const beats: Problem[] = [];
  for (const entry of list(repo, '.labwarden/heartbeats', beats)) {
    if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.json') && isName(entry.name.slice(0, -5)))
      wanted.push(`.labwarden/heartbeats/${entry.name}`);
  }
  // The last status/ witnesses the newest admin line it folded (see checkAdminWitness).
  wanted.push(STATUS_SOURCE);
  const files: SourceFile[] = [];
  for (const relative of wanted) {
    try {
      const bytes = repo.readBytes(relative, { maxBytes: limitOf(relative) });
      if (bytes === undefined) continue;
      const { text, problem } = decodeUtf8(bytes, relative);
      // Heartbeats are advisory (a bad one is skipped) and status/ only witnesses.
      if (problem && relative.startsWith('.labwarden/')) continue;
      if (problem && relative !== STATUS_SOURCE) problems.push(problem);
      files.push({ path: relative, text });
    } catch (error) {
      if (!(error instanceof RepoPathError)) throw error;
      // status/ is derived and only witnesses here: the writer that would replace it reports it.
      if (relative === STATUS_SOURCE) continue;
      // host.yaml and services.yaml behind one refused folder: report the folder once.
      const problem = problemOf(error);
      if (
        !relative.startsWith('.labwarden/') &&
        !problems.some((p) => p.file === problem.file && p.message === problem.message)
      )
        problems.push(problem);
    }
  }
  return { hostDirs, files, problems, warnings };
}
