import {
  compareRecommendations,
  formatTime,
  SEVERITY_RANK,
  type ReconcileInput,
  type Recommendation,
  type ReconcileResult,
} from '../model/index.js';
import { redeployBackoff } from './backoff.js';
import type { IncidentState } from './state.js';
import { activeWindow, windowsFor } from './windows.js';

/**
 * PolicyBrain's view on this run's recommendations, given the chronicle after the run:
 * `since` is when the incident opened, escalated severity, flapping, maintenance windows,
 * redeploy backoff (`not_before`), and load shedding (`deferred`). Pure.
 */
export function applyChronicle(result: ReconcileResult, state: Map<string, IncidentState>, input: ReconcileInput): ReconcileResult {
  const { policy, now } = input;
  const recommendations = result.recommendations.map((original): Recommendation => {
    const rec: Recommendation = { ...original };
    const incident = state.get(rec.id);
    if (incident?.open && incident.openedAt !== null) {
      rec.since = formatTime(incident.openedAt);
      if (SEVERITY_RANK[incident.severity] > SEVERITY_RANK[rec.severity]) {
        rec.severity = incident.severity;
        rec.escalated = true;
      }
    }
    if (incident?.flapping) rec.flapping = true;
    const window = activeWindow(windowsFor(input.inventory.nodes.get(rec.node), policy), now);
    if (window) rec.maintenance_window = window.name;
    if (rec.action === 'redeploy' && rec.service) {
      const observation = input.world.get(rec.node);
      const deployments = observation?.kind === 'snapshot' ? observation.snapshot.deployments.filter((d) => d.service === rec.service) : [];
      const backoff = redeployBackoff(deployments, policy);
      if (backoff) rec.not_before = formatTime(backoff.notBefore);
    }
    return rec;
  });

  // Load shedding: a rack power cut yields a short, ordered list, not 200 redeploys.
  const actionable = recommendations
    .filter((rec) => rec.event === 'reconcile_required' && !rec.in_progress)
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || Number(b.critical ?? false) - Number(a.critical ?? false) || compareRecommendations(a, b));
  for (const rec of actionable.slice(policy.max_required_per_run)) rec.deferred = true;

  // The summary stays the reconciler's: escalation raises a drift's urgency for alerts and the
  // site, not its criticality. PRODUCT.md: only critical drift, an offline node hosting a critical
  // service, or anything blocked is `unstable`; a non-critical drift left open is still `degraded`.
  return { ...result, recommendations };
}
