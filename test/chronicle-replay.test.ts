import { describe, expect, it } from 'vitest';
import { at, brief, replay, type TimelineStep } from './helpers/timeline.js';

const T0 = '2026-11-22T10:00:00Z';
const INVENTORY = {
  'inventory/hosts/media/services.yaml': 'services:\n  - name: jellyfin\n  - name: sonarr\n',
  'inventory/hosts/nas/services.yaml': 'services:\n  - name: samba\n',
};

function snap(node: string, minute: number, services: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    node,
    observed_at: at(T0, minute),
    status: 'online',
    services: Object.entries(services).map(([name, status]) => ({ name, status })),
    ...extra,
  };
}

const nasOk = (minute: number) => snap('nas', minute, { samba: 'ok' });

/** One run a minute after each observation; jellyfin's status per minute. */
function jellyfinTimeline(states: [number, string][], delay = 1): TimelineStep[] {
  return states.map(([minute, status]) => ({
    now: at(T0, minute + delay),
    world: { media: snap('media', minute, { jellyfin: status, sonarr: 'ok' }), nas: nasOk(minute) },
  }));
}

describe('chronicle lifecycle', () => {
  it('opens at the failing observation and resolves at the clean one, once stable for stabilize_for', () => {
    const run = replay(
      INVENTORY,
      jellyfinTimeline([
        [0, 'failed'],
        [10, 'failed'],
        [20, 'ok'],
        [22, 'ok'],
        [26, 'ok'],
      ]),
    );
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:20:00Z resolved media/jellyfin/unhealthy_service warning',
    ]);
    // The resolve is written by the 10:26 run (clear since 10:20 for >= 5m), not by the 10:21 one.
    expect(run.results[3]!.recommendations).toEqual([]);
    expect(run.history.incidents.at(-1)).toMatchObject({
      at: '2026-11-22T10:20:00Z',
      event: 'resolved',
      node: 'media',
      service: 'jellyfin',
      drift: 'unhealthy_service',
      recommendation: 'reconcile_required',
      action: 'redeploy',
    });
  });

  it('writes nothing on a run where nothing changed', () => {
    const run = replay(INVENTORY, [...jellyfinTimeline([[0, 'failed']]), ...jellyfinTimeline([[0, 'failed']], 3)]);
    expect(run.history.incidents).toHaveLength(1);
    expect(run.history.transitions).toHaveLength(1);
  });

  it('escalates one step once open past escalate_after, and reports since = opened', () => {
    const run = replay(
      INVENTORY,
      jellyfinTimeline([
        [0, 'failed'],
        [20, 'failed'],
        [35, 'failed'],
        [50, 'ok'],
        [60, 'ok'],
      ]),
    );
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:30:00Z escalated media/jellyfin/unhealthy_service critical',
      '2026-11-22T10:50:00Z resolved media/jellyfin/unhealthy_service critical',
    ]);
    const rec = run.results[2]!.recommendations[0]!;
    expect(rec).toMatchObject({ severity: 'critical', escalated: true, since: '2026-11-22T10:00:00Z' });
  });

  it('deescalates when the drift becomes milder (failed → degraded)', () => {
    const run = replay(
      INVENTORY,
      jellyfinTimeline([
        [0, 'failed'],
        [5, 'degraded'],
      ]),
    );
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:05:00Z deescalated media/jellyfin/unhealthy_service info',
    ]);
    expect(run.incidents[1]!.recommendation).toBe('reconcile_recommended');
  });

  it('stabilization: a reopen within stabilize_for of clearing continues the same incident', () => {
    const run = replay(
      INVENTORY,
      jellyfinTimeline([
        [0, 'failed'],
        [10, 'ok'],
        [12, 'failed'],
        [20, 'ok'],
        [30, 'ok'],
      ]),
    );
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:20:00Z resolved media/jellyfin/unhealthy_service warning',
    ]);
  });

  it('a reopen after stabilize_for is a new incident', () => {
    const run = replay(
      INVENTORY,
      jellyfinTimeline([
        [0, 'failed'],
        [10, 'ok'],
        [16, 'ok'],
        [18, 'failed'],
      ]),
    );
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:10:00Z resolved media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:18:00Z opened media/jellyfin/unhealthy_service warning',
    ]);
  });

  it('an invalid snapshot or an offline node resolves nothing', () => {
    const steps: TimelineStep[] = [
      ...jellyfinTimeline([[0, 'failed']]),
      { now: at(T0, 6), world: { media: 'node: media\nobserved_at: [broken\n', nas: nasOk(5) } },
      { now: at(T0, 30), world: { media: snap('media', 1, { jellyfin: 'failed', sonarr: 'ok' }), nas: nasOk(29) } },
      { now: at(T0, 40), world: { media: snap('media', 38, { jellyfin: 'failed', sonarr: 'ok' }), nas: nasOk(38) } },
      { now: at(T0, 45), world: { media: snap('media', 44, { jellyfin: 'failed', sonarr: 'ok' }), nas: nasOk(44) } },
    ];
    const run = replay(INVENTORY, steps);
    expect(run.results[1]!.nodes.media!.health).toBe('unknown');
    expect(run.results[2]!.nodes.media!.health).toBe('offline');
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:16:00Z opened media/offline_node warning',
      '2026-11-22T10:30:00Z escalated media/jellyfin/unhealthy_service critical',
      '2026-11-22T10:38:00Z resolved media/offline_node warning',
    ]);
  });
});

describe('replay on time vs late', () => {
  const states: [number, string][] = [
    [0, 'failed'],
    [8, 'failed'],
    [14, 'ok'],
    [16, 'failed'],
    [28, 'degraded'],
    [40, 'failed'],
    [52, 'ok'],
    [60, 'ok'],
    [75, 'ok'],
  ];
  it.each([
    ['a minute late', 1],
    ['fourteen minutes late', 14],
  ])('gives the same chronicle when runs are %s', (_, delay) => {
    const onTime = replay(INVENTORY, jellyfinTimeline(states, 0));
    const late = replay(INVENTORY, jellyfinTimeline(states, delay));
    expect(late.incidents).toEqual(onTime.incidents);
    expect(onTime.incidents.length).toBeGreaterThan(3);
  });

  it('gives the same chronicle when a quiet world is proven alive by heartbeats, run every 5m or once late', () => {
    const world = { media: snap('media', 0, { jellyfin: 'failed', sonarr: 'ok' }), nas: nasOk(0) };
    const step = (minute: number): TimelineStep => ({
      now: at(T0, minute),
      world,
      heartbeats: { media: at(T0, minute - 1), nas: at(T0, minute - 1) },
    });
    const every5m = replay(INVENTORY, [5, 10, 15, 20, 25, 30, 35, 40].map(step));
    const once = replay(INVENTORY, [step(40)]);
    expect(brief(once.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:30:00Z escalated media/jellyfin/unhealthy_service critical',
    ]);
    expect(once.incidents).toEqual(every5m.incidents);
  });
});
