import { z } from 'zod';
import { Name } from './names.js';
import { Timestamp } from './time.js';
import { LIMITS } from './limits.js';

const atMost = (n: number, what: string) => ({ message: `at most ${n} ${what}` });

export const SERVICE_STATUSES = ['ok', 'degraded', 'failed', 'stopped', 'unknown'] as const;
export const ServiceStatus = z.enum(SERVICE_STATUSES);
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const ObservedService = z.strictObject({
  name: Name.describe('service name as in services.yaml'),
  status: ServiceStatus.describe('what the probe found'),
  detail: z
    .string()
    .max(LIMITS.detailChars, atMost(LIMITS.detailChars, 'characters'))
    .optional()
    .describe('why, in a few words (e.g. HTTP 503 from /health)'),
});
export type ObservedService = z.infer<typeof ObservedService>;

export const Deployment = z.strictObject({
  service: Name.describe('the service deployed'),
  at: Timestamp.describe('when the deployment started'),
  result: z.enum(['success', 'failed', 'in_progress']),
  version: z
    .union([z.string().max(LIMITS.versionChars, atMost(LIMITS.versionChars, 'characters')), z.number()])
    .transform(String)
    .optional()
    .describe('what was deployed'),
});
export type Deployment = z.infer<typeof Deployment>;

export const IncidentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'an id of letters, digits, dots, dashes and underscores' });

export const WorldIncident = z.strictObject({
  id: IncidentId.describe('stable id of the incident on this node'),
  severity: Severity,
  summary: z
    .string()
    .max(LIMITS.summaryChars, atMost(LIMITS.summaryChars, 'characters'))
    .describe('one line for humans'),
  opened_at: Timestamp,
  resolved_at: Timestamp.nullable().default(null).describe('null while open'),
});
export type WorldIncident = z.infer<typeof WorldIncident>;

export const WorldSnapshot = z.strictObject({
  node: Name.describe('must match the file name'),
  observed_at: Timestamp.describe('when the observer looked; the chronicle uses this time'),
  status: z.enum(['online', 'offline']),
  services: z
    .array(ObservedService)
    .max(LIMITS.servicesPerNode, atMost(LIMITS.servicesPerNode, 'services per node'))
    .default([])
    .describe('one entry per service the observer saw'),
  deployments: z
    .array(Deployment)
    .max(LIMITS.deploymentsPerNode, atMost(LIMITS.deploymentsPerNode, 'deployments per node'))
    .default([])
    .describe('most recent last'),
  incidents: z
    .array(WorldIncident)
    .max(LIMITS.incidentsPerNode, atMost(LIMITS.incidentsPerNode, 'incidents per node'))
    .default([])
    .describe('incidents the node reports itself'),
});
export type WorldSnapshot = z.infer<typeof WorldSnapshot>;

/** What reconcile knows of one node's actual state. */
export type NodeObservation =
  | { kind: 'snapshot'; snapshot: WorldSnapshot }
  | { kind: 'invalid'; file: string; reason: string }
  | { kind: 'absent' };

export const Heartbeat = z.object({ node: Name, seen_at: Timestamp });
export type Heartbeat = z.infer<typeof Heartbeat>;
