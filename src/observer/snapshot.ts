import {
  clipText,
  formatTime,
  LIMITS,
  parseTime,
  type InventoryNode,
  type ObservedService,
  type WorldSnapshot,
} from '../model/index.js';
import type { ProbeOutcome } from './probes/index.js';
import { sameContent } from './serialize.js';

/** `HTTP 200 in 48ms`: the latency is a suffix so it can be told apart from what was observed. */
const LATENCY_SUFFIX = / in \d+ms$/;

export function withLatency(outcome: ProbeOutcome): string {
  // A probe's detail can quote an error or a response: cut to the world file's limit, keeping the latency.
  const suffix = outcome.latencyMs === undefined ? '' : ` in ${Math.round(outcome.latencyMs)}ms`;
  return `${clipText(outcome.detail, LIMITS.detailChars - suffix.length)}${suffix}`;
}

export function withoutLatency(detail: string | undefined): string | undefined {
  return detail?.replace(LATENCY_SUFFIX, '');
}

export interface ObserveInput {
  node: InventoryNode;
  previous: WorldSnapshot | undefined;
  /** Probe outcomes by service name; services without a probe are absent. */
  outcomes: ReadonlyMap<string, ProbeOutcome>;
  now: number;
  staleAfter: number;
}

/**
 * The node's new snapshot from its previous one and this run's probe outcomes. Pure.
 *
 * `observed_at` moves only when the content changes: it is the time of the observation that
 * made the file what it is. Moving it every run would make every run a commit; liveness is
 * the heartbeat's job, and reconcile takes the later of the two. It also keeps history a
 * function of the inputs: an incident opened from this file is dated when the change was seen.
 * For the same reason a probe whose status and detail are unchanged but whose latency moved
 * keeps its previous entry (and the latency written then).
 */
export function observeSnapshot(input: ObserveInput): { snapshot: WorldSnapshot; changed: boolean } {
  const { node, previous, outcomes, now, staleAfter } = input;
  const before = new Map((previous?.services ?? []).map((service) => [service.name, service]));
  const stale = previous === undefined || now - parseTime(previous.observed_at) > staleAfter;
  const services: ObservedService[] = [];
  const carry = (name: string) => {
    const last = before.get(name);
    if (!last) return { name, status: 'unknown' as const, detail: 'no probe, never reported' };
    if (!stale || last.status === 'unknown') return last;
    return {
      name,
      status: 'unknown' as const,
      detail: `no probe; last reported ${last.status} at ${previous!.observed_at}`,
    };
  };
  for (const service of node.services) {
    const outcome = outcomes.get(service.name);
    if (!outcome) {
      services.push(carry(service.name));
      continue;
    }
    const last = before.get(service.name);
    if (last && last.status === outcome.status && withoutLatency(last.detail) === outcome.detail) services.push(last);
    else services.push({ name: service.name, status: outcome.status, detail: withLatency(outcome) });
  }
  // Services in the world but not in the inventory (unmanaged) are reported by someone else.
  const managed = new Set(node.services.map((service) => service.name));
  for (const service of previous?.services ?? []) if (!managed.has(service.name)) services.push(carry(service.name));

  return settle(
    previous,
    {
      node: node.name,
      observed_at: formatTime(now),
      status: 'online',
      services,
      deployments: previous?.deployments ?? [],
      incidents: previous?.incidents ?? [],
    },
    now,
  );
}

/** Keeps the previous snapshot (and its observed_at) when nothing observable changed. */
export function settle(
  previous: WorldSnapshot | undefined,
  next: WorldSnapshot,
  now: number,
): { snapshot: WorldSnapshot; changed: boolean } {
  if (previous && sameContent({ ...next, observed_at: previous.observed_at }, previous))
    return { snapshot: previous, changed: false };
  return { snapshot: { ...next, observed_at: formatTime(now) }, changed: true };
}
