import { describe, expect, it } from 'vitest';
import { at, brief, replay, type TimelineStep } from './helpers/timeline.js';

const T0 = '2026-11-22T10:00:00Z';
const MEDIA = { 'inventory/hosts/media/services.yaml': 'services:\n  - name: jellyfin\n' };

function media(minute: number, status: string, deployments: unknown[] = []) {
  return {
    node: 'media',
    observed_at: at(T0, minute),
    status: 'online',
    services: [{ name: 'jellyfin', status }],
    deployments,
  };
}

describe('flapping (Icinga-style weighted hysteresis)', () => {
  // Fails and recovers every 10 minutes for two hours, then stays up.
  const steps: TimelineStep[] = [];
  for (let minute = 0; minute <= 240; minute += 10) {
    const status = minute <= 120 && (minute / 10) % 2 === 0 ? 'failed' : 'ok';
    steps.push({ now: at(T0, minute + 1), world: { media: media(minute, status) } });
  }

  it('writes one flapping line and one stable line, not an open/resolve per change', () => {
    const run = replay(MEDIA, steps);
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:30:00Z escalated media/jellyfin/unhealthy_service critical',
      '2026-11-22T10:50:00Z flapping media/jellyfin/unhealthy_service critical',
      '2026-11-22T13:00:00Z stable media/jellyfin/unhealthy_service critical',
      '2026-11-22T13:00:01Z resolved media/jellyfin/unhealthy_service critical',
    ]);
    expect(run.history.transitions.length).toBe(14); // every change is still remembered
    expect(run.results[8]!.recommendations[0]).toMatchObject({ flapping: true });
  });

  it('without stabilization each change is an incident until the threshold is crossed; thresholds come from policy', () => {
    const loose = replay({ ...MEDIA, 'inventory/policy.yaml': 'stabilize_for: 0s\n' }, steps);
    expect(brief(loose.incidents).slice(0, 7)).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:10:00Z resolved media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:20:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:30:00Z resolved media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:40:00Z opened media/jellyfin/unhealthy_service warning',
      '2026-11-22T10:50:00Z flapping media/jellyfin/unhealthy_service warning',
      '2026-11-22T13:00:00Z stable media/jellyfin/unhealthy_service warning',
    ]);
    const strict = replay(
      {
        ...MEDIA,
        'inventory/policy.yaml': 'stabilize_for: 0s\nflapping_threshold_high: 90\nflapping_threshold_low: 80\n',
      },
      steps,
    );
    expect(strict.incidents.some((line) => line.event === 'flapping')).toBe(false);
    expect(strict.incidents.filter((line) => line.event === 'opened')).toHaveLength(7);
  });
});

