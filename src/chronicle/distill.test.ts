import { describe, expect, it } from 'vitest';
import { distill, serializeInsights } from './distill.js';
import { lineId, type IncidentLine } from './line.js';
import { syntheticChronicle } from './synthetic.js';

function line(at: string, event: IncidentLine['event'], node: string, service: string | undefined, drift: string): IncidentLine {
  const fingerprint = service ? `${node}/${service}/${drift}` : `${node}/${drift}`;
  return {
    id: lineId(fingerprint, event, at),
    at,
    event,
    fingerprint,
    node,
    ...(service ? { service } : {}),
    drift,
    severity: 'warning',
    recommendation: 'reconcile_required',
    action: 'redeploy',
    reason: 'test',
  };
}

const NOW = Date.parse('2026-11-22T10:20:00Z');

describe('distill', () => {
  const lines = [
    // Out of order on purpose: union merges reorder lines.
    line('2026-11-22T08:00:00Z', 'resolved', 'media', 'jellyfin', 'unhealthy_service'),
    line('2026-11-22T06:00:00Z', 'opened', 'media', 'jellyfin', 'unhealthy_service'),
    line('2026-11-22T09:00:00Z', 'opened', 'media', 'jellyfin', 'unhealthy_service'),
    line('2026-11-22T09:30:00Z', 'resolved', 'media', 'jellyfin', 'unhealthy_service'),
    line('2026-11-22T04:00:00Z', 'opened', 'media', undefined, 'offline_node'),
    line('2026-11-22T05:00:00Z', 'resolved', 'media', undefined, 'offline_node'),
    line('2026-11-22T09:30:00Z', 'opened', 'media', 'sonarr', 'unmanaged_service'),
    line('2026-11-22T09:40:00Z', 'flapping', 'media', 'sonarr', 'unmanaged_service'),
    line('2026-11-22T07:00:00Z', 'opened', 'nas', undefined, 'offline_node'),
  ];
  const insights = distill(lines, NOW);

  it('counts incidents, MTTR and the longest outage per service and node', () => {
    expect(insights.as_of).toBe('2026-11-22T10:00:00Z');
    expect(insights.services['media/jellyfin']).toEqual({
      incidents: 2,
      open: 0,
      mttr_seconds: 4500,
      longest_outage_seconds: 7200,
      // 2h + 30m (own) + 1h (node offline) = 3.5h down in the last 24h.
      availability: { '24h': 85.417, '7d': 97.917, '30d': 99.514 },
    });
    expect(insights.services['media/sonarr']).toMatchObject({ incidents: 1, open: 1, availability: { '24h': 95.833 } });
    expect(insights.nodes.nas).toMatchObject({ incidents: 1, open: 1, mttr_seconds: null, longest_outage_seconds: 10_800, availability: { '24h': 87.5 } });
    expect(insights.nodes.media).toMatchObject({ incidents: 4, open: 1, longest_outage_seconds: 3600 });
  });

  it('lists the flapping set and the top offenders', () => {
    expect(insights.flapping).toEqual(['media/sonarr/unmanaged_service']);
    expect(insights.top_offenders.map((entry) => entry.target)).toEqual(['media/jellyfin', 'media/sonarr']);
  });

  it('is independent of line order and ignores lines after now', () => {
    const later = line('2026-11-22T11:00:00Z', 'opened', 'pi', undefined, 'offline_node');
    expect(distill([...lines].reverse().concat(later), NOW)).toEqual(insights);
  });

  it('handles a synthetic year', () => {
    const year = syntheticChronicle({ lines: 5000, services: 100, days: 365, start: NOW - 365 * 86_400_000 });
    const out = distill(year, NOW);
    expect(Object.keys(out.services)).toHaveLength(100);
    expect(out.lines).toBe(year.filter((entry) => Date.parse(entry.at) <= NOW).length);
  });
});

describe('insights of a fleet with quiet services', () => {
  const inventory = {
    nodes: new Map(
      (['media', 'nas'] as const).map((name) => [name, { name, host: {}, services: ['jellyfin', 'sonarr', 'samba'].map((service) => ({ name: service })) }]),
    ),
  } as unknown as Parameters<typeof distill>[2];
  const lines = [
    line('2026-11-22T06:00:00Z', 'opened', 'media', 'jellyfin', 'unhealthy_service'),
    line('2026-11-22T07:00:00Z', 'resolved', 'media', 'jellyfin', 'unhealthy_service'),
    line('2026-11-22T04:00:00Z', 'opened', 'nas', undefined, 'offline_node'),
    line('2026-11-22T05:00:00Z', 'resolved', 'nas', undefined, 'offline_node'),
    line('2026-11-22T05:00:00Z', 'opened', 'nas', 'plex', 'unmanaged_service'),
  ];
  const insights = distill(lines, NOW, inventory);

  it('lists every node, and only the services the chronicle touches', () => {
    expect(Object.keys(insights.nodes)).toEqual(['media', 'nas']);
    // media/sonarr and media/samba had nothing: absent. Every nas service was down with its node,
    // including plex, which only the chronicle names.
    expect(Object.keys(insights.services)).toEqual(['media/jellyfin', 'nas/jellyfin', 'nas/plex', 'nas/samba', 'nas/sonarr']);
    expect(insights.services['nas/samba']).toEqual({ incidents: 0, open: 0, mttr_seconds: null, longest_outage_seconds: 3600, availability: { '24h': 95.833, '7d': 99.405, '30d': 99.861 } });
    expect(insights.nodes.media).toMatchObject({ incidents: 1, longest_outage_seconds: 0 });
  });

  it('serializes as JSON with one line per target', () => {
    const text = serializeInsights(insights);
    expect(JSON.parse(text)).toEqual(insights);
    expect(text.endsWith('}\n')).toBe(true);
    const targetLines = text.split('\n').filter((row) => /^ {4}"[a-z/-]+": \{/.test(row));
    expect(targetLines).toHaveLength(Object.keys(insights.services).length + Object.keys(insights.nodes).length);
    expect(text).toContain('    "media/jellyfin": {"incidents":1,"open":0,"mttr_seconds":3600,');
    expect(serializeInsights({ ...insights, flapping: [], top_offenders: [] })).toContain('  "flapping": [],\n  "top_offenders": []\n}\n');
  });
});
