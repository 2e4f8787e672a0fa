import { z } from 'zod';
import { Severity } from './world.js';
import { Duration } from './time.js';
import { MaintenanceWindow } from './maintenance-window.js';

/**
 * A pre-approval: skills (by id, or every skill up to `risk`) the executor may apply without an
 * approval event, on the listed nodes or nodes with one of the labels (neither: every node).
 * `high` is never pre-approved: such a skill needs an operator every time.
 */
export const PreApproval = z.strictObject({
  skills: z.array(z.string().min(1).max(63)).min(1).optional().describe('skill ids (default: any skill)'),
  risk: z.enum(['low', 'medium']).default('low').describe('the highest risk pre-approved'),
  nodes: z.array(z.string().min(1).max(63)).min(1).optional().describe('node names'),
  labels: z.array(z.string().min(1).max(63)).min(1).optional().describe('node labels'),
});
export type PreApproval = z.infer<typeof PreApproval>;

/**
 * inventory/policy.yaml. Every setting is optional; the defaults are what a quiet homelab
 * wants. Durations are written `30s`, `15m`, `1h30m` (or seconds) and held in milliseconds.
 */
export const Policy = z.strictObject({
  stale_after: Duration.prefault('15m').describe('a node not seen for this long is offline'),
  block_after_failures: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('consecutive failed deployments after which redeploys stop and diagnostics are recommended'),
  escalate_after: Duration.prefault('30m').describe('drift still open after this long is raised one severity step'),
  stabilize_for: Duration.prefault('5m').describe(
    'a resolved drift must stay clear this long before a reopen is a new incident',
  ),
  drain_timeout: Duration.prefault('1h').describe('a drain not complete within this is DrainFailed'),
  recovery_window: Duration.prefault('10m').describe(
    'after maintenance, a node is not a failover target for this long',
  ),
  max_required_per_run: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('reconcile_required recommendations actionable at once; the rest are deferred'),
  repeat_interval: Duration.prefault('4h').describe('remind of a still-open, unacknowledged incident after this long'),
  min_severity: Severity.default('warning').describe('incidents below this severity are not alerted'),
  send_resolved: z.boolean().default(true).describe('announce resolutions of announced incidents'),
  reconciler_stale_after: Duration.prefault('30m').describe('a reconciler heartbeat older than this is reported'),
  alert_after: Duration.prefault('0s').describe(
    'an incident must stay open this long (counted from its observed opening) before its first alert; 0 alerts at once',
  ),
  quiet_hours: z
    .strictObject({
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'a UTC time such as 22:00' }),
      end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'a UTC time such as 07:00' }),
    })
    .optional()
    .describe('UTC window in which non-critical alerts are held for one digest when it ends'),
  dashboard_url: z.string().optional().describe('link to the status site in alerts'),
  operators: z
    .strictObject({
      users: z.array(z.string()).default([]).describe('Discord user ids allowed to change state'),
      roles: z.array(z.string()).default([]).describe('Discord role ids allowed to change state'),
    })
    .default({ users: [], roles: [] })
    .describe('who may change state from Discord (maintenance, silences); anyone else is refused'),
  remediation: z
    .strictObject({
      approvers: z
        .array(z.string().min(1).max(200))
        .default([])
        .describe('who may approve a remediation from the CLI (`--actor`), besides operators.users'),
      auto_diagnose: z
        .boolean()
        .default(true)
        .describe(
          "`observe --node N` runs the matching skill's read-only diagnostics once per episode of each recommendation on N",
        ),
      execute: z
        .boolean()
        .default(false)
        .describe('let `observe --execute` apply approved or pre-approved remediation steps on its node'),
      dry_run: z
        .boolean()
        .default(false)
        .describe('the executor prints what it would run and runs and records nothing'),
      preapprove: z
        .array(PreApproval)
        .default([])
        .describe('skills that need no approval on these nodes or labels (low risk, or up to `risk`)'),
      windows: z
        .array(MaintenanceWindow)
        .default([])
        .describe(
          'when the executor may act (cron + duration, per node or label): a node a window covers is remedied only inside one of its windows; other nodes at any time',
        ),
    })
    .default({ approvers: [], auto_diagnose: true, execute: false, dry_run: false, preapprove: [], windows: [] })
    .describe(
      'remediation skills (docs/skills.md): who may approve, automatic read-only diagnostics, whether the executor acts; recommendation-only by default',
    ),
  flapping_threshold_high: z
    .number()
    .min(0)
    .max(100)
    .default(30)
    .describe(
      'weighted % of state changes over the last 20 samples from which a drift is flapping (Icinga 2 convention)',
    ),
  flapping_threshold_low: z
    .number()
    .min(0)
    .max(100)
    .default(25)
    .describe('weighted % of state changes below which a flapping drift is stable again'),
  flapping_sample: Duration.prefault('5m').describe(
    'length of one of the 20 flapping samples: a sample counts as a change when the drift opened or cleared in it',
  ),
  backoff_initial: Duration.prefault('10s').describe(
    'wait before redeploying after the first failed deployment; doubles with each further failure',
  ),
  backoff_max: Duration.prefault('5m').describe('the redeploy backoff never waits longer than this'),
  backoff_reset_after: Duration.prefault('10m').describe(
    'a successful deployment that held this long resets the redeploy backoff',
  ),
  maintenance_windows: z
    .array(MaintenanceWindow)
    .default([])
    .describe(
      'scheduled windows (cron + duration, per node or label) in which drift is recorded but neither escalated nor alerted',
    ),
});
export type Policy = z.infer<typeof Policy>;

export function defaultPolicy(): Policy {
  return Policy.parse({});
}
