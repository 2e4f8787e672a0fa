import { describe, expect, it } from 'vitest';
import { defaultPolicy, Policy, type AdminEvent } from '../model/index.js';
import type { IncidentLine } from './incident-line.js';
import { simulateRuns } from './simulate.js';
import type { NotifyTopology } from './topology.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const min = (n: number) => T0 + n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let seq = 0;
function line(
  at: number,
  event: IncidentLine['event'],
  fingerprint: string,
  severity: IncidentLine['severity'] = 'warning',
  extra: Partial<IncidentLine> = {},
): IncidentLine {
  const [node, second, third] = fingerprint.split('/');
  const service = third ? second : undefined;
  const drift = third ?? second;
  seq += 1;
  return {
    id: `i${seq}`,
    at: iso(at),
    event,
    fingerprint,
    node: node!,
    ...(service ? { service } : {}),
    drift: drift!,
    severity,
    recommendation: 'reconcile_required',
    action: 'redeploy',
    reason: 'status failed',
    ...extra,
  };
}
function admin(at: number, action: AdminEvent['action'], extra: Partial<AdminEvent> = {}): AdminEvent {
  return { seq: at, at: iso(at), actor: 'ops', action, node: null, reason: null, prev: '0'.repeat(64), ...extra };
}
const NODES = ['media', 'pi', 'storage'];
/** media is in a policy window 10:10–10:30 each day; nextcloud (on pi) needs storage/postgres. */
const TOPOLOGY: NotifyTopology = {
  windows: { media: [{ name: 'nightly', cron: '10 10 * * *', duration: 20 * 60_000, nodes: ['media'], labels: [] }] },
  dependsOn: { 'pi/nextcloud': ['storage/postgres'] },
};
const W = { maintenance_window: 'nightly' };
const N = 'pi/nextcloud/unhealthy_service';
/** Runs every 5 minutes over [from, to]. */
const every5 = (from: number, to: number) => Array.from({ length: (to - from) / 5 + 1 }, (_, i) => min(from + i * 5));

function sent(results: ReturnType<typeof simulateRuns>): string[] {
  return results.flatMap(({ at, plan }) =>
    plan.items.map(
      (item) => `${(at - T0) / 60_000}m ${item.kind} ${item.fingerprint}${item.via === 'edit' ? ' (edit)' : ''}`,
    ),
  );
}
function messages(results: ReturnType<typeof simulateRuns>): number {
  return results.filter(({ plan }) => plan.messageKey !== null).length;
}

