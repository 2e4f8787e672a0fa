import { describe, expect, it } from 'vitest';
import type { Recommendation } from '../model/index.js';
import { diffRecommendations, isEmptyDiff, reconcileCommitMessage } from './diff.js';

const rec = (
  node: string,
  service: string | undefined,
  drift: Recommendation['drift'],
  extra: Partial<Recommendation> = {},
): Recommendation => ({
  id: service ? `${node}/${service}/${drift}` : `${node}/${drift}`,
  event: 'reconcile_required',
  drift,
  action: 'redeploy',
  node,
  ...(service ? { service } : {}),
  severity: 'warning',
  reason: 'r',
  since: '2026-11-22T09:40:00Z',
  ...extra,
});

const jellyfin = rec('media', 'jellyfin', 'unhealthy_service');
const node3 = rec('node3', undefined, 'offline_node');

describe('reconcileCommitMessage', () => {
  it.each([
    [
      'opened',
      { summary: 'nominal' as const, recommendations: [] },
      { summary: 'degraded' as const, recommendations: [jellyfin] },
      'reconcile: media/jellyfin unhealthy_service opened; summary nominal → degraded',
    ],
    [
      'same summary',
      { summary: 'degraded' as const, recommendations: [node3] },
      { summary: 'degraded' as const, recommendations: [node3, jellyfin] },
      'reconcile: media/jellyfin unhealthy_service opened; summary degraded',
    ],
    [
      'cleared',
      { summary: 'unstable' as const, recommendations: [node3, jellyfin] },
      { summary: 'degraded' as const, recommendations: [jellyfin] },
      'reconcile: node3 offline_node cleared; summary unstable → degraded',
    ],
    [
      'changed',
      { summary: 'degraded' as const, recommendations: [jellyfin] },
      { summary: 'degraded' as const, recommendations: [{ ...jellyfin, severity: 'critical' as const }] },
      'reconcile: media/jellyfin unhealthy_service changed; summary degraded',
    ],
    [
      'first run',
      undefined,
      { summary: 'degraded' as const, recommendations: [jellyfin] },
      'reconcile: media/jellyfin unhealthy_service opened; summary degraded',
    ],
    [
      'nothing but node status',
      { summary: 'nominal' as const, recommendations: [] },
      { summary: 'nominal' as const, recommendations: [] },
      'reconcile: node status updated; summary nominal',
    ],
  ])('%s', (_name, before, after, expected) => {
    expect(reconcileCommitMessage(diffRecommendations(before, after))).toBe(expected);
  });

  it('names the first three in the subject and lists all in the body', () => {
    const recs = ['a', 'b', 'c', 'd', 'e'].map((node) => rec(node, undefined, 'offline_node'));
    expect(reconcileCommitMessage(diffRecommendations(undefined, { summary: 'unstable', recommendations: recs }))).toBe(
      'reconcile: a offline_node opened, b offline_node opened, c offline_node opened, 2 more; summary unstable\n\n' +
        '- a offline_node opened\n- b offline_node opened\n- c offline_node opened\n- d offline_node opened\n- e offline_node opened\n',
    );
  });
});

describe('diffRecommendations', () => {
  it('reports changed fields and nothing for identical results', () => {
    const diff = diffRecommendations(
      { summary: 'degraded', recommendations: [jellyfin] },
      { summary: 'degraded', recommendations: [{ ...jellyfin, reason: 'x', severity: 'critical' }] },
    );
    expect(diff.changed.map((c) => c.fields)).toEqual([['reason', 'severity']]);
    expect(
      isEmptyDiff(
        diffRecommendations(
          { summary: 'degraded', recommendations: [jellyfin] },
          { summary: 'degraded', recommendations: [jellyfin] },
        ),
      ),
    ).toBe(true);
  });
});
