import { parseTime, type Severity } from '../model/index.js';
import type { IncidentLine, TransitionLine } from './line.js';

/** What the chronicle remembers of one fingerprint: the fold of its incident lines. */
export interface IncidentState {
  fingerprint: string;
  open: boolean;
  /** When the current (or last) incident opened, ms. */
  openedAt: number | null;
  flapping: boolean;
  severity: Severity;
  recommendation: IncidentLine['recommendation'];
  /** The latest line, whose node/service/drift/reason describe the incident. */
  last: IncidentLine;
  /** Latest opened/escalated/deescalated/resolved time, ms (flapping/stable lines excluded). */
  lastLifecycleAt: number;
  /** Latest line of any kind, ms. */
  lastAt: number;
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorted in reading order (at, fingerprint, event), with duplicate ids dropped (a union merge
 * may keep a line twice). Times are parsed once per line, not per comparison.
 */
export function sortUnique<T extends { id: string; at: string; fingerprint: string; event?: string; state?: string }>(lines: readonly T[]): T[] {
  const seen = new Set<string>();
  return lines
    .map((line) => ({ line, at: parseTime(line.at) }))
    .sort((a, b) => a.at - b.at || text(a.line.fingerprint, b.line.fingerprint) || text(a.line.event ?? a.line.state ?? '', b.line.event ?? b.line.state ?? ''))
    .map((entry) => entry.line)
    .filter((line) => (seen.has(line.id) ? false : (seen.add(line.id), true)));
}

export function foldIncidents(lines: readonly IncidentLine[]): Map<string, IncidentState> {
  return foldSortedIncidents(sortUnique(lines));
}

/** `foldIncidents` of lines already in reading order without duplicates (`sortUnique`). */
export function foldSortedIncidents(sorted: readonly IncidentLine[]): Map<string, IncidentState> {
  const states = new Map<string, IncidentState>();
  for (const line of sorted) states.set(line.fingerprint, stepIncident(states.get(line.fingerprint), line));
  return states;
}

/**
 * One line of the fold: the state after `line`, given the state before it (updated in place).
 * Exported so readers that keep more memory per fingerprint (NotifyGate's episodes) build on
 * this fold instead of folding the file a second time.
 */
export function stepIncident(previous: IncidentState | undefined, line: IncidentLine): IncidentState {
  const at = parseTime(line.at);
  const state: IncidentState = previous ?? {
    fingerprint: line.fingerprint,
    open: false,
    openedAt: null,
    flapping: false,
    severity: line.severity,
    recommendation: line.recommendation,
    last: line,
    lastLifecycleAt: -Infinity,
    lastAt: -Infinity,
  };
  switch (line.event) {
    case 'opened':
      state.open = true;
      state.openedAt = at;
      break;
    case 'resolved':
      state.open = false;
      break;
    case 'flapping':
      state.flapping = true;
      break;
    case 'stable':
      state.flapping = false;
      break;
    default:
      break;
  }
  if (line.event !== 'flapping' && line.event !== 'stable') {
    state.severity = line.severity;
    state.recommendation = line.recommendation;
    state.lastLifecycleAt = Math.max(state.lastLifecycleAt, at);
  }
  state.last = line;
  state.lastAt = Math.max(state.lastAt, at);
  return state;
}

export interface Transition {
  at: number;
  state: 'present' | 'clear';
}

export function foldTransitions(lines: readonly TransitionLine[]): Map<string, Transition[]> {
  const out = new Map<string, Transition[]>();
  for (const line of sortUnique(lines)) {
    const list = out.get(line.fingerprint) ?? [];
    list.push({ at: parseTime(line.at), state: line.state });
    out.set(line.fingerprint, list);
  }
  return out;
}
