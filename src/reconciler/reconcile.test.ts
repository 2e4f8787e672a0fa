import { describe, expect, it } from 'vitest';
import { reconcileFiles } from '../../test/helpers/memory.js';

const NOW = '2026-11-22T10:05:00Z';
const snapshot = (node: string, body: string, observedAt = '2026-11-22T10:00:00Z', status = 'online') =>
  `node: ${node}\nobserved_at: ${observedAt}\nstatus: ${status}\n${body}`;

/** Two nodes: n1 runs web (depends on db) and db; n2 is an empty failover target. */
function lab(world1: string, extra: Record<string, string> = {}) {
  return {
    'inventory/hosts/n1/services.yaml':
      'services:\n  - name: web\n    depends_on: [db]\n    failover: [n2]\n  - name: db\n',
    'inventory/hosts/n2/services.yaml': 'services: []\n',
    'world/nodes/n1.yaml': world1,
    'world/nodes/n2.yaml': snapshot('n2', 'services: []\n'),
    ...extra,
  };
}

const ok = '  - { name: web, status: ok }\n  - { name: db, status: ok }\n';

describe('drift table: each row becomes a recommendation', () => {
  it.each([
    [
      'missing_service',
      snapshot('n1', 'services:\n  - { name: db, status: ok }\n'),
      { id: 'n1/web/missing_service', event: 'reconcile_required', action: 'deploy', severity: 'warning' },
    ],
    [
      'unhealthy_service (failed)',
      snapshot(
        'n1',
        `services:\n  - { name: web, status: failed, detail: "HTTP 503" }\n  - { name: db, status: ok }\n`,
      ),
      {
        id: 'n1/web/unhealthy_service',
        event: 'reconcile_required',
        action: 'redeploy',
        reason: 'status failed: HTTP 503',
      },
    ],
    [
      'unhealthy_service (degraded)',
      snapshot('n1', `services:\n  - { name: web, status: degraded }\n  - { name: db, status: ok }\n`),
      { id: 'n1/web/unhealthy_service', event: 'reconcile_recommended', action: 'redeploy', severity: 'info' },
    ],
    [
      'failed_deployment below N',
      snapshot(
        'n1',
        `services:\n${ok}deployments:\n  - { service: web, at: 2026-11-22T09:40:00Z, result: failed, version: 1.2.0 }\n`,
      ),
      {
        id: 'n1/web/failed_deployment',
        event: 'reconcile_required',
        action: 'redeploy',
        since: '2026-11-22T09:40:00Z',
      },
    ],
    [
      'failed_deployment N in a row',
      snapshot(
        'n1',
        `services:\n${ok}deployments:\n  - { service: web, at: 2026-11-22T09:00:00Z, result: failed }\n  - { service: web, at: 2026-11-22T09:20:00Z, result: failed }\n  - { service: web, at: 2026-11-22T09:40:00Z, result: failed }\n`,
      ),
      {
        id: 'n1/web/failed_deployment',
        event: 'reconcile_blocked',
        action: 'diagnostics',
        severity: 'critical',
        since: '2026-11-22T09:00:00Z',
      },
    ],
    [
      'offline_node (world says offline)',
      snapshot('n1', `services:\n${ok}`, '2026-11-22T09:50:00Z', 'offline'),
      {
        id: 'n1/offline_node',
        event: 'reconcile_required',
        action: 'failover_review',
        since: '2026-11-22T09:50:00Z',
        affected: ['db', 'web'],
        targets: { web: ['n2'] },
      },
    ],
    [
      'offline_node (stale snapshot)',
      snapshot('n1', `services:\n${ok}`, '2026-11-22T09:00:00Z'),
      { id: 'n1/offline_node', event: 'reconcile_required', action: 'failover_review', since: '2026-11-22T09:15:00Z' },
    ],
    [
      'unresolved_incident',
      snapshot(
        'n1',
        `services:\n${ok}incidents:\n  - { id: ups, severity: warning, summary: "UPS on battery", opened_at: 2026-11-22T09:00:00Z, resolved_at: null }\n`,
      ),
      {
        id: 'n1/unresolved_incident/ups',
        event: 'reconcile_recommended',
        action: 'review_incident',
        reason: 'UPS on battery',
        since: '2026-11-22T09:00:00Z',
      },
    ],
    [
      'dependency_unavailable',
      snapshot('n1', `services:\n  - { name: web, status: failed }\n  - { name: db, status: stopped }\n`),
      {
        id: 'n1/web/dependency_unavailable',
        event: 'reconcile_recommended',
        action: 'delayed_deployment',
        blocked_by: ['n1/db'],
      },
    ],
    [
      'unmanaged_service',
      snapshot('n1', `services:\n${ok}  - { name: adminer, status: ok }\n`),
      { id: 'n1/adminer/unmanaged_service', event: 'reconcile_recommended', action: 'review', severity: 'info' },
    ],
  ])('%s', (_name, world, expected) => {
    const result = reconcileFiles(lab(world), NOW);
    expect(result.recommendations).toContainEqual(expect.objectContaining(expected));
  });

  it('offline_node when there is no snapshot at all', () => {
    const files = lab('');
    delete (files as Record<string, string>)['world/nodes/n1.yaml'];
    const result = reconcileFiles(files, NOW);
    expect(result.recommendations).toEqual([
      expect.objectContaining({
        id: 'n1/offline_node',
        since: null,
        reason: expect.stringContaining('no world snapshot'),
      }),
    ]);
  });

  it('an offline node raises no service-level drift', () => {
    const result = reconcileFiles(lab(snapshot('n1', 'services: []\n', '2026-11-22T10:00:00Z', 'offline')), NOW);
    expect(result.recommendations.map((r) => r.id)).toEqual(['n1/offline_node']);
  });

  it('a dependency on an offline node delays the deployment', () => {
    const files = {
      'inventory/hosts/a/services.yaml': 'services:\n  - name: app\n    depends_on: [b/db]\n',
      'inventory/hosts/b/services.yaml': 'services:\n  - name: db\n',
      'world/nodes/a.yaml': snapshot('a', 'services: []\n'),
      'world/nodes/b.yaml': snapshot(
        'b',
        'services:\n  - { name: db, status: ok }\n',
        '2026-11-22T10:00:00Z',
        'offline',
      ),
    };
    const ids = reconcileFiles(files, NOW).recommendations.map((r) => `${r.id} ${r.action}`);
    expect(ids).toEqual(['b/offline_node failover_review', 'a/app/dependency_unavailable delayed_deployment']);
  });

  it('the heartbeat keeps a node with an old snapshot online', () => {
    const files = lab(snapshot('n1', `services:\n${ok}`, '2026-11-22T08:00:00Z'), {
      '.labwarden/heartbeats/n1.json': '{"node":"n1","seen_at":"2026-11-22T10:04:00Z"}',
    });
    expect(reconcileFiles(files, NOW).recommendations).toEqual([]);
  });

  it('an invalid snapshot marks only that node unknown', () => {
    const files = lab('node: n1\nobserved_at: later\nstatus: online\n');
    const result = reconcileFiles(files, NOW);
    expect(result.nodes.n1!.health).toBe('unknown');
    expect(result.nodes.n2!.health).toBe('online');
    expect(result.recommendations).toEqual([
      expect.objectContaining({
        id: 'n1/unknown_node',
        event: 'reconcile_blocked',
        reason: expect.stringContaining('world/nodes/n1.yaml:2:14'),
      }),
    ]);
  });
});

