import { describe, expect, it } from 'vitest';
import { IncidentLine, lineId } from '../chronicle/line.js';
import { dailyBars, describeBars, incidentHistory, meanTimeToResolve, uptimePercent } from './availability.js';

const FINGERPRINT = 'n1/s1/unhealthy_service';
const event = (at: string, kind: string, severity = 'warning') =>
  IncidentLine.parse({
    ...{ id: lineId(FINGERPRINT, kind, at), at, event: kind, fingerprint: FINGERPRINT, node: 'n1', service: 's1' },
    ...{ drift: 'unhealthy_service', severity, recommendation: 'reconcile_required', action: 'redeploy', reason: kind },
  });
const foldIncidents = incidentHistory;
const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('incidentHistory: the chronicle fold, cut into intervals', () => {
  it('splits an incident into intervals at each severity change and closes it on resolution', () => {
    const { intervals, spans } = foldIncidents([
      event('2026-11-20T08:00:00Z', 'opened'),
      event('2026-11-20T09:00:00Z', 'escalated', 'critical'),
      event('2026-11-20T10:30:00Z', 'resolved', 'critical'),
    ]);
    expect(intervals.map((i) => [i.severity, i.start, i.end])).toEqual([
      ['warning', Date.parse('2026-11-20T08:00:00Z'), Date.parse('2026-11-20T09:00:00Z')],
      ['critical', Date.parse('2026-11-20T09:00:00Z'), Date.parse('2026-11-20T10:30:00Z')],
    ]);
    expect(spans).toMatchObject([
      { fingerprint: FINGERPRINT, worst: 'critical', resolved: Date.parse('2026-11-20T10:30:00Z') },
    ]);
    expect(meanTimeToResolve(spans)).toBe(150 * 60_000);
    // 1.5 h critical in the 58 h since the chronicle began; warning time is not downtime.
    expect(uptimePercent(intervals, NOW, Date.parse('2026-11-20T00:00:00Z'))).toBe(97.41);
    expect(uptimePercent(intervals, NOW, null)).toBeNull();
  });

  it('keeps an unresolved incident open, folds events in time order, and marks flapping', () => {
    const { intervals, spans } = foldIncidents([
      event('2026-11-21T09:00:00Z', 'flapping'),
      event('2026-11-21T08:00:00Z', 'opened'),
    ]);
    expect(intervals).toMatchObject([{ end: null }]);
    expect(spans).toMatchObject([{ flapping: true, resolved: null }]);
    expect(meanTimeToResolve(spans)).toBeNull();
  });
});

describe('dailyBars', () => {
  it.each([
    ['no chronicle start: every day has no data', [], null, { none: 90 }],
    ['quiet since the chronicle began', [], Date.parse('2026-11-13T00:00:00Z'), { none: 80, ok: 10 }],
    [
      'an incident spanning midnight colours both days, the worst state wins',
      [
        event('2026-11-20T22:00:00Z', 'opened'),
        event('2026-11-21T01:00:00Z', 'escalated', 'critical'),
        event('2026-11-21T02:00:00Z', 'resolved', 'critical'),
      ],
      Date.parse('2026-11-13T00:00:00Z'),
      { none: 80, ok: 8, degraded: 1, down: 1 },
    ],
  ])('%s', (_name, events, since, expected) => {
    const bars = dailyBars(foldIncidents(events).intervals, NOW, since);
    expect(bars).toHaveLength(90);
    expect(bars.at(-1)!.date).toBe('2026-11-22');
    const counts: Record<string, number> = {};
    for (const bar of bars) counts[bar.state] = (counts[bar.state] ?? 0) + 1;
    expect(counts).toEqual(expected);
  });

  it('describes the bars in words', () => {
    const bars = dailyBars(
      foldIncidents([
        event('2026-11-20T08:00:00Z', 'opened', 'critical'),
        event('2026-11-20T09:00:00Z', 'resolved', 'critical'),
      ]).intervals,
      NOW,
      Date.parse('2026-11-01T00:00:00Z'),
    );
    expect(describeBars(bars)).toBe(
      'Last 90 days: 21 days without incidents; 1 day down (2026-11-20); 68 days without data.',
    );
  });
});
