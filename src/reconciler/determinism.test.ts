import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/generate.js';
import { modelFrom } from '../../test/helpers/memory.js';
import { reconcile } from './reconcile.js';
import { serializeResult } from './serialize.js';

const NOW = Date.parse('2026-11-22T10:05:00Z');
const STATUSES = ['ok', 'degraded', 'failed', 'stopped'] as const;
const RESULTS = ['success', 'failed', 'in_progress'] as const;
const TIMES = ['2026-11-22T09:00:00Z', '2026-11-22T09:30:00Z', '2026-11-22T10:00:00Z', '2026-11-22T08:00:00Z'];

/** A random homelab as plain data: nodes n0..nK with services s0..sM, and what the world says. */
const labArbitrary = fc
  .record({
    nodes: fc.array(
      fc.record({
        services: fc.array(
          fc.record({
            critical: fc.boolean(),
            status: fc.option(fc.constantFrom(...STATUSES)),
            dep: fc.option(fc.nat(3)),
          }),
          { maxLength: 4 },
        ),
        snapshot: fc.constantFrom('online', 'offline', 'absent'),
        observedAt: fc.constantFrom(...TIMES),
        deployments: fc.array(
          fc.record({ service: fc.nat(3), at: fc.constantFrom(...TIMES), result: fc.constantFrom(...RESULTS) }),
          { maxLength: 4 },
        ),
        incident: fc.boolean(),
        unmanaged: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    seed: fc.integer(),
  })
  .map(({ nodes, seed }) => ({ nodes, seed }));

type Lab = typeof labArbitrary extends fc.Arbitrary<infer T> ? T : never;

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (value && typeof value === 'object') {
    return Object.fromEntries(shuffled(Object.entries(value), random).map(([k, v]) => [k, shuffleKeys(v, random)]));
  }
  return value;
}

/** Renders the lab as repo files; with `shuffle`, every list whose order carries no meaning and every mapping's keys are permuted. */
function render(
  lab: Lab,
  shuffle: ((seed: number) => () => number) | undefined,
  json: boolean,
): Record<string, string> {
  const random = shuffle ? shuffle(lab.seed) : () => 0;
  const order = <T>(items: T[]) => (shuffle ? shuffled(items, random) : items);
  const keys = (value: unknown) => (shuffle ? shuffleKeys(value, random) : value);
  const files: Record<string, string> = {};
  const count = lab.nodes.length;
  lab.nodes.forEach((node, n) => {
    const services = node.services.map((service, s) => ({
      name: `s${s}`,
      critical: service.critical,
      ...(service.dep !== null && service.dep !== s && service.dep < node.services.length && service.dep < s
        ? { depends_on: [`s${service.dep}`] }
        : {}),
      ...(count > 1 ? { failover: [`n${(n + 1) % count}`] } : {}),
    }));
    files[`inventory/hosts/n${n}/services.yaml`] = stringify(keys({ services: order(services) }));
    if (node.snapshot === 'absent') return;
    const world = {
      node: `n${n}`,
      observed_at: node.observedAt,
      status: node.snapshot,
      services: order([
        ...node.services.flatMap((service, s) => (service.status ? [{ name: `s${s}`, status: service.status }] : [])),
        ...(node.unmanaged ? [{ name: 'extra', status: 'ok' }] : []),
      ]),
      deployments: order(
        node.deployments
          .filter((d) => d.service < node.services.length)
          .map((d) => ({ service: `s${d.service}`, at: d.at, result: d.result })),
      ),
      incidents: node.incident
        ? [{ id: 'ups', severity: 'warning', summary: 'UPS on battery', opened_at: TIMES[0], resolved_at: null }]
        : [],
    };
    if (json) files[`world/nodes/n${n}.json`] = JSON.stringify(keys(world), null, 2);
    else files[`world/nodes/n${n}.yaml`] = stringify(keys(world));
  });
  return Object.fromEntries(order(Object.entries(files)));
}

function bytes(files: Record<string, string>): string {
  const model = modelFrom(files);
  expect(model.problems).toEqual([]);
  return serializeResult(
    reconcile({
      inventory: model.inventory,
      world: model.world,
      heartbeats: model.heartbeats,
      policy: model.policy,
      now: NOW,
    }),
  );
}

describe('determinism', () => {
  it('shuffled file, key and list order (and YAML vs JSON world files) give identical bytes', () => {
    fc.assert(
      fc.property(labArbitrary, (lab) => {
        const reference = bytes(render(lab, undefined, false));
        expect(bytes(render(lab, seededRandom, false))).toBe(reference);
        expect(bytes(render(lab, (seed) => seededRandom(seed ^ 0x5bd1e995), true))).toBe(reference);
      }),
      { numRuns: 200, seed: 20261122 },
    );
  });
});