describe('planNotifications', () => {
  const J = 'media/jellyfin/unhealthy_service';
  const cases: {
    name: string;
    incidents: IncidentLine[];
    admin?: AdminEvent[];
    policy?: Partial<Record<string, unknown>>;
    topology?: NotifyTopology;
    runs: number[];
    expected: string[];
  }[] = [
    {
      name: 'open then resolve: one alert each, nothing in between',
      incidents: [line(min(1), 'opened', J), line(min(31), 'resolved', J)],
      runs: every5(0, 60),
      expected: ['5m opened ' + J, '40m resolved ' + J],
    },
    {
      name: 'escalation alerts once; de-escalation does not',
      incidents: [
        line(min(1), 'opened', J),
        line(min(12), 'escalated', J, 'critical'),
        line(min(22), 'deescalated', J),
      ],
      runs: every5(0, 40),
      expected: ['5m opened ' + J, '15m escalated ' + J + ' (edit)'],
    },
    {
      name: 'reminder after repeat_interval while open',
      incidents: [line(min(1), 'opened', J)],
      policy: { repeat_interval: '1h' },
      runs: every5(0, 130),
      expected: ['5m opened ' + J, '65m reminder ' + J, '125m reminder ' + J],
    },
    {
      name: 'ack stops reminders',
      incidents: [line(min(1), 'opened', J)],
      admin: [admin(min(10), 'ack', { fingerprint: J })],
      policy: { repeat_interval: '1h' },
      runs: every5(0, 130),
      expected: ['5m opened ' + J],
    },
    {
      name: 'a flip shorter than stabilize_for is neither a recovery nor a new incident',
      incidents: [
        line(min(1), 'opened', J),
        line(min(6), 'resolved', J),
        line(min(9), 'opened', J),
        line(min(21), 'resolved', J),
      ],
      runs: every5(0, 40),
      expected: ['5m opened ' + J, '30m resolved ' + J],
    },
    {
      name: 'opened and resolved between two runs is still announced',
      incidents: [line(min(1), 'opened', J), line(min(3), 'resolved', J)],
      runs: every5(0, 20),
      expected: ['5m transient ' + J],
    },
    {
      name: 'below min_severity: never, and no resolve either',
      incidents: [line(min(1), 'opened', J, 'info'), line(min(20), 'resolved', J, 'info')],
      runs: every5(0, 30),
      expected: [],
    },
    {
      name: 'never a resolved for something never announced (alert_after)',
      incidents: [line(min(1), 'opened', J), line(min(7), 'resolved', J)],
      policy: { alert_after: '10m' },
      runs: every5(0, 30),
      expected: [],
    },
    {
      name: 'alert_after announces once it persisted',
      incidents: [line(min(1), 'opened', J)],
      policy: { alert_after: '10m' },
      runs: every5(0, 30),
      expected: ['15m opened ' + J],
    },
    {
      name: 'flapping alerts once as flapping and once as stable',
      incidents: [
        line(min(1), 'opened', J),
        line(min(6), 'resolved', J),
        line(min(8), 'opened', J),
        line(min(9), 'flapping', J),
        line(min(12), 'resolved', J),
        line(min(14), 'opened', J),
        line(min(40), 'stable', J),
        line(min(41), 'resolved', J),
      ],
      runs: every5(0, 60),
      expected: ['5m opened ' + J, '10m flapping ' + J + ' (edit)', '40m stable ' + J + ' (edit)', '50m resolved ' + J],
    },
    {
      name: 'maintenance suppresses; exit re-evaluates at once',
      incidents: [line(min(6), 'opened', J)],
      admin: [
        admin(min(1), 'enter_maintenance', { node: 'media' }),
        admin(min(22), 'exit_maintenance', { node: 'media' }),
      ],
      runs: every5(0, 40),
      expected: ['25m opened ' + J],
    },
    {
      name: 'recovery of something announced before maintenance is still sent',
      incidents: [line(min(1), 'opened', J), line(min(16), 'resolved', J)],
      admin: [admin(min(7), 'enter_maintenance', { node: 'media' })],
      runs: every5(0, 30),
      expected: ['5m opened ' + J, '25m resolved ' + J],
    },
    {
      name: 'announced before maintenance and still open after it: one summary at exit',
      incidents: [line(min(1), 'opened', J)],
      admin: [
        admin(min(7), 'enter_maintenance', { node: 'media' }),
        admin(min(22), 'exit_maintenance', { node: 'media' }),
      ],
      runs: every5(0, 40),
      expected: ['5m opened ' + J, '25m reminder ' + J],
    },
    {
      name: 'silence until a time',
      incidents: [line(min(1), 'opened', J)],
      admin: [admin(min(0), 'silence', { matcher: { service: 'jellyfin' }, until: iso(min(32)) })],
      runs: every5(0, 40),
      expected: ['35m opened ' + J],
    },
    {
      name: 'silence until resolved covers one episode only',
      incidents: [line(min(1), 'opened', J), line(min(11), 'resolved', J), line(min(21), 'opened', J)],
      admin: [admin(min(2), 'silence', { matcher: { fingerprint: J }, until: 'resolved' })],
      runs: every5(0, 30),
      expected: ['25m opened ' + J],
    },
    {
      name: 'silence until resolved after the alert: no reminder, the resolve still goes, and it ends with the incident',
      incidents: [line(min(1), 'opened', J), line(min(100), 'resolved', J), line(min(120), 'opened', J)],
      admin: [admin(min(7), 'silence', { matcher: { fingerprint: J }, until: 'resolved' })],
      policy: { repeat_interval: '1h' },
      runs: every5(0, 130),
      expected: ['5m opened ' + J, '105m resolved ' + J, '120m opened ' + J],
    },
    {
      name: 'quiet hours hold non-critical alerts for a digest',
      incidents: [
        line(min(1), 'opened', J),
        line(min(3), 'opened', 'media/sonarr/unhealthy_service'),
        line(min(20), 'resolved', 'media/sonarr/unhealthy_service'),
      ],
      policy: { quiet_hours: { start: '09:00', end: '10:30' } },
      runs: every5(0, 40),
      expected: ['30m opened ' + J, '30m resolved_while_held media/sonarr/unhealthy_service'],
    },
    {
      name: 'node offline inhibits its service alerts: one root-cause alert',
      incidents: [
        line(min(1), 'opened', 'media/offline_node', 'critical'),
        line(min(1), 'opened', J),
        line(min(1), 'opened', 'media/sonarr/unhealthy_service'),
      ],
      runs: every5(0, 10),
      expected: ['5m opened media/offline_node'],
    },
    {
      name: 'policy maintenance window: incidents opened and resolved inside it are never announced',
      incidents: [
        line(min(11), 'opened', J, 'warning', W),
        line(min(16), 'resolved', J, 'warning', W),
        line(min(21), 'opened', 'media/sonarr/unhealthy_service', 'warning', W),
        line(min(23), 'resolved', 'media/sonarr/unhealthy_service', 'warning', W),
      ],
      topology: TOPOLOGY,
      runs: every5(0, 50),
      expected: [],
    },
    {
      name: 'policy maintenance window: still open when it ends, announced by the next run',
      incidents: [line(min(12), 'opened', J, 'warning', W)],
      topology: TOPOLOGY,
      runs: every5(0, 40),
      expected: ['30m opened ' + J],
    },
    {
      name: 'a late run still honours the window tag of an incident that came and went',
      incidents: [line(min(11), 'opened', J, 'warning', W), line(min(13), 'resolved', J, 'warning', W)],
      topology: TOPOLOGY,
      runs: [min(45)],
      expected: [],
    },
    {
      name: 'dependency down: the dependent waits behind it',
      incidents: [
        line(min(1), 'opened', 'storage/postgres/unhealthy_service'),
        line(min(2), 'opened', N),
        line(min(21), 'resolved', 'storage/postgres/unhealthy_service'),
        line(min(22), 'resolved', N),
      ],
      topology: TOPOLOGY,
      runs: every5(0, 40),
      expected: ['5m opened storage/postgres/unhealthy_service', '30m resolved storage/postgres/unhealthy_service'],
    },
    {
      name: "dependency's node offline: counted under that node, also while it recovers",
      incidents: [
        line(min(1), 'opened', 'storage/offline_node', 'critical'),
        line(min(2), 'opened', N),
        line(min(22), 'resolved', 'storage/offline_node', 'critical'),
        line(min(23), 'escalated', N, 'critical'),
        line(min(27), 'resolved', N, 'critical'),
      ],
      topology: TOPOLOGY,
      runs: every5(0, 40),
      expected: ['5m opened storage/offline_node', '30m resolved storage/offline_node'],
    },
    {
      name: 'a resolution scrolled away by a newer post is posted (grouped), and its live message edited',
      incidents: [
        line(min(1), 'opened', J),
        line(min(7), 'opened', 'pi/pihole/unhealthy_service'),
        line(min(16), 'resolved', J),
      ],
      runs: every5(0, 30),
      expected: ['5m opened ' + J, '10m opened pi/pihole/unhealthy_service', '25m resolved ' + J],
    },
    {
      name: 'no escalation while flapping; the flapping message is edited',
      incidents: [
        line(min(1), 'opened', J),
        line(min(6), 'resolved', J),
        line(min(8), 'opened', J),
        line(min(9), 'flapping', J),
        line(min(14), 'escalated', J, 'critical'),
      ],
      runs: every5(0, 30),
      expected: ['5m opened ' + J, '10m flapping ' + J + ' (edit)'],
    },
    {
      name: 'every node stale at once: one pipeline alert, one recovery',
      incidents: NODES.flatMap((node) => [
        line(min(1), 'opened', `${node}/offline_node`, 'critical'),
        line(min(21), 'resolved', `${node}/offline_node`, 'critical'),
      ]),
      runs: every5(0, 30),
      expected: ['5m pipeline_stale _pipeline', '25m pipeline_recovered _pipeline'],
    },
  ];
  it.each(cases)('$name', ({ incidents, admin: adminLines, policy, topology, runs, expected }) => {
    const results = simulateRuns({
      incidents,
      admin: adminLines ?? [],
      policy: Policy.parse(policy ?? {}),
      nodes: NODES,
      ...(topology ? { topology } : {}),
      runs,
    });
    expect(sent(results)).toEqual(expected);
  });

  it('groups a run into one message and logs a decision per new line', () => {
    const incidents = [
      line(min(1), 'opened', J),
      line(min(2), 'opened', 'pi/offline_node', 'critical'),
      line(min(2), 'opened', 'media/sonarr/unhealthy_service', 'info'),
    ];
    const [run] = simulateRuns({ incidents, policy: defaultPolicy(), nodes: NODES, runs: [min(5)] });
    expect(run!.plan.items).toHaveLength(2);
    expect(run!.plan.messageKey).toMatch(/^n[0-9a-f]{24}$/);
    expect(run!.plan.decisions.map((d) => [d.decision, d.fingerprint, d.reason ?? '', d.lines])).toEqual([
      ['sent', J, '', ['i' + (seq - 2)]],
      ['suppressed', 'media/sonarr/unhealthy_service', 'below_min_severity', ['i' + (seq - 0)]],
      ['sent', 'pi/offline_node', '', ['i' + (seq - 1)]],
    ]);
  });

  it('is deterministic and ignores line order (union merges reorder lines)', () => {
    const incidents = [
      line(min(1), 'opened', J),
      line(min(2), 'opened', 'pi/offline_node', 'critical'),
      line(min(9), 'escalated', J, 'critical'),
    ];
    const a = simulateRuns({ incidents, policy: defaultPolicy(), nodes: NODES, runs: every5(0, 20) });
    const b = simulateRuns({
      incidents: [...incidents].reverse(),
      policy: defaultPolicy(),
      nodes: NODES,
      runs: every5(0, 20),
    });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // One post; the escalation edits it (notifies nobody).
    expect(messages(a)).toBe(1);
    expect(
      a.flatMap(({ plan }) =>
        plan.edits.map((edit) => [edit.target, edit.items.map((item) => `${item.kind} ${item.severity}`)]),
      ),
    ).toEqual([[a[1]!.plan.messageKey, ['escalated critical', 'opened critical']]]);
  });
});

describe('live messages', () => {
  it('a silence edits the live message; when it ends the reminder posts and the old message points to it', () => {
    const J = 'media/jellyfin/unhealthy_service';
    const incidents = [line(min(1), 'opened', J)];
    const runs = [min(5), min(10), min(25)];
    const adminLines = [admin(min(6), 'silence', { matcher: { fingerprint: J }, until: iso(min(20)) })];
    const results = simulateRuns({
      incidents,
      admin: adminLines,
      policy: Policy.parse({ repeat_interval: '1h' }),
      nodes: NODES,
      runs,
    });
    const edits = results.flatMap(({ plan }) => plan.edits);
    expect(
      edits.map((edit) =>
        edit.items.map((item) => `${item.kind}${item.silenced ? ' silenced' : ''}${item.moved ? ' moved' : ''}`),
      ),
    ).toEqual([['opened silenced'], ['reminder moved']]);
    expect(new Set(edits.map((edit) => edit.key)).size).toBe(edits.length);
  });
});
