import { createHash } from 'node:crypto';
export { INCIDENTS_FILE, TRANSITIONS_FILE, INCIDENT_EVENTS, IncidentLine, TransitionLine, type IncidentEvent } from '../model/chronicle.js';
import type { IncidentLine, TransitionLine } from '../model/chronicle.js';

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
