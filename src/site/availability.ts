import { sortUnique, stepIncident, type IncidentState } from '../chronicle/state.js';
import type { IncidentLine } from '../chronicle/line.js';
import { parseTime } from '../model/index.js';

const DAY_MS = 86_400_000;

export type DayState = 'none' | 'ok' | 'minor' | 'degraded' | 'down';
const DAY_RANK: Record<DayState, number> = { none: 0, ok: 1, minor: 2, degraded: 3, down: 4 };

/** A stretch of time an incident was open at one severity. `end` is null while still open. */
export interface Interval {
  fingerprint: string;
  node: string;
  service?: string;
  drift: string;
  severity: string;
  start: number;
  end: number | null;
}

/** One incident: a fingerprint from an `opened` line to its `resolved` line, for MTTR and history lists. */
export interface IncidentSpan {
  fingerprint: string;
  /** The id of the `opened` line: the incident's anchor on the incidents page. */
  id: string;
  node: string;
  service?: string;
  drift: string;
  worst: string;
  opened: number;
  resolved: number | null;
  flapping: boolean;
  reason: string;
}

const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };
const severityRank = (severity: string) => SEVERITY_RANK[severity] ?? 1;

export function severityDay(severity: string): DayState {
  return severity === 'critical' ? 'down' : severity === 'info' ? 'minor' : 'degraded';
}

/**
 * Cuts chronicle/incidents.jsonl into intervals and incidents. The state of each fingerprint
 * is the chronicle's own fold (`stepIncident`, in its reading order `sortUnique`); this only
 * records when that state opened, changed severity, and closed.
 */
export function incidentHistory(lines: readonly IncidentLine[]): { intervals: Interval[]; spans: IncidentSpan[] } {
  const intervals: Interval[] = [];
  const spans: IncidentSpan[] = [];
  const states = new Map<string, IncidentState>();
  const open = new Map<string, { interval: Interval; span: IncidentSpan }>();
  for (const line of sortUnique(lines)) {
    const at = parseTime(line.at);
    const state = stepIncident(states.get(line.fingerprint), line);
    states.set(line.fingerprint, state);
    const current = open.get(line.fingerprint);
    if (current && (!state.open || current.interval.severity !== state.severity)) {
      current.interval.end = at;
      if (!state.open) {
        current.span.resolved = at;
        open.delete(line.fingerprint);
      }
    }
    if (current) current.span.flapping ||= state.flapping;
    if (!state.open) continue;
    const where = { node: line.node, ...(line.service ? { service: line.service } : {}), drift: line.drift };
    const interval: Interval = {
      fingerprint: line.fingerprint,
      ...where,
      severity: state.severity,
      start: at,
      end: null,
    };
    if (current && current.interval.severity === state.severity) continue;
    intervals.push(interval);
    if (current) {
      current.interval = interval;
      if (severityRank(state.severity) > severityRank(current.span.worst)) current.span.worst = state.severity;
      continue;
    }
    const span: IncidentSpan = {
      ...{ fingerprint: line.fingerprint, id: line.id, ...where, worst: state.severity, opened: at, resolved: null },
      ...{ flapping: state.flapping, reason: line.reason },
    };
    spans.push(span);
    open.set(line.fingerprint, { interval, span });
  }
  return { intervals, spans };
}

export interface DayBar {
  /** YYYY-MM-DD (UTC). */
  date: string;
  state: DayState;
}

/**
 * One bar per UTC day for `days` days ending on the day of `now`, coloured by the worst
 * interval overlapping it. Days before `since` (when the chronicle began) have no data.
 */
export function dailyBars(intervals: readonly Interval[], now: number, since: number | null, days = 90): DayBar[] {
  const lastDay = Math.floor(now / DAY_MS) * DAY_MS;
  const firstDay = lastDay - (days - 1) * DAY_MS;
  const states: DayState[] = [];
  const sinceDay = since === null ? null : Math.floor(since / DAY_MS) * DAY_MS;
  for (let i = 0; i < days; i++) {
    const day = firstDay + i * DAY_MS;
    states.push(sinceDay === null || day < sinceDay || day > now ? 'none' : 'ok');
  }
  for (const interval of intervals) {
    const end = interval.end ?? now;
    const from = Math.max(0, Math.floor((interval.start - firstDay) / DAY_MS));
    const to = Math.min(days - 1, Math.floor((Math.max(end, interval.start) - firstDay) / DAY_MS));
    const state = severityDay(interval.severity);
    for (let i = from; i <= to; i++) if (DAY_RANK[state] > DAY_RANK[states[i]!]) states[i] = state;
  }
  return states.map((state, i) => ({ date: new Date(firstDay + i * DAY_MS).toISOString().slice(0, 10), state }));
}

/** A sentence that says what the bars show, for readers who cannot see colour. */
export function describeBars(bars: readonly DayBar[]): string {
  const counts = new Map<DayState, string[]>();
  for (const bar of bars) counts.set(bar.state, [...(counts.get(bar.state) ?? []), bar.date]);
  const parts: string[] = [];
  const label: Record<DayState, string> = {
    ok: 'without incidents',
    minor: 'with minor incidents',
    degraded: 'degraded',
    down: 'down',
    none: 'without data',
  };
  for (const state of ['ok', 'minor', 'degraded', 'down', 'none'] as const) {
    const dates = counts.get(state);
    if (!dates) continue;
    const n = dates.length;
    const list = state !== 'ok' && state !== 'none' && n <= 5 ? ` (${dates.join(', ')})` : '';
    parts.push(`${n} day${n === 1 ? '' : 's'} ${label[state]}${list}`);
  }
  return `Last ${bars.length} days: ${parts.join('; ')}.`;
}

/** Mean time to resolve, over resolved incidents; null when none resolved. */
export function meanTimeToResolve(spans: readonly IncidentSpan[]): number | null {
  const resolved = spans.filter((span) => span.resolved !== null);
  if (resolved.length === 0) return null;
  return resolved.reduce((sum, span) => sum + (span.resolved! - span.opened), 0) / resolved.length;
}

/**
 * Share of the window (the last `days` days, or since the chronicle began if later) without a
 * critical incident open: what a status page calls uptime. Null when the window is empty.
 */
export function uptimePercent(
  intervals: readonly Interval[],
  now: number,
  since: number | null,
  days = 90,
): number | null {
  const from = Math.max(Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS, since ?? Infinity);
  if (!(now > from)) return null;
  const down = intervals
    .filter((interval) => interval.severity === 'critical')
    .map((interval) => [Math.max(from, interval.start), Math.min(now, interval.end ?? now)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = from;
  for (const [start, end] of down) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return Math.floor(((now - from - total) / (now - from)) * 10_000) / 100;
}
