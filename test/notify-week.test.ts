import { beforeAll, describe, expect, it } from 'vitest';
import { chronicleEpisodes, coverage, noisyWeek, type NoisyWeek } from '../bench/noisy-week.js';
import { simulateRuns } from '../src/notify/simulate.js';

// The noisy week of `npm run bench:notify`: the real reconcile + chronicle every 5 minutes,
// NotifyGate after each run. Counts, not timings.
describe('NotifyGate over a noisy synthetic week', () => {
  type Run = {
    policy: NoisyWeek['policy'];
    results: ReturnType<typeof simulateRuns>;
    messages: ReturnType<typeof simulateRuns>;
  };
  let week: NoisyWeek;
  const runs = new Map<string, Run>();
  beforeAll(() => {
    week = noisyWeek();
    for (const [name, policy] of [
      ['week', week.policy],
      ['default', { ...week.policy, alert_after: 0 }],
    ] as const) {
      const results = simulateRuns({
        incidents: week.incidents,
        policy,
        topology: week.topology,
        nodes: week.nodes,
        runs: week.runs,
      });
      runs.set(name, { policy, results, messages: results.filter((result) => result.plan.messageKey !== null) });
    }
  });
  /** The week's policy (alert_after 10m, as for a noisy homelab), or the default alert_after 0. */
  const run = (alertAfter?: 0) => runs.get(alertAfter === 0 ? 'default' : 'week')!;

  it('is noisy in the ways the issue names: flapping, a rack outage, maintenance windows', () => {
    expect(week.naiveByScenario['flapping']).toBeGreaterThanOrEqual(50);
    expect(week.naiveByScenario['rack outage']).toBeGreaterThanOrEqual(40);
    expect(week.naiveByScenario['maintenance window']).toBeGreaterThanOrEqual(50);
    expect(week.incidents.filter((line) => line.event === 'flapping')).toHaveLength(2);
  });

  it('sends at least 10× fewer messages than one per change, and leaves no incident unannounced', () => {
    const { policy, results, messages } = run();
    expect(policy.alert_after).toBe(600_000);
    expect(week.naive / messages.length).toBeGreaterThanOrEqual(10);
    const covered = coverage(week, policy, results);
    expect(covered.unannounced).toEqual([]);
    expect(covered.announced + covered.rootCause).toBeGreaterThan(10);
  });

  it('with the default policy (alert_after 0) every incident is announced as well', () => {
    const { policy, results } = run(0);
    expect(coverage(week, policy, results).unannounced).toEqual([]);
  });

  it('with the default policy: at least 9× fewer posts than one per change (resolutions post); later transitions edit the live message', () => {
    const { results, messages } = run(0);
    expect(week.naive / messages.length).toBeGreaterThanOrEqual(9);
    const items = results.flatMap(({ plan }) => plan.items);
    // Escalations, flapping and stable-again of announced incidents never post (they notify nobody).
    expect(
      items.filter((item) => ['escalated', 'flapping', 'stable'].includes(item.kind) && item.via === 'post'),
    ).toEqual([]);
    expect(items.filter((item) => item.via === 'edit').length).toBeGreaterThan(10);
    expect(results.reduce((sum, { plan }) => sum + plan.edits.length, 0)).toBeGreaterThan(10);
  });

  it('says nothing about incidents inside a policy maintenance window', () => {
    const { results } = run(0);
    const windowed = chronicleEpisodes(week.incidents, week.runs.at(-1)!).filter(
      (episode) => episode.window !== undefined,
    );
    expect(windowed.length).toBeGreaterThan(50);
    const sent = results.flatMap(({ at, plan }) => plan.items.map((item) => ({ at, item })));
    const about = windowed.filter((episode) =>
      sent.some(
        ({ at, item }) => item.fingerprint === episode.fingerprint && at >= episode.from && at <= episode.to + 600_000,
      ),
    );
    expect(about).toEqual([]);
  });

  it('announces a flapping service once as flapping and once as stable', () => {
    const { results } = run();
    const kinds = results.flatMap(({ plan }) =>
      plan.items.filter((item) => item.fingerprint === 'media/jellyfin/unhealthy_service').map((item) => item.kind),
    );
    expect(kinds.filter((kind) => kind === 'flapping')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'stable')).toHaveLength(1);
  });

  it('collapses the rack outage under its three offline nodes', () => {
    const { results } = run();
    const rack = results.filter(
      ({ at }) => at >= Date.parse('2026-11-19T13:55:00Z') && at <= Date.parse('2026-11-19T16:30:00Z'),
    );
    const items = rack.flatMap(({ plan }) => plan.items);
    expect(items.filter((item) => item.drift !== 'offline_node')).toEqual([]);
    expect(rack.filter(({ plan }) => plan.messageKey !== null).length).toBeLessThanOrEqual(3);
    const opened = items.filter((item) => item.kind === 'opened');
    expect(opened.map((item) => item.node).sort()).toEqual(['rack1', 'rack2', 'rack3']);
    // The dependents elsewhere are counted under the node they wait for.
    expect(opened.reduce((sum, item) => sum + (item.inhibited ?? 0), 0)).toBe(5);
  });
});
