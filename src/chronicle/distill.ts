import { formatTime, parseTime, type Inventory } from '../model/index.js';
import type { IncidentLine } from './line.js';
import { sortUnique } from './state.js';

export const INSIGHTS_FILE = 'status/insights.json';

/** Drift during which the service (or node) is down, for availability. Other drift counts as incidents only. */
const OUTAGE_DRIFTS = new Set(['missing_service', 'unhealthy_service', 'offline_node']);
const WINDOWS = { '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000 } as const;
const HOUR = 3_600_000;

export interface TargetInsights {
  incidents: number;
  open: number;
  mttr_seconds: number | null;
  longest_outage_seconds: number;
  availability: Record<keyof typeof WINDOWS, number>;
}

export interface Insights {
  as_of: string;
  lines: number;
  services: Record<string, TargetInsights>;
  nodes: Record<string, TargetInsights>;
  flapping: string[];
  top_offenders: { target: string; incidents: number; outage_seconds: number }[];
}

interface Tally {
  incidents: number;
  open: number;
  repairs: number[];
  longest: number;
  outages: [number, number][];
}

const tally = (): Tally => ({ incidents: 0, open: 0, repairs: [], longest: 0, outages: [] });

/**
 * status/insights.json from the chronicle: one sort and one pass, O(n log n) in lines.
 * `as_of` is --now floored to the hour, so a quiet homelab rewrites it at most hourly.
 */
export function distill(lines: readonly IncidentLine[], now: number, inventory?: Inventory): Insights {
  const asOf = Math.floor(now / HOUR) * HOUR;
  const services = new Map<string, Tally>();
  const nodes = new Map<string, Tally>();
  const servicesOf = new Map<string, Set<string>>();
  const get = (map: Map<string, Tally>, key: string) => map.get(key) ?? (map.set(key, tally()), map.get(key)!);
  for (const node of inventory?.nodes.values() ?? []) {
    get(nodes, node.name);
    servicesOf.set(node.name, new Set(node.services.map((s) => s.name)));
    for (const service of node.services) get(services, `${node.name}/${service.name}`);
  }

  const sorted = sortUnique(lines).filter((line) => parseTime(line.at) <= now);
  const opened = new Map<string, number>();
  const last = new Map<string, IncidentLine>();
  const flappingNow = new Set<string>();
  const episodes: { line: IncidentLine; start: number; end: number | null }[] = [];
  for (const line of sorted) {
    last.set(line.fingerprint, line);
    if (line.service && !servicesOf.get(line.node)?.has(line.service)) {
      const set = servicesOf.get(line.node) ?? new Set<string>();
      set.add(line.service);
      servicesOf.set(line.node, set);
    }
    if (line.event === 'opened' && !opened.has(line.fingerprint)) opened.set(line.fingerprint, parseTime(line.at));
    else if (line.event === 'resolved' && opened.has(line.fingerprint)) {
      episodes.push({ line, start: opened.get(line.fingerprint)!, end: parseTime(line.at) });
      opened.delete(line.fingerprint);
    } else if (line.event === 'flapping') flappingNow.add(line.fingerprint);
    else if (line.event === 'stable') flappingNow.delete(line.fingerprint);
  }
  for (const [fingerprint, start] of opened) episodes.push({ line: last.get(fingerprint)!, start, end: null });

  for (const { line, start, end } of episodes) {
    const targets = line.service ? [get(services, `${line.node}/${line.service}`), get(nodes, line.node)] : [get(nodes, line.node)];
    const duration = (end ?? asOf) - start;
    for (const target of targets) {
      target.incidents++;
      if (end === null) target.open++;
      else target.repairs.push(end - start);
    }
    if (!OUTAGE_DRIFTS.has(line.drift)) continue;
    const down: [number, number] = [start, end ?? Math.max(asOf, start)];
    if (line.service) {
      const target = get(services, `${line.node}/${line.service}`);
      target.outages.push(down);
      target.longest = Math.max(target.longest, duration);
    } else {
      const node = get(nodes, line.node);
      node.outages.push(down);
      node.longest = Math.max(node.longest, duration);
      // An offline node takes its services down with it.
      for (const service of servicesOf.get(line.node) ?? []) {
        const target = get(services, `${line.node}/${service}`);
        target.outages.push(down);
        target.longest = Math.max(target.longest, duration);
      }
    }
  }

  const render = (map: Map<string, Tally>) =>
    Object.fromEntries(
      [...map.keys()].sort().map((key) => {
        const t = map.get(key)!;
        const merged = merge(t.outages);
        return [
          key,
          {
            incidents: t.incidents,
            open: t.open,
            mttr_seconds: t.repairs.length ? Math.round(t.repairs.reduce((a, b) => a + b, 0) / t.repairs.length / 1000) : null,
            longest_outage_seconds: Math.round(t.longest / 1000),
            availability: Object.fromEntries(
              Object.entries(WINDOWS).map(([name, size]) => [name, availability(merged, asOf - size, asOf)]),
            ) as TargetInsights['availability'],
          } satisfies TargetInsights,
        ];
      }),
    );

  const flapping = [...flappingNow].sort();
  const top = [...services]
    .map(([target, t]) => ({ target, incidents: t.incidents, outage_seconds: Math.round(downtime(merge(t.outages), -Infinity, asOf) / 1000) }))
    .filter((entry) => entry.incidents > 0)
    .sort((a, b) => b.incidents - a.incidents || b.outage_seconds - a.outage_seconds || (a.target < b.target ? -1 : 1))
    .slice(0, 10);
  return { as_of: formatTime(asOf), lines: sorted.length, services: render(services), nodes: render(nodes), flapping, top_offenders: top };
}

function merge(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const previous = out.at(-1);
    if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
    else out.push([start, end]);
  }
  return out;
}

function downtime(merged: [number, number][], from: number, to: number): number {
  let total = 0;
  for (const [start, end] of merged) total += Math.max(0, Math.min(end, to) - Math.max(start, from));
  return total;
}

/** Percent of [from, to] without outage, to three decimals. */
function availability(merged: [number, number][], from: number, to: number): number {
  return Math.round((100 - (100 * downtime(merged, from, to)) / (to - from)) * 1000) / 1000;
}

export function serializeInsights(insights: Insights): string {
  return `${JSON.stringify(insights, null, 2)}\n`;
}
