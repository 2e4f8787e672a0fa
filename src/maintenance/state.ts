import { formatTime, parseTime } from '../model/duration.js';
import type {
  AdminEvent,
  DrainBlocker,
  DrainProgress,
  DrainService,
  InventoryNode,
  NodeHealth,
  NodeMaintenance,
  Policy,
  WorldSnapshot,
} from '../model/index.js';

/** What the fold needs to know of a node's actual state (the reconciler's NodeView fits). */
export interface MaintenanceView {
  node: InventoryNode;
  health: NodeHealth;
  snapshot: WorldSnapshot | undefined;
  lastSeen: number | null;
}

/** What operators asked for a node, from the chain alone (no world). */
export interface NodeIntent {
  mode: 'none' | 'maintenance' | 'exiting';
  /** When the mode began (ms), and the event that began it. */
  at: number | null;
  event?: AdminEvent;
  cordon?: { at: number; event: AdminEvent };
}

/**
 * Folds the chain into per-node intents. Event times are clamped to never go backwards, so a
 * skewed clock on one operator's laptop cannot reorder history. Repeated requests are one
 * transition: entering twice keeps the first entry time.
 */
export function foldIntents(events: readonly AdminEvent[]): Map<string, NodeIntent> {
  const intents = new Map<string, NodeIntent>();
  let clock = -Infinity;
  for (const event of events) {
    clock = Math.max(clock, parseTime(event.at));
    if (event.node === null) continue;
    const intent = intents.get(event.node) ?? { mode: 'none', at: null };
    intents.set(event.node, intent);
    switch (event.action) {
      case 'enter_maintenance':
      case 'drain':
        if (intent.mode !== 'maintenance') Object.assign(intent, { mode: 'maintenance', at: clock, event });
        break;
      case 'exit_maintenance':
        if (intent.mode === 'maintenance') Object.assign(intent, { mode: 'exiting', at: clock, event });
        break;
      case 'cordon':
        intent.cordon ??= { at: clock, event };
        break;
      case 'uncordon':
        // Uncordon makes the node placeable now: it also cancels a drain or maintenance.
        delete intent.cordon;
        Object.assign(intent, { mode: 'none', at: clock, event });
        break;
      default:
        break;
    }
  }
  return intents;
}

interface SelfState {
  maintenance: NodeMaintenance;
  /** May take over services: Active and online. */
  eligible: boolean;
  why: string;
}

const SUPPRESSING = new Set(['EnteringMaintenance', 'Maintenance', 'ExitingMaintenance']);

/** States in which drift on the node is recorded but raises no incident. */
export function suppressesDrift(state: NodeMaintenance['state']): boolean {
  return SUPPRESSING.has(state);
}

function about(event: AdminEvent | undefined): Pick<NodeMaintenance, 'seq' | 'actor' | 'reason'> {
  return event ? { seq: event.seq, actor: event.actor, reason: event.reason } : {};
}

function restState(
  intent: NodeIntent | undefined,
  since: number | null,
  event: AdminEvent | undefined,
): NodeMaintenance {
  if (intent?.cordon) {
    const at = Math.max(intent.cordon.at, since ?? -Infinity);
    return { state: 'Cordoned', since: formatTime(at), cordoned: true, ...about(intent.cordon.event) };
  }
  return { state: 'Active', since: since === null ? null : formatTime(since), cordoned: false, ...about(event) };
}

/** Online, seen since `at`, and every inventory service observed ok. */
function isBack(view: MaintenanceView | undefined, at: number): boolean {
  if (!view || view.health !== 'online' || !view.snapshot || (view.lastSeen ?? -Infinity) < at) return false;
  const observed = new Map(view.snapshot.services.map((s) => [s.name, s.status]));
  return view.node.services.every((service) => observed.get(service.name) === 'ok');
}

