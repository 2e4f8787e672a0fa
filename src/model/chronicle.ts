import { z } from 'zod';
import { Name } from './names.js';
import { Timestamp } from './time.js';
import { Severity } from './world.js';

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
