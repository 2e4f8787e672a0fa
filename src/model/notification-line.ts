import { z } from 'zod';
import { Timestamp } from './time.js';
import { Severity } from './world.js';

export const NOTIFICATIONS_FILE = 'chronicle/notifications.jsonl';

export const ITEM_KINDS = [
  'opened',
  'escalated',
  'reminder',
  'resolved',
  'flapping',
  'stable',
  'resolved_while_held',
  'transient',
  'pipeline_stale',
  'pipeline_recovered',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const SUPPRESS_REASONS = [
  'maintenance',
  'silence',
  'ack',
  'flapping',
  'below_min_severity',
  'duplicate',
  'quiet_hours',
  'alert_after',
  'inhibited',
  'pipeline_stale',
  'never_announced',
  'send_resolved_off',
  'stabilizing',
] as const;
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

/** One NotifyGate decision about one fingerprint in one run. */
export const DecisionLine = z.looseObject({
  id: z.string(),
  at: Timestamp,
  type: z.literal('decision'),
  decision: z.enum(['sent', 'suppressed', 'held']),
  kind: z.enum(ITEM_KINDS),
  fingerprint: z.string(),
  /** Id of the incident line that opened the episode this decision is about. */
  episode: z.string().optional(),
  severity: Severity.optional(),
  reason: z.enum(SUPPRESS_REASONS).optional(),
  /** Dedup key: normalized fields only (fingerprint, episode, kind, severity, revision). */
  key: z.string().optional(),
  /** The outbox message that carries it (sent only). */
  message: z.string().optional(),
  /** stable: whether the incident was still open when it settled. */
  open: z.boolean().optional(),
  /** `edit`: shown by editing the alert's live message (notifies nobody), not in a new post. */
  via: z.literal('edit').optional(),
  /** Incident line ids this decision consumed. */
  lines: z.array(z.string()).default([]),
});
export type DecisionLine = z.infer<typeof DecisionLine>;

/** The outbox lives in the same log: queued before sending, then delivered or failed. */
export const OutboxLine = z.looseObject({
  id: z.string(),
  at: Timestamp,
  type: z.literal('outbox'),
  state: z.enum(['queued', 'delivered', 'failed']),
  message: z.string(),
  channel: z.string().optional(),
  payload: z.unknown().optional(),
  error: z.string().optional(),
  /** delivered: the form Discord finally took, when not the full message (`error` says why). */
  reshaped: z.enum(['plain', 'text']).optional(),
  /** delivered: Discord's message id (what a later edit of the message needs). */
  discord_id: z.string().optional(),
  /** queued: this message edits the live message posted as `edit` (a message key), not a new post. */
  edit: z.string().optional(),
  /** queued: normalized signature of what the live message shows (an edit is queued when it changes). */
  sig: z.string().optional(),
  /** delivered: the edit's target was gone (deleted by a human), so it was posted anew as `discord_id`. */
  reposted: z.boolean().optional(),
});
export type OutboxLine = z.infer<typeof OutboxLine>;

export const NotificationLine = z.discriminatedUnion('type', [DecisionLine, OutboxLine]);
export type NotificationLine = z.infer<typeof NotificationLine>;
