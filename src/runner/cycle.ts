import { UserError, WriteError } from '../errors/problem.js';
import { GitFailure } from '../git/errors.js';
import { pullFastForward, type PullResult } from '../git/pull.js';
import { currentCommand, withRepoLock } from '../git/repo-lock.js';
import { formatTime, type NodeStatus } from '../model/index.js';
import { runNotify } from '../notify/run.js';
import type { Sink } from '../notify/sinks/sink.js';
import { runObserve, spawnRunner, type CommandRunner } from '../observer/index.js';
import type { RepoModel } from '../repo/index.js';
import { buildSite } from '../site/build.js';
import { describeStaleObservers, staleObservers } from '../watchdog/checks.js';
import { commitNotifications } from './notify-commit.js';
import { commitWorld, WORLD_DIR } from './observe-commit.js';
import { reconcileAndCommit, type ReconcileCommitOptions } from './reconcile-commit.js';

function describePull(pull: PullResult | undefined): string {
  if (!pull) return '';
  if (pull.kind === 'fast_forwarded') return `pulled ${pull.commits}; `;
  if (pull.kind === 'offline') return 'remote unreachable; ';
  if (pull.kind === 'diverged') return `ahead ${pull.ahead}/behind ${pull.behind}; `;
  return '';
}

export interface CycleOptions extends ReconcileCommitOptions {
  /** Opt-in: probe first (all nodes, or `node`) and commit the world files that changed. */
  observe?: { node?: string; runner?: CommandRunner };
  /** Opt-in: run NotifyGate and commit chronicle/notifications.jsonl. */
  notify?: { sink: Sink; maxAttempts?: number };
  /** Opt-in: build the status site into `out`. */
  site?: { out: string };
  /** How long to wait for the checkout's repo lock (default: repoLockWaitMs()). */
  lockWaitMs?: number;
}

export interface CycleReport {
  /** The one log line. */
  line: string;
  /** Node liveness as reconciled (for the watchdog's stale-observer checks). */
  nodes: Record<string, NodeStatus>;
  staleAfter: number;
  /** The repo as this cycle read it once (with reconcile's appends), for the site. */
  model: RepoModel;
}

/**
 * One runner cycle, in PRODUCT.md's order: (pull, observe, commit world), pull, reconcile,
 * commit, push, heartbeat, (notify, commit its log), (site). Returns the one log line; failures
 * throw (see describeCycleError), so a refused push is never silent.
 */
export async function runCycleReport(options: CycleOptions): Promise<CycleReport> {
  // Every write to the checkout (world, status, chronicle, commits, pushes) holds the repo lock, so
  // the bot and CLI commands sharing the checkout wait for the cycle instead of refusing its files.
  const report = await withRepoLock(options.repo, currentCommand(), () => writeCycle(options), {
    waitMs: options.lockWaitMs,
  });
  if (options.site) {
    await buildSite({ repo: options.repo, out: options.site.out, base: '/', model: report.model });
    report.line += `; site built`;
  }
  return report;
}

async function writeCycle(options: CycleOptions): Promise<CycleReport> {
  const parts: string[] = [];
  if (options.observe) {
    // Observe the latest inventory; the world files it writes are committed before reconcile
    // pulls again (which refuses uncommitted changes outside status/).
    if (options.push) await pullFastForward(options.repo, [WORLD_DIR]);
    const results = await runObserve({
      repo: options.repo,
      node: options.observe.node,
      now: options.now,
      runner: options.observe.runner ?? spawnRunner,
    });
    const world = await commitWorld(options.repo, results, { push: options.push, git: options.git });
    parts.push(`observed ${results.length} node${results.length === 1 ? '' : 's'}, ${world.line}`);
  }
  const { run, outcome, pull } = await reconcileAndCommit(options);
  const recs = `${run.result.summary}, ${run.result.recommendations.length} recommendations`;
  const commit = outcome.commit
    ? `committed ${outcome.commit.slice(0, 7)} "${outcome.message.split('\n')[0]}"`
    : 'no change';
  const pushed = !options.push
    ? ''
    : outcome.attempts === 0
      ? '; nothing to push'
      : `; pushed after ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`;
  const staleAfter = run.policy.stale_after;
  const stale = staleObservers(run.result.nodes, staleAfter, options.now);
  let line = `${formatTime(options.now)} ${parts.map((part) => `${part}; `).join('')}${describePull(pull)}${recs}; ${commit}${pushed}`;
  if (stale.length > 0) line += `; stale observers: ${describeStaleObservers(stale)}`;
  if (options.notify) {
    // The model reconcile read, with its appends: the repo is read and checked once per cycle.
    const notified = await runNotify({
      repo: options.repo,
      model: run.repoModel(),
      now: options.now,
      sink: options.notify.sink,
      maxAttempts: options.notify.maxAttempts,
    });
    const report = notified.report!;
    const committed = await commitNotifications(options.repo, report, { push: options.push, git: options.git });
    const shortened = report.reshaped?.length
      ? ` (${report.reshaped.length} only in a shortened form: ${report.reshaped[0]!.reason})`
      : '';
    line += `; notify (${options.notify.sink.name}): ${report.delivered.length} delivered${shortened}, ${report.deferred.length} pending, ${report.failed.length} refused, ${committed.line}`;
    // An undelivered alert fails the cycle, so the watchdog reports it.
    const undelivered = [...report.failed, ...report.deferred];
    if (undelivered.length > 0)
      throw new CycleFailure(
        `${line}`,
        `notify: ${undelivered.length} message${undelivered.length === 1 ? '' : 's'} not delivered: ${undelivered[0]!.reason}`,
      );
  }
  return { line, nodes: run.result.nodes, staleAfter, model: run.repoModel() };
}

/** runCycleReport's log line. */
export async function runCycle(options: CycleOptions): Promise<string> {
  return (await runCycleReport(options)).line;
}

/** A cycle whose main work was done but whose tail failed: the line so far, and why. */
export class CycleFailure extends Error {
  constructor(
    readonly line: string,
    message: string,
  ) {
    super(message);
    this.name = 'CycleFailure';
  }
}

/** The log line of a failed cycle: `<time> error <code>: <message>`. */
export function describeCycleError(error: unknown, now: number): string {
  if (error instanceof CycleFailure) return `${error.line}; error: ${error.message}`;
  // The machine refused a write (a full disk): say so and what to do, on the cycle's one line.
  const write =
    error instanceof WriteError
      ? error
      : WriteError.from(String((error as NodeJS.ErrnoException | undefined)?.path ?? 'a file'), error);
  if (write instanceof WriteError)
    return `${formatTime(now)} error write_failed: ${write.message}; hint: ${write.hint}`;
  const code = error instanceof GitFailure ? error.code : error instanceof UserError ? 'invalid_input' : 'internal';
  return `${formatTime(now)} error ${code}: ${error instanceof Error ? error.message : String(error)}`;
}