function selfState(
  intent: NodeIntent | undefined,
  view: MaintenanceView | undefined,
  policy: Policy,
  now: number,
): SelfState | 'maintenance' {
  const online = view?.health === 'online';
  if (!intent || intent.mode === 'none') {
    const rest = restState(intent, intent?.at ?? null, intent?.event);
    return {
      maintenance: rest,
      eligible: rest.state === 'Active' && online,
      why: rest.state === 'Active' ? (online ? 'ok' : (view?.health ?? 'unknown')) : 'cordoned',
    };
  }
  if (intent.mode === 'maintenance') return 'maintenance';
  const exitAt = intent.at!;
  const cordoned = intent.cordon !== undefined;
  if (isBack(view, exitAt)) {
    const back = Math.max(exitAt, parseTime(view!.snapshot!.observed_at));
    const until = back + policy.recovery_window;
    if (now < until) {
      return {
        maintenance: {
          state: 'Recovery',
          since: formatTime(back),
          cordoned,
          ...about(intent.event),
          until: formatTime(until),
        },
        eligible: false,
        why: `in Recovery until ${formatTime(until)}`,
      };
    }
    const rest = restState(intent, until, intent.event);
    return {
      maintenance: rest,
      eligible: rest.state === 'Active' && online,
      why: rest.state === 'Active' ? 'ok' : 'cordoned',
    };
  }
  // Not back yet: drift stays quiet for at most drain_timeout, then it is raised as usual.
  const deadline = exitAt + policy.drain_timeout;
  if (now < deadline) {
    return {
      maintenance: {
        state: 'ExitingMaintenance',
        since: formatTime(exitAt),
        cordoned,
        ...about(intent.event),
        until: formatTime(deadline),
      },
      eligible: false,
      why: 'exiting maintenance',
    };
  }
  const rest = restState(intent, deadline, intent.event);
  return {
    maintenance: rest,
    eligible: rest.state === 'Active' && online,
    why: rest.state === 'Active' ? 'ok' : 'cordoned',
  };
}

function runsHealthy(view: MaintenanceView | undefined, service: string): boolean {
  return (
    view?.health === 'online' && view.snapshot?.services.some((s) => s.name === service && s.status === 'ok') === true
  );
}

/**
 * Each node's maintenance state at `now`: a pure function of the chain, the world views and
 * policy, so every runner folding the same repo reaches the same states.
 */
export function deriveNodeStates(
  events: readonly AdminEvent[],
  views: ReadonlyMap<string, MaintenanceView>,
  policy: Policy,
  now: number,
): Map<string, NodeMaintenance> {
  const intents = foldIntents(events);
  const names = [...views.keys()].sort();
  const self = new Map(
    names.map((name) => [name, selfState(intents.get(name), views.get(name), policy, now)] as const),
  );
  const states = new Map<string, NodeMaintenance>();
  for (const name of names) {
    const state = self.get(name)!;
    if (state !== 'maintenance') {
      states.set(name, state.maintenance);
      continue;
    }
    states.set(name, drainState(name, intents.get(name)!, views, self, policy, now));
  }
  return states;
}

