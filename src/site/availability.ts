import type { IncidentEvent } from './chronicle.js';

const DAY_MS = 86_400_000;

export type DayState = 'none' | 'ok' | 'minor' | 'degraded' | 'down';
const DAY_RANK: Record<DayState, number> = { none: 0, ok: 1, minor: 2, degraded: 3, down: 4 };

/** A stretch of time an incident was open at one severity. `end` is null while still open. */
export interface Interval {
  id: string;
  node: string;
  service?: string;
  drift?: string;
  severity: string;
  start: number;
  end: number | null;
}

/** An incident from its first opening to its resolution, for MTTR and history lists. */
export interface IncidentSpan {
  id: string;
  node: string;
  service?: string;
  drift?: string;
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

/** Folds lifecycle events (in chronicle order) into open intervals and incident spans. */
export function foldIncidents(events: readonly IncidentEvent[]): { intervals: Interval[]; spans: IncidentSpan[] } {
  const intervals: Interval[] = [];
  const spans = new Map<string, IncidentSpan>();
  const open = new Map<string, Interval>();
  const ordered = [...events].map((event, index) => ({ event, index, at: Date.parse(event.at) }));
  ordered.sort((a, b) => a.at - b.at || a.index - b.index);
  for (const { event, at } of ordered) {
    const key = event.id;
    const current = open.get(key);
    const close = () => {
      if (current) {
        current.end = at;
        open.delete(key);
      }
    };
    const start = (severity: string) => {
      const interval: Interval = { id: key, node: event.node, service: event.service, drift: event.drift, severity, start: at, end: null };
      intervals.push(interval);
      open.set(key, interval);
    };
    let span = spans.get(key);
    if (!span) {
      span = { id: key, node: event.node, service: event.service, drift: event.drift, worst: event.severity, opened: at, resolved: null, flapping: false, reason: event.reason };
      spans.set(key, span);
    }
    if (severityRank(event.severity) > severityRank(span.worst)) span.worst = event.severity;
    if (event.event === 'resolved') {
      close();
      span.resolved = at;
    } else if (event.event === 'flapping') {
      span.flapping = true;
    } else if (event.event === 'stable') {
      span.flapping = false;
    } else if (!current) {
      start(event.severity);
      span.resolved = null;
    } else if (current.severity !== event.severity) {
      close();
      start(event.severity);
    }
  }
  return { intervals, spans: [...spans.values()] };
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
  const label: Record<DayState, string> = { ok: 'without incidents', minor: 'with minor incidents', degraded: 'degraded', down: 'down', none: 'without data' };
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
