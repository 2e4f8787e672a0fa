import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WriteError } from '../errors/problem.js';
import { acquireLock, LockBusy, type Lock } from '../fs/lock.js';
import { GitFailure } from './errors.js';
import { readDuration } from '../model/duration.js';

/** One lock per checkout, for every command that writes it (see README.md). */
export const REPO_LOCK = '.labwarden/repo.lock';

/** A runner cycle with slow probes can hold the checkout for a while; a waiter gives up after this. */
export const DEFAULT_REPO_LOCK_WAIT_MS = 120_000;

/** `LABWARDEN_LOCK_WAIT` (e.g. `30s`), else the default. */
export function repoLockWaitMs(env: Record<string, string | undefined> = process.env): number {
  const value = env.LABWARDEN_LOCK_WAIT;
  return (value ? readDuration(value) : undefined) ?? DEFAULT_REPO_LOCK_WAIT_MS;
}

/**
 * Runs `work` holding the checkout's lock. The runner, the bot and every CLI command that
 * writes tracked files take it around their whole read-write-commit-push, so they take turns
 * instead of finding each other's half-written files (and refusing them as a dirty tree).
 * Waits up to `waitMs` for a live holder; a timeout exits 1 naming it (the next run retries).
 */
export async function withRepoLock<T>(
  repo: string,
  command: string,
  work: () => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  const file = path.join(repo, REPO_LOCK);
  let lock: Lock;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    // The lock must never show up as an untracked file, whatever the repo's .gitignore says.
    const ignore = path.join(path.dirname(file), '.gitignore');
    if (!existsSync(ignore)) await writeFile(ignore, '*\n').catch(() => undefined);
    lock = await acquireLock(file, {
      command,
      waitMs: options.waitMs ?? repoLockWaitMs(),
      hint: 'Another labwarden command is writing this checkout; run yours again when it is done (LABWARDEN_LOCK_WAIT waits longer).',
    });
  } catch (error) {
    if (error instanceof LockBusy) throw new GitFailure('locked', error.message, '', error.hint);
    // A read-only or full checkout has no other writer to wait for (none could write either);
    // the work reports its own write errors, and a run with nothing to write still succeeds.
    if (
      READ_ONLY.has((error as NodeJS.ErrnoException).code ?? '') ||
      (error instanceof WriteError && READ_ONLY.has(error.code))
    )
      return work();
    throw error;
  }
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);

/** The command line of this process, for the lock's owner record. */
export function currentCommand(): string {
  return `labwarden ${process.argv.slice(2).join(' ')}`.trim();
}
