import { describe, expect, it } from 'vitest';
import { formatAdminLine, GENESIS, hashLine } from '../maintenance/chain.js';
import { defaultPolicy, type AdminEvent, type NodeStatus, type Recommendation } from '../model/index.js';
import { builtinSkills } from './load.js';
import { decideRemediation, foldApprovals } from './guardrails.js';

const policy = {
  ...defaultPolicy(),
  operators: { users: ['123'], roles: [] },
  remediation: { approvers: ['alice'], execute: false, dry_run: false, preapprove: [] },
};
const extra = { labels: new Map<string, string[]>(), attempts: [], now: Date.parse('2026-11-22T10:10:00Z') };
const skill = builtinSkills().find((s) => s.id === 'systemd-unit-failed')!;
const rec: Recommendation = {
  id: 'n1/app/unhealthy_service',
  event: 'reconcile_required',
  drift: 'unhealthy_service',
  action: 'redeploy',
  node: 'n1',
  service: 'app',
  severity: 'warning',
  reason: 'status failed: unit app.service failed',
  since: '2026-11-22T10:00:00Z',
};
const active: Record<string, NodeStatus> = {
  n1: {
    health: 'online',
    last_seen: null,
    services: { total: 1, ok: 0, degraded: 0, failed: 1, missing: 0 },
    maintenance: { state: 'Active', since: null, cordoned: false },
  },
};

/** A verified chain of events (seq, prev filled in). */
function chain(events: Omit<AdminEvent, 'seq' | 'prev' | 'node' | 'reason'>[]): AdminEvent[] {
  let prev = GENESIS;
  return events.map((event, index) => {
    const full = { seq: index + 1, node: null, reason: null, prev, ...event } as AdminEvent;
    prev = hashLine(formatAdminLine(full));
    return full;
  });
}
const approve = (actor: string, at: string, skillId = skill.id) => ({
  at,
  actor,
  action: 'approve_remediation' as const,
  fingerprint: rec.id,
  skill: skillId,
});

describe('guardrails: nothing happens that was not approved', () => {
  it('an approval by an approver or operator allows; by anyone else it is ignored', () => {
    const events = chain([approve('mallory', '2026-11-22T10:01:00Z'), approve('123', '2026-11-22T10:02:00Z')]);
    expect(foldApprovals(events, policy).ignored.map((e) => e.actor)).toEqual(['mallory']);
    expect(decideRemediation(rec, skill, { events, policy, ...extra, nodes: active })).toEqual({
      kind: 'allowed',
      by: { seq: 2, at: '2026-11-22T10:02:00Z', actor: '123', skill: 'systemd-unit-failed' },
      attempt: 1,
    });
    expect(decideRemediation(rec, skill, { events: events.slice(0, 1), policy, ...extra, nodes: active })).toEqual({
      kind: 'refused',
      reasons: ['systemd-unit-failed is not approved for n1/app/unhealthy_service'],
    });
  });

  it('an approval of another skill or of an earlier episode does not count', () => {
    const events = chain([
      approve('alice', '2026-11-22T09:00:00Z'),
      approve('alice', '2026-11-22T10:05:00Z', 'systemd-crash-loop'),
    ]);
    expect(decideRemediation(rec, skill, { events, policy, ...extra, nodes: active }).kind).toBe('refused');
  });

  it('kill switch, maintenance and windows refuse even an approved remediation, every reason listed', () => {
    const events = chain([
      approve('alice', '2026-11-22T10:01:00Z'),
      { at: '2026-11-22T10:02:00Z', actor: 'bob', action: 'pause_remediation' },
    ]);
    const nodes = {
      n1: {
        ...active.n1!,
        maintenance: { state: 'Maintenance' as const, since: '2026-11-22T10:00:00Z', cordoned: false },
      },
    };
    expect(
      decideRemediation({ ...rec, maintenance_window: 'patch-tuesday' }, skill, { events, policy, ...extra, nodes }),
    ).toEqual({
      kind: 'refused',
      reasons: [
        'remediation paused by bob at 2026-11-22T10:02:00Z (seq 2)',
        'n1 is Maintenance',
        'inside maintenance window patch-tuesday',
      ],
    });
    const resumed = chain([
      ...events.map(({ seq: _s, prev: _p, node: _n, reason: _r, ...e }) => e),
      { at: '2026-11-22T10:03:00Z', actor: 'bob', action: 'resume_remediation' },
    ]);
    expect(decideRemediation(rec, skill, { events: resumed, policy, ...extra, nodes: active }).kind).toBe('allowed');
  });

  it('replay: the same chain and status give byte-identical decisions', () => {
    const events = chain([approve('alice', '2026-11-22T10:01:00Z'), approve('mallory', '2026-11-22T10:02:00Z')]);
    const run = () =>
      JSON.stringify(
        builtinSkills().map((s) => decideRemediation(rec, s, { events, policy, ...extra, nodes: active })),
      );
    expect(run()).toBe(run());
  });
});
