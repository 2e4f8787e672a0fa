import {
  formatTime,
  parseTime,
  resolveServiceRef,
  type Deployment,
  type Policy,
  type Recommendation,
  type Service,
  type Severity,
} from '../model/index.js';
import type { NodeView } from '../model/liveness.js';

/** Looks up whether `node/service` is available to its dependents right now. */
export type Availability = (node: string, service: string) => string | null;

export function makeAvailability(views: Map<string, NodeView>): Availability {
  return (node, service) => {
    const view = views.get(node);
    if (!view) return 'unknown node';
    if (view.health !== 'online') return `${node} ${view.health}`;
    const observed = view.snapshot?.services.find((s) => s.name === service);
    if (!observed) return 'missing';
    return observed.status === 'ok' ? null : observed.status;
  };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const time = (value: string | number) => formatTime(typeof value === 'number' ? value : parseTime(value));

/** Deployments of each service, oldest first. */
function deploymentsByService(deployments: readonly Deployment[]): Map<string, Deployment[]> {
  const byService = new Map<string, Deployment[]>();
  deployments
    .map((deployment, index) => ({ deployment, index, at: parseTime(deployment.at) }))
    // Ties are broken by content, never by position in the file, so file order cannot change the result.
    .sort(
      (a, b) =>
        a.at - b.at ||
        compareText(a.deployment.result, b.deployment.result) ||
        compareText(String(a.deployment.version ?? ''), String(b.deployment.version ?? '')),
    )
    .forEach(({ deployment }) => {
      const list = byService.get(deployment.service) ?? [];
      list.push(deployment);
      byService.set(deployment.service, list);
    });
  return byService;
}

function raise(severity: Severity, critical: boolean): Severity {
  return critical ? 'critical' : severity;
}

/** Service-level and node-level drift of a node that is online. */
export function detectOnlineDrift(
  view: NodeView,
  policy: Policy,
  available: Availability,
): { recommendations: Recommendation[]; inProgress: number } {
  const snapshot = view.snapshot!;
  const node = view.node.name;
  const observedAt = time(snapshot.observed_at);
  const observed = new Map(snapshot.services.map((s) => [s.name, s]));
  const deployments = deploymentsByService(snapshot.deployments);
  const out: Recommendation[] = [];
  let inProgress = 0;

  for (const service of view.node.services) {
    const history = deployments.get(service.name) ?? [];
    const latest = history.at(-1);
    if (latest?.result === 'in_progress') inProgress++;
    const recs = detectServiceDrift(node, service, observed.get(service.name), history, observedAt, policy);
    for (const rec of delayForDependencies(node, service, recs, available)) out.push(rec);
  }

  for (const service of snapshot.services) {
    if (view.node.services.some((s) => s.name === service.name)) continue;
    out.push({
      id: `${node}/${service.name}/unmanaged_service`,
      event: 'reconcile_recommended',
      drift: 'unmanaged_service',
      action: 'review',
      node,
      service: service.name,
      severity: 'info',
      reason: `runs on ${node} (status ${service.status}) but is not in inventory/hosts/${node}/services.yaml`,
      since: observedAt,
    });
  }
  for (const rec of detectIncidents(view)) out.push(rec);
  return { recommendations: out, inProgress };
}

function detectServiceDrift(
  node: string,
  service: Service,
  observed: { status: string; detail?: string | undefined } | undefined,
  history: Deployment[],
  observedAt: string,
  policy: Policy,
): Recommendation[] {
  const recs: Recommendation[] = [];
  const latest = history.at(-1);
  const critical = service.critical;
  const base = { node, service: service.name, ...(critical ? { critical: true } : {}) };
  // The latest deployment, when it failed or is still running, is the likely start of the trouble.
  const since = latest && latest.result !== 'success' ? time(latest.at) : observedAt;

  if (!observed) {
    recs.push({
      id: `${node}/${service.name}/missing_service`,
      event: 'reconcile_required',
      drift: 'missing_service',
      action: 'deploy',
      ...base,
      severity: raise('warning', critical),
      reason: `not running on ${node}`,
      since,
    });
  } else if (observed.status !== 'ok') {
    const hard = observed.status === 'failed' || observed.status === 'stopped';
    recs.push({
      id: `${node}/${service.name}/unhealthy_service`,
      event: hard ? 'reconcile_required' : 'reconcile_recommended',
      drift: 'unhealthy_service',
      action: 'redeploy',
      ...base,
      severity: hard ? raise('warning', critical) : critical ? 'warning' : 'info',
      reason: `status ${observed.status}${observed.detail ? `: ${observed.detail}` : ''}`,
      since,
    });
  }

  if (latest?.result === 'failed') {
    let streak = 0;
    for (let i = history.length - 1; i >= 0 && history[i]!.result === 'failed'; i--) streak++;
    const first = history[history.length - streak]!;
    const version = latest.version !== undefined ? ` of ${latest.version}` : '';
    const blocked = streak >= policy.block_after_failures;
    recs.push({
      id: `${node}/${service.name}/failed_deployment`,
      event: blocked ? 'reconcile_blocked' : 'reconcile_required',
      drift: 'failed_deployment',
      action: blocked ? 'diagnostics' : 'redeploy',
      ...base,
      severity: blocked ? 'critical' : raise('warning', critical),
      reason: blocked
        ? `${streak} consecutive failed deployments (last${version} at ${time(latest.at)}); redeploys stop after ${policy.block_after_failures}`
        : `deployment${version} failed at ${time(latest.at)} (${streak} of ${policy.block_after_failures} before redeploys stop)`,
      since: time(first.at),
    });
  }

  if (latest?.result === 'in_progress') {
    const version = latest.version !== undefined ? ` of ${latest.version}` : '';
    for (const rec of recs) {
      if (rec.drift === 'failed_deployment') continue;
      rec.in_progress = true;
      rec.reason += `; deployment${version} in progress since ${time(latest.at)}`;
    }
  }
  return recs;
}

/** A service whose dependencies are down is not redeployed yet: one delayed_deployment replaces its deploy/redeploy. */
function delayForDependencies(
  node: string,
  service: Service,
  recs: Recommendation[],
  available: Availability,
): Recommendation[] {
  const redeploys = recs.filter((rec) => (rec.action === 'deploy' || rec.action === 'redeploy') && !rec.in_progress);
  if (redeploys.length === 0) return recs;
  const missing: string[] = [];
  for (const ref of service.depends_on) {
    const target = resolveServiceRef(node, ref);
    const why = available(target.node, target.service);
    if (why !== null) missing.push(`${target.node}/${target.service} (${why})`);
  }
  if (missing.length === 0) return recs;
  missing.sort();
  const severity = redeploys.map((rec) => rec.severity).sort((a, b) => rank(b) - rank(a))[0]!;
  const since = redeploys.map((rec) => rec.since ?? '').sort()[0] || null;
  return [
    ...recs.filter((rec) => !redeploys.includes(rec)),
    {
      id: `${node}/${service.name}/dependency_unavailable`,
      event: 'reconcile_recommended',
      drift: 'dependency_unavailable',
      action: 'delayed_deployment',
      node,
      service: service.name,
      ...(service.critical ? { critical: true } : {}),
      severity,
      reason: `${redeploys.map((rec) => rec.drift).join(' and ')}; waiting for ${missing.join(', ')} before ${redeploys[0]!.action}`,
      since,
      blocked_by: missing.map((entry) => entry.split(' ')[0]!),
    },
  ];
}

function rank(severity: Severity): number {
  return severity === 'critical' ? 2 : severity === 'warning' ? 1 : 0;
}

export function detectIncidents(view: NodeView): Recommendation[] {
  const node = view.node.name;
  return (view.snapshot?.incidents ?? [])
    .filter((incident) => incident.resolved_at === null)
    .map((incident) => ({
      id: `${node}/unresolved_incident/${incident.id}`,
      event: 'reconcile_recommended' as const,
      drift: 'unresolved_incident' as const,
      action: 'review_incident' as const,
      node,
      severity: incident.severity,
      ...(incident.severity === 'critical' ? { critical: true } : {}),
      reason: incident.summary,
      since: time(incident.opened_at),
      incident: incident.id,
    }));
}

/** One node-level recommendation for an offline node, naming its services and the online failover targets. */
export function detectOfflineNode(view: NodeView, views: Map<string, NodeView>): Recommendation {
  const node = view.node;
  const critical = node.host.critical || node.services.some((s) => s.critical);
  const affected = node.services.map((s) => s.name).sort();
  const targets: Record<string, string[]> = {};
  for (const service of [...node.services].sort((a, b) => compareText(a.name, b.name))) {
    if (service.failover.length === 0) continue;
    targets[service.name] = service.failover.filter((target) => views.get(target)?.health === 'online');
  }
  const failover = Object.entries(targets).map(
    ([service, nodes]) => `${service} -> ${nodes.join('|') || 'none online'}`,
  );
  return {
    id: `${node.name}/offline_node`,
    event: 'reconcile_required',
    drift: 'offline_node',
    action: 'failover_review',
    node: node.name,
    ...(critical ? { critical: true } : {}),
    severity: critical ? 'critical' : 'warning',
    reason: `${view.reason}; affected: ${affected.join(', ') || 'no services'}${failover.length ? `; failover: ${failover.join(', ')}` : ''}`,
    since: view.since === null ? null : formatTime(view.since),
    affected,
    targets,
  };
}

export function detectUnknownNode(view: NodeView): Recommendation {
  return {
    id: `${view.node.name}/unknown_node`,
    event: 'reconcile_blocked',
    drift: 'unknown_node',
    action: 'fix_snapshot',
    node: view.node.name,
    severity: 'warning',
    reason: view.reason,
    since: null,
  };
}
