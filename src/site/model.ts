import type { Problem } from '../errors/problem.js';
import type {
  Deployment,
  InventoryNode,
  NodeStatus,
  Recommendation,
  RecommendationEvent,
  Summary,
  WorldIncident,
  WorldSnapshot,
} from '../model/index.js';
import { EVENTS, parseTime } from '../model/index.js';
import { sortUnique } from '../chronicle/state.js';
import type { RepoModel } from '../repo/index.js';
import { INCIDENTS_FILE, type IncidentLine } from '../chronicle/line.js';
import type { ParsedJsonLines } from '../chronicle/parse.js';
import {
  dailyBars,
  describeBars,
  incidentHistory,
  meanTimeToResolve,
  uptimePercent,
  type DayBar,
  type IncidentSpan,
  type Interval,
} from './availability.js';
import type { AdminEvent } from '../model/index.js';
import { maintenanceFromStatus, type NodeMaintenanceView } from '../maintenance/status-view.js';
import { silencesInForce, type SilenceView } from './maintenance.js';
import type { Skill } from '../model/index.js';
import { factsFor, runbookFor, type Runbook } from '../skills/index.js';
import { describeDiagnosis, diagnosisFor, findingsOf } from '../skills/diagnosis.js';

/** Everything the site is built from, already read from disk: pure data. */
export interface SiteInputs {
  /**
   * The repo as read once: admin events are its verified fold of chronicle/admin.jsonl, and
   * chronicle/incidents.jsonl is parsed there with the chronicle's own line schema.
   */
  repo: Pick<RepoModel, 'inventory' | 'world' | 'problems' | 'admin' | 'chronicle'>;
  /** status/recommendations.json as parsed JSON, or undefined when absent/unreadable. */
  status: unknown;
  /** status/insights.json, shown as-is when present. */
  insights: unknown;
  /** Reference time for availability windows and silences; default: the latest time in the data. */
  now?: number;
  /** When the last successful reconcile ran (the reconciler heartbeat; never committed). */
  lastReconcile?: string;
  /**
   * The skill catalogue, loaded once per build (built-ins with inventory/skills/ applied): each
   * recommendation shows its runbook. A skill file with a problem is left out of `skills` and
   * its problem is listed; absent: no runbooks.
   */
  skills?: { skills: readonly Skill[]; problems: readonly Problem[] };
}

export type SummaryState = Summary | 'unknown';

export interface ServiceView {
  node: string;
  name: string;
  managed: boolean;
  description: string | null;
  critical: boolean;
  status: string;
  detail: string | null;
  dependsOn: string[];
  failover: string[];
  recommendations: Recommendation[];
  deployments: Deployment[];
  incidents: IncidentSpan[];
  bars: DayBar[] | null;
  barsText: string | null;
  mttrMs: number | null;
}

export interface NodeView {
  name: string;
  address: string | null;
  role: string | null;
  description: string | null;
  labels: string[];
  critical: boolean;
  health: string;
  lastSeen: string | null;
  /** As status/ records it (state, since, who, why, drain progress). */
  maintenance: NodeMaintenanceView;
  counts: NodeStatus['services'];
  snapshotProblem: string | null;
  services: ServiceView[];
  recommendations: Recommendation[];
  deployments: Deployment[];
  worldIncidents: WorldIncident[];
  incidents: IncidentSpan[];
  /** Node-level incidents (offline): the node page's strip. */
  bars: DayBar[] | null;
  barsText: string | null;
  /** The node and all its services, worst per day: the overview's strip. */
  allBars: DayBar[] | null;
  allBarsText: string | null;
  /** Share of the last 90 days without a critical incident on the node or its services. */
  uptime: number | null;
  mttrMs: number | null;
}

