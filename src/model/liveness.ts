import type { InventoryNode } from './inventory.js';
import type { Policy } from './policy.js';
import { formatDuration, formatTime, parseTime } from './time.js';
import type { NodeHealth } from './recommendation.js';
import type { NodeObservation, WorldSnapshot } from './world.js';

/** What reconcile concludes about one node before looking at its services. */
export interface NodeView {
  node: InventoryNode;
  health: NodeHealth;
  snapshot: WorldSnapshot | undefined;
  lastSeen: number | null;
  /** Why the node is offline or unknown, and since when (ms; null when nothing was ever seen). */
  reason: string;
  since: number | null;
}

export function assessNode(
  node: InventoryNode,
  observation: NodeObservation | undefined,
  heartbeat: number | undefined,
  policy: Policy,
  now: number,
): NodeView {
  if (!observation || observation.kind === 'absent') {
    return {
      node,
      health: 'offline',
      snapshot: undefined,
      lastSeen: heartbeat ?? null,
      reason: 'no world snapshot',
      since: null,
    };
  }
  if (observation.kind === 'invalid') {
    return {
      node,
      health: 'unknown',
      snapshot: undefined,
      lastSeen: heartbeat ?? null,
      reason: `invalid snapshot: ${observation.reason}`,
      since: null,
    };
  }
  const snapshot = observation.snapshot;
  const observedAt = parseTime(snapshot.observed_at);
  const lastSeen = Math.max(observedAt, heartbeat ?? -Infinity);
  if (snapshot.status === 'offline') {
    return {
      node,
      health: 'offline',
      snapshot,
      lastSeen,
      reason: `world says offline at ${formatTime(observedAt)}`,
      since: observedAt,
    };
  }
  if (now - lastSeen > policy.stale_after) {
    return {
      node,
      health: 'offline',
      snapshot,
      lastSeen,
      // No "ago" here: the text must not change from run to run while nothing changes.
      reason: `not seen since ${formatTime(lastSeen)} (stale after ${formatDuration(policy.stale_after)})`,
      since: lastSeen + policy.stale_after,
    };
  }
  return { node, health: 'online', snapshot, lastSeen, reason: 'online', since: null };
}

/**
 * The first instant at which `assessNode` could judge this node differently as `now` moves
 * on (an online node goes stale), or Infinity. Only staleness depends on `now`.
 */
export function livenessChangesAt(view: NodeView, policy: Policy): number {
  return view.health === 'online' && view.lastSeen !== null ? view.lastSeen + policy.stale_after : Infinity;
}
