import { describe, expect, it } from 'vitest';
import { maintenanceFromStatus } from '../maintenance/status-view.js';
import { silencesInForce } from './maintenance.js';
import type { AdminEvent } from '../model/index.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const at = '2026-11-21T12:00:00Z';
const silence = (seq: number, matcher: AdminEvent['matcher'], until: string): AdminEvent => ({
  seq,
  at,
  actor: 'bob',
  action: 'silence',
  node: null,
  reason: 'tests',
  prev: '0'.repeat(64),
  matcher,
  until,
});

describe('maintenanceFromStatus: the state status/ recorded, nothing folded again', () => {
  it('shows a drain in the CLI words: movable services only, the rest stop with the node', () => {
    const view = maintenanceFromStatus({
      state: 'EnteringMaintenance',
      since: '2026-11-22T09:55:00Z',
      cordoned: false,
      actor: 'alice',
      reason: 'kernel',
      drain: {
        moved: 0,
        total: 4,
        deadline: '2026-11-22T10:55:00Z',
        services: {
          a: { target: null, moved: false, no_failover: true },
          b: { target: 'apps', moved: false },
          c: { target: null, moved: false, no_failover: true },
          d: { target: null, moved: false, no_failover: true },
        },
        blockers: [],
      },
    });
    expect(view).toEqual({
      state: 'EnteringMaintenance',
      since: '2026-11-22T09:55:00Z',
      actor: 'alice',
      reason: 'kernel',
      until: null,
      drain: { moved: 0, movable: 1, text: 'drain 0/1 moved (3 stop with the node)' },
    });
  });

  it.each([
    ['absent', undefined],
    ['a bare string (no object)', 'Maintenance'],
    ['an unknown state', { state: 'Sleeping', since: null }],
  ])('%s is Active: status/ is derived, the site does not guess', (_name, value) => {
    expect(maintenanceFromStatus(value).state).toBe('Active');
  });

  it('Maintenance shows no drain', () => {
    expect(
      maintenanceFromStatus({
        state: 'Maintenance',
        since: at,
        drain: { moved: 1, total: 1, services: {}, blockers: [] },
      }).drain,
    ).toBeNull();
  });
});

describe('silencesInForce', () => {
  it('keeps silences until they expire, and until: resolved while the incident is open', () => {
    const events = [
      silence(1, { node: 'n1' }, '2026-11-23T00:00:00Z'),
      silence(2, { node: 'n2' }, '2026-11-22T00:00:00Z'),
      silence(3, { fingerprint: 'n1/web/unhealthy_service' }, 'resolved'),
    ];
    expect(silencesInForce(events, NOW, () => true).map((s) => [s.node, s.matcher, s.until])).toEqual([
      ['n1', null, '2026-11-23T00:00:00Z'],
      [null, 'n1/web/unhealthy_service', 'resolved'],
    ]);
    expect(silencesInForce(events, NOW, () => false).map((s) => s.node)).toEqual(['n1']);
  });
});
