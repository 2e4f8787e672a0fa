import { parseTime, type Deployment, type Policy } from '../model/index.js';

/** One attempt at a remedy (a deployment, a remediation), at a time in ms. */
export interface BackoffAttempt {
  at: number;
  result: 'success' | 'failed' | 'in_progress';
}

export type BackoffPolicy = Pick<Policy, 'backoff_initial' | 'backoff_max' | 'backoff_reset_after'>;

/**
 * Crash-loop backoff, as operators know it from Kubernetes: after a failed attempt wait
 * `backoff_initial`, doubling per further failure up to `backoff_max`; a success that held for
 * `backoff_reset_after` before the next attempt starts over. Shared by redeploys and the
 * remediation executor, so both back off alike.
 */
export function attemptBackoff(
  attempts: readonly BackoffAttempt[],
  policy: BackoffPolicy,
): { failures: number; notBefore: number } | undefined {
  const history = attempts.map((attempt, index) => ({ attempt, index })).sort((a, b) => a.attempt.at - b.attempt.at || a.index - b.index);
  const latest = history.at(-1);
  if (latest?.attempt.result !== 'failed') return undefined;
  let failures = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!.attempt;
    if (entry.result === 'failed') failures++;
    else if (entry.result === 'in_progress') break;
    else if (history[i + 1]!.attempt.at - entry.at >= policy.backoff_reset_after) break;
  }
  const delay = Math.min(policy.backoff_initial * 2 ** (failures - 1), policy.backoff_max);
  return { failures, notBefore: latest.attempt.at + delay };
}

/** The redeploy backoff of one service's deployments. */
export function redeployBackoff(
  deployments: readonly Deployment[],
  policy: BackoffPolicy,
): { failures: number; notBefore: number } | undefined {
  return attemptBackoff(
    deployments.map((deployment) => ({ at: parseTime(deployment.at), result: deployment.result })),
    policy,
  );
}
