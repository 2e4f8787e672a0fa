import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { UserError, WriteError } from '../errors/problem.js';

/** Who holds a lock: written once, whole, before the lock file becomes visible. */
export interface LockOwner {
  pid: number;
  /** /proc/<pid>/stat field 22 (start time in clock ticks since boot): tells a reused pid apart. */
  start?: string;
  host: string;
  command: string;
  since: string;
}

export interface Lock {
  file: string;
  owner: LockOwner;
  /** Removes the lock if it is still ours; never throws. */
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** What the holder does, shown to whoever waits (e.g. `labwarden maintenance cordon media`). */
  command: string;
  /** How long to wait for a live holder; 0 refuses at once. */
  waitMs?: number;
  /** Exit code of the refusal (LockBusy): 2 for a usage mistake, 1 for contention a later run outlives. */
  exitCode?: number;
  /** What to tell the user besides the owner. */
  hint?: string;
  clock?: () => number;
  pid?: number;
}

/** A live process holds the lock (and kept it past the wait): one line naming it, with a hint. */
export class LockBusy extends UserError {
  constructor(
    readonly file: string,
    readonly owner: LockOwner | undefined,
    waitedMs: number,
    options: { exitCode?: number; hint?: string; now: number },
  ) {
    const since = owner?.since
      ? ` since ${owner.since}, ${Math.round((options.now - Date.parse(owner.since)) / 1000)}s ago`
      : '';
    const who = owner
      ? `pid ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ''} (${owner.command})${since}`
      : 'another process';
    const waited = waitedMs > 0 ? ` after waiting ${Math.round(waitedMs / 1000)}s` : '';
    const manual = owner
      ? owner.host !== hostname()
        ? `The holder runs on ${owner.host}: labwarden cannot check it from here; remove ${file} only if it is gone.`
        : `If pid ${owner.pid} is not labwarden (\`ps -p ${owner.pid}\`), remove ${file}.`
      : `Remove ${file} if no labwarden runs here.`;
    super(`${file} is held by ${who}${waited}`, {
      exitCode: options.exitCode ?? 1,
      hint: `${options.hint ? `${options.hint} ` : ''}${manual}`,
    });
    this.name = 'LockBusy';
  }
}

/** The start time of `pid` as the kernel records it (Linux), or undefined where there is no /proc. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the owner still runs: its pid exists and, where the kernel says, started when the lock says. */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot tell: never steal
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(owner.pid);
  return owner.start === undefined || start === undefined || start === owner.start;
}

function parseOwner(text: string): LockOwner | undefined {
  // Older labwarden runners wrote the bare pid.
  if (/^\d+\n?$/.test(text) && Number(text) > 0)
    return { pid: Number(text), host: hostname(), command: 'labwarden (an older version)', since: '' };
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    return Number.isInteger(value.pid) && value.pid! > 0 && typeof value.host === 'string'
      ? (value as LockOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Locks written by older labwarden versions (empty, or a bare pid) get this long to be completed. */
const LEGACY_GRACE_MS = 2_000;

/**
 * An exclusive lock file that is never visible without its owner: the content (pid, process
 * start time, host, command, since) is written to a private temp file and hard-linked into
 * place, and link() fails when the name exists. A lock is stale only when its owner is dead
 * or its pid now belongs to a process started at another time; a stale lock is removed under a
 * second guard file after checking it is still the same bytes, so two waiters cannot both
 * remove a lock and one of them a fresh one. A live lock is never taken.
 */
export async function acquireLock(file: string, options: AcquireOptions): Promise<Lock> {
  const clock = options.clock ?? Date.now;
  const pid = options.pid ?? process.pid;
  const started = clock();
  const owner: LockOwner = {
    pid,
    ...optional('start', processStart(pid)),
    host: hostname(),
    command: options.command.slice(0, 300),
    since: new Date(started).toISOString(),
  };
  const text = `${JSON.stringify(owner)}\n`;
  await mkdir(path.dirname(file), { recursive: true });
  for (let round = 0; ; round++) {
    if (await place(file, text)) {
      if (round > 0 || Math.random() < 0.05) await removeDeadTemps(file);
      return { file, owner, release: () => removeIfSame(file, text) };
    }
    const seen = await readFile(file, 'utf8').catch(() => undefined);
    if (seen === undefined) continue; // released meanwhile
    const holder = parseOwner(seen);
    if (holder ? !ownerAlive(holder) : await olderThan(file, LEGACY_GRACE_MS)) {
      await removeStale(file, seen, text);
      continue;
    }
    const waited = clock() - started;
    if (waited >= (options.waitMs ?? 0))
      throw new LockBusy(file, holder, waited, { exitCode: options.exitCode, hint: options.hint, now: clock() });
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
  }
}

/** Runs `work` holding the lock. */
export async function withFileLock<T>(file: string, options: AcquireOptions, work: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Creates `file` holding `text`, all at once; false when it exists. */
async function place(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw WriteError.from(file, error);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

async function removeIfSame(file: string, text: string): Promise<void> {
  const now = await readFile(file, 'utf8').catch(() => undefined);
  if (now === text) await unlink(file).catch(() => undefined);
}

/**
 * Removes the stale lock whose bytes were `seen`, under `<file>.steal`: between reading the
 * lock and removing it, another waiter may have removed it and placed a live one. Whoever holds
 * the guard re-reads first, so only the same stale bytes are ever removed. A guard left by a
 * killed process is itself stale once its owner is dead.
 */
async function removeStale(file: string, seen: string, text: string): Promise<void> {
  const guard = `${file}.steal`;
  if (!(await place(guard, text))) {
    const holder = parseOwner((await readFile(guard, 'utf8').catch(() => '')) || '');
    if ((holder && !ownerAlive(holder)) || (!holder && (await olderThan(guard, LEGACY_GRACE_MS))))
      await unlink(guard).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    return;
  }
  try {
    if ((await readFile(file, 'utf8').catch(() => undefined)) === seen) await unlink(file).catch(() => undefined);
  } finally {
    await removeIfSame(guard, text);
  }
}

/** Temp files (`<lock>.<pid>.<hex>.tmp`) of processes killed between writing and linking. */
async function removeDeadTemps(file: string): Promise<void> {
  const base = path.basename(file);
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    const match = name.startsWith(`${base}.`) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(base.length + 1)) : null;
    if (!match) continue;
    const pid = Number(match[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) await unlink(path.join(path.dirname(file), name)).catch(() => undefined);
  }
}
