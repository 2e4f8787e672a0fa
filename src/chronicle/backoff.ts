import { parseTime, type Deployment, type Policy } from '../model/index.js';

/**
 * Crash-loop backoff for redeploys, as operators know it from Kubernetes: after a failed
 * deployment wait `backoff_initial`, doubling per further failure up to `backoff_max`; a
 * success that held for `backoff_reset_after` before the next deployment starts over.
 */
export function redeployBackoff(deployments: readonly Deployment[], policy: Policy): { failures: number; notBefore: number } | undefined {
  const history = deployments
    .map((deployment, index) => ({ deployment, index, at: parseTime(deployment.at) }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const latest = history.at(-1);
  if (latest?.deployment.result !== 'failed') return undefined;
  let failures = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!;
    if (entry.deployment.result === 'failed') failures++;
    else if (entry.deployment.result === 'in_progress') break;
    else if (history[i + 1]!.at - entry.at >= policy.backoff_reset_after) break;
  }
  const delay = Math.min(policy.backoff_initial * 2 ** (failures - 1), policy.backoff_max);
  return { failures, notBefore: latest.at + delay };
}
