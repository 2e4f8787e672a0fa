import { formatTime, type Deployment, type Severity, type WorldSnapshot } from '../model/index.js';
import { settle } from './snapshot.js';

/** Deployments kept per node snapshot: enough for the failure streak, bounded for the file. */
export const KEEP_DEPLOYMENTS = 20;

export type ReportChange = { snapshot: WorldSnapshot; changed: boolean };

/** A node that never had a snapshot gets one when something is first reported about it. */
export function emptySnapshot(node: string, now: number): WorldSnapshot {
  return { node, observed_at: formatTime(now), status: 'online', services: [], deployments: [], incidents: [] };
}

export function recordDeployment(
  previous: WorldSnapshot | undefined,
  node: string,
  deployment: { service: string; result: Deployment['result']; version?: string },
  now: number,
): ReportChange {
  const base = previous ?? emptySnapshot(node, now);
  const entry: Deployment = {
    service: deployment.service,
    at: formatTime(now),
    result: deployment.result,
    ...(deployment.version === undefined ? {} : { version: deployment.version }),
  };
  const deployments = [...base.deployments, entry].slice(-KEEP_DEPLOYMENTS);
  // Appending always changes the content: a deploy script re-reporting is a new deployment.
  return settle(previous, { ...base, deployments }, now);
}

/**
 * Opens an incident, or updates an open one with the same id (idempotent: reporting the same
 * thing twice changes nothing). A resolved id that is reported again reopens at `now`.
 */
export function openIncident(
  previous: WorldSnapshot | undefined,
  node: string,
  incident: { id: string; severity: Severity; summary: string },
  now: number,
): ReportChange {
  const base = previous ?? emptySnapshot(node, now);
  const existing = base.incidents.find((entry) => entry.id === incident.id);
  const opened_at = existing && existing.resolved_at === null ? existing.opened_at : formatTime(now);
  const updated = {
    id: incident.id,
    severity: incident.severity,
    summary: incident.summary,
    opened_at,
    resolved_at: null,
  };
  const incidents = existing
    ? base.incidents.map((entry) => (entry === existing ? updated : entry))
    : [...base.incidents, updated];
  return settle(previous, { ...base, incidents }, now);
}

/** Resolves an open incident; undefined when no incident has that id. Resolving twice is a no-op. */
export function resolveIncident(
  previous: WorldSnapshot | undefined,
  id: string,
  now: number,
): ReportChange | undefined {
  const existing = previous?.incidents.find((entry) => entry.id === id);
  if (!previous || !existing) return undefined;
  if (existing.resolved_at !== null) return { snapshot: previous, changed: false };
  const incidents = previous.incidents.map((entry) =>
    entry === existing ? { ...entry, resolved_at: formatTime(now) } : entry,
  );
  return settle(previous, { ...previous, incidents }, now);
}