/** Plain JSON data: `site build` hands it to the astro child as a file (no Map, Set or Date). */
export interface SiteModel {
  summary: SummaryState;
  /** When the current summary began: the oldest open drift, or the last resolution. */
  summarySince: string | null;
  /** The reference time: newest observation or chronicle entry unless given. */
  asOf: string | null;
  /** The last successful reconcile, from the reconciler heartbeat; null when unknown. */
  lastReconcile: string | null;
  nodes: NodeView[];
  recommendations: Recommendation[];
  groups: { event: RecommendationEvent; recommendations: Recommendation[] }[];
  /** The runbook of each recommendation whose skill matches, by recommendation id (`runbookFor`, as `status --runbooks`). */
  runbooks: Record<string, Runbook>;
  /**
   * What the latest diagnostics of each recommendation's episode found (chronicle/diagnostics.jsonl,
   * the fold alerts and `/status` use): when, and counts with the first failing step, never output.
   */
  diagnoses: Record<string, { at: string; text: string }>;
  /** Chronicle incident lines, newest first. */
  timeline: IncidentLine[];
  /** Verified admin events, newest first. */
  admin: AdminEvent[];
  silences: SilenceView[];
  insights: unknown;
  hasChronicle: boolean;
  /** Things the reader should know about missing or partial data. */
  notes: string[];
  problems: Problem[];
}

interface StatusFile {
  summary?: unknown;
  recommendations?: unknown;
  nodes?: Record<string, Partial<NodeStatus> & Record<string, unknown>>;
}

const SUMMARIES: readonly string[] = ['nominal', 'degraded', 'unstable', 'reconciling'];
const EMPTY_COUNTS = { total: 0, ok: 0, degraded: 0, failed: 0, missing: 0 };

function readStatus(
  value: unknown,
): { summary: SummaryState; recommendations: Recommendation[]; nodes: NonNullable<StatusFile['nodes']> } | null {
  if (value === null || typeof value !== 'object') return null;
  const status = value as StatusFile;
  const summary =
    typeof status.summary === 'string' && SUMMARIES.includes(status.summary) ? (status.summary as Summary) : 'unknown';
  const recommendations = Array.isArray(status.recommendations)
    ? (status.recommendations as Recommendation[]).filter(
        (rec) => rec && typeof rec.node === 'string' && typeof rec.event === 'string',
      )
    : [];
  const nodes = status.nodes && typeof status.nodes === 'object' ? status.nodes : {};
  return { summary, recommendations, nodes };
}

function latestTime(inputs: SiteInputs): number | null {
  let latest: number | null = null;
  const see = (value: string | null | undefined) => {
    if (!value) return;
    const ms = parseTime(value);
    if (!Number.isNaN(ms) && (latest === null || ms > latest)) latest = ms;
  };
  for (const observation of inputs.repo.world.values())
    if (observation.kind === 'snapshot') see(observation.snapshot.observed_at);
  for (const line of incidentLines(inputs)?.lines ?? []) see(line.at);
  for (const event of inputs.repo.admin.events) see(event.at);
  return latest;
}

const incidentLines = (inputs: SiteInputs) =>
  inputs.repo.chronicle.get(INCIDENTS_FILE) as ParsedJsonLines<IncidentLine> | undefined;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Builds the view of the homelab every page renders. Pure: same inputs, same model. */