describe('summary state', () => {
  const critical = (world: string) => ({
    'inventory/hosts/n1/services.yaml': 'services:\n  - name: web\n    critical: true\n  - name: db\n',
    'world/nodes/n1.yaml': world,
  });
  it.each([
    ['nominal', snapshot('n1', `services:\n${ok}`)],
    ['degraded', snapshot('n1', 'services:\n  - { name: web, status: ok }\n  - { name: db, status: failed }\n')],
    ['unstable', snapshot('n1', 'services:\n  - { name: web, status: failed }\n  - { name: db, status: ok }\n')],
    ['unstable', snapshot('n1', `services:\n${ok}`, '2026-11-22T08:00:00Z')],
    [
      'reconciling',
      snapshot(
        'n1',
        `services:\n  - { name: web, status: ok }\n  - { name: db, status: stopped }\ndeployments:\n  - { service: db, at: 2026-11-22T09:59:00Z, result: in_progress }\n`,
      ),
    ],
    [
      'reconciling',
      snapshot(
        'n1',
        `services:\n${ok}deployments:\n  - { service: db, at: 2026-11-22T09:59:00Z, result: in_progress }\n`,
      ),
    ],
  ])('%s', (summary, world) => {
    expect(reconcileFiles(critical(world), NOW).summary).toBe(summary);
  });

  it('anything blocked is unstable', () => {
    const world = snapshot(
      'n1',
      `services:\n${ok}deployments:\n${'  - { service: db, at: 2026-11-22T09:00:00Z, result: failed }\n'.repeat(3)}`,
    );
    expect(reconcileFiles(critical(world), NOW).summary).toBe('unstable');
  });
});

describe('ordering', () => {
  it('sorts by event rank, node, service, drift', () => {
    const files = {
      'inventory/hosts/b/services.yaml': 'services:\n  - name: x\n  - name: y\n',
      'inventory/hosts/a/services.yaml': 'services:\n  - name: z\n',
      'world/nodes/a.yaml': snapshot('a', 'services:\n  - { name: z, status: degraded }\n'),
      'world/nodes/b.yaml': snapshot(
        'b',
        `services:\n  - { name: y, status: failed }\ndeployments:\n${'  - { service: x, at: 2026-11-22T09:00:00Z, result: failed }\n'.repeat(3)}`,
      ),
    };
    expect(reconcileFiles(files, NOW).recommendations.map((r) => r.id)).toEqual([
      'b/x/failed_deployment',
      'b/x/missing_service',
      'b/y/unhealthy_service',
      'a/z/unhealthy_service',
    ]);
  });
});
