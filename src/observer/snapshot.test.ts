import { describe, expect, it } from 'vitest';
import { Service, WorldSnapshot, parseTime, type InventoryNode } from '../model/index.js';
import type { ProbeOutcome } from './probes/index.js';
import { serializeSnapshot } from './serialize.js';
import { observeSnapshot } from './snapshot.js';
import { parseData } from '../repo/index.js';

const T0 = parseTime('2026-11-22T10:00:00Z');
const MIN = 60_000;
const node: InventoryNode = {
  name: 'media',
  host: { labels: [], critical: false },
  services: [
    Service.parse({ name: 'jellyfin', probe: { http: 'http://127.0.0.1:8096/health' } }),
    Service.parse({ name: 'sonarr', probe: { docker: 'sonarr' } }),
    Service.parse({ name: 'tautulli' }),
  ],
};

function first(outcomes: Record<string, ProbeOutcome>, previous?: WorldSnapshot, now = T0) {
  return observeSnapshot({ node, previous, outcomes: new Map(Object.entries(outcomes)), now, staleAfter: 15 * MIN });
}

const healthy = {
  jellyfin: { status: 'ok', detail: 'HTTP 200', latencyMs: 48 },
  sonarr: { status: 'ok', detail: 'container sonarr running' },
} as const;

describe('observeSnapshot', () => {
  it('writes the probes, marks never-reported unprobed services unknown', () => {
    const { snapshot, changed } = first(healthy);
    expect(changed).toBe(true);
    expect(serializeSnapshot(snapshot, 'yaml')).toBe(
      [
        '# yaml-language-server: $schema=../../schema/world.schema.json',
        'node: media',
        'observed_at: 2026-11-22T10:00:00Z',
        'status: online',
        'services:',
        '  - { name: jellyfin, status: ok, detail: "HTTP 200 in 48ms" }',
        '  - { name: sonarr, status: ok, detail: "container sonarr running" }',
        '  - { name: tautulli, status: unknown, detail: "no probe, never reported" }',
        'deployments: []',
        'incidents: []',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['a latency wiggle', { ...healthy, jellyfin: { status: 'ok', detail: 'HTTP 200', latencyMs: 312 } }, false],
    ['the same result', healthy, false],
    [
      'a status change',
      { ...healthy, jellyfin: { status: 'failed', detail: 'HTTP 503 from /health', latencyMs: 12 } },
      true,
    ],
    ['a detail change', { ...healthy, sonarr: { status: 'ok', detail: 'container sonarr running, healthy' } }, true],
  ] as const)('%s → changed: %s; observed_at moves only with the content', (_, outcomes, expected) => {
    const before = first(healthy).snapshot;
    const after = first(outcomes, before, T0 + 5 * MIN);
    expect(after.changed).toBe(expected);
    expect(after.snapshot.observed_at).toBe(expected ? '2026-11-22T10:05:00Z' : '2026-11-22T10:00:00Z');
    if (!expected) expect(after.snapshot).toBe(before);
  });

  it('keeps an unprobed service’s last report until stale_after, then marks it unknown', () => {
    const reported = WorldSnapshot.parse({
      node: 'media',
      observed_at: '2026-11-22T10:00:00Z',
      status: 'online',
      services: [
        { name: 'jellyfin', status: 'ok', detail: 'HTTP 200 in 48ms' },
        { name: 'sonarr', status: 'ok', detail: 'container sonarr running' },
        { name: 'tautulli', status: 'ok' },
        { name: 'handmade', status: 'degraded' },
      ],
    });
    const fresh = first(healthy, reported, T0 + 10 * MIN);
    expect(fresh.changed).toBe(false);
    const stale = first(healthy, reported, T0 + 16 * MIN);
    expect(stale.changed).toBe(true);
    expect(stale.snapshot.services.slice(2)).toEqual([
      { name: 'tautulli', status: 'unknown', detail: 'no probe; last reported ok at 2026-11-22T10:00:00Z' },
      { name: 'handmade', status: 'unknown', detail: 'no probe; last reported degraded at 2026-11-22T10:00:00Z' },
    ]);
    // Once unknown, it stays put: no rewrite on the next quiet run.
    expect(first(healthy, stale.snapshot, T0 + 60 * MIN).changed).toBe(false);
  });

  it('keeps deployments and incidents, and a previously offline node comes back online', () => {
    const previous = WorldSnapshot.parse({
      ...first(healthy).snapshot,
      status: 'offline',
      deployments: [{ service: 'jellyfin', at: '2026-11-22T09:00:00Z', result: 'success' }],
      incidents: [{ id: 'ups', severity: 'warning', summary: 'UPS on battery', opened_at: '2026-11-22T09:00:00Z' }],
    });
    const { snapshot, changed } = first(healthy, previous, T0 + MIN);
    expect(changed).toBe(true);
    expect(snapshot.status).toBe('online');
    expect(snapshot.deployments).toBe(previous.deployments);
    expect(snapshot.incidents).toBe(previous.incidents);
  });

  it.each(['yaml', 'json'] as const)('serializes to %s that parses back to the same snapshot', (format) => {
    const snapshot = WorldSnapshot.parse({
      node: 'media',
      observed_at: '2026-11-22T10:00:00Z',
      status: 'online',
      services: [{ name: 'jellyfin', status: 'failed', detail: 'weird: "quotes" # and\\ backslash \u00e9' }],
      deployments: [{ service: 'jellyfin', at: '2026-11-22T09:00:00Z', result: 'failed', version: '1.10' }],
      incidents: [
        {
          id: 'true',
          severity: 'info',
          summary: 'yes',
          opened_at: '2026-11-22T09:00:00Z',
          resolved_at: '2026-11-22T09:30:00Z',
        },
      ],
    });
    const text = serializeSnapshot(snapshot, format);
    const data = parseData({ path: `world/nodes/media.${format}`, text });
    expect(data.ok && WorldSnapshot.parse(data.value)).toEqual(snapshot);
  });
});
