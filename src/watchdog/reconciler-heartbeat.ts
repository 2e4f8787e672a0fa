import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRepoFile } from '../fs/safe-path.js';
import { writeIfChanged } from '../fs/atomic.js';
import { HEARTBEAT_PREFIX, heartbeatFile } from '../git/heartbeat-names.js';
import { formatTime, parseTime } from '../model/duration.js';

/** The reconciler's own heartbeat: branch labwarden/heartbeat/_reconciler, or locally .labwarden/heartbeats/_reconciler.json. */
export const RECONCILER_HEARTBEAT = '_reconciler';
const LOCAL_FILE = `.labwarden/heartbeats/${heartbeatFile(RECONCILER_HEARTBEAT)}`;
const BRANCH = { branch: `${HEARTBEAT_PREFIX}${RECONCILER_HEARTBEAT}`, file: heartbeatFile(RECONCILER_HEARTBEAT) };

function seenAt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    const beat = JSON.parse(text) as { node?: unknown; seen_at?: unknown };
    if (beat.node !== RECONCILER_HEARTBEAT || typeof beat.seen_at !== 'string') return undefined;
    const at = parseTime(beat.seen_at);
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/** After a successful reconcile: the local heartbeat (git ignores it), what a remote-less runner has. */
export async function writeLocalReconcilerHeartbeat(repo: string, now: number): Promise<void> {
  await writeIfChanged(
    repo,
    LOCAL_FILE,
    `${JSON.stringify({ node: RECONCILER_HEARTBEAT, seen_at: formatTime(now) })}\n`,
  );
}

/**
 * When the last successful reconcile ran (ISO), the later of the local heartbeat and the branch:
 * fetched from `remote` when `fetch`, else as last fetched (no network). Undefined: never.
 * Throws GitFailure only when fetching was asked for and the remote cannot be reached.
 */
export async function readReconcilerHeartbeat(
  repo: string,
  options: { remote?: string; fetch?: boolean } = {},
): Promise<string | undefined> {
  const local = seenAt(await readRepoFile(repo, LOCAL_FILE).catch(() => undefined));
  let branch: number | undefined;
  if (existsSync(path.join(repo, '.git'))) {
    const remote = options.remote ?? 'origin';
    // Git loads only here: writing the local heartbeat is on reconcile's fast path.
    const { readFileBranch, readTrackedFile } = await import('../git/file-branch.js');
    branch = seenAt(
      options.fetch
        ? await readFileBranch(repo, { ...BRANCH, remote })
        : await readTrackedFile(repo, { ...BRANCH, remote }),
    );
  }
  const latest = Math.max(local ?? -Infinity, branch ?? -Infinity);
  return Number.isFinite(latest) ? formatTime(latest) : undefined;
}
