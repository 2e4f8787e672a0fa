import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN_FILE, foldAdminEvents, formatAdminLine, GENESIS, hashLine } from '../model/admin-chain.js';
import { AdminEvent, formatTime, parseTime } from '../model/index.js';
import type { Git } from './client.js';
import { GitFailure } from './errors.js';
import { isUnder } from './paths.js';

/**
 * How each file labwarden writes comes back together with the remote's after a rejected push.
 * The rule is per file, not per command: whichever command pushes, every local commit it finds
 * unpushed is carried over the same way.
 */
export const PATH_CLASSES = {
  /** Hash-chained: the remote's chain, then every local event it lacks, re-chained on its tail. */
  chained: [ADMIN_FILE],
  /** Append-only JSON Lines with unique lines: the remote's lines, then the local lines it lacks. */
  appendOnly: ['chronicle/notifications.jsonl', 'chronicle/diagnostics.jsonl', 'chronicle/remediations.jsonl'],
  /** Derived by reconcile from the rest: the remote's version; reconcile regenerates them. */
  derived: ['status/', 'chronicle/incidents.jsonl', 'chronicle/transitions.jsonl'],
  /** One snapshot per node: the local one (the newer observation) wins a conflict. */
  snapshots: ['world/nodes/'],
} as const;

const inClass = (file: string, paths: readonly string[]) => paths.some((owned) => isUnder(file, owned));
export const isDerived = (file: string) => inClass(file, PATH_CLASSES.derived);
export const isChained = (file: string) => inClass(file, PATH_CLASSES.chained);
export const isAppendOnly = (file: string) => inClass(file, PATH_CLASSES.appendOnly);
export const isSnapshot = (file: string) => inClass(file, PATH_CLASSES.snapshots);

/**
 * A file at a revision ('' when the revision lacks it). Any other failure is thrown: read as
 * empty, a chain would lose its local events or the remote's whole chain.
 */
