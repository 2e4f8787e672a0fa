import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Name, Severity, Timestamp } from '../model/index.js';

export const INCIDENTS_FILE = 'chronicle/incidents.jsonl';
export const TRANSITIONS_FILE = 'chronicle/transitions.jsonl';

export const INCIDENT_EVENTS = ['opened', 'escalated', 'deescalated', 'resolved', 'flapping', 'stable'] as const;
export type IncidentEvent = (typeof INCIDENT_EVENTS)[number];

/**
 * One line of chronicle/incidents.jsonl: a change in an incident's life. NotifyGate and the
 * site read these; extra keys are allowed, these are the contract.
 */
export const IncidentLine = z.looseObject({
  id: z.string().min(1),
  at: Timestamp,
  event: z.enum(INCIDENT_EVENTS),
  fingerprint: z.string().min(1),
  node: Name,
  service: Name.optional(),
  drift: z.string().min(1),
  severity: Severity,
  recommendation: z.enum(['reconcile_blocked', 'reconcile_required', 'reconcile_recommended']),
  action: z.string().min(1),
  reason: z.string(),
  /** Extra: the maintenance window the line's time falls in (recorded, not alerted). */
  maintenance_window: z.string().optional(),
  /** Extra, on flapping/stable lines: whether the drift was present at that moment. */
  state: z.enum(['present', 'clear']).optional(),
});
export type IncidentLine = z.infer<typeof IncidentLine>;

/**
 * One line of chronicle/transitions.jsonl: the raw state of a drift changed (present ↔ clear).
 * Incident lines are derived from these; they are the memory that flapping and stabilization
 * need, because incidents.jsonl stays quiet while a drift flaps or settles.
 */
export const TransitionLine = z.looseObject({
  id: z.string().min(1),
  at: Timestamp,
  fingerprint: z.string().min(1),
  state: z.enum(['present', 'clear']),
});
export type TransitionLine = z.infer<typeof TransitionLine>;

/** Union merges collapse identical lines, so every line carries an id unique to its content. */
export function lineId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);
}

const INCIDENT_KEYS = ['id', 'at', 'event', 'fingerprint', 'node', 'service', 'drift', 'severity', 'recommendation', 'action', 'reason'] as const;

/** One line, keys in a fixed order, ending in a newline. */
export function serializeLine(line: IncidentLine | TransitionLine): string {
  const keys = 'event' in line ? INCIDENT_KEYS : (['id', 'at', 'fingerprint', 'state'] as const);
  const out: Record<string, unknown> = {};
  const record = line as Record<string, unknown>;
  for (const key of keys) if (record[key] !== undefined) out[key] = record[key];
  for (const key of Object.keys(record).sort()) if (!(key in out) && record[key] !== undefined) out[key] = record[key];
  return `${JSON.stringify(out)}\n`;
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The reading order: (at, fingerprint, event). Union merges may reorder lines in the file. */
export function compareLines(a: { at: string; fingerprint: string; event?: string; state?: string }, b: typeof a): number {
  return Date.parse(a.at) - Date.parse(b.at) || text(a.fingerprint, b.fingerprint) || text(a.event ?? a.state ?? '', b.event ?? b.state ?? '');
}
