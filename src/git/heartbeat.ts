import { Git } from './client.js';
import { classifyRemoteError, GitFailure } from './errors.js';

export const HEARTBEAT_PREFIX = 'labwarden/heartbeat/';

export interface BranchHeartbeat {
  node: string;
  seen_at: string;
}

/** The one file of a heartbeat branch: `<name>.json`, as the observer writes it (src/observer/heartbeat.ts). */
export const heartbeatFile = (name: string) => `${name}.json`;

/**
 * Force-pushes `labwarden/heartbeat/<name>` as a single orphan commit holding {node, seen_at}:
 * liveness without history, and no writer shares a ref with another. Dated `seenAt`, so the
 * same beat is the same commit.
 */
export async function pushHeartbeat(repo: string, options: { name: string; seenAt: string; remote?: string }): Promise<string> {
  const git = new Git(repo);
  const remote = options.remote ?? 'origin';
  const body = `${JSON.stringify({ node: options.name, seen_at: options.seenAt } satisfies BranchHeartbeat)}\n`;
  const blob = (await git.exec(['hash-object', '-w', '--stdin'], { input: body })).trim();
  const tree = (await git.exec(['mktree'], { input: `100644 blob ${blob}\t${heartbeatFile(options.name)}\n` })).trim();
  const date = `${options.seenAt.replace(/Z$/, '')} +0000`;
  const env = {
    GIT_AUTHOR_NAME: 'labwarden',
    GIT_AUTHOR_EMAIL: 'labwarden@users.noreply.localhost',
    GIT_COMMITTER_NAME: 'labwarden',
    GIT_COMMITTER_EMAIL: 'labwarden@users.noreply.localhost',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const commit = (await git.exec(['commit-tree', tree, '-m', `heartbeat ${options.name} ${options.seenAt}`], { env })).trim();
  const ref = `refs/heads/${HEARTBEAT_PREFIX}${options.name}`;
  // Two reconcilers beating at the same moment (Gitea ignores `concurrency`) race on the ref
  // lock; the loser simply tries again.
  for (let attempt = 1; ; attempt++) {
    const pushed = await git.attempt(['push', '--porcelain', '--force', remote, `${commit}:${ref}`]);
    if (pushed.ok) return commit;
    const outcome = classifyRemoteError(pushed.stderr);
    if (outcome !== 'rejected' || attempt >= 5) {
      const code = outcome === 'auth_failed' ? 'auth_failed' : outcome === 'rejected' ? 'push_rejected' : 'remote_unreachable';
      throw new GitFailure(code, `heartbeat push of ${ref} to ${remote} failed`, pushed.stderr);
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 100 * attempt));
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
