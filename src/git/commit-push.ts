import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Git } from './client.js';
import { classifyRemoteError, GitFailure } from './errors.js';
import { isUnder } from './paths.js';
import { preflight, resolveUpstream, UPSTREAM_CONFIG, type Upstream } from './preflight.js';

export interface Author {
  name: string;
  email: string;
}

/** What a writer's redo produces: the files it rewrote and, if it changed, a new message. */
export interface Redo {
  files: string[];
  message?: string;
}

export interface CommitAndPushOptions {
  /** Paths (files or folders) this writer owns; nothing else is ever staged or committed. */
  files: string[];
  message: string;
  /** Used only when git has no user.email configured (a fresh CI checkout). */
  author?: Author;
  /** Commit as this author whatever git's config says (the bot commits as the Discord user who asked). */
  actor?: Author;
  push: boolean;
  /**
   * For derived files (status/): after a rejected push the writer's own commit is dropped, the
   * branch moves onto the remote, and this re-runs the writer on the merged inputs.
   */
  regenerate?: () => Promise<string[] | Redo>;
  /**
   * For hash-chained files (chronicle/admin.jsonl): after a rejected push the writer's own commit
   * is dropped (reset to the remote head) and this re-appends the pending events on its tail.
   */
  reapply?: () => Promise<void>;
  /** Push attempts before giving up (each after fetch + rebase). */
  maxAttempts?: number;
  /** Backoff before attempt n: random in [0.5, 1.5) × min(maxMs, baseMs × 2^(n-2)). */
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CommitAndPushResult {
  /** The writer's commit as finally pushed (or kept locally), undefined when nothing changed. */
  commit: string | undefined;
  message: string;
  /** Whether the remote now has every local commit of this branch. */
  pushed: boolean;
  /** Push attempts made (0 when there was nothing to push). */
  attempts: number;
  /** The remote pushed to (with `push`). */
  remote?: string;
}

/**
 * The log text of a commitAndPush outcome, one wording for every writer:
 * `committed abc1234 "subject"; pushed (1 attempt)`, or `unchanged` when nothing was committed.
 */
export function describeCommitAndPush(outcome: CommitAndPushResult, options: { push: boolean; unchanged: string }): string {
  const committed = outcome.commit ? `committed ${outcome.commit.slice(0, 7)} "${outcome.message.split('\n')[0]}"` : options.unchanged;
  const pushed = !options.push ? '' : outcome.attempts === 0 ? '; nothing to push' : `; pushed (${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'})`;
  return `${committed}${pushed}`;
}

export const DEFAULT_AUTHOR: Author = { name: 'labwarden', email: 'labwarden@users.noreply.localhost' };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Commits the files a writer owns and, with `push`, pushes: on rejection it fetches, moves onto
 * the remote (rebase; derived files regenerated; hash chains re-appended) and retries, bounded
 * and jittered so that many writers racing on one remote spread out instead of colliding again.
 * Nothing changed → no commit and, when nothing is waiting to be pushed, no network at all.
 */
export async function commitAndPush(repo: string, options: CommitAndPushOptions): Promise<CommitAndPushResult> {
  const git = new Git(repo);
  const checked = await preflight(git, options.files);
  const config = await git.configMatching(UPSTREAM_CONFIG);
  const author = options.actor ?? (config.has('user.email') ? undefined : (options.author ?? DEFAULT_AUTHOR));
  let message = options.message;
  let commit = await commitOwned(git, options.files, message, author, checked.owned);
  if (!options.push) return { commit, message, pushed: false, attempts: 0 };

  const upstream = await resolveUpstream(git, checked.branch, config);
  const remote = upstream.remote;
  if (!commit && !(await hasUnpushed(git, upstream))) return { commit, message, pushed: true, attempts: 0, remote };

  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoff ?? { baseMs: 150, maxMs: 4000 };
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 1; ; attempt++) {
    const pushed = await git.attempt(['push', '--porcelain', upstream.remote, `HEAD:refs/heads/${upstream.branch}`]);
    if (pushed.ok) return { commit, message, pushed: true, attempts: attempt, remote };
    const outcome = classifyRemoteError(pushed.stderr);
    const kept = commit ? ` Commit ${commit.slice(0, 7)} is kept locally.` : '';
    if (outcome === 'auth_failed') throw new GitFailure('auth_failed', `push to ${upstream.remote} was refused: authentication failed.${kept}`, pushed.stderr);
    if (outcome === 'remote_unreachable') throw new GitFailure('remote_unreachable', `cannot reach remote ${upstream.remote}.${kept}`, pushed.stderr);
    if (outcome !== 'rejected') throw new GitFailure('git_failed', `push to ${upstream.remote} failed.${kept}`, pushed.stderr);
    if (attempt >= maxAttempts) {
      throw new GitFailure('push_rejected', `push to ${upstream.remote} rejected ${attempt} times: the remote kept moving.${kept}`, pushed.stderr);
    }
    await sleep(Math.round(Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1)) * (0.5 + random())));
    const redone = await integrate(git, upstream, { ...options, author }, commit);
    commit = redone.commit;
    message = redone.message ?? message;
    if (!(await hasUnpushed(git, upstream))) return { commit, message, pushed: true, attempts: attempt, remote };
  }
}

