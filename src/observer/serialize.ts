import type { WorldSnapshot } from '../model/index.js';

/**
 * Deterministic bytes for a world snapshot, in the layout of PRODUCT.md: one flow mapping per
 * entry, names and times plain, free text JSON-quoted (a JSON string is a valid YAML
 * double-quoted scalar, and quoting keeps `1.10` or `yes` from turning into a number or a bool).
 */
export function serializeSnapshot(snapshot: WorldSnapshot, format: 'yaml' | 'json'): string {
  const ordered = {
    node: snapshot.node,
    observed_at: snapshot.observed_at,
    status: snapshot.status,
    services: snapshot.services.map((s) => ({
      name: s.name,
      status: s.status,
      ...(s.detail === undefined ? {} : { detail: s.detail }),
    })),
    deployments: snapshot.deployments.map((d) => ({
      service: d.service,
      at: d.at,
      result: d.result,
      ...(d.version === undefined ? {} : { version: d.version }),
    })),
    incidents: snapshot.incidents.map((i) => ({
      id: i.id,
      severity: i.severity,
      summary: i.summary,
      opened_at: i.opened_at,
      resolved_at: i.resolved_at,
    })),
  };
  if (format === 'json') return `${JSON.stringify(ordered, null, 2)}\n`;
  const lines = [
    '# yaml-language-server: $schema=../../schema/world.schema.json',
    `node: ${ordered.node}`,
    `observed_at: ${ordered.observed_at}`,
    `status: ${ordered.status}`,
  ];
  for (const key of ['services', 'deployments', 'incidents'] as const) {
    const entries = ordered[key] as Record<string, string | null>[];
    if (entries.length === 0) {
      lines.push(`${key}: []`);
      continue;
    }
    lines.push(`${key}:`);
    for (const entry of entries)
      lines.push(
        `  - { ${Object.entries(entry)
          .map(([field, value]) => `${field}: ${scalar(field, value)}`)
          .join(', ')} }`,
      );
  }
  return `${lines.join('\n')}\n`;
}

const PLAIN_FIELDS = new Set(['name', 'service', 'status', 'result', 'severity', 'at', 'opened_at']);

function scalar(field: string, value: string | null): string {
  if (value === null) return 'null';
  return PLAIN_FIELDS.has(field) || (field === 'resolved_at' && value !== null) ? value : JSON.stringify(value);
}

/** Equality of what a snapshot says, whatever the file's formatting. */
export function sameContent(a: WorldSnapshot, b: WorldSnapshot): boolean {
  return serializeSnapshot(a, 'json') === serializeSnapshot(b, 'json');
}
