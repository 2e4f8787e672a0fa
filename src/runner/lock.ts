import { acquireLock as acquireFileLock, type Lock } from '../fs/lock.js';

export type { Lock };

/**
 * The single-instance lock of `labwarden run` on one clone: a second runner is a setup mistake
 * (two services, or cron beside systemd), so it is refused at once (exit 2) naming the first.
 * Built on src/fs/lock.ts: the owner is written before the file appears, a dead owner is stale.
 */
export function acquireLock(file: string, pid = process.pid): Promise<Lock> {
  return acquireFileLock(file, {
    command: `labwarden ${process.argv.slice(2).join(' ')}`.trim(),
    pid,
    waitMs: 0,
    exitCode: 2,
    hint: 'Only one runner per clone: stop the other one.',
  });
}
