import type { Recommendation, Summary } from './recommendation.js';

/**
 * The worst drift whose remedy is not already under way decides: critical or blocked →
 * unstable, any other → degraded. When all drift is being remedied: reconciling.
 */
export function summarize(recommendations: readonly Recommendation[], deploymentsInProgress: boolean): Summary {
  const open = recommendations.filter((rec) => !rec.in_progress);
  if (open.some((rec) => rec.event === 'reconcile_blocked' || rec.severity === 'critical' || rec.critical))
    return 'unstable';
  if (open.length > 0) return 'degraded';
  if (recommendations.length > 0 || deploymentsInProgress) return 'reconciling';
  return 'nominal';
}
