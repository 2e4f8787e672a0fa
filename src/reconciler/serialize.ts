import type { NodeStatus, ReconcileResult, Recommendation } from '../model/index.js';

const RECOMMENDATION_KEYS = [
  'id',
  'event',
  'drift',
  'action',
  'node',
  'service',
  'severity',
  'critical',
  'reason',
  'since',
  'in_progress',
  'incident',
  'affected',
  'targets',
  'blocked_by',
] as const satisfies readonly (keyof Recommendation)[];

function ordered<T extends object>(value: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  for (const key of Object.keys(value).sort() as (keyof T)[])
    if (!(key in out) && value[key] !== undefined) out[key] = value[key];
  return out;
}

function sortedRecord<V>(record: Record<string, V>, map: (value: V) => unknown = (v) => v): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, map(record[key]!)]),
  );
}

/**
 * status/recommendations.json as bytes. Keys are written in a fixed order and maps sorted
 * by key, so the same result is the same bytes whatever order the inputs came in.
 */
export function serializeResult(result: ReconcileResult): string {
  const body = {
    summary: result.summary,
    recommendations: result.recommendations.map((rec) => {
      const out = ordered(rec, RECOMMENDATION_KEYS);
      if (rec.targets) out.targets = sortedRecord(rec.targets) as Record<string, string[]>;
      return out;
    }),
    nodes: sortedRecord(result.nodes, (node: NodeStatus) => ({
      health: node.health,
      last_seen: node.last_seen,
      services: node.services,
      ...(node.maintenance ? { maintenance: node.maintenance } : {}),
    })),
    ...(result.admin_chain ? { admin_chain: result.admin_chain } : {}),
    ...(result.admin_head ? { admin_head: { seq: result.admin_head.seq, hash: result.admin_head.hash } } : {}),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
