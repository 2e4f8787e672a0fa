import {
  clipText,
  LIMITS,
  EVENT_RANK,
  formatTime,
  type Inventory,
  type NodeObservation,
  type NodeStatus,
  type Policy,
  type ReconcileResult,
  type Recommendation,
  type NodeMaintenance,
} from '../model/index.js';
import { summarize } from '../model/summary.js';
import { applyMaintenance } from '../maintenance/apply.js';
import { compareRecommendations, type ReconcileInput } from '../model/reconcile-input.js';
import { assessNode, type NodeView } from '../model/liveness.js';
import { detectOfflineNode, detectOnlineDrift, detectUnknownNode, detectIncidents, makeAvailability } from './drift.js';

/** Defined with the model, where the chronicle reads them too. */
export { compareRecommendations, type ReconcileInput };

/** The supervisor's conclusion: a pure function of its inputs. */
export function reconcile(input: ReconcileInput): ReconcileResult {
  const names = [...input.inventory.nodes.keys()].sort();
  const views = new Map<string, NodeView>();
  for (const name of names) {
    views.set(
      name,
      assessNode(
        input.inventory.nodes.get(name)!,
        input.world.get(name),
        input.heartbeats.get(name),
        input.policy,
        input.now,
      ),
    );
  }
  const available = makeAvailability(views);
  const recommendations: Recommendation[] = [];
  let deploymentsInProgress = 0;
  for (const view of views.values()) {
    if (view.health === 'online') {
      const found = detectOnlineDrift(view, input.policy, available);
      // Not push(...spread): a node with thousands of services would overflow the stack.
      for (const rec of found.recommendations) recommendations.push(rec);
      deploymentsInProgress += found.inProgress;
    } else if (view.health === 'offline') {
      recommendations.push(detectOfflineNode(view, views), ...detectIncidents(view));
    } else {
      recommendations.push(detectUnknownNode(view));
    }
  }
  // A reason names services, problems and details: bounded, since it is copied into every chronicle line about it.
  for (let i = 0; i < recommendations.length; i++) {
    const rec = recommendations[i]!;
    if (rec.reason.length > LIMITS.recommendationReasonChars)
      recommendations[i] = { ...rec, reason: clipText(rec.reason, LIMITS.recommendationReasonChars) };
  }
  const maintained = applyMaintenance(recommendations, views, input.maintenance ?? new Map());
  maintained.recommendations.sort(compareRecommendations);
  const nodeEntry = (name: string, view: NodeView): NodeStatus => {
    const maintenance = maintained.states.get(name);
    return maintenance ? { ...nodeStatus(view), maintenance } : nodeStatus(view);
  };
  return {
    summary: summarize(maintained.recommendations, deploymentsInProgress > 0 || maintained.transitioning),
    recommendations: maintained.recommendations,
    nodes: Object.fromEntries([...views].map(([name, view]) => [name, nodeEntry(name, view)])),
    ...(input.adminChain ? { admin_chain: input.adminChain } : {}),
    ...(input.adminHead ? { admin_head: input.adminHead } : {}),
  };
}

/** Defined with the model: the chronicle's remediation fold recomputes it. */
export { summarize };

function nodeStatus(view: NodeView): NodeStatus {
  const counts = { total: view.node.services.length, ok: 0, degraded: 0, failed: 0, missing: 0 };
  const observed = new Map((view.snapshot?.services ?? []).map((s) => [s.name, s.status]));
  for (const service of view.node.services) {
    const status = observed.get(service.name);
    if (status === undefined) counts.missing++;
    else if (status === 'ok') counts.ok++;
    else if (status === 'degraded') counts.degraded++;
    else counts.failed++;
  }
  // Heartbeats advance every few minutes; writing them into status/ would make every quiet run a
  // commit. An online node shows its last world observation; only a node that stopped answering
  // shows its last sign of life, which then no longer moves.
  const seen = view.health === 'online' && view.snapshot ? Date.parse(view.snapshot.observed_at) : view.lastSeen;
  return { health: view.health, last_seen: seen === null ? null : formatTime(seen), services: counts };
}
