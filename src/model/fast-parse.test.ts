import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IncidentLine, TransitionLine } from './chronicle.js';
import { fastParser } from './fast-parse.js';
import { HostFile, ServicesFile } from './inventory.js';
import { Policy } from './policy.js';
import { Heartbeat, WorldSnapshot } from './world.js';

const SCHEMAS = { ServicesFile, HostFile, WorldSnapshot, Policy, Heartbeat, IncidentLine, TransitionLine } as const;

const VALID: Record<keyof typeof SCHEMAS, unknown> = {
  ServicesFile: {
    services: [
      {
        name: 'jellyfin',
        critical: true,
        depends_on: ['postgres', 'node2/redis'],
        failover: ['node2'],
        probe: { http: 'http://10.0.0.3:8096/health', expect: 200, timeout: '5s' },
      },
      { name: 'postgres', probe: { tcp: 'db:5432', timeout: 3 } },
      { description: 'x', name: 'redis' },
    ],
  },
  HostFile: { address: '10.0.0.3', labels: ['media'], critical: false, role: 'media' },
  WorldSnapshot: {
    node: 'node3',
    observed_at: '2026-11-22T10:00:00Z',
    status: 'online',
    services: [{ name: 'jellyfin', status: 'failed', detail: 'HTTP 503' }],
    deployments: [{ service: 'jellyfin', at: '2026-11-22T09:40:00+01:00', result: 'failed', version: 10.9 }],
    incidents: [
      {
        id: 'ups-battery',
        severity: 'warning',
        summary: 'UPS on battery',
        opened_at: '2026-11-22T09:00:00Z',
        resolved_at: null,
      },
    ],
  },
  Policy: {
    stale_after: '15m',
    block_after_failures: 3,
    maintenance_windows: [{ cron: '0 3 * * 0', duration: '2h', nodes: ['node3'] }],
  },
  Heartbeat: { node: 'node3', seen_at: '2026-11-22T10:00:00Z', extra: 1 },
  IncidentLine: {
    id: 'abc',
    at: '2026-11-22T10:00:00Z',
    event: 'opened',
    fingerprint: 'node3/jellyfin/unhealthy_service',
    node: 'node3',
    service: 'jellyfin',
    drift: 'unhealthy_service',
    severity: 'warning',
    recommendation: 'reconcile_required',
    action: 'redeploy',
    reason: 'status failed',
    zz_extra: { kept: true },
  },
  TransitionLine: { id: 'abc', at: '2026-11-22T10:00:00Z', fingerprint: 'node3/x/y', state: 'present' },
};

/** Values a mutation puts in place of another: near misses of every check the schemas make. */
const REPLACEMENTS = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  'x',
  'Node3',
  'node-',
  'a/b',
  '😀',
  'é',
  0,
  -1,
  1.5,
  99,
  200,
  600,
  Infinity,
  NaN,
  true,
  'true',
  [],
  {},
  ['x'],
  { name: 'x' },
  '2026-11-22T10:00:00Z',
  '2026-11-22 10:00:00',
  '15m',
  '1h30m',
  'soon',
  'http://x',
  'h:99',
  'online',
  'failed',
  'opened',
  'present',
  'warning',
);

type Mutation = { path: number[]; action: 'set' | 'delete' | 'add'; value: unknown; key: string };

/** Applies a mutation at a pseudo-random spot chosen by walking `path` through the value. */
function mutate(value: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let target: Record<string, unknown> = copy;
  for (const step of mutation.path) {
    const keys = Object.keys(target);
    if (keys.length === 0) break;
    const key = keys[step % keys.length]!;
    const next = target[key];
    if (next === null || typeof next !== 'object' || step % 3 === 0) {
      if (mutation.action === 'delete') delete target[key];
      else if (mutation.action === 'add') target[mutation.key] = mutation.value;
      else target[key] = mutation.value;
      return copy;
    }
    target = next as Record<string, unknown>;
  }
  target[mutation.key] = mutation.value;
  return copy;
}

const MUTATIONS = fc.array(
  fc.record({
    path: fc.array(fc.nat(30), { maxLength: 5 }),
    action: fc.constantFrom<Mutation['action']>('set', 'delete', 'add'),
    value: REPLACEMENTS,
    key: fc.constantFrom('name', 'extra', 'probe', 'critical', 'timeout', 'version', 'service', '0'),
  }),
  { maxLength: 3 },
);

describe('fastParser', () => {
  it.each(Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[])(
    'gives what zod gives for mutations of a valid %s',
    (name) => {
      const schema: z.ZodType = SCHEMAS[name];
      const parse = fastParser(schema);
      let accepted = 0;
      fc.assert(
        fc.property(MUTATIONS, (mutations) => {
          const value = mutations.reduce((current, mutation) => mutate(current, mutation), VALID[name]);
          const expected = schema.safeParse(value);
          const actual = parse(value);
          expect(actual.success).toBe(expected.success);
          // JSON.stringify compares key order too, which decides every byte written later.
          if (expected.success) expect(JSON.stringify(actual.data)).toBe(JSON.stringify(expected.data));
          if (expected.success) expect(actual.data).toStrictEqual(expected.data);
          else expect(actual.error!.issues).toStrictEqual(expected.error.issues);
          if (expected.success) accepted++;
        }),
        { seed: 9, numRuns: 1500 },
      );
      // The mutations must leave some values valid, or the comparison of outputs says nothing.
      expect(accepted).toBeGreaterThan(50);
    },
  );

  it('hands a refinement it cannot read to zod, and its issue is zod’s', () => {
    const schema = z.strictObject({ a: z.string().refine((value) => value !== 'no', { message: 'not no' }) });
    const parse = fastParser(schema);
    expect(parse({ a: 'yes' })).toStrictEqual({ success: true, data: { a: 'yes' } });
    const refused = parse({ a: 'no' });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]!.message).toBe('not no');
  });
});
