import { describe, expect, it } from 'vitest';
import type { NodeObservation, ReconcileResult, Recommendation, RemediationStarted } from '../model/index.js';
import { applyAttempts, concludeAttempts, foldAttempts } from './remediations.js';

const start = (observation: RemediationStarted['verify']['observation'], service?: string): RemediationStarted => ({
  at: '2026-11-22T10:00:00Z',
  kind: 'remediation_started',
  fingerprint: service ? `n1/${service}/unhealthy_service` : 'n1/offline_node',
  node: 'n1',
  ...(service ? { service } : {}),
  skill: 's',
  attempt: 1,
  approval: 'pre-approved',
  steps: [],
  verify: { observation, by: '2026-11-22T10:05:00Z' },
  max_attempts: 1,
});

const world = (
  observedAt: string,
  services: { name: string; status: 'ok' | 'failed' }[],
  deployments: { service: string; at: string; result: 'success' | 'failed' | 'in_progress' }[] = [],
): Map<string, NodeObservation> =>
  new Map([
    [
      'n1',
      {
        kind: 'snapshot',
        snapshot: { node: 'n1', observed_at: observedAt, status: 'online', services, deployments, incidents: [] },
      } as NodeObservation,
    ],
  ]);

const kinds = (
  line: RemediationStarted,
  observed: Map<string, NodeObservation>,
  open: string[] = [],
  heartbeat?: string,
) =>
  concludeAttempts(
    foldAttempts([line]),
    { recommendations: open.map((id) => ({ id }) as Recommendation) },
    { world: observed, heartbeats: new Map(heartbeat ? [['n1', Date.parse(heartbeat)]] : []) },
  ).map((concluded) => `${concluded.kind}@${concluded.at}`);

describe('verification: concluded from observations only', () => {
  it.each([
    ['service_ok holds after the start', start('service_ok', 'a'), world('2026-11-22T10:01:00Z', [{ name: 'a', status: 'ok' }]), [], undefined, ['remediation_succeeded@2026-11-22T10:01:00Z']],
    ['an observation from before the start proves nothing', start('service_ok', 'a'), world('2026-11-22T09:59:00Z', [{ name: 'a', status: 'ok' }]), [], undefined, []],
    ['not yet past verify.by: still running', start('service_ok', 'a'), world('2026-11-22T10:04:00Z', [{ name: 'a', status: 'failed' }]), [], undefined, []],
    ['past verify.by by the heartbeat, unchanged snapshot: failed', start('service_ok', 'a'), world('2026-11-22T09:59:00Z', [{ name: 'a', status: 'failed' }]), [], '2026-11-22T10:06:00Z', ['remediation_failed@2026-11-22T10:06:00Z']],
    ['deployment_success: a successful deployment since the start', start('deployment_success', 'a'), world('2026-11-22T10:02:00Z', [], [{ service: 'a', at: '2026-11-22T10:01:00Z', result: 'success' }]), [], undefined, ['remediation_succeeded@2026-11-22T10:02:00Z']],
    ['deployment_success: an old success does not count', start('deployment_success', 'a'), world('2026-11-22T10:06:00Z', [], [{ service: 'a', at: '2026-11-22T09:00:00Z', result: 'success' }]), [], undefined, ['remediation_failed@2026-11-22T10:06:00Z']],
    ['node_online: a fresh snapshot', start('node_online'), world('2026-11-22T10:03:00Z', []), [], undefined, ['remediation_succeeded@2026-11-22T10:03:00Z']],
    ['drift_cleared: the recommendation is gone', start('drift_cleared', 'a'), world('2026-11-22T10:03:00Z', []), [], undefined, ['remediation_succeeded@2026-11-22T10:03:00Z']],
    ['drift_cleared: still open past verify.by', start('drift_cleared', 'a'), world('2026-11-22T10:07:00Z', []), ['n1/a/unhealthy_service'], undefined, ['remediation_failed@2026-11-22T10:07:00Z']],
  ] as const)('%s', (_name, line, observed, open, heartbeat, expected) => {
    expect(kinds(line, observed, [...open], heartbeat)).toEqual(expected);
  });

  it('a concluded attempt is not concluded again; a second conclusion of one attempt is ignored', () => {
    const line = start('service_ok', 'a');
    const done = { ...line, kind: 'remediation_failed', started: line.at, observed_at: '2026-11-22T10:06:00Z' } as const;
    const folded = foldAttempts([line, { ...done, at: '2026-11-22T10:06:00Z' }, { ...done, kind: 'remediation_succeeded', at: '2026-11-22T10:07:00Z' }]);
    expect(folded).toHaveLength(1);
    expect(folded[0]!.outcome?.kind).toBe('remediation_failed');
    expect(concludeAttempts(folded, { recommendations: [] }, { world: world('2026-11-22T10:08:00Z', []), heartbeats: new Map() })).toEqual([]);
  });

  it('in progress → reconciling; failed up to max_attempts → reconcile_blocked (this episode only)', () => {
    const rec: Recommendation = {
      id: 'n1/a/unhealthy_service',
      event: 'reconcile_required',
      drift: 'unhealthy_service',
      action: 'redeploy',
      node: 'n1',
      service: 'a',
      severity: 'warning',
      reason: 'status failed',
      since: '2026-11-22T09:50:00Z',
    };
    const result: ReconcileResult = { summary: 'degraded', recommendations: [rec], nodes: {} };
    const line = start('service_ok', 'a');
    const running = applyAttempts(result, foldAttempts([line]), []);
    expect(running.summary).toBe('reconciling');
    expect(running.recommendations[0]).toMatchObject({ in_progress: true });
    const failed = { ...line, kind: 'remediation_failed', started: line.at, observed_at: line.at, reason: 'x' } as const;
    const blocked = applyAttempts(result, foldAttempts([line, failed]), []);
    expect(blocked.summary).toBe('unstable');
    expect(blocked.recommendations[0]).toMatchObject({ event: 'reconcile_blocked', action: 'diagnostics' });
    expect(blocked.recommendations[0]!.reason).toBe(
      'status failed; 1 remediation attempt of s failed (max_attempts 1; last: x); no diagnostics recorded (labwarden diagnose)',
    );
    // A new episode (since after the attempts) starts over.
    const later = { ...result, recommendations: [{ ...rec, since: '2026-11-22T11:00:00Z' }] };
    expect(applyAttempts(later, foldAttempts([line, failed]), [])).toEqual(later);
  });
});
