import { MAINTENANCE_STATES, type DrainProgress, type MaintenanceState } from '../model/index.js';
import { describeDrain } from './state.js';

/** A node's maintenance as status/ records it: the site folds nothing itself. */
export interface NodeMaintenanceView {
  state: MaintenanceState;
  since: string | null;
  actor: string | null;
  reason: string | null;
  /** Recovery / ExitingMaintenance: when the state ends. */
  until: string | null;
  /** While draining (or failed to): services moved of those that can move, in the CLI's words. */
  drain: { moved: number; movable: number; text: string } | null;
}

const ACTIVE: NodeMaintenanceView = {
  state: 'Active',
  since: null,
  actor: null,
  reason: null,
  until: null,
  drain: null,
};
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Reads `nodes.<node>.maintenance` of status/recommendations.json, which reconcile wrote from
 * the verified admin chain and the world. Anything unreadable is Active: status/ is derived,
 * and the site never guesses a state from admin.jsonl on its own.
 */
export function maintenanceFromStatus(value: unknown): NodeMaintenanceView {
  if (value === null || typeof value !== 'object') return ACTIVE;
  const m = value as Record<string, unknown>;
  const state = (MAINTENANCE_STATES as readonly unknown[]).includes(m.state) ? (m.state as MaintenanceState) : 'Active';
  const drainValue = m.drain as DrainProgress | undefined;
  const draining =
    (state === 'EnteringMaintenance' || state === 'DrainFailed') &&
    drainValue &&
    typeof drainValue === 'object' &&
    typeof drainValue.moved === 'number';
  let drain: NodeMaintenanceView['drain'] = null;
  if (draining) {
    const progress = { ...drainValue, services: drainValue.services ?? {}, blockers: drainValue.blockers ?? [] };
    const staying = Object.values(progress.services).filter((service) => service?.no_failover).length;
    drain = { moved: progress.moved, movable: Math.max(0, progress.total - staying), text: describeDrain(progress) };
  }
  return { state, since: text(m.since), actor: text(m.actor), reason: text(m.reason), until: text(m.until), drain };
}