describe('deployment backoff', () => {
  const deploy = (minute: number, result: string, seconds = 0) => ({
    service: 'jellyfin',
    at: at(T0, minute + seconds / 60),
    result,
    version: `v${minute}`,
  });

  it('shows not_before growing 10s, 20s, 40s, then blocks after 3 failures and escalates to reconcile_blocked', () => {
    const history = [deploy(0, 'failed'), deploy(1, 'failed'), deploy(2, 'failed')];
    const steps: TimelineStep[] = [1, 2, 3].map((n) => ({
      now: at(T0, n + 0.5),
      world: { media: media(n - 1, 'failed', history.slice(0, n)) },
    }));
    const run = replay(MEDIA, steps);
    const notBefore = run.results.map((result) =>
      result.recommendations.find((rec) => rec.drift === 'failed_deployment')!,
    );
    expect(notBefore.map((rec) => [rec.event, rec.action, rec.not_before ?? null])).toEqual([
      ['reconcile_required', 'redeploy', '2026-11-22T10:00:10Z'],
      ['reconcile_required', 'redeploy', '2026-11-22T10:01:20Z'],
      ['reconcile_blocked', 'diagnostics', null],
    ]);
    expect(brief(run.incidents.filter((line) => line.drift === 'failed_deployment'))).toEqual([
      '2026-11-22T10:00:00Z opened media/jellyfin/failed_deployment warning',
      '2026-11-22T10:02:00Z escalated media/jellyfin/failed_deployment critical',
    ]);
    expect(run.incidents.at(-1)).toMatchObject({
      event: 'escalated',
      recommendation: 'reconcile_blocked',
      action: 'diagnostics',
    });
  });

  it('caps at backoff_max, and a success that held backoff_reset_after starts over', () => {
    const policy = { 'inventory/policy.yaml': 'block_after_failures: 99\n' };
    const failures = Array.from({ length: 8 }, (_, i) => deploy(i * 10, 'failed'));
    const capped = replay({ ...MEDIA, ...policy }, [
      { now: at(T0, 71), world: { media: media(70, 'failed', failures) } },
    ]);
    expect(capped.results[0]!.recommendations.find((rec) => rec.drift === 'failed_deployment')!.not_before).toBe(
      '2026-11-22T11:15:00Z',
    );
    const shortSuccess = [deploy(0, 'failed'), deploy(1, 'success'), deploy(5, 'failed')];
    const heldSuccess = [deploy(0, 'failed'), deploy(1, 'success'), deploy(30, 'failed')];
    const notBefore = (deployments: unknown[]) =>
      replay({ ...MEDIA, ...policy }, [
        { now: at(T0, 31), world: { media: media(30, 'failed', deployments) } },
      ]).results[0]!.recommendations.find((rec) => rec.drift === 'failed_deployment')!.not_before;
    expect(notBefore(shortSuccess)).toBe('2026-11-22T10:05:20Z');
    expect(notBefore(heldSuccess)).toBe('2026-11-22T10:30:10Z');
  });
});

describe('maintenance windows', () => {
  const inventory = {
    ...MEDIA,
    'inventory/hosts/media/host.yaml': 'labels: [rack-a]\n',
    'inventory/policy.yaml':
      'maintenance_windows:\n  - { name: nightly, cron: "0 10 * * *", duration: 1h, labels: [rack-a] }\n',
  };

  it('records drift inside a window but escalates only after it', () => {
    const steps: TimelineStep[] = [5, 30, 50, 70, 95].map((minute) => ({
      now: at(T0, minute + 1),
      world: { media: media(minute, 'failed') },
    }));
    const run = replay(inventory, steps);
    expect(brief(run.incidents)).toEqual([
      '2026-11-22T10:05:00Z opened media/jellyfin/unhealthy_service warning [nightly]',
      '2026-11-22T11:00:00Z escalated media/jellyfin/unhealthy_service critical',
    ]);
    expect(run.results[1]!.recommendations[0]).toMatchObject({ maintenance_window: 'nightly', severity: 'warning' });
    expect(run.results[4]!.recommendations[0]!.maintenance_window).toBeUndefined();
  });
});

describe('load shedding', () => {
  it('keeps max_required_per_run actionable, ranked by severity and criticality; the rest are deferred', () => {
    const names = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const services = names.map((name, i) => `  - name: ${name}\n    critical: ${i >= 20}\n`).join('');
    const run = replay({ 'inventory/hosts/rack/services.yaml': `services:\n${services}` }, [
      {
        now: at(T0, 1),
        world: {
          rack: {
            node: 'rack',
            observed_at: T0,
            status: 'online',
            services: names.map((name) => ({ name, status: 'failed' })),
          },
        },
      },
    ]);
    const recs = run.results[0]!.recommendations;
    const deferred = recs.filter((rec) => rec.deferred).map((rec) => rec.service);
    expect(deferred).toEqual(['svc-15', 'svc-16', 'svc-17', 'svc-18', 'svc-19']);
    expect(recs.filter((rec) => !rec.deferred && rec.critical)).toHaveLength(5);
  });
});
