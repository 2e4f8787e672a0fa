import type { ChronicleAdvance } from '../chronicle/advance.js';
import { nextWindowChange } from '../chronicle/windows.js';
import type { AdminEvent } from '../model/index.js';
import { maintenanceChangesAt } from '../maintenance/state.js';
import { assessNode, livenessChangesAt, type NodeView } from '../model/liveness.js';
import type { ReconcileInput } from './reconcile.js';

/**
 * The first instant after `input.now` at which a later `now` alone could change what a run
 * writes, given the same inputs; `input.now` itself when it cannot tell. Each part that
 * compares with `now` reports its own thresholds beside the comparison: staleness
 * (liveness), drain and recovery deadlines (maintenance), window boundaries, and the
 * escalation and settling of offline incidents (advance). `evidence` is the newest
 * observation, which insights use instead of `now` unless `now` is earlier.
 */
export function resultChangesAt(
  input: ReconcileInput,
  adminEvents: readonly AdminEvent[],
  advance: ChronicleAdvance,
  evidence: number,
): number {
  const { now, policy } = input;
  if (!(Number.isFinite(evidence) && evidence <= now)) return now;
  let next = Math.min(advance.changesAt, nextWindowChange(policy.maintenance_windows, now));
  const views = new Map<string, NodeView>();
  for (const [name, node] of input.inventory.nodes) {
    const view = assessNode(node, input.world.get(name), input.heartbeats.get(name), policy, now);
    views.set(name, view);
    next = Math.min(next, livenessChangesAt(view, policy));
  }
  next = Math.min(next, maintenanceChangesAt(adminEvents, views, policy, now));
  return next > now ? next : now;
}
