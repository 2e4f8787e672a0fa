import { z } from 'zod';
import { EVENTS, MAINTENANCE_STATES } from '../model/index.js';
import type { SiteModel } from './model.js';

const Time = z.string().describe('ISO 8601 time, UTC');
const Counts = z.object({ total: z.int(), ok: z.int(), degraded: z.int(), failed: z.int(), missing: z.int() });

/**
 * The site's /status.json, for scripts and other dashboards. Published with the site as
 * /status.schema.json and in the repo as schema/site-status.schema.json.
 */
export const SiteStatus = z.object({
  summary: z.enum(['nominal', 'degraded', 'unstable', 'reconciling', 'unknown']),
  since: Time.nullable().describe('when the current summary began'),
  as_of: Time.nullable().describe('the reference time of the data (reconcile --now, or the newest observation)'),
  last_reconcile: Time.nullable().describe('the last successful reconcile (reconciler heartbeat)'),
  nodes: z.record(
    z.string(),
    z.object({
      health: z.enum(['online', 'offline', 'unknown']),
      last_seen: Time.nullable(),
      maintenance: z.object({
        state: z.enum(MAINTENANCE_STATES),
        since: Time.nullable(),
        drain: z
          .object({ moved: z.int(), movable: z.int(), text: z.string() })
          .nullable()
          .describe('while draining: services moved of those that can move, as status/ records it'),
      }),
      services: Counts,
      uptime_90d: z.number().min(0).max(100).nullable().describe('% of the last 90 days without a critical incident'),
    }),
  ),
  recommendations: z.array(
    z.looseObject({
      id: z.string(),
      event: z.enum(EVENTS),
      drift: z.string(),
      action: z.string(),
      node: z.string(),
      service: z.string().optional(),
      severity: z.enum(['info', 'warning', 'critical']),
      reason: z.string(),
      since: Time.nullable(),
      runbook: z
        .object({
          skill: z.string().describe('the skill id (built-in, or inventory/skills/<id>.yaml)'),
          title: z.string(),
          risk: z.enum(['low', 'medium', 'high']),
          next: z.string().describe('the next step, for a person'),
        })
        .optional()
        .describe("the matching skill's runbook, as `labwarden status --runbooks` shows it; absent when none matches"),
    }),
  ),
});
export type SiteStatus = z.infer<typeof SiteStatus>;

export const SITE_STATUS_SCHEMA_FILE = 'schema/site-status.schema.json';

/** The JSON Schema text of /status.json: the same bytes on the site and under schema/. */
export function siteStatusSchema(): string {
  const json = z.toJSONSchema(SiteStatus, { io: 'output' });
  return `${JSON.stringify({ ...json, title: 'labwarden site status.json' }, null, 2)}\n`;
}

export function siteStatus(model: SiteModel): SiteStatus {
  return {
    summary: model.summary,
    since: model.summarySince,
    as_of: model.asOf,
    last_reconcile: model.lastReconcile,
    nodes: Object.fromEntries(
      model.nodes.map((node) => [
        node.name,
        {
          health: node.health as SiteStatus['nodes'][string]['health'],
          last_seen: node.lastSeen,
          maintenance: { state: node.maintenance.state, since: node.maintenance.since, drain: node.maintenance.drain },
          services: node.counts,
          uptime_90d: node.uptime,
        },
      ]),
    ),
    recommendations: model.recommendations.map((rec) => {
      const runbook = Object.hasOwn(model.runbooks, rec.id) ? model.runbooks[rec.id] : undefined;
      return runbook ? { ...rec, runbook } : { ...rec };
    }),
  };
}
