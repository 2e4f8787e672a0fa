import { z } from 'zod';
import { Name, ServiceRef } from './names.js';
import { Timestamp } from './time.js';

export const ADMIN_ACTIONS = [
  'enter_maintenance',
  'exit_maintenance',
  'drain',
  'cordon',
  'uncordon',
  'silence',
  'unsilence',
  'ack',
  'approve_remediation',
  'pause_remediation',
  'resume_remediation',
] as const;
export const AdminAction = z.enum(ADMIN_ACTIONS);
export type AdminAction = z.infer<typeof AdminAction>;

/** Actions that name a node in inventory. */
export const NODE_ACTIONS: readonly AdminAction[] = [
  'enter_maintenance',
  'exit_maintenance',
  'drain',
  'cordon',
  'uncordon',
];

/** What a silence covers: every field given must match (node, `node/service` or service name, incident fingerprint). */
export const SilenceMatcher = z
  .strictObject({
    node: Name.optional(),
    service: ServiceRef.optional(),
    fingerprint: z.string().min(1).max(200).optional(),
  })
  .refine((m) => m.node !== undefined || m.service !== undefined || m.fingerprint !== undefined, {
    message: 'a matcher needs a node, a service or a fingerprint',
  });
export type SilenceMatcher = z.infer<typeof SilenceMatcher>;

/** When a silence ends: a time, or `resolved` (with a fingerprint matcher: when that incident resolves). */
export const SilenceUntil = z.union([Timestamp, z.literal('resolved')]);
export type SilenceUntil = z.infer<typeof SilenceUntil>;

/** One line of chronicle/admin.jsonl. `prev` is the sha256 (hex) of the previous line's bytes. */
export const AdminEvent = z.strictObject({
  seq: z.number().int().min(1),
  at: Timestamp,
  actor: z.string().min(1).max(200),
  action: AdminAction,
  node: Name.nullable(),
  reason: z.string().max(2000).nullable(),
  prev: z.string().regex(/^[0-9a-f]{64}$/, { message: 'a sha256 hex digest' }),
  until: SilenceUntil.optional(),
  matcher: SilenceMatcher.optional(),
  fingerprint: z.string().min(1).max(200).optional(),
  /** approve_remediation: the skill approved for `fingerprint`. */
  skill: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'a skill id' })
    .optional(),
});
export type AdminEvent = z.infer<typeof AdminEvent>;

export const MAINTENANCE_STATES = [
  'Active',
  'Cordoned',
  'EnteringMaintenance',
  'Maintenance',
  'DrainFailed',
  'ExitingMaintenance',
  'Recovery',
] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

/** Why a drain does not complete yet; past drain_timeout it is DrainFailed. */
export interface DrainBlocker {
  service: string;
  kind: 'temporary';
  reason: string;
}

export interface DrainService {
  /** Where the service should go (first valid failover target), or where it already runs healthy. */
  target: string | null;
  moved: boolean;
  /** No failover list: the service stops with the node and does not hold the drain back. */
  no_failover?: true;
}

export interface DrainProgress {
  moved: number;
  total: number;
  deadline: string;
  services: Record<string, DrainService>;
  blockers: DrainBlocker[];
  /** DrainFailed only: what an operator can do. */
  ways_out?: string[];
}

/** A node's maintenance view, folded from the admin chain and world observations. */
export interface NodeMaintenance {
  state: MaintenanceState;
  /** When the current state began (null: Active since forever). */
  since: string | null;
  /** An explicit cordon is in force (it outlives a maintenance). */
  cordoned: boolean;
  /** The admin event behind the current state. */
  seq?: number;
  actor?: string;
  reason?: string | null;
  /** Recovery: when the node becomes a failover target again. ExitingMaintenance: when drift is raised again. */
  until?: string;
  drain?: DrainProgress;
  /** Drift on this node recorded but not raised (EnteringMaintenance, Maintenance, ExitingMaintenance). */
  suppressed?: string[];
}
