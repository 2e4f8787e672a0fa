import { readRepoFile } from '../fs/safe-path.js';
import { commitAndPush, type CommitAndPushOptions, type CommitAndPushResult } from '../git/commit-push.js';
import { Git } from '../git/client.js';
import { PATH_CLASSES } from '../git/converge.js';
import { pushHeartbeat } from '../git/heartbeat.js';
import { preflight } from '../git/preflight.js';
import { pullFastForward, type PullResult } from '../git/pull.js';
import { formatTime, REMEDIATIONS_FILE } from '../model/index.js';
import { diffRecommendations, reconcileCommitMessage, type RecommendationsView } from '../reconciler/diff.js';
import { runReconcile, STATUS_FILE, type ReconcileRun } from '../reconciler/run.js';
import { RECONCILER_HEARTBEAT, writeLocalReconcilerHeartbeat } from '../watchdog/reconciler-heartbeat.js';

/**
 * What a reconcile writes, and so the only paths its commits may contain: the derived files and
 * the conclusions of remediation attempts (append-only; regenerated from the same observations).
 */
export const RECONCILE_FILES: string[] = [...PATH_CLASSES.derived, REMEDIATIONS_FILE];
export { RECONCILER_HEARTBEAT };

export interface ReconcileCommitOptions {
  repo: string;
  now: number;
  push: boolean;
  /**
   * Remote whose heartbeat branches add liveness. Default with push: the one just pulled from
   * (unless it was unreachable: then the run reconciles offline on local heartbeats).
   */
  heartbeatRemote?: string;
  /** Passed through to commitAndPush (attempts, backoff; tests shorten them). */
  git?: Pick<CommitAndPushOptions, 'maxAttempts' | 'backoff' | 'random' | 'sleep' | 'author'>;
}

export interface ReconcileCommit {
  run: ReconcileRun;
  outcome: CommitAndPushResult;
  /** The heartbeat commit, when pushed. */
  heartbeat?: string;
  /** With push: what pulling the remote first did. */
  pull?: PullResult;
}

async function readStatus(repo: string): Promise<RecommendationsView | undefined> {
  const text = await readRepoFile(repo, STATUS_FILE);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as RecommendationsView);
  } catch {
    return undefined;
  }
}

/**
 * (pull →) reconcile → commit (only when status/ or the chronicle changed) → push → heartbeat. After a
 * rejected push status/ is regenerated from the merged inputs, never merged.
 */
export async function reconcileAndCommit(options: ReconcileCommitOptions): Promise<ReconcileCommit> {
  const { repo, now } = options;
  // Refuse a detached HEAD or a dirty tree before writing anything; with push, reconcile the
  // remote's latest inputs (a run with nothing to commit would otherwise never see them).
  const pull = options.push ? await pullFastForward(repo, RECONCILE_FILES, { derived: true }) : undefined;
  if (!pull) await preflight(new Git(repo), RECONCILE_FILES);
  const heartbeatRemote = options.heartbeatRemote ?? (pull && pull.kind !== 'offline' ? pull.remote : undefined);
  const reconcileWithMessage = async () => {
    const before = await readStatus(repo);
    const run = await runReconcile({ repo, now, heartbeatRemote });
    return { run, message: reconcileCommitMessage(diffRecommendations(before, run.result)) };
  };
  let { run, message } = await reconcileWithMessage();
  const outcome = await commitAndPush(repo, {
    files: RECONCILE_FILES,
    message,
    push: options.push,
    regenerate: async () => {
      ({ run, message } = await reconcileWithMessage());
      return { files: RECONCILE_FILES, message };
    },
    ...options.git,
  });
  // The time of the last successful reconcile is never committed: a git-ignored file locally,
  // the force-pushed heartbeat branch on the remote.
  await writeLocalReconcilerHeartbeat(repo, now);
  if (!options.push) return { run, outcome };
  const heartbeat = await pushHeartbeat(repo, {
    name: RECONCILER_HEARTBEAT,
    seenAt: formatTime(now),
    remote: outcome.remote,
  });
  return { run, outcome, heartbeat, pull };
}
