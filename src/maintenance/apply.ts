import type { NodeMaintenance, Recommendation } from '../model/index.js';
import { suppressesDrift, type MaintenanceView } from './state.js';

export interface MaintenanceOutcome {
  recommendations: Recommendation[];
  /** Node states with the drift each one recorded without raising it. */
  states: Map<string, NodeMaintenance>;
  /** A node is entering or exiting maintenance: the summary counts as reconciling. */
  transitioning: boolean;
}

const MOVING = new Set(['EnteringMaintenance', 'Maintenance', 'DrainFailed', 'ExitingMaintenance', 'Recovery']);

/**
 * Applies node maintenance to detected drift: drift on nodes that are draining, in maintenance
 * or coming back is recorded on the node instead of raised; their unmoved services get
 * `migrate` recommendations; a failed drain gets one recommendation that says what blocks it
 * and the ways out. Pure.
 */
export function applyMaintenance(
  detected: readonly Recommendation[],
  views: ReadonlyMap<string, MaintenanceView>,
  states: ReadonlyMap<string, NodeMaintenance>,
): MaintenanceOutcome {
  const out = new Map([...states].map(([name, state]) => [name, { ...state }]));
  const suppressed = new Map<string, string[]>();
  // A migrated service runs on its target without being in the target's inventory: expected, not unmanaged.
  const migrated = new Set<string>();
  for (const [name, state] of states) {
    if (!MOVING.has(state.state)) continue;
    for (const service of views.get(name)?.node.services ?? []) {
      for (const target of service.failover) migrated.add(`${target}/${service.name}/unmanaged_service`);
    }
  }
  const recommendations: Recommendation[] = [];
  for (const rec of detected) {
    const state = states.get(rec.node);
    // An unreadable snapshot is a repo problem to fix, not drift of the node: never suppressed.
    if (state && suppressesDrift(state.state) && rec.drift !== 'unknown_node') {
      const list = suppressed.get(rec.node) ?? [];
      list.push(rec.id);
      suppressed.set(rec.node, list);
    } else if (!migrated.has(rec.id)) {
      recommendations.push(rec.drift === 'offline_node' ? placeableTargets(rec, states) : rec);
    }
  }
  for (const [name, list] of suppressed) out.get(name)!.suppressed = list.sort();

  let transitioning = false;
  for (const [name, state] of states) {
    if (state.state === 'EnteringMaintenance' || state.state === 'ExitingMaintenance') transitioning = true;
    if (state.state !== 'EnteringMaintenance' && state.state !== 'DrainFailed') continue;
    const entering = state.state === 'EnteringMaintenance';
    const why = `${name} ${entering ? 'entering maintenance' : 'drain failed'}${describe(state)}`;
    for (const [service, drain] of Object.entries(state.drain?.services ?? {})) {
      if (drain.moved || drain.target === null) continue;
      recommendations.push({
        id: `${name}/${service}/node_maintenance`,
        event: 'reconcile_required',
        drift: 'node_maintenance',
        action: 'migrate',
        node: name,
        service,
        severity: entering ? 'info' : 'warning',
        reason: `${why}: move ${service} to ${drain.target}`,
        since: state.since,
        ...(entering ? { in_progress: true } : {}),
        target: drain.target,
      });
    }
    if (!entering) recommendations.push(drainFailed(name, state));
  }
  return { recommendations, states: out, transitioning };
}

function describe(state: NodeMaintenance): string {
  const parts = [state.reason ? `"${state.reason}"` : '', state.actor ? `by ${state.actor}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

function drainFailed(name: string, state: NodeMaintenance): Recommendation {
  const drain = state.drain!;
  const blockers = drain.blockers.map((blocker) => blocker.reason);
  return {
    id: `${name}/drain_failed`,
    event: 'reconcile_required',
    drift: 'drain_failed',
    action: 'resolve_drain',
    node: name,
    severity: 'warning',
    reason: `drain of ${name} did not complete (${drain.moved}/${drain.total} services moved, deadline ${drain.deadline}): ${blockers.join('; ')}; ways out: ${(drain.ways_out ?? []).join('; ')}`,
    since: state.since,
    blocked_by: [...new Set(drain.blockers.map((blocker) => `${name}/${blocker.service}`))],
  };
}

/** An offline node's failover candidates exclude nodes that take no placement (cordoned, in maintenance, recovering). */
function placeableTargets(rec: Recommendation, states: ReadonlyMap<string, NodeMaintenance>): Recommendation {
  if (!rec.targets) return rec;
  const placeable = (node: string) => (states.get(node)?.state ?? 'Active') === 'Active';
  const targets = Object.fromEntries(
    Object.entries(rec.targets).map(([service, nodes]) => [service, nodes.filter(placeable)]),
  );
  if (Object.values(targets).every((nodes, i) => nodes.length === Object.values(rec.targets!)[i]!.length)) return rec;
  const failover = Object.entries(targets).map(
    ([service, nodes]) => `${service} -> ${nodes.join('|') || 'none online'}`,
  );
  return { ...rec, targets, reason: rec.reason.replace(/; failover: .*$/, `; failover: ${failover.join(', ')}`) };
}
