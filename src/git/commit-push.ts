import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Git, parseCount } from './client.js';
import { classifyRemoteError, GitFailure, remoteProblem } from './errors.js';
import { INTEGRATE_REF, preflight, resolveUpstream, UPSTREAM_CONFIG, type Upstream } from './preflight.js';
import {
  chainMessage,
  isAppendOnly,
  isChained,
  isDerived,
  isSnapshot,
  readLocalChanges,
  settleFiles,
} from './converge.js';
import type { AdminEvent } from '../model/index.js';
import { formatDuration } from '../model/time.js';

import { commitOwned, DEFAULT_AUTHOR, type Author } from './commit.js';

export { commitOwned, DEFAULT_AUTHOR, type Author };

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
   * The caller ran preflight itself moments ago, holding the repo lock since (a pull just before:
   * its `context`), and knows the only paths it changed since: preflight, config and status are
   * not asked again. Anything else must leave this unset.
   */
  preflighted?: { branch: string; config: Map<string, string>; owned: string[] };
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
  /** Admin events re-chained on the remote's tail by the last move onto the remote (seq and `at` as pushed). */
  reappended?: AdminEvent[];
}

/**
 * The log text of a commitAndPush outcome, one wording for every writer:
 * `committed abc1234 "subject"; pushed (1 attempt)`, or `unchanged` when nothing was committed.
 */
export function describeCommitAndPush(
  outcome: CommitAndPushResult,
  options: { push: boolean; unchanged: string },
): string {
  const committed = outcome.commit
    ? `committed ${outcome.commit.slice(0, 7)} "${outcome.message.split('\n')[0]}"`
    : options.unchanged;
  const pushed = !options.push
    ? ''
    : outcome.attempts === 0
      ? '; nothing to push'
      : `; pushed (${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'})`;
  const moved = outcome.reappended?.length ? `; ${describeReappended(outcome.reappended)}` : '';
  return `${committed}${pushed}${moved}`;
}

/** `2 admin events re-appended on the remote's tail as seq 7-8`. */
export function describeReappended(events: readonly AdminEvent[]): string {
  const seqs = events.length === 1 ? `seq ${events[0]!.seq}` : `seq ${events[0]!.seq}-${events.at(-1)!.seq}`;
  return `${events.length} admin event${events.length === 1 ? '' : 's'} re-appended on the remote's tail as ${seqs}`;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Commits the files a writer owns and, with `push`, pushes: on rejection it fetches, moves onto
 * the remote (rebase; derived files regenerated; hash chains re-appended) and retries, bounded
 * and jittered so that many writers racing on one remote spread out instead of colliding again.
 * Nothing changed → no commit and, when nothing is waiting to be pushed, no network at all.
 */
export async function commitAndPush(repo: string, options: CommitAndPushOptions): Promise<CommitAndPushResult> {
  const git = new Git(repo);
  const checked = options.preflighted ?? (await preflight(git, options.files));
  const config = options.preflighted?.config ?? (await git.configMatching(UPSTREAM_CONFIG));
  const author = options.actor ?? (config.has('user.email') ? undefined : (options.author ?? DEFAULT_AUTHOR));
  let message = options.message;
  let commit = await commitOwned(git, options.files, message, author, checked.owned);
  let reappended: AdminEvent[] | undefined;
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
    if (pushed.ok)
      return { commit, message, pushed: true, attempts: attempt, remote, ...(reappended ? { reappended } : {}) };
    const outcome = classifyRemoteError(pushed.stderr);
    const kept = commit ? ` Commit ${commit.slice(0, 7)} is kept locally.` : '';
    if (outcome === 'auth_failed')
      throw new GitFailure(
        'auth_failed',
        `push to ${upstream.remote} was refused: authentication failed.${kept}`,
        pushed.stderr,
      );
    if (outcome === 'timeout')
      throw new GitFailure(
        'remote_timeout',
        `push to ${upstream.remote} got no answer within ${formatDuration(git.timeoutMs)}.${kept}`,
        pushed.stderr,
      );
    if (outcome === 'remote_unreachable')
      throw new GitFailure('remote_unreachable', `cannot reach remote ${upstream.remote}.${kept}`, pushed.stderr);
    if (outcome !== 'rejected')
      throw new GitFailure('git_failed', `push to ${upstream.remote} failed.${kept}`, pushed.stderr);
    if (attempt >= maxAttempts) {
      throw new GitFailure(
        'push_rejected',
        `push to ${upstream.remote} rejected ${attempt} times: the remote kept moving.${kept}`,
        pushed.stderr,
      );
    }
    await sleep(Math.round(Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1)) * (0.5 + random())));
    const redone = await integrate(git, upstream, { ...options, author }, commit);
    commit = redone.commit;
    message = redone.message ?? message;
    if (redone.appended.length > 0) reappended = redone.appended;
    if (!(await hasUnpushed(git, upstream)))
      return { commit, message, pushed: true, attempts: attempt, remote, ...(reappended ? { reappended } : {}) };
  }
}

async function hasUnpushed(git: Git, upstream: Upstream): Promise<boolean> {
  // No tracking ref yet (first push) fails the range: everything is unpushed.
  const range = `${upstream.tracking}..HEAD`;
  const counted = await git.attempt(['rev-list', '--count', range]);
  return !counted.ok || parseCount(counted.out, range) > 0;
}

