import type { AdminEvent } from './chronicle.js';

/** What the site shows of a node's maintenance state (PRODUCT.md names). */
export type MaintenanceState =
  | 'Active'
  | 'EnteringMaintenance'
  | 'Maintenance'
  | 'ExitingMaintenance'
  | 'Recovery'
  | 'DrainFailed'
  | 'Cordoned';

const STATES: readonly string[] = ['Active', 'EnteringMaintenance', 'Maintenance', 'ExitingMaintenance', 'Recovery', 'DrainFailed', 'Cordoned'];

export interface Silence {
  actor: string;
  at: string;
  until: string | null;
  node: string | null;
  matcher: string | null;
  reason: string;
}

export interface MaintenanceView {
  /** Node → state, for nodes not Active. */
  states: Map<string, { state: MaintenanceState; since: string; actor: string; reason: string }>;
  silences: Silence[];
}

/** Accepts a state as another part of labwarden may write it (`maintenance`, `entering_maintenance`...). */
export function normalizeState(value: unknown): MaintenanceState | null {
  if (typeof value !== 'string') return null;
  const compact = value.replace(/[-_\s]/g, '').toLowerCase();
  return (STATES.find((state) => state.toLowerCase() === compact) as MaintenanceState | undefined) ?? null;
}

function matcherFingerprint(matcher: unknown): string | undefined {
  const fingerprint = typeof matcher === 'object' && matcher !== null ? (matcher as { fingerprint?: unknown }).fingerprint : undefined;
  return typeof fingerprint === 'string' ? fingerprint : undefined;
}

/**
 * A display-only reading of the admin log: the last state-changing action per node, and
 * silences still in force at `now` (a silence `until: resolved` while `isOpen` says its incident
 * is open). The authoritative fold (with drain observations) lives with the maintenance code;
 * when status/ carries its result the site shows that instead.
 */
export function readAdminLog(events: readonly AdminEvent[], now: number, isOpen: (fingerprint: string) => boolean = () => true): MaintenanceView {
  const states: MaintenanceView['states'] = new Map();
  const silences: Silence[] = [];
  for (const event of events) {
    const action = event.action.toLowerCase();
    const node = event.node;
    const record = (state: MaintenanceState) => {
      if (!node) return;
      if (state === 'Active') states.delete(node);
      else if (states.get(node)?.state !== state) states.set(node, { state, since: event.at, actor: event.actor, reason: event.reason });
    };
    if (action.includes('silence')) {
      const until = typeof event.until === 'string' ? event.until : null;
      if (action.includes('unsilence') || action.includes('expire')) continue;
      const fingerprint = typeof event.fingerprint === 'string' ? event.fingerprint : matcherFingerprint(event.matcher);
      const inForce = until === null || (until === 'resolved' ? fingerprint === undefined || isOpen(fingerprint) : Date.parse(until) > now);
      if (inForce) {
        silences.push({ actor: event.actor, at: event.at, until, node: node ?? null, matcher: event.matcher === undefined ? null : typeof event.matcher === 'string' ? event.matcher : JSON.stringify(event.matcher), reason: event.reason });
      }
    } else if (action.includes('uncordon')) record('Active');
    else if (action.includes('cordon')) record('Cordoned');
    else if (action.includes('drain_failed') || action.includes('drainfailed')) record('DrainFailed');
    else if (action.includes('drain') || action === 'enter' || action.includes('enter')) record(action.includes('complete') ? 'Maintenance' : 'EnteringMaintenance');
    else if (action.includes('exit')) record('ExitingMaintenance');
    else if (action.includes('recover')) record('Recovery');
    else if (action.includes('active') || action.includes('done')) record('Active');
  }
  return { states, silences };
}
