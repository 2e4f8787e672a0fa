import { z } from 'zod';
import { Name } from './names.js';
import { Timestamp } from './time.js';

export const SERVICE_STATUSES = ['ok', 'degraded', 'failed', 'stopped', 'unknown'] as const;
export const ServiceStatus = z.enum(SERVICE_STATUSES);
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const ObservedService = z.strictObject({
  name: Name,
  status: ServiceStatus,
  detail: z.string().optional(),
});
export type ObservedService = z.infer<typeof ObservedService>;

export const Deployment = z.strictObject({
  service: Name,
  at: Timestamp,
  result: z.enum(['success', 'failed', 'in_progress']),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type Deployment = z.infer<typeof Deployment>;

export const IncidentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'an id of letters, digits, dots, dashes and underscores' });

export const WorldIncident = z.strictObject({
  id: IncidentId,
  severity: Severity,
  summary: z.string(),
  opened_at: Timestamp,
  resolved_at: Timestamp.nullable().default(null),
});
export type WorldIncident = z.infer<typeof WorldIncident>;

export const WorldSnapshot = z.strictObject({
  node: Name,
  observed_at: Timestamp,
  status: z.enum(['online', 'offline']),
  services: z.array(ObservedService).default([]),
  deployments: z.array(Deployment).default([]).describe('most recent last'),
  incidents: z.array(WorldIncident).default([]),
});
export type WorldSnapshot = z.infer<typeof WorldSnapshot>;

/** What reconcile knows of one node's actual state. */
export type NodeObservation =
  | { kind: 'snapshot'; snapshot: WorldSnapshot }
  | { kind: 'invalid'; file: string; reason: string }
  | { kind: 'absent' };

export const Heartbeat = z.object({ node: Name, seen_at: Timestamp });
export type Heartbeat = z.infer<typeof Heartbeat>;