/**
 * After a rejected push: fetch, and move every unpushed local commit onto the remote, whoever
 * made it (this writer, a killed run, an earlier --commit). The writer's own derived commit is
 * dropped and regenerated; the rest is rebased, then each labwarden file is set by its rule
 * (converge.ts): the chain re-appended on the remote's tail, append-only lines united, derived
 * files as on the remote. `refs/labwarden/integrate` holds the starting point until the end, so
 * a run killed half-way is put back by the next preflight; any failure puts the branch back.
 */
async function integrate(
  git: Git,
  upstream: Upstream,
  options: CommitAndPushOptions,
  commit: string | undefined,
): Promise<{ commit: string | undefined; message?: string; appended: AdminEvent[] }> {
  const fetched = await git.attempt([
    'fetch',
    '--verbose',
    upstream.remote,
    `+refs/heads/${upstream.branch}:${upstream.tracking}`,
  ]);
  if (!fetched.ok) {
    const outcome = classifyRemoteError(fetched.stderr);
    throw new GitFailure(
      remoteProblem(outcome === 'rejected' ? 'unknown' : outcome),
      `fetch from ${upstream.remote} failed`,
      fetched.stderr,
    );
  }
  const before = (await git.revParse('HEAD'))!;
  await git.run(['update-ref', INTEGRATE_REF, before]);
  try {
    const local = await readLocalChanges(git, before, upstream.tracking);
    if (options.regenerate && commit) await git.run(['reset', '--hard', `${commit}~1`]);
    await rebaseOnto(git, upstream.tracking);
    const settled = await settleFiles(git, upstream.tracking, local);
    await checkJsonLines(git, options.files);
    // The chain (and lines) carried over are committed with the messages they were made with.
    const chained = [...settled.chained, ...settled.appendOnly];
    let kept = commit && !options.regenerate ? await git.revParse('HEAD') : undefined;
    if (chained.length > 0) {
      const { message, author } =
        settled.chained.length > 0
          ? chainMessage(local, settled.appended)
          : { message: 'notify: lines carried over onto the remote', author: undefined };
      kept = (await commitOwned(git, chained, message, options.actor ?? author ?? options.author)) ?? kept;
    }
    let files = options.files;
    let message: string | undefined;
    if (options.regenerate) {
      const result = await options.regenerate();
      files = [...(Array.isArray(result) ? result : result.files), ...settled.derived];
      message = Array.isArray(result) ? undefined : result.message;
      kept = await commitOwned(git, files, message ?? options.message, options.author);
    } else if (settled.derived.length > 0) {
      await commitOwned(
        git,
        settled.derived,
        'reconcile: status/ and the chronicle as on the remote (the next reconcile regenerates them)',
        options.author,
      );
    }
    // The writer's commit may have gone (its change was on the remote already): say so, not a stranger's hash.
    if (kept && (await git.count(`${upstream.tracking}..HEAD`)) === 0) kept = undefined;
    await git.run(['update-ref', '-d', INTEGRATE_REF]);
    return { commit: kept, message, appended: settled.appended };
  } catch (error) {
    if (await git.rebaseInProgress()) await git.attempt(['rebase', '--abort']);
    await git.run(['reset', '--hard', before]);
    await git.attempt(['update-ref', '-d', INTEGRATE_REF]);
    throw error;
  }
}

/**
 * Rebases onto `onto`. A conflict in a labwarden file is settled by its rule (converge.ts sets
 * chained, append-only and derived files afterwards, so the remote's side is taken here; a node
 * snapshot keeps the local, newer observation); any other conflict is a person's edit against
 * another's, reported as divergence.
 */
async function rebaseOnto(git: Git, onto: string): Promise<void> {
  let result = await git.attempt(['rebase', onto]);
  for (let step = 0; !result.ok || (await git.rebaseInProgress()); step++) {
    const conflicts = await git.conflicted();
    const foreign = conflicts.filter(
      (file) => !isDerived(file) && !isChained(file) && !isAppendOnly(file) && !isSnapshot(file),
    );
    if (!(await git.rebaseInProgress()) || foreign.length > 0 || step > 10_000) {
      const stderr = result.ok ? '' : result.stderr;
      if (/would be overwritten|untracked working tree files/i.test(stderr)) {
        throw new GitFailure('dirty_tree', 'untracked files would be overwritten by the remote’s changes', stderr);
      }
      throw new GitFailure(
        'diverged',
        `the remote changed the same lines: ${foreign.join(', ') || 'see git output'}`,
        stderr,
      );
    }
    for (const file of conflicts) {
      // During a rebase "ours" is the branch being rebased onto (the remote), "theirs" the local commit.
      const taken = await git.attempt(['checkout', isSnapshot(file) ? '--theirs' : '--ours', '--', file]);
      await git.run(taken.ok ? ['add', '--', file] : ['rm', '--force', '--', file]);
    }
    result =
      (await git.stagedUnder(['.'])).length === 0
        ? await git.attempt(['rebase', '--skip'])
        : await git.attempt(['rebase', '--continue']);
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
