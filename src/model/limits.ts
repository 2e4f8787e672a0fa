/**
 * Every size limit on what a repo may hold, in one place. The repo is untrusted input (a
 * PR, an observer, a compromised node can write it): without limits, a 243 KB world file
 * with one YAML anchor reused appended 100 MB to the chronicle, and 290k services in one
 * snapshot crashed reconcile. Each limit is far above what a homelab writes, and each
 * breach is a `file:line:col` problem (validate exit 2; in reconcile a world file over a
 * limit makes its node `unknown` with the reason, the rest is reconciled).
 * Documented in docs/formats.md ("Limits") and the README: keep the three in step.
 */
export const LIMITS = {
  /** world/nodes/<node>.yaml|json: one node's snapshot. */
  worldFileBytes: 1024 * 1024,
  /** inventory/policy.yaml, inventory/hosts/<node>/host.yaml and services.yaml. */
  inventoryFileBytes: 1024 * 1024,
  /** .labwarden/heartbeats/<node>.json ({node, seen_at}). */
  heartbeatFileBytes: 64 * 1024,
  /**
   * A YAML file with every alias written out: anchors may save typing, never multiply
   * work. Measured as the characters of its strings and keys plus one per value.
   */
  expandedYamlChars: 1024 * 1024,
  /** Services in one services.yaml, and in one world snapshot. */
  servicesPerNode: 1000,
  /** Deployments in one world snapshot (the observer keeps the last 20). */
  deploymentsPerNode: 1000,
  /** Incidents in one world snapshot. */
  incidentsPerNode: 1000,
  /** services[].detail in a world snapshot: "why, in a few words". */
  detailChars: 1000,
  /** incidents[].summary in a world snapshot: one line for humans. */
  summaryChars: 500,
  /** deployments[].version. */
  versionChars: 200,
  /** Free text in inventory: description, role, address, probe targets. */
  inventoryTextChars: 2000,
  /** An admin event's actor and reason (chronicle/admin.jsonl). */
  actorChars: 200,
  adminReasonChars: 2000,
  /**
   * One line of chronicle/*.jsonl. labwarden's own lines are a few KB at most (every text in
   * them is bounded above); a longer one was written by someone else and is not parsed.
   */
  chronicleLineChars: 64 * 1024,
  /** A recommendation's reason (status/ and every chronicle line that carries it); longer is cut. */
  recommendationReasonChars: 2000,
} as const;

/** `text` cut to `max` characters, marked as cut; deterministic, so status stays a function of the inputs. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
