import { describe, expect, it } from 'vitest';
import { reconcile } from '../reconciler/reconcile.js';
import { serializeResult } from '../reconciler/serialize.js';
import { adminChainReport, maintenanceStates } from './from-model.js';
import { adminLines, homelab, type AdminInput, type Observed } from './homelab.test-helper.js';

const T = (hhmm: string) => `2026-11-22T${hhmm}:00Z`;
const enterA: AdminInput = {
  at: T('10:00'),
  action: 'enter_maintenance',
  node: 'a',
  reason: 'disk swap',
  actor: 'alice',
};

function run(
  options: {
    world: Record<string, Observed>;
    admin: AdminInput[] | string;
    inventory?: Parameters<typeof homelab>[0]['inventory'];
  },
  at: string,
) {
  const model = homelab(options);
  const now = Date.parse(T(at));
  const adminChain = adminChainReport(model);
  return reconcile({
    inventory: model.inventory,
    world: model.world,
    heartbeats: model.heartbeats,
    policy: model.policy,
    now,
    maintenance: maintenanceStates(model, now),
    ...(adminChain ? { adminChain } : {}),
  });
}

describe('reconcile with node maintenance', () => {
  it('entering: each unmoved service gets a migrate recommendation in progress; drift on the node is recorded, not raised', () => {
    const result = run(
      {
        world: {
          a: { at: T('10:05'), services: { web: 'failed', db: 'ok' } },
          b: { at: T('10:05'), services: { cache: 'ok', db: 'ok' } },
          c: { at: T('10:05'), services: {} },
        },
        admin: [enterA],
      },
      '10:05',
    );
    expect(result.summary).toBe('reconciling');
    expect(result.recommendations.map((r) => [r.id, r.action, r.target, r.in_progress])).toEqual([
      ['a/web/node_maintenance', 'migrate', 'b', true],
    ]);
    expect(result.recommendations[0]!.reason).toBe('a entering maintenance ("disk swap" by alice): move web to b');
    expect(result.nodes.a!.maintenance).toMatchObject({
      state: 'EnteringMaintenance',
      drain: { moved: 1, total: 2 },
      suppressed: ['a/web/unhealthy_service'],
    });
  });

  it('in maintenance: an offline node raises nothing, and its services running on the target are not unmanaged there', () => {
    const result = run(
      {
        world: {
          a: { at: T('10:05'), status: 'offline', services: {} },
          b: { at: T('10:05'), services: { cache: 'ok', db: 'ok', web: 'ok' } },
          c: { at: T('10:05'), services: {} },
        },
        admin: [enterA],
      },
      '10:06',
    );
    expect(result.summary).toBe('nominal');
    expect(result.recommendations).toEqual([]);
    expect(result.nodes.a!.maintenance).toMatchObject({ state: 'Maintenance', suppressed: ['a/offline_node'] });
  });

  it('a failed drain (drain_timeout passed) is required with guidance, never a silent pass; the node keeps alerting', () => {
    const result = run(
      {
        inventory: { a: { web: ['b'], db: [] }, b: { cache: [] } },
        world: {
          a: { at: T('11:05'), services: { web: 'failed', db: 'ok' } },
          b: { at: T('11:05'), services: { cache: 'ok' } },
        },
        admin: [enterA],
      },
      '11:05',
    );
    expect(result.summary).toBe('degraded');
    const failed = result.recommendations.find((r) => r.drift === 'drain_failed')!;
    expect(failed).toMatchObject({
      id: 'a/drain_failed',
      event: 'reconcile_required',
      action: 'resolve_drain',
      blocked_by: ['a/web'],
      since: T('11:00'),
    });
    expect(failed.reason).toContain('web not yet observed running healthy on b');
    expect(failed.reason).not.toContain('db');
    expect(failed.reason).toContain('labwarden maintenance uncordon a');
    expect(result.recommendations.map((r) => r.id)).toContain('a/web/unhealthy_service');
    expect(result.recommendations.map((r) => r.id)).toContain('a/web/node_maintenance');
  });

  it('exiting counts as reconciling even with no drift left', () => {
    const result = run(
      {
        world: {
          a: { at: T('10:05'), status: 'offline', services: {} },
          b: { at: T('11:05'), services: { cache: 'ok', db: 'ok', web: 'ok' } },
          c: { at: T('11:05'), services: {} },
        },
        admin: [enterA, { at: T('11:00'), action: 'exit_maintenance', node: 'a' }],
      },
      '11:05',
    );
    expect(result.recommendations).toEqual([]);
    expect(result.summary).toBe('reconciling');
  });

  it('a broken chain: the fold stops at the break, later events are ignored and the break is reported in status', () => {
    const lines = adminLines([{ at: T('09:00'), action: 'cordon', node: 'c' }, enterA]);
    const edited = `${lines[0]!.replace('"c"', '"b"')}\n${lines[1]}\n`;
    const result = run(
      {
        world: {
          a: { at: T('10:05'), services: { web: 'failed', db: 'ok' } },
          b: { at: T('10:05'), services: { cache: 'ok' } },
          c: { at: T('10:05'), services: {} },
        },
        admin: edited,
      },
      '10:05',
    );
    expect(result.admin_chain).toEqual({
      break: { seq: 1, line: 1, reason: 'seq 1 was edited: seq 2 records a different hash for it' },
      ignored: 2,
    });
    expect(result.nodes.a!.maintenance!.state).toBe('Active');
    expect(result.recommendations.map((r) => r.id)).toEqual(['a/web/unhealthy_service']);
    expect(serializeResult(result)).toContain('"admin_chain"');
  });
});

describe('failover candidates of an offline node', () => {
  it('leave out nodes that take no placement', () => {
    const result = run(
      {
        inventory: { a: { web: ['b', 'c'] }, b: { cache: [] }, c: {} },
        world: {
          a: { at: T('09:00'), services: { web: 'ok' } },
          b: { at: T('10:05'), services: { cache: 'ok' } },
          c: { at: T('10:05'), services: {} },
        },
        admin: [{ at: T('10:00'), action: 'cordon', node: 'b' }],
      },
      '10:05',
    );
    const offline = result.recommendations.find((r) => r.drift === 'offline_node')!;
    expect(offline.targets).toEqual({ web: ['c'] });
    expect(offline.reason).toMatch(/; failover: web -> c$/);
  });
});
