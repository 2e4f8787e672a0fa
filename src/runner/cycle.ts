import { UserError } from '../errors/problem.js';
import { GitFailure } from '../git/errors.js';
import type { PullResult } from '../git/pull.js';
import { formatTime } from '../model/index.js';
import { reconcileAndCommit, type ReconcileCommitOptions } from './reconcile-commit.js';

function describePull(pull: PullResult | undefined): string {
  if (!pull) return '';
  if (pull.kind === 'fast_forwarded') return `pulled ${pull.commits}; `;
  if (pull.kind === 'offline') return 'remote unreachable; ';
  if (pull.kind === 'diverged') return `ahead ${pull.ahead}/behind ${pull.behind}; `;
  return '';
}

/**
 * One runner cycle: pull (fast-forward), reconcile, commit, push, heartbeat. Returns the one log
 * line; failures throw (see describeCycleError), so a refused push is never silent.
 */
export async function runCycle(options: ReconcileCommitOptions): Promise<string> {
  const { run, outcome, pull } = await reconcileAndCommit(options);
  const recs = `${run.result.summary}, ${run.result.recommendations.length} recommendations`;
  const commit = outcome.commit ? `committed ${outcome.commit.slice(0, 7)} "${outcome.message.split('\n')[0]}"` : 'no change';
  const pushed = !options.push ? '' : outcome.attempts === 0 ? '; nothing to push' : `; pushed after ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`;
  return `${formatTime(options.now)} ${describePull(pull)}${recs}; ${commit}${pushed}`;
}

/** The log line of a failed cycle: `<time> error <code>: <message>`. */
export function describeCycleError(error: unknown, now: number): string {
  const code = error instanceof GitFailure ? error.code : error instanceof UserError ? 'invalid_input' : 'internal';
  return `${formatTime(now)} error ${code}: ${error instanceof Error ? error.message : String(error)}`;
}
