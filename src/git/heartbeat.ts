import { Heartbeat, isName, parseTime } from '../model/index.js';
import { Git } from './client.js';
import { classifyRemoteError, GitFailure } from './errors.js';
import { pushFileBranch } from './file-branch.js';

import { HEARTBEAT_PREFIX, heartbeatFile, heartbeatText } from './heartbeat-names.js';

export { HEARTBEAT_PREFIX, heartbeatFile, heartbeatText, type BranchHeartbeat } from './heartbeat-names.js';

/**
 * Force-pushes `labwarden/heartbeat/<name>` as a single orphan commit holding {node, seen_at}:
 * liveness without history, and no writer shares a ref with another. Dated `seenAt`, so the
 * same beat is the same commit. A refused push throws GitFailure (auth_failed,
 * remote_unreachable, push_rejected) with git's words in `detail`.
 */
export async function pushHeartbeat(
  repo: string,
  options: { name: string; seenAt: string; remote?: string },
): Promise<string> {
  try {
    return await pushFileBranch(repo, {
      branch: `${HEARTBEAT_PREFIX}${options.name}`,
      file: heartbeatFile(options.name),
      body: heartbeatText(options.name, options.seenAt),
      date: options.seenAt,
      message: `heartbeat ${options.name} ${options.seenAt}`,
      remote: options.remote,
    });
  } catch (error) {
    if (error instanceof GitFailure) throw new GitFailure(error.code, `heartbeat ${error.message}`, error.detail);
    throw error;
  }
}

/**
 * Fetches every node's heartbeat branch from `remote`: node → seen_at (ms). Broken or foreign
 * heartbeats are skipped: they can only ever advance liveness. A failed fetch throws
 * GitFailure (auth_failed or remote_unreachable) with git's first complaint in its message.
 */
export async function readHeartbeatBranches(repo: string, remote = 'origin'): Promise<Map<string, number>> {
  const git = new Git(repo);
  const tracking = `refs/remotes/${remote}/${HEARTBEAT_PREFIX}`;
  const fetched = await git.attempt([
    'fetch',
    '--verbose',
    '--no-tags',
    '--prune',
    remote,
    `+refs/heads/${HEARTBEAT_PREFIX}*:${tracking}*`,
  ]);
  if (!fetched.ok) {
    const code = classifyRemoteError(fetched.stderr) === 'auth_failed' ? 'auth_failed' : 'remote_unreachable';
    throw new GitFailure(code, gitReason(fetched.stderr), fetched.stderr);
  }
  const refs = (await git.run(['for-each-ref', '--format=%(refname)', tracking])).split('\n').filter(Boolean);
  const beats = new Map<string, number>();
  for (const ref of refs) {
    const node = ref.slice(tracking.length);
    // Node names only: the reconciler's own branch (`_reconciler`) is read by the watchdog.
    if (!isName(node)) continue;
    const shown = await git.attempt(['cat-file', 'blob', `${ref}:${heartbeatFile(node)}`]);
    if (!shown.ok) continue;
    try {
      const beat = Heartbeat.parse(JSON.parse(shown.out));
      if (beat.node === node) beats.set(node, parseTime(beat.seen_at));
    } catch {
      // not a heartbeat we wrote; ignore
    }
  }
  return beats;
}

/** git's own first complaint ("'origin' does not appear to be a git repository"), without its prefix. */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const complaint = lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? 'git failed';
  return complaint.replace(/^(fatal|error):\s*/, '');
}