function drainState(
  name: string,
  intent: NodeIntent,
  views: ReadonlyMap<string, MaintenanceView>,
  self: Map<string, SelfState | 'maintenance'>,
  policy: Policy,
  now: number,
): NodeMaintenance {
  const view = views.get(name)!;
  const start = intent.at!;
  const deadline = start + policy.drain_timeout;
  const services: Record<string, DrainService> = {};
  const blockers: DrainBlocker[] = [];
  let moved = 0;
  let completedAt = start;
  const whyNot = (target: string) => {
    const state = self.get(target);
    if (state === undefined) return 'not a node';
    if (state === 'maintenance') return 'in maintenance';
    return state.why;
  };
  let staying = 0;
  for (const service of [...view.node.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (service.failover.length === 0) {
      // Nowhere to move it: it stops with the node, which is what maintenance of a one-copy
      // service means. It does not hold the drain back (PRODUCT.md: a drain fails only by
      // exceeding drain_timeout), so a node without failover targets goes straight to Maintenance.
      services[service.name] = { target: null, moved: false, no_failover: true };
      staying++;
      continue;
    }
    const runningOn = service.failover.find(
      (target) => target !== name && runsHealthy(views.get(target), service.name),
    );
    if (runningOn) {
      moved++;
      services[service.name] = { target: runningOn, moved: true };
      completedAt = Math.max(completedAt, parseTime(views.get(runningOn)!.snapshot!.observed_at));
      continue;
    }
    // Deterministic: the first valid target in the service's own failover list.
    const target = service.failover.find((candidate) => {
      const state = self.get(candidate);
      return state !== undefined && state !== 'maintenance' && state.eligible;
    });
    services[service.name] = { target: target ?? null, moved: false };
    if (!target) {
      const down = service.failover.every((candidate) => views.get(candidate)?.health !== 'online');
      const detail = service.failover.map((candidate) => `${candidate} ${whyNot(candidate)}`).join(', ');
      blockers.push({
        service: service.name,
        kind: 'temporary',
        reason: down
          ? `every failover target of ${service.name} is down (${detail})`
          : `no failover target for ${service.name} available right now (${detail}); retrying`,
      });
    } else if (now >= deadline) {
      blockers.push({
        service: service.name,
        kind: 'temporary',
        reason: `${service.name} not yet observed running healthy on ${target}`,
      });
    }
  }
  const total = view.node.services.length;
  const drain = { moved, total, deadline: formatTime(deadline), services, blockers };
  const base = { cordoned: intent.cordon !== undefined, ...about(intent.event) };
  if (moved + staying === total) {
    return { state: 'Maintenance', since: formatTime(completedAt), ...base, drain: { ...drain, blockers: [] } };
  }
  if (now >= deadline) {
    return {
      state: 'DrainFailed',
      since: formatTime(deadline),
      ...base,
      drain: { ...drain, ways_out: waysOut(name, blockers) },
    };
  }
  return { state: 'EnteringMaintenance', since: formatTime(start), ...base, until: formatTime(deadline), drain };
}

/** `drain 1/2 moved (3 stop with the node)`: progress over the services that have somewhere to go. */
export function describeDrain(drain: DrainProgress): string {
  const staying = Object.values(drain.services).filter((service) => service.no_failover).length;
  const movable = drain.total - staying;
  const stop = staying ? `${staying} stop${staying === 1 ? 's' : ''} with the node` : '';
  if (movable === 0) return `nothing to move${stop ? `: ${stop}` : ''}`;
  return `drain ${drain.moved}/${movable} moved${stop ? ` (${stop})` : ''}`;
}

function waysOut(node: string, blockers: readonly DrainBlocker[]): string[] {
  const out: string[] = [];
  if (blockers.some((b) => b.reason.startsWith('every failover target')))
    out.push('bring a failover target back online');
  out.push('wait: the blockers may clear by themselves, and the drain retries every run');
  out.push(`labwarden maintenance exit ${node} (keep its services where they are)`);
  out.push(`labwarden maintenance uncordon ${node} (cancel the drain; the node takes placements again)`);
  return out;
}

/**
 * The first instant after `now` at which `deriveNodeStates` could change with `now` alone:
 * a drain or exit reaching drain_timeout, a Recovery reaching recovery_window. Conservative
 * (a candidate that turns out not to matter only ends a shortcut early); Infinity when no
 * node is in or leaving maintenance. Liveness changes are the caller's (`livenessChangesAt`).
 */
export function maintenanceChangesAt(
  events: readonly AdminEvent[],
  views: ReadonlyMap<string, MaintenanceView>,
  policy: Policy,
  now: number,
): number {
  let next = Infinity;
  const consider = (at: number) => {
    if (at > now) next = Math.min(next, at);
  };
  for (const [name, intent] of foldIntents(events)) {
    if (intent.mode === 'none' || intent.at === null) continue;
    consider(intent.at + policy.drain_timeout);
    if (intent.mode === 'exiting') {
      consider(intent.at + policy.recovery_window);
      const observed = views.get(name)?.snapshot?.observed_at;
      if (observed) consider(parseTime(observed) + policy.recovery_window);
    }
  }
  return next;
}
