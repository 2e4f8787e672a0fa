import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors/problem.js';
import { writeIfChanged } from '../fs/atomic.js';
import { isName } from '../model/index.js';
import { formatDurationExact, readDuration } from '../model/duration.js';
import { scaffoldFiles } from './files.js';
import { DEFAULT_EVERY, defaultActionRef, renderWorkflows, SCHEDULE_CHOICES } from './workflows.js';

/** This package's root (dist/init/, src/init/ or the bundle's dist/action/ → two levels up). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The version that runs `init`, which the scaffold's workflows pin. */
export async function packageVersion(root = PACKAGE_ROOT): Promise<string> {
  return (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `--every 30m` → 30 (minutes), in policy.yaml's duration syntax like every duration flag;
 * only schedules that divide an hour evenly (cron cannot do the rest).
 */
export function parseEvery(value: string): number {
  const every = (readDuration(value) ?? Number.NaN) / 60_000;
  if (!(SCHEDULE_CHOICES as readonly number[]).includes(every)) {
    const choices = SCHEDULE_CHOICES.map((minutes) => formatDurationExact(minutes * 60_000)).join(', ');
    // `--every 30` was minutes before durations were read alike everywhere: say what it is now.
    const bare = /^\d+$/.test(value) && (SCHEDULE_CHOICES as readonly number[]).includes(Number(value));
    throw new UserError(`--every: expected one of ${choices} (time between scheduled runs), found "${value}"`, {
      hint: bare
        ? `A bare number is seconds, as in policy.yaml: write --every ${formatDurationExact(Number(value) * 60_000)} ` +
          `for every ${value} minutes.`
        : `Every ${DEFAULT_EVERY} minutes fits a private repository's free Actions minutes; ` +
          'public repositories may run every 5.',
    });
  }
  return every;
}

/** `--action` is a `uses:` value: OWNER/REPO@REF, a URL@REF (Forgejo), or a local ./path. */
export function parseActionRef(value: string): string {
  if (!/^(\.\/[^\s]*|[\w.-]+\/[\w.-]+(\/[^\s@]+)?@[^\s]+|https?:\/\/[^\s@]+@[^\s]+)$/.test(value)) {
    throw new UserError(`--action: "${value}" is not a uses: value`, {
      hint: 'Write OWNER/REPO@REF (labwarden/labwarden@v0.1.0), https://HOST/OWNER/REPO@REF for Forgejo, or ./ for an action in the repo itself.',
    });
  }
  return value;
}

export function parseNodes(value: string): string[] {
  const nodes = [
    ...new Set(
      value
        .split(',')
        .map((node) => node.trim())
        .filter((node) => node !== ''),
    ),
  ];
  const bad = nodes.filter((node) => !isName(node));
  if (nodes.length === 0 || bad.length > 0) {
    throw new UserError(
      `--nodes: ${bad.length > 0 ? `invalid node name${bad.length === 1 ? '' : 's'} ${bad.map((node) => `"${node}"`).join(', ')}` : 'no node given'}`,
      {
        hint: 'Node names are lowercase letters, digits and inner dashes, at most 63 characters: --nodes nas,pi,media',
      },
    );
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
export async function initRepo(options: {
  dir: string;
  nodes: readonly string[];
  force: boolean;
  action?: string;
  every?: number;
}): Promise<InitResult> {
  const info = await stat(options.dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UserError(`${options.dir} exists and is not a directory`);
  const version = await packageVersion();
  const every = options.every ?? DEFAULT_EVERY;
  const workflows = renderWorkflows({ action: options.action ?? defaultActionRef(version), every, version });
  const files = scaffoldFiles({ nodes: options.nodes, workflows, every });
  const existing: string[] = [];
  for (const relative of files.keys()) {
    if (await stat(path.join(options.dir, relative)).catch(() => undefined)) existing.push(relative);
  }
  if (existing.length > 0 && !options.force) {
    throw new UserError(
      `${existing.length} file${existing.length === 1 ? '' : 's'} already exist${existing.length === 1 ? 's' : ''} in ${options.dir}:\n${existing.map((file) => `  ${file}`).join('\n')}`,
      {
        hint: 'Nothing was written. Choose an empty folder, or pass --force to overwrite these files.',
      },
    );
  }
  const result: InitResult = { written: [], unchanged: [] };
  for (const [relative, content] of files) {
    ((await writeIfChanged(options.dir, relative, content)) ? result.written : result.unchanged).push(relative);
  }
  return result;
}