export function buildSiteModel(inputs: SiteInputs): SiteModel {
  const notes: string[] = [];
  const status = readStatus(inputs.status);
  if (!status) notes.push('No status/recommendations.json yet: run `labwarden reconcile` to produce it.');
  const recommendations = status?.recommendations ?? [];
  const now = inputs.now ?? latestTime(inputs);

  const parsed = incidentLines(inputs);
  const timelineEvents = parsed?.lines ?? [];
  const adminEvents = inputs.repo.admin.events;
  const hasChronicle = parsed !== undefined || adminEvents.length > 0;
  if (!hasChronicle)
    notes.push('No chronicle yet: incident history and availability appear once reconcile has recorded incidents.');
  if (inputs.repo.admin.break)
    notes.push(
      `chronicle/admin.jsonl is broken at seq ${inputs.repo.admin.break.seq}: operator events from there on are not shown (\`labwarden validate\` says more).`,
    );
  const skillProblems = inputs.skills?.problems ?? [];
  for (const problem of skillProblems)
    notes.push(
      `${problem.file}:${problem.line}:${problem.col} ${problem.message}: that skill gives no runbook (\`labwarden validate\` says more).`,
    );
  const runbooks: Record<string, Runbook> = {};
  for (const rec of inputs.skills ? recommendations : []) {
    const runbook = runbookFor(rec, inputs.skills!.skills, factsFor(inputs.repo, rec));
    if (runbook) runbooks[rec.id] = runbook;
  }
  const findings = findingsOf(inputs.repo);
  const diagnoses: Record<string, { at: string; text: string }> = {};
  for (const rec of recommendations) {
    const diagnosis = diagnosisFor(findings, rec);
    if (diagnosis) diagnoses[rec.id] = { at: diagnosis.at, text: describeDiagnosis(diagnosis) };
  }
  const skipped = (parsed?.problems.length ?? 0) + (parsed?.partial ? 1 : 0);
  if (skipped > 0)
    notes.push(
      `${skipped} chronicle line${skipped === 1 ? '' : 's'} could not be read and ${skipped === 1 ? 'is' : 'are'} not shown.`,
    );

  const { intervals, spans } = incidentHistory(timelineEvents);
  const chronicleStart = timelineEvents.reduce<number | null>((min, event) => {
    const at = parseTime(event.at);
    return min === null || at < min ? at : min;
  }, null);
  const withBars = parsed !== undefined && now !== null;
  const history: History = {
    bars: (filter) => (withBars ? dailyBars(intervals.filter(filter), now, chronicleStart) : null),
    uptime: (filter) => (withBars ? uptimePercent(intervals.filter(filter), now, chronicleStart) : null),
  };

  const openIncidents = new Set(spans.filter((span) => span.resolved === null).map((span) => span.fingerprint));
  const nodes: NodeView[] = [];
  for (const node of [...inputs.repo.inventory.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    nodes.push(buildNodeView(node, inputs, status?.nodes[node.name], recommendations, spans, history));
  }

  const groups = EVENTS.map((event) => ({
    event,
    recommendations: recommendations.filter((rec) => rec.event === event),
  })).filter((group) => group.recommendations.length > 0);

  let summarySince: string | null = null;
  if (recommendations.length > 0) {
    const times = recommendations
      .map((rec) => rec.since)
      .filter((since): since is string => typeof since === 'string')
      .sort();
    summarySince = times[0] ?? null;
  } else {
    const resolved = spans.map((span) => span.resolved).filter((at): at is number => at !== null);
    if (resolved.length > 0) summarySince = iso(resolved.reduce((max, at) => Math.max(max, at), -Infinity));
  }

  return {
    summary: status?.summary ?? 'unknown',
    summarySince,
    asOf: now === null ? null : iso(now),
    lastReconcile: inputs.lastReconcile ?? null,
    nodes,
    recommendations,
    groups,
    runbooks,
    diagnoses,
    timeline: sortUnique(timelineEvents).reverse(),
    admin: [...adminEvents].reverse(),
    silences: silencesInForce(adminEvents, now ?? 0, (fingerprint) => openIncidents.has(fingerprint)),
    insights: inputs.insights,
    hasChronicle,
    notes,
    problems: [...inputs.repo.problems, ...skillProblems],
  };
}

function buildNodeView(
  node: InventoryNode,
  inputs: SiteInputs,
  status: (Partial<NodeStatus> & Record<string, unknown>) | undefined,
  recommendations: Recommendation[],
  spans: IncidentSpan[],
  history: History,
): NodeView {
  const { bars } = history;
  const observation = inputs.repo.world.get(node.name);
  const snapshot: WorldSnapshot | null = observation?.kind === 'snapshot' ? observation.snapshot : null;
  const observed = new Map((snapshot?.services ?? []).map((service) => [service.name, service]));
  const nodeRecs = recommendations.filter((rec) => rec.node === node.name);
  const nodeSpans = spans.filter((span) => span.node === node.name);
  const offlineDrift = (i: Interval) => i.node === node.name && i.service === undefined;
  const health = typeof status?.health === 'string' ? status.health : snapshot ? snapshot.status : 'unknown';
  // An offline node's services were last seen before it went away: nobody knows their state now.
  const observedNow = health === 'online';

  const service = (name: string, managed: boolean): ServiceView => {
    const spec = node.services.find((s) => s.name === name);
    const seen = observed.get(name);
    const serviceSpans = nodeSpans.filter((span) => span.service === name);
    const serviceBars = bars(
      (i) => i.node === node.name && (i.service === name || (i.service === undefined && i.drift === 'offline_node')),
    );
    return {
      node: node.name,
      name,
      managed,
      description: spec?.description ?? null,
      critical: spec?.critical ?? false,
      status: !observedNow ? 'unknown' : (seen?.status ?? (snapshot ? 'missing' : 'unknown')),
      detail: seen?.detail ?? null,
      dependsOn: spec?.depends_on ?? [],
      failover: spec?.failover ?? [],
      recommendations: nodeRecs.filter((rec) => rec.service === name),
      deployments: (snapshot?.deployments ?? []).filter((deployment) => deployment.service === name).reverse(),
      incidents: serviceSpans,
      bars: serviceBars,
      barsText: serviceBars ? describeBars(serviceBars) : null,
      mttrMs: meanTimeToResolve(serviceSpans),
    };
  };
  const services = node.services.map((s) => service(s.name, true));
  for (const seen of snapshot?.services ?? [])
    if (!node.services.some((s) => s.name === seen.name)) services.push(service(seen.name, false));

  const nodeBars = bars(offlineDrift);
  const allBars = bars((i) => i.node === node.name);

  return {
    name: node.name,
    address: node.host.address ?? null,
    role: node.host.role ?? null,
    description: node.host.description ?? null,
    labels: node.host.labels,
    critical: node.host.critical,
    health,
    lastSeen: typeof status?.last_seen === 'string' ? status.last_seen : (snapshot?.observed_at ?? null),
    maintenance: maintenanceFromStatus(status?.maintenance),
    counts:
      status?.services && typeof status.services === 'object'
        ? { ...EMPTY_COUNTS, ...status.services }
        : countServices(services),
    snapshotProblem: observation?.kind === 'invalid' ? observation.reason : null,
    services,
    recommendations: nodeRecs,
    deployments: [...(snapshot?.deployments ?? [])].reverse(),
    worldIncidents: snapshot?.incidents ?? [],
    incidents: nodeSpans,
    bars: nodeBars,
    barsText: nodeBars ? describeBars(nodeBars) : null,
    allBars,
    allBarsText: allBars ? describeBars(allBars) : null,
    uptime: history.uptime((i) => i.node === node.name),
    mttrMs: meanTimeToResolve(nodeSpans),
  };
}

interface History {
  bars: (filter: (interval: Interval) => boolean) => DayBar[] | null;
  uptime: (filter: (interval: Interval) => boolean) => number | null;
}

function countServices(services: ServiceView[]): NodeStatus['services'] {
  const managed = services.filter((s) => s.managed);
  return {
    total: managed.length,
    ok: managed.filter((s) => s.status === 'ok').length,
    degraded: managed.filter((s) => s.status === 'degraded').length,
    failed: managed.filter((s) => s.status === 'failed' || s.status === 'stopped').length,
    missing: managed.filter((s) => s.status === 'missing').length,
  };
}
