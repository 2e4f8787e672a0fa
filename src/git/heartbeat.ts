import { Git } from './client.js';
import { GitFailure } from './errors.js';
import { pushFileBranch } from './file-branch.js';

import { HEARTBEAT_PREFIX, heartbeatFile, type BranchHeartbeat } from './heartbeat-names.js';

export { HEARTBEAT_PREFIX, heartbeatFile, type BranchHeartbeat } from './heartbeat-names.js';

/**
 * Force-pushes `labwarden/heartbeat/<name>` as a single orphan commit holding {node, seen_at}:
 * liveness without history, and no writer shares a ref with another. Dated `seenAt`, so the
 * same beat is the same commit.
 */
export async function pushHeartbeat(repo: string, options: { name: string; seenAt: string; remote?: string }): Promise<string> {
  const body = `${JSON.stringify({ node: options.name, seen_at: options.seenAt } satisfies BranchHeartbeat)}\n`;
  try {
    return await pushFileBranch(repo, {
      branch: `${HEARTBEAT_PREFIX}${options.name}`,
      file: heartbeatFile(options.name),
      body,
      date: options.seenAt,
      message: `heartbeat ${options.name} ${options.seenAt}`,
      remote: options.remote,
    });
  } catch (error) {
    if (error instanceof GitFailure) throw new GitFailure(error.code, `heartbeat ${error.message}`, error.detail);
    throw error;
  }
}

/** Fetches every heartbeat branch and reads them: name → seen_at. Broken ones are skipped. */
export async function fetchHeartbeats(repo: string, remote = 'origin'): Promise<Map<string, string>> {
  const git = new Git(repo);
  const tracking = `refs/remotes/${remote}/${HEARTBEAT_PREFIX}`;
  await git.run(['fetch', '--verbose', '--prune', remote, `+refs/heads/${HEARTBEAT_PREFIX}*:${tracking}*`]);
  const refs = (await git.run(['for-each-ref', '--format=%(refname)', tracking])).split('\n').filter(Boolean);
  const beats = new Map<string, string>();
  for (const ref of refs) {
    const name = ref.slice(tracking.length);
    const shown = await git.attempt(['show', `${ref}:${heartbeatFile(name)}`]);
    if (!shown.ok || !shown.out) continue;
    try {
      const beat = JSON.parse(shown.out) as BranchHeartbeat;
      if (typeof beat.seen_at === 'string' && beat.node === name) beats.set(beat.node, beat.seen_at);
    } catch {
      // A heartbeat only ever advances liveness: an unreadable one counts as absent.
    }
  }
  return beats;
}
