import { describe, expect, it } from 'vitest';
import { distill } from './distill.js';
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
