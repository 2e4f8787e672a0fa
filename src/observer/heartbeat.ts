import path from 'node:path';
import { UserError } from '../errors/problem.js';
import { writeIfChanged } from '../fs/atomic.js';
import { Git } from '../git/client.js';
import { GitFailure } from '../git/errors.js';
import { gitReason, heartbeatFile, heartbeatText, HEARTBEAT_PREFIX, pushHeartbeat } from '../git/heartbeat.js';
import { formatTime } from '../model/index.js';

/** Without a remote: `.labwarden/heartbeats/<node>.json`, which git ignores and reconcile reads. */
export async function writeLocalHeartbeat(repo: string, node: string, now: number): Promise<string> {
  const relative = `.labwarden/heartbeats/${heartbeatFile(node)}`;
  await writeIfChanged(repo, relative, heartbeatText(node, formatTime(now)));
  return path.join(repo, relative);
}

/**
 * Force-pushes the node's heartbeat branch (src/git/heartbeat.ts). A remote that refuses it is
 * one line and the fix (UserError, exit 1); bad credentials stay a GitFailure (exit 2).
 */
export async function pushNodeHeartbeat(repo: string, node: string, now: number, remote = 'origin'): Promise<string> {
  try {
    return await pushHeartbeat(repo, { name: node, seenAt: formatTime(now), remote });
  } catch (error) {
    if (!(error instanceof GitFailure)) throw error;
    const what = `cannot push the heartbeat branch ${HEARTBEAT_PREFIX}${node} to ${remote}`;
    if (error.code === 'auth_failed')
      throw new GitFailure('auth_failed', `${what}: authentication failed`, error.detail);
    throw new UserError(`${what}: ${gitReason(error.detail)}`, {
      exitCode: 1,
      hint:
        error.code === 'remote_unreachable'
          ? `Check that ${remote} exists and is reachable (\`git ls-remote ${remote}\`); the next observe pushes the heartbeat again.`
          : 'See the git output above.',
    });
  }
}

/** A heartbeat is only worth something on a remote: without one, say how to add it or what to run instead. */
export async function requireRemote(repo: string, remote: string): Promise<void> {
  const git = new Git(repo);
  const inside = await git.attempt(['rev-parse', '--is-inside-work-tree']).catch(() => undefined);
  if (!inside?.ok || inside.out.trim() !== 'true') {
    throw new UserError(`--heartbeat: ${repo} is not a git clone`, {
      hint: 'Run it in a clone of your homelab repo, or drop --heartbeat: observe then writes .labwarden/heartbeats/<node>.json.',
    });
  }
  if (!(await git.config(`remote.${remote}.url`))?.trim()) {
    throw new UserError(`--heartbeat: this clone has no remote "${remote}" to push labwarden/heartbeat/<node> to`, {
      hint: `Add it (\`git remote add ${remote} URL\`), pick another with --remote NAME, or drop --heartbeat: observe then writes .labwarden/heartbeats/<node>.json.`,
    });
  }
}
