import type { Severity } from './world.js';
import type { NodeMaintenance } from './admin.js';

export const EVENTS = ['reconcile_blocked', 'reconcile_required', 'reconcile_recommended'] as const;
export type RecommendationEvent = (typeof EVENTS)[number];

/** Every kind of drift reconcile detects (PRODUCT.md), in one list: skills and the site read it too. */
export const DRIFTS = [
  'missing_service',
  'unhealthy_service',
  'failed_deployment',
  'offline_node',
  'unknown_node',
  'unresolved_incident',
  'dependency_unavailable',
  'unmanaged_service',
  'node_maintenance',
  'drain_failed',
] as const;
export type Drift = (typeof DRIFTS)[number];

export type Action =
  | 'deploy'
  | 'redeploy'
  | 'diagnostics'
  | 'failover_review'
  | 'review_incident'
  | 'delayed_deployment'
  | 'review'
  | 'fix_snapshot'
  | 'migrate'
  | 'resolve_drain';

export type Summary = 'nominal' | 'degraded' | 'unstable' | 'reconciling';

/** One recommendation: plain data, so runbooks and an executor can consume it unchanged. */
export interface Recommendation {
  id: string;
  event: RecommendationEvent;
  drift: Drift;
  action: Action;
  node: string;
  service?: string;
  severity: Severity;
  reason: string;
  since: string | null;
  /** Drift on a critical service or node (or a critical incident): makes the summary unstable. */
  critical?: boolean;
  /** The remedy is already under way (a deployment in progress). */
  in_progress?: boolean;
  incident?: string;
  /** offline_node: services on the node, and the failover targets that are online for each. */
  affected?: string[];
  targets?: Record<string, string[]>;
  /** dependency_unavailable: the unavailable dependencies as node/service. */
  blocked_by?: string[];
  /** migrate: the failover target chosen for the service. */
  target?: string;
  /** Chronicle: a redeploy under backoff should not run before this time. */
  not_before?: string;
  /** Chronicle: beyond max_required_per_run; wait until the actionable ones are done. */
  deferred?: boolean;
  /** Chronicle: the drift changes state too often to alert on each change. */
  flapping?: boolean;
  /** Chronicle: severity was raised because the drift stayed open past escalate_after. */
  escalated?: boolean;
  /** Chronicle: the node is inside a scheduled maintenance window (name). */
  maintenance_window?: string;
}

export type NodeHealth = 'online' | 'offline' | 'unknown';

export interface NodeStatus {
  health: NodeHealth;
  last_seen: string | null;
  services: { total: number; ok: number; degraded: number; failed: number; missing: number };
  maintenance?: NodeMaintenance;
}

/** The content of status/recommendations.json. */
export interface ReconcileResult {
  summary: Summary;
  recommendations: Recommendation[];
  nodes: Record<string, NodeStatus>;
  /** Set when chronicle/admin.jsonl is broken: the fold stopped there. */
  admin_chain?: { break: { seq: number; line: number; reason: string }; ignored: number };
  /** The newest chronicle/admin.jsonl line this result folded: lets validate notice an edited or removed tail. */
  admin_head?: { seq: number; hash: string };
}

export const EVENT_RANK: Record<RecommendationEvent, number> = {
  reconcile_blocked: 0,
  reconcile_required: 1,
  reconcile_recommended: 2,
};

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
