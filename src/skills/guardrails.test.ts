import { describe, expect, it } from 'vitest';
import { formatAdminLine, GENESIS, hashLine } from '../maintenance/chain.js';
import {
  defaultPolicy,
  MaintenanceWindow,
  PreApproval,
  type AdminEvent,
  type NodeStatus,
  type Recommendation,
} from '../model/index.js';
import { builtinSkills } from './load.js';
import { decideRemediation, foldApprovals, mayApprove, preApproved } from './guardrails.js';
import type { RemediationAttempt } from '../chronicle/remediations.js';

const policy = {
  ...defaultPolicy(),
  operators: { users: ['123'], roles: [] },
  remediation: {
    approvers: ['alice'],
    auto_diagnose: true,
    execute: false,
    dry_run: false,
    preapprove: [],
    windows: [],
  },
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
  it.each([
    ['alice', true],
    ['123', true],
    ['discord:bob (123)', true],
    // The id is the last parenthesis: a display name cannot borrow an operator's id.
    ['discord:mallory (123) (456)', false],
    ['discord:alice (456)', false],
    ['mallory', false],
  ])('mayApprove(%j) is %s: by name, or by the user id of a Discord attribution', (actor, expected) => {
    expect(mayApprove(policy, actor)).toBe(expected);
  });

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

  it('remediation windows: a covered node acts only inside one of them; a node no window covers, any time', () => {
    const windows = {
      ...policy,
      remediation: {
        ...policy.remediation,
        windows: [MaintenanceWindow.parse({ name: 'nightly', cron: '0 2 * * *', duration: '3h', labels: ['lab'] })],
      },
    };
    const events = chain([approve('alice', '2026-11-22T10:01:00Z')]);
    const labelled = { ...extra, labels: new Map([['n1', ['lab']]]) };
    // 10:10 is outside 02:00-05:00.
    expect(decideRemediation(rec, skill, { events, policy: windows, ...labelled, nodes: active })).toEqual({
      kind: 'refused',
      reasons: ['outside the remediation window of n1 (nightly)'],
    });
    const inside = { ...labelled, now: Date.parse('2026-11-23T03:00:00Z') };
    expect(decideRemediation(rec, skill, { events, policy: windows, ...inside, nodes: active }).kind).toBe('allowed');
    // No window covers n1 without the label: any time.
    expect(decideRemediation(rec, skill, { events, policy: windows, ...extra, nodes: active }).kind).toBe('allowed');
  });

  it('replay: the same chain and status give byte-identical decisions', () => {
    const events = chain([approve('alice', '2026-11-22T10:01:00Z'), approve('mallory', '2026-11-22T10:02:00Z')]);
    const run = () =>
      JSON.stringify(
        builtinSkills().map((s) => decideRemediation(rec, s, { events, policy, ...extra, nodes: active })),
      );
    expect(run()).toBe(run());
  });

  it('pre-approval: by node or label, up to its risk; high risk never; an approval is preferred for the record', () => {
    const pre = (entries: object[]) => ({
      ...policy,
      remediation: { ...policy.remediation, preapprove: entries.map((entry) => PreApproval.parse(entry)) },
    });
    const low = { id: 'x', risk: 'low' } as const;
    expect(preApproved(pre([{ labels: ['lab'], risk: 'low' }]), low, 'n1', ['lab'])).toBe(true);
    expect(preApproved(pre([{ labels: ['lab'], risk: 'low' }]), low, 'n1', ['prod'])).toBe(false);
    expect(preApproved(pre([{ nodes: ['n1'], risk: 'low' }]), low, 'n1', [])).toBe(true);
    expect(preApproved(pre([{ nodes: ['n2'], risk: 'low' }]), low, 'n1', [])).toBe(false);
    expect(preApproved(pre([{ risk: 'low' }]), { id: 'x', risk: 'medium' }, 'n1', [])).toBe(false);
    expect(preApproved(pre([{ risk: 'medium' }]), { id: 'x', risk: 'medium' }, 'n1', [])).toBe(true);
    expect(preApproved(pre([{ risk: 'medium' }]), { id: 'x', risk: 'high' }, 'n1', [])).toBe(false);
    expect(preApproved(pre([{ skills: ['y'], risk: 'low' }]), low, 'n1', [])).toBe(false);
    const inputs = { events: [], policy: pre([{ nodes: ['n1'] }]), ...extra, nodes: active };
    expect(decideRemediation(rec, skill, inputs)).toEqual({ kind: 'allowed', by: 'pre-approved', attempt: 1 });
    const events = chain([approve('alice', '2026-11-22T10:01:00Z')]);
    expect(decideRemediation(rec, skill, { ...inputs, events })).toMatchObject({ by: { seq: 1, actor: 'alice' } });
  });

  const attempt = (startAt: string, outcome?: 'remediation_failed' | 'remediation_succeeded', endAt?: string) =>
    ({
      start: {
        at: startAt,
        kind: 'remediation_started',
        fingerprint: rec.id,
        node: 'n1',
        service: 'app',
        skill: skill.id,
        attempt: 1,
        approval: 'pre-approved',
        steps: [],
        verify: { observation: 'service_ok', by: endAt ?? startAt },
        max_attempts: 2,
      },
      ...(outcome
        ? {
            outcome: {
              at: endAt!,
              kind: outcome,
              fingerprint: rec.id,
              node: 'n1',
              service: 'app',
              skill: skill.id,
              attempt: 1,
              started: startAt,
              observed_at: endAt!,
            },
          }
        : {}),
    }) as RemediationAttempt;

  it('attempts: one in progress, backoff doubling per failure, max_attempts per episode', () => {
    const base = {
      events: chain([approve('alice', '2026-11-22T10:01:00Z')]),
      policy,
      nodes: active,
      labels: new Map(),
    };
    const now = Date.parse('2026-11-22T10:10:00Z');
    expect(decideRemediation(rec, skill, { ...base, now, attempts: [attempt('2026-11-22T10:02:00Z')] })).toEqual({
      kind: 'refused',
      reasons: [
        'attempt 1 of systemd-unit-failed on n1/app (started 2026-11-22T10:02:00Z) is being verified until 2026-11-22T10:02:00Z',
      ],
    });
    expect(decideRemediation({ ...rec, in_progress: true }, skill, { ...base, now, attempts: [] })).toEqual({
      kind: 'refused',
      reasons: ['a remedy is already under way for n1/app/unhealthy_service (a deployment in progress)'],
    });
    // backoff_initial 10s: one failure at 10:09:55 → not before 10:10:05.
    const failed = [attempt('2026-11-22T10:02:00Z', 'remediation_failed', '2026-11-22T10:09:55Z')];
    expect(decideRemediation(rec, skill, { ...base, now, attempts: failed })).toEqual({
      kind: 'refused',
      reasons: ['backing off after 1 failed attempt on n1/app: next not before 2026-11-22T10:10:05Z'],
    });
    expect(decideRemediation(rec, skill, { ...base, now: now + 5_000, attempts: failed })).toMatchObject({
      kind: 'allowed',
      attempt: 2,
    });
    const two = [...failed, attempt('2026-11-22T10:09:56Z', 'remediation_failed', '2026-11-22T10:09:57Z')];
    expect(decideRemediation(rec, skill, { ...base, now: now + 60_000, attempts: two })).toEqual({
      kind: 'refused',
      reasons: ['2 attempts already made for n1/app/unhealthy_service (max_attempts 2 of systemd-unit-failed)'],
    });
    // Attempts of an earlier episode do not count, nor its failures' backoff once past.
    const earlier = [attempt('2026-11-22T09:00:00Z', 'remediation_failed', '2026-11-22T09:05:00Z')];
    expect(decideRemediation(rec, skill, { ...base, now, attempts: earlier })).toMatchObject({
      kind: 'allowed',
      attempt: 1,
    });
  });
});
