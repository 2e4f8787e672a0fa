import type { NodeMaintenance } from './admin.js';
import type { Inventory } from './inventory.js';
import type { Policy } from './policy.js';
import { EVENT_RANK, type ReconcileResult, type Recommendation } from './recommendation.js';
import type { NodeObservation } from './world.js';

/** What reconcile reads: the repo model's parts and the time (src/reconciler, src/chronicle). */
export interface ReconcileInput {
  inventory: Inventory;
  world: Map<string, NodeObservation>;
  heartbeats: Map<string, number>;
  policy: Policy;
  /** Decides staleness and time windows only; nothing else depends on it. */
  now: number;
  /** Node maintenance states folded from chronicle/admin.jsonl (see src/maintenance). */
  maintenance?: ReadonlyMap<string, NodeMaintenance>;
  /** Where the admin chain broke, reported in status/ (the fold stopped there). */
  adminChain?: ReconcileResult['admin_chain'];
  /** The admin head to record in status/ (see RepoModel.adminHead). */
  adminHead?: ReconcileResult['admin_head'];
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  return (
    EVENT_RANK[a.event] - EVENT_RANK[b.event] ||
    compareText(a.node, b.node) ||
    compareText(a.service ?? '', b.service ?? '') ||
    compareText(a.drift, b.drift) ||
    compareText(a.id, b.id)
  );
}
