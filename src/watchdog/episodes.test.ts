import { describe, expect, it } from 'vitest';
import { parseTime, type NodeStatus } from '../model/index.js';
import { observerChecks, reconcilerCheck, staleObservers } from './checks.js';
import { advanceEpisodes, emptyState, newerState, type Check } from './episodes.js';
import { renderWatchdogMessage } from './message.js';

const T0 = parseTime('2026-11-22T10:00:00Z');
const fail = (key = 'cycle', detail = 'push refused'): Check => ({ key, ok: false, title: key, detail });
const pass = (key = 'cycle'): Check => ({ key, ok: true, title: key, detail: 'working again' });

describe('advanceEpisodes', () => {
  it('alerts once per failure episode and once on recovery, never per run', () => {
    const runs: Check[][] = [
      [pass()],
      [fail()],
      [fail('cycle', 'other words')],
      [fail()],
      [pass()],
      [pass()],
      [fail()],
    ];
    let state = emptyState('runner');
    const seen: string[] = [];
    runs.forEach((checks, index) => {
      const next = advanceEpisodes(state, checks, T0 + index * 300_000);
      seen.push(next.alerts.map((alert) => alert.kind).join(',') || '-');
      expect(next.changed).toBe(next.alerts.length > 0);
      state = next.state;
    });
    expect(seen).toEqual(['-', 'failing', '-', '-', 'recovered', '-', 'failing']);
    expect(state.failing.cycle).toEqual({ since: '2026-11-22T10:30:00Z', title: 'cycle', detail: 'push refused' });
  });

  it('the recovery names when the episode began; unchecked keys are left alone', () => {
    const opened = advanceEpisodes(emptyState('w'), [fail('a'), fail('b')], T0).state;
    const { alerts, state } = advanceEpisodes(opened, [pass('a')], T0 + 60_000);
    expect(alerts).toEqual([
      { key: 'a', kind: 'recovered', title: 'a', detail: 'working again', since: '2026-11-22T10:00:00Z' },
    ]);
    expect(Object.keys(state.failing)).toEqual(['b']);
    expect(state.updated_at).toBe('2026-11-22T10:01:00Z');
  });

  it('newerState takes the later of the local file and the branch', () => {
    const a = { ...emptyState('w'), updated_at: '2026-11-22T10:00:00Z' };
    const b = { ...emptyState('w'), updated_at: '2026-11-22T11:00:00Z' };
    expect(newerState(a, b)).toBe(b);
    expect(newerState(b, a)).toBe(b);
    expect(newerState(undefined, a)).toBe(a);
  });
});

describe('checks', () => {
  const node = (
    health: NodeStatus['health'],
    last_seen: string | null,
    maintenance?: NodeStatus['maintenance'],
  ): NodeStatus => ({
    health,
    last_seen,
    services: { total: 0, ok: 0, degraded: 0, failed: 0, missing: 0 },
    ...(maintenance ? { maintenance } : {}),
  });

  it.each([
    ['online', '2026-11-22T09:59:00Z', undefined, false],
    ['offline', '2026-11-22T09:40:00Z', undefined, true],
    ['offline', null, undefined, true],
    // The world file says offline and the observer wrote it a minute ago: the observer is alive.
    ['offline', '2026-11-22T09:59:00Z', undefined, false],
    [
      'offline',
      '2026-11-22T09:00:00Z',
      { state: 'Maintenance', since: '2026-11-22T08:00:00Z', cordoned: false },
      false,
    ],
  ] as const)('%s node last seen %s (maintenance %j): stale observer %s', (health, lastSeen, maintenance, stale) => {
    const nodes = { pi: node(health, lastSeen, maintenance as NodeStatus['maintenance']) };
    expect(staleObservers(nodes, 15 * 60_000, T0).map((entry) => entry.node)).toEqual(stale ? ['pi'] : []);
    expect(observerChecks(nodes, 15 * 60_000, T0)).toEqual([
      expect.objectContaining({ key: 'observer:pi', ok: !stale }),
    ]);
  });

  it('the reconciler heartbeat is stale after reconciler_stale_after; none at all is not checked', () => {
    expect(reconcilerCheck(undefined, 30 * 60_000, T0)).toEqual([]);
    expect(reconcilerCheck('2026-11-22T09:30:00Z', 30 * 60_000, T0)[0]!.ok).toBe(true);
    expect(reconcilerCheck('2026-11-22T09:29:59Z', 30 * 60_000, T0)[0]).toEqual({
      key: 'reconciler',
      ok: false,
      title: 'reconciler',
      detail: 'no successful reconcile since 2026-11-22T09:29:59Z (stale after 30m)',
    });
  });
});

describe('renderWatchdogMessage', () => {
  it('escapes user text, allows no mentions, one embed per alert', () => {
    const { alerts } = advanceEpisodes(emptyState('runner'), [fail('cycle', '@everyone `rm` **boom**')], T0);
    const payload = renderWatchdogMessage('runner', alerts, 'https://example.invalid/run/1');
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    expect(payload.content).toBe('**labwarden watchdog** (runner): 1 failing');
    expect(payload.embeds).toHaveLength(1);
    expect(payload.embeds[0]!.title).toBe('Failing: cycle');
    expect(payload.embeds[0]!.description).toBe(
      '@\u200beveryone \\`rm\\` \\*\\*boom\\*\\*\nsince 2026-11-22T10:00:00Z',
    );
    expect(payload.embeds[0]!.url).toBe('https://example.invalid/run/1');
  });
});
