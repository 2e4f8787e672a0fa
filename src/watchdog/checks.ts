import { formatDuration, parseTime, type NodeStatus } from '../model/index.js';
import type { Check } from './episodes.js';

export const CYCLE_CHECK = 'cycle';
export const RECONCILER_CHECK = 'reconciler';
export const OUTBOX_CHECK = 'outbox';

/** A run of the supervisor (reconcile, push, notify) succeeded, or failed with `error`. */
export function cycleCheck(title: string, error: string | undefined): Check {
  return { key: CYCLE_CHECK, ok: error === undefined, title, detail: error ?? 'working again' };
}

/**
 * The observer's half of the dead-man's switch: the reconciler's heartbeat must be newer than
 * `staleAfter`. No heartbeat at all is not checked (a repo nobody reconciles yet is not an outage).
 */
export function reconcilerCheck(seenAt: string | undefined, staleAfter: number, now: number): Check[] {
  if (seenAt === undefined) return [];
  const age = now - parseTime(seenAt);
  const ok = age <= staleAfter;
  return [
    {
      key: RECONCILER_CHECK,
      ok,
      title: 'reconciler',
      detail: ok
        ? `reconciled at ${seenAt}`
        : `no successful reconcile since ${seenAt} (stale after ${formatDuration(staleAfter)})`,
    },
  ];
}

export interface StaleObserver {
  node: string;
  lastSeen: string | null;
}

/**
 * The reconciler's half: nodes whose observer stopped reporting (reconcile says offline and the
 * last sign of life is older than `stale_after`, or there never was one). A node whose own world
 * file says offline was reported by a live observer; nodes in maintenance may be switched off.
 */
export function staleObservers(
  nodes: Readonly<Record<string, NodeStatus>>,
  staleAfter: number,
  now: number,
): StaleObserver[] {
  return Object.entries(nodes)
    .filter(
      ([, status]) => status.health === 'offline' && (!status.maintenance || status.maintenance.state === 'Active'),
    )
    .filter(([, status]) => status.last_seen === null || now - parseTime(status.last_seen) > staleAfter)
    .map(([node, status]) => ({ node, lastSeen: status.last_seen }))
    .sort((a, b) => (a.node < b.node ? -1 : 1));
}

/** One check per node: stale ones fail, the rest pass (closing earlier episodes). */
export function observerChecks(nodes: Readonly<Record<string, NodeStatus>>, staleAfter: number, now: number): Check[] {
  const stale = new Map(staleObservers(nodes, staleAfter, now).map((entry) => [entry.node, entry]));
  return Object.keys(nodes)
    .sort()
    .map((node) => {
      const entry = stale.get(node);
      return {
        key: `observer:${node}`,
        ok: !entry,
        title: `observer of ${node}`,
        detail: !entry
          ? 'reporting again'
          : entry.lastSeen === null
            ? 'never reported'
            : `not seen since ${entry.lastSeen} (stale after ${formatDuration(staleAfter)})`,
      };
    });
}

/** `pi (last seen 2026-11-22T09:40:00Z), nas (never)` for log lines. */
export function describeStaleObservers(stale: readonly StaleObserver[]): string {
  return stale
    .map((entry) => `${entry.node} (${entry.lastSeen === null ? 'never seen' : `last seen ${entry.lastSeen}`})`)
    .join(', ');
}

/**
 * NotifyGate's outbox: alert messages queued and still undelivered after `staleAfter` (a deleted
 * webhook, a bad token, a long outage). They are kept, never dropped; this says so loudly.
 */
export function outboxCheck(pending: readonly { at: string }[], staleAfter: number, now: number): Check {
  const stale = pending.filter((line) => now - parseTime(line.at) > staleAfter);
  const first = stale[0];
  return {
    key: OUTBOX_CHECK,
    ok: first === undefined,
    title: 'alert delivery',
    detail:
      first === undefined
        ? 'every queued alert was delivered'
        : `${stale.length} alert message${stale.length === 1 ? '' : 's'} undelivered since ${first.at}, ` +
          'kept in chronicle/notifications.jsonl; `labwarden notify` says why',
  };
}
