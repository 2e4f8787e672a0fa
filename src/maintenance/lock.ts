import { withFileLock } from '../fs/lock.js';

const WAIT_MS = 30_000;

/**
 * Runs `work` holding an exclusive lock file, so the CLI and the bot on one machine never append
 * the same seq twice. The owner (pid + start time) is in the file from its first byte; a lock
 * is stale only when that process is gone, and a timeout names the holder (exit 1: a later
 * command simply retries).
 */
export function withLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  return withFileLock(
    file,
    {
      command: `labwarden ${process.argv.slice(2).join(' ')}`.trim(),
      waitMs: WAIT_MS,
      hint: 'Another admin append is running; run the command again once it is done.',
    },
    work,
  );
}
