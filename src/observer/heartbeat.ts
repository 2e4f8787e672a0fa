import { spawn } from 'node:child_process';
import path from 'node:path';
import { UserError } from '../errors/problem.js';
import { writeIfChanged } from '../fs/atomic.js';
import { gitTimeoutMs, timeoutText } from '../git/client.js';
import { classifyRemoteError, GitFailure } from '../git/errors.js';
import { Heartbeat, formatTime, isName, parseTime } from '../model/index.js';

export const HEARTBEAT_BRANCH_PREFIX = 'labwarden/heartbeat/';

export function heartbeatText(node: string, now: number): string {
  return `${JSON.stringify({ node, seen_at: formatTime(now) })}\n`;
}

/** Without a remote: `.labwarden/heartbeats/<node>.json`, which git ignores and reconcile reads. */
export async function writeLocalHeartbeat(repo: string, node: string, now: number): Promise<string> {
  const relative = `.labwarden/heartbeats/${node}.json`;
  await writeIfChanged(repo, relative, heartbeatText(node, now));
  return path.join(repo, relative);
}

/**
 * Force-pushes `labwarden/heartbeat/<node>` as a single parentless commit holding `<node>.json`.
 * Built with plumbing (hash-object, mktree, commit-tree), so the working tree, the index and
 * HEAD are never touched and no identity needs configuring; the branch never grows a history.
 */
export async function pushHeartbeat(repo: string, node: string, now: number, remote = 'origin'): Promise<string> {
  const seenAt = formatTime(now);
  const blob = (await git(repo, ['hash-object', '-w', '--stdin'], heartbeatText(node, now))).trim();
  const tree = (await git(repo, ['mktree'], `100644 blob ${blob}\t${node}.json\n`)).trim();
  const identity = { GIT_AUTHOR_NAME: 'labwarden', GIT_AUTHOR_EMAIL: 'labwarden@localhost', GIT_COMMITTER_NAME: 'labwarden', GIT_COMMITTER_EMAIL: 'labwarden@localhost', GIT_AUTHOR_DATE: seenAt, GIT_COMMITTER_DATE: seenAt };
  const commit = (await git(repo, ['commit-tree', tree, '-m', `heartbeat ${node} ${seenAt}`], undefined, identity)).trim();
  try {
    await git(repo, ['push', '--quiet', '--force', remote, `${commit}:refs/heads/${HEARTBEAT_BRANCH_PREFIX}${node}`]);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const outcome = classifyRemoteError(error.message);
    const what = `cannot push the heartbeat branch ${HEARTBEAT_BRANCH_PREFIX}${node} to ${remote}`;
    if (outcome === 'auth_failed') throw new GitFailure('auth_failed', `${what}: authentication failed`, error.message);
    throw new UserError(`${what}: ${gitReason(error.message)}`, {
      exitCode: 1,
      hint: outcome === 'remote_unreachable' ? `Check that ${remote} exists and is reachable (\`git ls-remote ${remote}\`); the next observe pushes the heartbeat again.` : 'See the git output above.',
    });
  }
  return commit;
}

/** A heartbeat is only worth something on a remote: without one, say how to add it or what to run instead. */
export async function requireRemote(repo: string, remote: string): Promise<void> {
  const inside = await git(repo, ['rev-parse', '--is-inside-work-tree']).catch(() => '');
  if (inside.trim() !== 'true') {
    throw new UserError(`--heartbeat: ${repo} is not a git clone`, { hint: 'Run it in a clone of your homelab repo, or drop --heartbeat: observe then writes .labwarden/heartbeats/<node>.json.' });
  }
  const url = await git(repo, ['config', '--get', `remote.${remote}.url`]).catch(() => '');
  if (url.trim() === '') {
    throw new UserError(`--heartbeat: this clone has no remote "${remote}" to push labwarden/heartbeat/<node> to`, {
      hint: `Add it (\`git remote add ${remote} URL\`), pick another with --remote NAME, or drop --heartbeat: observe then writes .labwarden/heartbeats/<node>.json.`,
    });
  }
}

/** git's own first complaint ("fatal: 'origin' does not appear to be a git repository"), without the prefix. */
function gitReason(text: string): string {
  const fatal = text.split('\n').find((line) => /^\s*(fatal|error):/.test(line.replace(/^.*?failed \(exit \d+\): /, '')));
  return (fatal ?? text.split('\n')[0]!).replace(/^.*?failed \(exit \d+\): /, '').replace(/^\s*(fatal|error):\s*/, '').trim();
}

/**
 * Fetches every `labwarden/heartbeat/*` branch from `remote` and returns node → seen_at (ms).
 * Broken or foreign heartbeats are skipped: they can only ever advance liveness.
 */
export async function readHeartbeatBranches(repo: string, remote = 'origin'): Promise<Map<string, number>> {
  const local = `refs/remotes/${remote}/${HEARTBEAT_BRANCH_PREFIX}`;
  await git(repo, ['fetch', '--quiet', '--no-tags', '--prune', remote, `+refs/heads/${HEARTBEAT_BRANCH_PREFIX}*:${local}*`]);
  const refs = (await git(repo, ['for-each-ref', '--format=%(refname)', local])).split('\n').filter(Boolean);
  const beats = new Map<string, number>();
  for (const ref of refs) {
    const node = ref.slice(local.length);
    if (!isName(node)) continue;
    try {
      const beat = Heartbeat.parse(JSON.parse(await git(repo, ['cat-file', 'blob', `${ref}:${node}.json`])));
      if (beat.node === node) beats.set(node, parseTime(beat.seen_at));
    } catch {
      // not a heartbeat we wrote; ignore
    }
  }
  return beats;
}

export class GitError extends Error {
  override name = 'GitError';
}

function git(cwd: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<string> {
  // Talking to the remote is bounded by LABWARDEN_GIT_TIMEOUT, as in the git layer (src/git/client.ts).
  const timeout = args[0] === 'push' || args[0] === 'fetch' ? gitTimeoutMs() : 0;
  return new Promise((resolve, reject) => {
    const stdio = [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] as const;
    const child = spawn('git', args, { cwd, env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' }, stdio: [...stdio], timeout });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new GitError(`git ${args[0]}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else if (timeout && signal) reject(new GitError(`git ${args.join(' ')} failed (exit ${code}): ${timeoutText(timeout)}`));
      else reject(new GitError(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`));
    });
    if (input !== undefined) child.stdin!.on('error', () => undefined).end(input);
  });
}
