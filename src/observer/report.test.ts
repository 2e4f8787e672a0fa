import { describe, expect, it } from 'vitest';
import { parseTime, WorldSnapshot } from '../model/index.js';
import { KEEP_DEPLOYMENTS, openIncident, recordDeployment, resolveIncident } from './report.js';

const T0 = parseTime('2026-11-22T10:00:00Z');
const MIN = 60_000;
const base = WorldSnapshot.parse({
  node: 'media',
  observed_at: '2026-11-22T09:00:00Z',
  status: 'online',
  services: [{ name: 'jellyfin', status: 'ok' }],
});

describe('recordDeployment', () => {
  it('appends with the time and moves observed_at; creates a snapshot when there was none', () => {
    const { snapshot, changed } = recordDeployment(
      undefined,
      'media',
      { service: 'jellyfin', result: 'in_progress', version: '10.9.1' },
      T0,
    );
    expect(changed).toBe(true);
    expect(snapshot).toEqual({
      node: 'media',
      observed_at: '2026-11-22T10:00:00Z',
      status: 'online',
      services: [],
      incidents: [],
      deployments: [{ service: 'jellyfin', at: '2026-11-22T10:00:00Z', result: 'in_progress', version: '10.9.1' }],
    });
  });

  it(`keeps the last ${KEEP_DEPLOYMENTS}, most recent last`, () => {
    let snapshot = base;
    for (let i = 0; i < 25; i++)
      snapshot = recordDeployment(
        snapshot,
        'media',
        { service: 'jellyfin', result: i % 2 ? 'failed' : 'success', version: `1.${i}` },
        T0 + i * MIN,
      ).snapshot;
    expect(snapshot.deployments).toHaveLength(20);
    expect(snapshot.deployments[0]!.version).toBe('1.5');
    expect(snapshot.deployments.at(-1)).toEqual({
      service: 'jellyfin',
      at: '2026-11-22T10:24:00Z',
      result: 'success',
      version: '1.24',
    });
    expect(snapshot.services).toEqual(base.services);
  });
});

describe('incidents', () => {
  const ups = { id: 'ups-battery', severity: 'warning', summary: 'UPS on battery' } as const;

  it('opens, is idempotent, updates in place, resolves once, reopens', () => {
    const opened = openIncident(base, 'media', ups, T0);
    expect(opened.changed).toBe(true);
    expect(opened.snapshot.incidents).toEqual([{ ...ups, opened_at: '2026-11-22T10:00:00Z', resolved_at: null }]);

    const again = openIncident(opened.snapshot, 'media', ups, T0 + MIN);
    expect(again).toEqual({ snapshot: opened.snapshot, changed: false });

    const worse = openIncident(
      opened.snapshot,
      'media',
      { ...ups, severity: 'critical', summary: 'UPS battery at 10%' },
      T0 + 2 * MIN,
    );
    expect(worse.snapshot.incidents).toEqual([
      {
        id: 'ups-battery',
        severity: 'critical',
        summary: 'UPS battery at 10%',
        opened_at: '2026-11-22T10:00:00Z',
        resolved_at: null,
      },
    ]);
    expect(worse.snapshot.observed_at).toBe('2026-11-22T10:02:00Z');

    const resolved = resolveIncident(worse.snapshot, 'ups-battery', T0 + 3 * MIN)!;
    expect(resolved.snapshot.incidents[0]!.resolved_at).toBe('2026-11-22T10:03:00Z');
    expect(resolveIncident(resolved.snapshot, 'ups-battery', T0 + 4 * MIN)).toEqual({
      snapshot: resolved.snapshot,
      changed: false,
    });

    const reopened = openIncident(resolved.snapshot, 'media', ups, T0 + 5 * MIN);
    expect(reopened.snapshot.incidents).toEqual([{ ...ups, opened_at: '2026-11-22T10:05:00Z', resolved_at: null }]);
  });

  it('resolving an unknown id says so', () => {
    expect(resolveIncident(base, 'nope', T0)).toBeUndefined();
    expect(resolveIncident(undefined, 'nope', T0)).toBeUndefined();
  });
});
