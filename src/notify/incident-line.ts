import { z } from 'zod';
import { Severity, Timestamp } from '../model/index.js';

export const INCIDENT_EVENTS = ['opened', 'escalated', 'deescalated', 'resolved', 'flapping', 'stable'] as const;

/**
 * One line of chronicle/incidents.jsonl (written by the chronicle). NotifyGate reads only
 * these fields; extra fields are kept out of the way so the writer may add more.
 */
export const IncidentLine = z.looseObject({
  id: z.string().min(1),
  at: Timestamp,
  event: z.enum(INCIDENT_EVENTS),
  /** The recommendation id: `node/service/drift` or `node/drift`. */
  fingerprint: z.string().min(1),
  node: z.string().min(1),
  service: z.string().optional(),
  drift: z.string().optional(),
  severity: Severity,
  recommendation: z.string().optional(),
  action: z.string().optional(),
  reason: z.string().optional(),
  /** Desired-state revision the incident was reconciled against, when the writer knows it. */
  revision: z.string().optional(),
  /** The policy maintenance window the line's time lies in: recorded, not alerted. */
  maintenance_window: z.string().optional(),
});
export type IncidentLine = z.infer<typeof IncidentLine>;

export const INCIDENTS_FILE = 'chronicle/incidents.jsonl';

const EVENT_ORDER: Record<IncidentLine['event'], number> = { opened: 0, escalated: 1, deescalated: 2, flapping: 3, stable: 4, resolved: 5 };

/** Union merges may reorder lines, so readers sort by (at, fingerprint, event, id). */
export function sortIncidentLines(lines: readonly IncidentLine[]): IncidentLine[] {
  return [...lines].sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) ||
      (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0) ||
      EVENT_ORDER[a.event] - EVENT_ORDER[b.event] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