/**
 * Stages and commits exactly the owned paths; returns the new commit, or undefined if none
 * changed. `author` is set only when git has no identity configured; `changed` skips a status.
 */
export async function commitOwned(git: Git, files: string[], message: string, author?: Author, changed?: string[]): Promise<string | undefined> {
  // `git status` accepts paths that do not exist (yet); `git add` would fail on them.
  changed ??= await git.changedUnder(files);
  if (changed.length === 0) return undefined;
  await git.run(['add', '--verbose', '--all', '--', ...changed]);
  // Never simple-git's commit(): with nothing staged it returns an empty hash instead of failing.
  // Here git itself refuses an empty commit, and status said there are changes.
  const identity = author ? ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`] : [];
  await git.run([...identity, 'commit', '--no-verify', '--message', message, '--only', '--', ...changed]);
  return git.revParse('HEAD');
}

async function hasUnpushed(git: Git, upstream: Upstream): Promise<boolean> {
  // No tracking ref yet (first push) fails the range: everything is unpushed.
  const counted = await git.attempt(['rev-list', '--count', `${upstream.tracking}..HEAD`]);
  return !counted.ok || Number(counted.out.trim()) > 0;
}

/**
 * After a rejected push: fetch, drop the writer's own commit when it can be redone, rebase the
 * rest onto the remote, then redo. Any failure puts the branch back where it was.
 */
async function integrate(git: Git, upstream: Upstream, options: CommitAndPushOptions, commit: string | undefined): Promise<{ commit: string | undefined; message?: string }> {
  const fetched = await git.attempt(['fetch', '--verbose', upstream.remote, `+refs/heads/${upstream.branch}:${upstream.tracking}`]);
  if (!fetched.ok) {
    const outcome = classifyRemoteError(fetched.stderr);
    throw new GitFailure(outcome === 'auth_failed' ? 'auth_failed' : 'remote_unreachable', `fetch from ${upstream.remote} failed`, fetched.stderr);
  }
  const before = (await git.revParse('HEAD'))!;
  const redo = Boolean(options.regenerate || (options.reapply && commit));
  try {
    if (redo && commit) await git.run(['reset', '--hard', `${commit}~1`]);
    await rebaseOnto(git, upstream.tracking, options.regenerate ? options.files : []);
    await checkJsonLines(git, options.files);
    if (!redo) return { commit: commit && (await git.revParse('HEAD')) };
    let files = options.files;
    let message: string | undefined;
    if (options.regenerate) {
      const result = await options.regenerate();
      files = Array.isArray(result) ? result : result.files;
      message = Array.isArray(result) ? undefined : result.message;
    } else {
      await options.reapply!();
    }
    return { commit: await commitOwned(git, files, message ?? options.message, options.author), message };
  } catch (error) {
    if (await git.rebaseInProgress()) await git.attempt(['rebase', '--abort']);
    await git.run(['reset', '--hard', before]);
    throw error;
  }
}

/**
 * Rebases onto `onto`. Conflicts in derived paths are settled with the remote's version (the
 * writer regenerates them next); any other conflict is real divergence and is reported.
 */
async function rebaseOnto(git: Git, onto: string, derived: string[]): Promise<void> {
  let result = await git.attempt(['rebase', onto]);
  for (let step = 0; !result.ok || (await git.rebaseInProgress()); step++) {
    const conflicts = await git.conflicted();
    const foreign = conflicts.filter((file) => !derived.some((owned) => isUnder(file, owned)));
    if (!(await git.rebaseInProgress()) || foreign.length > 0 || step > 10_000) {
      const stderr = result.ok ? '' : result.stderr;
      if (/would be overwritten|untracked working tree files/i.test(stderr)) {
        throw new GitFailure('dirty_tree', 'untracked files would be overwritten by the remote’s changes', stderr);
      }
      throw new GitFailure('diverged', `the remote changed the same lines: ${foreign.join(', ') || 'see git output'}`, stderr);
    }
    for (const file of conflicts) {
      // During a rebase "ours" is the branch being rebased onto: the remote.
      const taken = await git.attempt(['checkout', '--ours', '--', file]);
      await git.run(taken.ok ? ['add', '--', file] : ['rm', '--force', '--', file]);
    }
    result = (await git.stagedUnder(['.'])).length === 0 ? await git.attempt(['rebase', '--skip']) : await git.attempt(['rebase', '--continue']);
  }
}

/**
 * Union merge keeps every line but can collapse or reorder them, and glues lines when a file
 * lacks its final newline: every JSON Lines file the writer owns is re-read after a rebase.
 */
async function checkJsonLines(git: Git, files: string[]): Promise<void> {
  for (const file of files.filter((f) => f.endsWith('.jsonl'))) {
    const full = path.join(git.dir, file);
    if (!existsSync(full)) continue;
    const lines = (await readFile(full, 'utf8')).split('\n');
    lines.forEach((line, index) => {
      if (line === '') return;
      try {
        JSON.parse(line);
      } catch {
        throw new GitFailure('diverged', `${file}:${index + 1}: not a JSON line after merging with the remote`);
      }
    });
  }
}