export async function showFile(git: Git, rev: string | undefined, file: string): Promise<string> {
  if (!rev) return '';
  const shown = await git.attempt(['show', `${rev}:${file}`]);
  if (shown.ok) return shown.out;
  if (/does not exist in|exists on disk, but not in/.test(shown.stderr)) return '';
  throw new GitFailure('git_failed', `cannot read ${file} at ${rev.slice(0, 12)}`, shown.stderr);
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/** Identity of an admin event whatever its place in the chain. */
function eventKey(event: AdminEvent): string {
  const { seq: _seq, prev: _prev, ...rest } = event;
  return formatAdminLine({ ...rest, seq: 0, prev: GENESIS } as AdminEvent);
}

/**
 * The events appended locally since `base`: the lines after the base's (append-only, so the
 * base is a prefix); if history was rewritten, the events whose identity the base lacks.
 * Lines that are not events (a torn write) were never acknowledged and are left out.
 */
export function localEvents(baseText: string, localText: string): AdminEvent[] {
  const base = lines(baseText);
  const local = lines(localText);
  const prefix = base.every((line, index) => local[index] === line);
  const known = new Set(
    base
      .map((line) => AdminEvent.safeParse(safeJson(line)))
      .filter((p) => p.success)
      .map((p) => eventKey(p.data)),
  );
  const added = prefix ? local.slice(base.length) : local;
  return added.flatMap((line) => {
    const parsed = AdminEvent.safeParse(safeJson(line));
    return parsed.success && (prefix || !known.has(eventKey(parsed.data))) ? [parsed.data] : [];
  });
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * The remote's chain with `pending` appended: fresh seq and prev, and `at` never before the
 * tail's (a re-appended event must not go back in time). Events the remote already holds
 * (same identity and time) are not appended twice.
 */
export function rechain(remoteText: string, pending: readonly AdminEvent[]): { text: string; appended: AdminEvent[] } {
  const chain = foldAdminEvents(remoteText);
  if (chain.break) {
    throw new GitFailure(
      'diverged',
      `the remote's ${ADMIN_FILE} is broken at line ${chain.break.line} (${chain.break.reason}): local events cannot be chained onto it`,
    );
  }
  const present = new Set(chain.events.map(eventKey));
  let text = remoteText === '' || remoteText.endsWith('\n') ? remoteText : `${remoteText}\n`;
  let prev = chain.head;
  let seq = chain.events.length;
  let tail = chain.events.at(-1)?.at;
  const appended: AdminEvent[] = [];
  for (const event of pending) {
    if (present.has(eventKey(event))) continue;
    const at = tail !== undefined && parseTime(tail) > parseTime(event.at) ? formatTime(parseTime(tail)) : event.at;
    const next: AdminEvent = { ...event, seq: ++seq, at, prev };
    const line = formatAdminLine(next);
    text += `${line}\n`;
    prev = hashLine(line);
    tail = at;
    appended.push(next);
  }
  return { text, appended };
}

/** The remote's lines, then the local-only lines (those not in `baseText`) it lacks. */
export function unionLines(remoteText: string, baseText: string, localText: string): string {
  const have = new Set(lines(remoteText));
  const base = new Set(lines(baseText));
  let text = remoteText === '' || remoteText.endsWith('\n') ? remoteText : `${remoteText}\n`;
  for (const line of lines(localText)) {
    if (base.has(line) || have.has(line)) continue;
    have.add(line);
    text += `${line}\n`;
  }
  return text;
}

/** What the local commits carried, read before history is rewritten. */
export interface LocalChanges {
  base: string | undefined;
  chained: Map<string, AdminEvent[]>;
  appendOnly: Map<string, { base: string; local: string }>;
  /** Message and author of the local commits that appended events, oldest first. */
  chainCommits: { message: string; name: string; email: string }[];
}

export async function readLocalChanges(git: Git, before: string, tracking: string): Promise<LocalChanges> {
  const merged = await git.attempt(['merge-base', before, tracking]);
  const base = merged.ok ? merged.out.trim() || undefined : undefined;
  const changes: LocalChanges = { base, chained: new Map(), appendOnly: new Map(), chainCommits: [] };
  // One diff says which files the local commits touched: most moves carry no chain or lines.
  const touched = new Set(
    base
      ? (
          await git.run([
            'diff',
            '--name-only',
            '-z',
            base,
            before,
            '--',
            ...PATH_CLASSES.chained,
            ...PATH_CLASSES.appendOnly,
          ])
        )
          .split('\0')
          .filter(Boolean)
      : [...PATH_CLASSES.chained, ...PATH_CLASSES.appendOnly],
  );
  for (const file of PATH_CLASSES.chained.filter((f) => touched.has(f))) {
    const events = localEvents(await showFile(git, base, file), await showFile(git, before, file));
    if (events.length > 0) changes.chained.set(file, events);
  }
  for (const file of PATH_CLASSES.appendOnly.filter((f) => touched.has(f))) {
    changes.appendOnly.set(file, { base: await showFile(git, base, file), local: await showFile(git, before, file) });
  }
  if (changes.chained.size > 0) {
    const range = base ? `${base}..${before}` : before;
    const log = await git.run([
      'log',
      '--reverse',
      '--format=%an%x00%ae%x00%B%x00%x01',
      range,
      '--',
      ...PATH_CLASSES.chained,
    ]);
    for (const entry of log
      .split('\x01')
      .map((part) => part.replace(/^\n/, ''))
      .filter(Boolean)) {
      const [name = '', email = '', message = ''] = entry.split('\0');
      changes.chainCommits.push({ name, email, message: message.trim() });
    }
  }
  return changes;
}

/**
 * After the rebase: every labwarden file is set to what the rules say, computed from the
 * remote's version and the local changes (never from a textual merge). Returns the files it
 * rewrote and the admin events it re-appended.
 */
export async function settleFiles(
  git: Git,
  tracking: string,
  local: LocalChanges,
): Promise<{ chained: string[]; appendOnly: string[]; derived: string[]; appended: AdminEvent[] }> {
  const result = {
    chained: [] as string[],
    appendOnly: [] as string[],
    derived: [] as string[],
    appended: [] as AdminEvent[],
  };
  const write = async (file: string, text: string) => {
    const full = path.join(git.dir, file);
    const current = existsSync(full) ? await readFile(full, 'utf8') : undefined;
    if (current === text) return false;
    await writeFile(full, text);
    return true;
  };
  for (const [file, events] of local.chained) {
    const { text, appended } = rechain(await showFile(git, tracking, file), events);
    result.appended.push(...appended);
    if (await write(file, text)) result.chained.push(file);
  }
  for (const [file, texts] of local.appendOnly) {
    const remote = await showFile(git, tracking, file);
    if (remote === '' && texts.local === '') continue;
    if (await write(file, unionLines(remote, texts.base, texts.local))) result.appendOnly.push(file);
  }
  // Derived files as on the remote: a merge of two reconciles' outputs is neither's truth.
  const differing = (await git.run(['diff', '--name-only', '-z', tracking, 'HEAD', '--', ...PATH_CLASSES.derived]))
    .split('\0')
    .filter(Boolean);
  for (const file of differing) {
    const restored = await git.attempt(['checkout', tracking, '--', file]);
    if (!restored.ok) await git.run(['rm', '-q', '--force', '--', file]);
    result.derived.push(file);
  }
  return result;
}

/** The commit message for re-appended events: the original one when there was one commit. */
export function chainMessage(
  local: LocalChanges,
  appended: readonly AdminEvent[],
): { message: string; author?: { name: string; email: string } } {
  const commits = local.chainCommits;
  if (commits.length === 1)
    return { message: commits[0]!.message, author: { name: commits[0]!.name, email: commits[0]!.email } };
  const subjects = commits.map((commit) => `- ${commit.message.split('\n')[0]}`);
  const shown = subjects.slice(0, 20);
  if (subjects.length > 20) shown.push(`- and ${subjects.length - 20} more`);
  return {
    message: `admin: ${appended.length} event${appended.length === 1 ? '' : 's'} re-appended on the remote's tail${shown.length ? `\n\n${shown.join('\n')}` : ''}`,
  };
}
