import { formatTime, parseTime, type Inventory } from '../model/index.js';
import type { IncidentLine } from './line.js';
import { sortUnique } from './state.js';

export { INSIGHTS_FILE } from '../repo/status-source.js';

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
  /** Sum and count of repair times (ms), for MTTR. */
  repairTotal: number;
  repairs: number;
  longest: number;
  outages?: [number, number][];
}

/** One node's tallies: its own, its services' (only those the chronicle touches), and services seen only in lines. */
interface NodeTallies {
  tally: Tally | undefined;
  services: Map<string, Tally>;
  /** Services the inventory lists for the node: an offline node takes them down too. */
  listed: readonly string[];
  unseen: Set<string> | undefined;
}

const tally = (): Tally => ({ incidents: 0, open: 0, repairTotal: 0, repairs: 0, longest: 0 });

/**
 * status/insights.json from the chronicle: one sort and one pass, O(n log n) in lines.
 * `as_of` is --now floored to the hour, so a quiet homelab rewrites it at most hourly.
 * `nodes` lists every node; `services` lists the services the chronicle holds an incident or
 * an outage for: a service that is absent had neither (100% available).
 */
export function distill(lines: readonly IncidentLine[], now: number, inventory?: Inventory): Insights {
  return distillSorted(sortUnique(lines), now, inventory);
}

/**
 * `distill` of lines already in reading order without duplicates (`sortUnique`), for a caller
 * that sorted them for its own fold. Targets are kept per node, so no `node/service` key is
 * built until rendering, and a quiet service allocates nothing: at 20,000 services most are.
 */
