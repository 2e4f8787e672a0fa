import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, makeRepo, runCli } from './helpers/repo.js';

afterAll(cleanupRepos);

// PRODUCT.md's literal services.yaml and world/nodes/node3.yaml samples, plus the two services
// the sample depends on, so that the dependencies are healthy.
const SERVICES_SAMPLE = `services:
  - name: jellyfin
    critical: false            # critical drift makes the summary unstable
    depends_on: [postgres, node2/redis]   # same node, or node/service
    failover: [node2]          # nodes that may take it over
    probe: { http: "http://192.168.1.13:8096/health", expect: 200 }
  - name: postgres
`;
const WORLD_SAMPLE = `node: node3
observed_at: 2026-11-22T10:00:00Z
status: online                 # online | offline
services:
  - { name: jellyfin, status: failed, detail: "HTTP 503 from /health" }
    # status: ok | degraded | failed | stopped
  - { name: postgres, status: ok }
deployments:                   # most recent last
  - { service: jellyfin, at: 2026-11-22T09:40:00Z, result: failed, version: 10.9.1 }
    # result: success | failed | in_progress
incidents:
  - { id: ups-battery, severity: warning, summary: "UPS on battery",
      opened_at: 2026-11-22T09:00:00Z, resolved_at: null }
    # severity: info | warning | critical
`;
const NODE2 =
  'node: node2\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\nservices:\n  - { name: redis, status: ok }\n';

async function summaryOf(
  repo: string,
  now: string,
): Promise<{ summary: string; recommendations: { id: string; severity: string; escalated?: boolean }[] }> {
  const result = await runCli(['reconcile', '--repo', repo, '--now', now]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const status = await runCli(['status', '--repo', repo, '--json']);
  return JSON.parse(status.stdout);
}

describe('summary state (PRODUCT.md): escalation does not make non-critical drift unstable', () => {
  it('the contract samples stay degraded although the incident is open past escalate_after', async () => {
    const repo = await makeRepo({
      'inventory/hosts/node3/services.yaml': SERVICES_SAMPLE,
      'inventory/hosts/node2/services.yaml': 'services:\n  - name: redis\n',
      'world/nodes/node3.yaml': WORLD_SAMPLE,
      'world/nodes/node2.yaml': NODE2,
    });
    const status = await summaryOf(repo, '2026-11-22T10:05:00Z');
    expect(status.summary).toBe('degraded');
    expect(status.recommendations.map((r) => r.id)).toEqual([
      'node3/jellyfin/failed_deployment',
      'node3/jellyfin/unhealthy_service',
      'node3/unresolved_incident/ups-battery',
    ]);
    // Escalated for alerts and the site, still not critical drift.
    expect(status.recommendations[2]).toMatchObject({ escalated: true });
  });

  it.each([
    { label: 'a non-critical service', services: 'services:\n  - name: web\n', expected: 'degraded' },
    { label: 'a critical service', services: 'services:\n  - name: web\n    critical: true\n', expected: 'unstable' },
  ])('an offline node hosting $label is $expected, hours after it went stale', async ({ services, expected }) => {
    const repo = await makeRepo({
      'inventory/hosts/n1/services.yaml': services,
      'world/nodes/n1.yaml':
        'node: n1\nobserved_at: 2026-11-22T09:00:00Z\nstatus: online\nservices:\n  - { name: web, status: ok }\n',
    });
    await summaryOf(repo, '2026-11-22T09:20:00Z');
    const later = await summaryOf(repo, '2026-11-22T12:00:00Z');
    expect(later.recommendations.map((r) => r.id)).toEqual(['n1/offline_node']);
    expect(later.summary).toBe(expected);
  });
});