export function distillSorted(sortedLines: readonly IncidentLine[], now: number, inventory?: Inventory): Insights {
  const asOf = Math.floor(now / HOUR) * HOUR;
  const nodes = new Map<string, NodeTallies>();
  const nodeOf = (name: string) => {
    let entry = nodes.get(name);
    if (!entry) nodes.set(name, (entry = { tally: undefined, services: new Map(), listed: [], unseen: undefined }));
    return entry;
  };
  const nodeTally = (entry: NodeTallies) => (entry.tally ??= tally());
  const serviceTally = (entry: NodeTallies, service: string) => {
    let target = entry.services.get(service);
    if (!target) entry.services.set(service, (target = tally()));
    return target;
  };
  for (const node of inventory?.nodes.values() ?? []) {
    const entry = nodeOf(node.name);
    nodeTally(entry);
    entry.listed = node.services.map((service) => service.name);
  }

  const sorted = sortedLines.filter((line) => parseTime(line.at) <= now);
  const opened = new Map<string, number>();
  const last = new Map<string, IncidentLine>();
  const flappingNow = new Set<string>();
  const episodes: { line: IncidentLine; start: number; end: number | null }[] = [];
  for (const line of sorted) {
    last.set(line.fingerprint, line);
    if (line.event === 'opened' && !opened.has(line.fingerprint)) opened.set(line.fingerprint, parseTime(line.at));
    else if (line.event === 'resolved' && opened.has(line.fingerprint)) {
      episodes.push({ line, start: opened.get(line.fingerprint)!, end: parseTime(line.at) });
      opened.delete(line.fingerprint);
    } else if (line.event === 'flapping') flappingNow.add(line.fingerprint);
    else if (line.event === 'stable') flappingNow.delete(line.fingerprint);
  }
  // Services seen only in the chronicle still go down with their node (below). A fingerprint
  // names one node/service, so its last line stands for all of its lines.
  for (const line of last.values()) {
    if (!line.service) continue;
    const entry = nodeOf(line.node);
    if (!entry.listed.includes(line.service)) (entry.unseen ??= new Set()).add(line.service);
  }
  for (const [fingerprint, start] of opened) episodes.push({ line: last.get(fingerprint)!, start, end: null });

  for (const { line, start, end } of episodes) {
    const entry = nodeOf(line.node);
    const node = nodeTally(entry);
    const service = line.service ? serviceTally(entry, line.service) : undefined;
    const duration = (end ?? asOf) - start;
    for (const target of service ? [service, node] : [node]) {
      target.incidents++;
      if (end === null) target.open++;
      else {
        target.repairTotal += end - start;
        target.repairs++;
      }
    }
    if (!OUTAGE_DRIFTS.has(line.drift)) continue;
    const down: [number, number] = [start, end ?? Math.max(asOf, start)];
    if (!service) {
      // An offline node takes its services down with it, including those only the chronicle names.
      for (const name of entry.listed) serviceTally(entry, name);
      for (const name of entry.unseen ?? []) serviceTally(entry, name);
      entry.unseen = undefined;
    }
    const targets = service ? [service] : [node, ...entry.services.values()];
    for (const target of targets) {
      (target.outages ??= []).push(down);
      target.longest = Math.max(target.longest, duration);
    }
  }

  const summarize = (t: Tally): TargetInsights => {
    const merged = t.outages ? merge(t.outages) : undefined;
    return {
      incidents: t.incidents,
      open: t.open,
      mttr_seconds: t.repairs ? Math.round(t.repairTotal / t.repairs / 1000) : null,
      longest_outage_seconds: Math.round(t.longest / 1000),
      availability: merged
        ? { '24h': availability(merged, asOf - WINDOWS['24h'], asOf), '7d': availability(merged, asOf - WINDOWS['7d'], asOf), '30d': availability(merged, asOf - WINDOWS['30d'], asOf) }
        : { '24h': 100, '7d': 100, '30d': 100 },
    };
  };
  // Keys in the order of their `node/service` text: nodes by `name/` ("a-b/" sorts before "a/").
  const services: Record<string, TargetInsights> = {};
  const offenders: Insights['top_offenders'] = [];
  for (const name of [...nodes.keys()].sort(bySlashed)) {
    const entry = nodes.get(name)!;
    for (const service of [...entry.services.keys()].sort()) {
      const t = entry.services.get(service)!;
      const target = `${name}/${service}`;
      services[target] = summarize(t);
      if (t.incidents > 0) offenders.push({ target, incidents: t.incidents, outage_seconds: t.outages ? Math.round(downtime(merge(t.outages), -Infinity, asOf) / 1000) : 0 });
    }
  }
  const nodeInsights: Record<string, TargetInsights> = {};
  for (const name of [...nodes.keys()].sort()) {
    const t = nodes.get(name)!.tally;
    if (t) nodeInsights[name] = summarize(t);
  }

  const flapping = [...flappingNow].sort();
  const top = offenders
    .sort((a, b) => b.incidents - a.incidents || b.outage_seconds - a.outage_seconds || (a.target < b.target ? -1 : 1))
    .slice(0, 10);
  return { as_of: formatTime(asOf), lines: sorted.length, services, nodes: nodeInsights, flapping, top_offenders: top };
}

const bySlashed = (a: string, b: string) => (`${a}/` < `${b}/` ? -1 : 1);

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

/**
 * Indented JSON with one line per target (and per flapping fingerprint and offender): a
 * target's change is a one-line diff, and the file is a quarter of its fully indented size.
 */
export function serializeInsights(insights: Insights): string {
  const block = (entries: [string | undefined, unknown][], open: string, close: string) =>
    entries.length === 0 ? `${open}${close}` : `${open}\n${entries.map(([key, value]) => `    ${key === undefined ? '' : `${JSON.stringify(key)}: `}${JSON.stringify(value)}`).join(',\n')}\n  ${close}`;
  const record = (values: Record<string, unknown>) => block(Object.entries(values), '{', '}');
  const list = (values: readonly unknown[]) => block(values.map((value) => [undefined, value]), '[', ']');
  return [
    '{',
    `  "as_of": ${JSON.stringify(insights.as_of)},`,
    `  "lines": ${insights.lines},`,
    `  "services": ${record(insights.services)},`,
    `  "nodes": ${record(insights.nodes)},`,
    `  "flapping": ${list(insights.flapping)},`,
    `  "top_offenders": ${list(insights.top_offenders)}`,
    '}',
    '',
  ].join('\n');
}
