import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldAdminEvents } from '../src/maintenance/chain.js';
import { appendAdminEvent } from '../src/maintenance/append.js';
import {
  cleanupRepos,
  copyDemo,
  DEMO_ADMIN_EVENTS,
  DEMO_CORDON_SEQ,
  makeRepo,
  PROJECT_ROOT,
  runCli,
} from './helpers/repo.js';

const NOW = '2026-11-22T10:05:00Z';
const admin = (repo: string) => readFile(path.join(repo, 'chronicle/admin.jsonl'), 'utf8');
const status = async (repo: string) =>
  JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8'));

afterAll(cleanupRepos);

describe('labwarden maintenance', () => {
  it('appends once, then says a repeat changes nothing; exit on an Active node is a no-op; unknown nodes are refused', async () => {
    const repo = await copyDemo();
    const before = await admin(repo);
    const enter = await runCli([
      'maintenance',
      'enter',
      'media',
      '--repo',
      repo,
      '--now',
      NOW,
      '--reason',
      'firmware',
      '--actor',
      'carol',
    ]);
    expect(enter).toMatchObject({ code: 0 });
    expect(enter.stdout).toMatch(
      new RegExp(
        `^media: enter_maintenance recorded as seq ${DEMO_ADMIN_EVENTS + 1}; Active -> EnteringMaintenance \\(drain 0/4 moved`,
      ),
    );
    const once = await admin(repo);
    expect(once.startsWith(before)).toBe(true);
    expect(JSON.parse(once.trimEnd().split('\n').at(-1)!)).toMatchObject({
      seq: DEMO_ADMIN_EVENTS + 1,
      at: NOW,
      actor: 'carol',
      action: 'enter_maintenance',
      node: 'media',
      reason: 'firmware',
    });

    const again = await runCli(['maintenance', 'enter', 'media', '--repo', repo, '--now', NOW]);
    expect(again).toMatchObject({
      code: 0,
      stdout: `media is already EnteringMaintenance since ${NOW}; nothing to do\n`,
    });
    const exit = await runCli(['maintenance', 'exit', 'storage', '--repo', repo, '--now', NOW]);
    expect(exit).toMatchObject({ code: 0, stdout: 'storage is not in maintenance (Active); nothing to do\n' });
    expect(await admin(repo)).toBe(once);

    const unknown = await runCli(['maintenance', 'cordon', 'meda', '--repo', repo, '--now', NOW]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'error: unknown node "meda" (did you mean "media"?)\nhint: Known nodes: apps, backup, gateway, media, pi, storage.\n',
    );
    expect(await admin(repo)).toBe(once);
  });

  it('a node whose services have no failover enters Maintenance at once and stops raising drift (the /maintenance enter story)', async () => {
    const repo = await makeRepo({
      'inventory/hosts/node3/services.yaml': 'services:\n  - name: jellyfin\n  - name: pihole\n    critical: true\n',
      'world/nodes/node3.yaml':
        'node: node3\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\nservices:\n  - { name: jellyfin, status: failed, detail: "HTTP 503" }\n  - { name: pihole, status: ok }\n',
    });
    const before = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(before.stdout).toMatch(/^degraded: 1 recommendation/);
    const enter = await runCli(['maintenance', 'enter', 'node3', '--repo', repo, '--now', NOW, '--reason', 'reboot']);
    expect(enter).toMatchObject({
      code: 0,
      stdout:
        'node3: enter_maintenance recorded as seq 1; Active -> Maintenance (nothing to move: 2 stop with the node)\n',
    });
    expect((await runCli(['reconcile', '--repo', repo, '--now', NOW])).code).toBe(0);
    const json = await status(repo);
    expect(json.summary).toBe('nominal');
    expect(json.recommendations).toEqual([]);
    expect(json.nodes.node3.maintenance).toMatchObject({
      state: 'Maintenance',
      since: NOW,
      suppressed: ['node3/jellyfin/unhealthy_service'],
    });
  });

  it("status shows each node's maintenance state, since when and drain progress", async () => {
    const repo = await copyDemo();
    await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    const json = await status(repo);
    // traefik can move to apps; pihole, wireguard and unbound have no failover: they stop with the node.
    expect(json.nodes.gateway.maintenance).toMatchObject({
      state: 'EnteringMaintenance',
      since: '2026-11-22T09:55:00Z',
      until: '2026-11-22T10:55:00Z',
      drain: { moved: 0, total: 4, blockers: [] },
    });
    expect(json.nodes.gateway.maintenance.drain.services).toEqual({
      pihole: { target: null, moved: false, no_failover: true },
      traefik: { target: 'apps', moved: false },
      unbound: { target: null, moved: false, no_failover: true },
      wireguard: { target: null, moved: false, no_failover: true },
    });
    expect(json.nodes.backup.maintenance).toMatchObject({ state: 'Cordoned', cordoned: true });
    expect(json.nodes.storage.maintenance).toEqual({ state: 'Active', since: null, cordoned: false });
    const text = await runCli(['status', '--repo', repo]);
    expect(text.stdout).toContain(
      'gateway  online   4/4 ok  [EnteringMaintenance since 2026-11-22T09:55:00Z, drain 0/1 moved (3 stop with the node), until 2026-11-22T10:55:00Z]',
    );
    // drain_timeout (1h) later traefik still has not moved: the drain failed, and status says the ways out.
    await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:56:00Z']);
    expect((await status(repo)).nodes.gateway.maintenance).toMatchObject({
      state: 'DrainFailed',
      since: '2026-11-22T10:55:00Z',
    });
    const later = await runCli(['status', '--repo', repo]);
    expect(later.stdout).toContain('[DrainFailed since 2026-11-22T10:55:00Z, drain 0/1 moved (3 stop with the node)]');
    expect(later.stdout).toContain('way out: labwarden maintenance exit gateway');
  });

  it('silence, unsilence and ack go through the same chain', async () => {
    const repo = await copyDemo();
    const silence = await runCli([
      'silence',
      '--node',
      'pi',
      '--for',
      '2h',
      '--repo',
      repo,
      '--now',
      NOW,
      '--actor',
      'bob',
    ]);
    expect(silence).toMatchObject({
      code: 0,
      stdout: `silence recorded as seq ${DEMO_ADMIN_EVENTS + 1}: silenced {"node":"pi"} until 2026-11-22T12:05:00Z\n`,
    });
    const same = await runCli([
      'silence',
      '--node',
      'pi',
      '--until',
      '2026-11-22T12:05:00Z',
      '--repo',
      repo,
      '--now',
      NOW,
    ]);
    expect(same.stdout).toMatch(/already active/);
    expect((await runCli(['unsilence', '--node', 'pi', '--repo', repo, '--now', NOW])).stdout).toMatch(
      new RegExp(`^unsilence recorded as seq ${DEMO_ADMIN_EVENTS + 2}`),
    );
    expect((await runCli(['ack', 'pi/offline_node', '--repo', repo, '--now', NOW])).stdout).toMatch(
      new RegExp(`^ack recorded as seq ${DEMO_ADMIN_EVENTS + 3}`),
    );
    expect((await runCli(['ack', 'pi/offline_node', '--repo', repo, '--now', NOW])).stdout).toMatch(
      /already acknowledged/,
    );
    expect((await runCli(['silence', '--service', 'media/nope', '--for', '1h', '--repo', repo])).code).toBe(2);
    expect(foldAdminEvents(await admin(repo)).break).toBeUndefined();
  });

  it('a silence until resolved is tied to one open incident', async () => {
    const repo = await copyDemo();
    const fingerprint = 'media/jellyfin/unhealthy_service';
    const silence = await runCli([
      'silence',
      '--fingerprint',
      fingerprint,
      '--until',
      'resolved',
      '--repo',
      repo,
      '--now',
      NOW,
      '--actor',
      'bob',
    ]);
    expect(silence).toMatchObject({
      code: 0,
      stdout: `silence recorded as seq ${DEMO_ADMIN_EVENTS + 1}: silenced {"fingerprint":"${fingerprint}"} until the incident resolves\n`,
    });
    expect(JSON.parse((await admin(repo)).trimEnd().split('\n').at(-1)!)).toMatchObject({
      seq: DEMO_ADMIN_EVENTS + 1,
      action: 'silence',
      matcher: { fingerprint },
      until: 'resolved',
    });
    const again = await runCli([
      'silence',
      '--fingerprint',
      fingerprint,
      '--until',
      'resolved',
      '--repo',
      repo,
      '--now',
      NOW,
    ]);
    expect(again.stdout).toMatch(/already active until resolved/);
    const byNode = await runCli(['silence', '--node', 'media', '--until', 'resolved', '--repo', repo, '--now', NOW]);
    expect(byNode).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('a silence until resolved needs an incident fingerprint'),
    });
    const closed = await runCli([
      'silence',
      '--fingerprint',
      'media/sonarr/unhealthy_service',
      '--until',
      'resolved',
      '--repo',
      repo,
      '--now',
      NOW,
    ]);
    expect(closed).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no open incident "media/sonarr/unhealthy_service"'),
    });
    const chain = foldAdminEvents(await admin(repo));
    expect(chain.break).toBeUndefined();
    expect(chain.events).toHaveLength(DEMO_ADMIN_EVENTS + 1);
  });

  it('an event never goes back in time along the chain: a clock behind the tail records at the tail', async () => {
    const repo = await copyDemo();
    const tail = JSON.parse((await admin(repo)).trimEnd().split('\n').at(-1)!) as { seq: number; at: string };
    const old = '2020-01-01T00:00:00Z';
    const cordon = await runCli(['maintenance', 'cordon', 'media', '--repo', repo, '--now', old, '--actor', 'carol']);
    expect(cordon).toMatchObject({ code: 0 });
    const event = JSON.parse((await admin(repo)).trimEnd().split('\n').at(-1)!) as { seq: number; at: string };
    expect(event).toMatchObject({ seq: tail.seq + 1, at: tail.at });
    expect((await runCli(['validate', '--repo', repo])).code).toBe(0);
  });

  it('concurrent appends (CLI processes and the library) never reuse a seq', async () => {
    const repo = await copyDemo();
    const runs = ['a', 'b', 'c', 'd', 'e'].map((id) => runCli(['ack', `incident-${id}`, '--repo', repo, '--now', NOW]));
    const library = ['f', 'g', 'h'].map((id) =>
      appendAdminEvent(repo, { actor: 'bot', action: 'ack', fingerprint: `incident-${id}` }, { now: Date.parse(NOW) }),
    );
    expect((await Promise.all(runs)).map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect((await Promise.all(library)).every((outcome) => outcome.changed)).toBe(true);
    const chain = foldAdminEvents(await admin(repo));
    expect(chain.break).toBeUndefined();
    expect(chain.events.map((e) => e.seq)).toEqual(Array.from({ length: DEMO_ADMIN_EVENTS + 8 }, (_, i) => i + 1));
  });
});

describe('admin chain tampering', () => {
  // The demo's chain ends with bob's cordon (seq DEMO_CORDON_SEQ) and alice's maintenance of
  // gateway; the test appends one ack after them.
  const c = DEMO_CORDON_SEQ - 1;
  const cases: { name: string; change: (lines: string[]) => string[]; seq: number; line: number }[] = [
    {
      name: 'edit',
      change: (l) => l.map((line, i) => (i === c ? line.replace('UPS on battery', 'nothing happened') : line)),
      seq: DEMO_CORDON_SEQ,
      line: DEMO_CORDON_SEQ,
    },
    {
      name: 'delete',
      change: (l) => [...l.slice(0, c + 1), ...l.slice(c + 2)],
      seq: DEMO_CORDON_SEQ + 1,
      line: DEMO_CORDON_SEQ + 1,
    },
    {
      name: 'reorder',
      change: (l) => [...l.slice(0, c), l[c + 1]!, l[c]!, ...l.slice(c + 2)],
      seq: DEMO_CORDON_SEQ,
      line: DEMO_CORDON_SEQ,
    },
  ];

  it.each(cases)(
    '$name: validate exits 2 naming the first bad seq; reconcile folds up to it and reports it; appends are refused',
    async ({ change, seq, line }) => {
      const repo = await copyDemo();
      expect((await runCli(['ack', 'x', '--repo', repo, '--now', NOW])).code).toBe(0);
      const lines = (await admin(repo)).trimEnd().split('\n');
      await writeFile(path.join(repo, 'chronicle/admin.jsonl'), `${change(lines).join('\n')}\n`);

      const validate = await runCli(['validate', '--repo', repo]);
      expect(validate.code).toBe(2);
      expect(validate.stderr).toContain(`chronicle/admin.jsonl:${line}:1 hash chain broken at seq ${seq}:`);

      const reconcile = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
      expect(reconcile.code).toBe(0);
      expect(reconcile.stderr).toContain(`warning: chronicle/admin.jsonl:${line}:1 hash chain broken at seq ${seq}`);
      const json = await status(repo);
      expect(json.admin_chain.break).toMatchObject({ seq, line });
      // Events from the break on are not trusted: with the cordon gone, backup is Active.
      if (seq === DEMO_CORDON_SEQ) expect(json.nodes.backup.maintenance.state).toBe('Active');
      else expect(json.nodes.gateway.maintenance.state).toBe('Active');

      const append = await runCli(['maintenance', 'cordon', 'pi', '--repo', repo, '--now', NOW]);
      expect(append.code).toBe(2);
      expect(append.stderr).toContain(`chronicle/admin.jsonl is broken at seq ${seq}`);
    },
  );
});

describe('determinism', () => {
  it('two replicas of the repo fold the same chain to byte-identical status, equal to the committed demo', async () => {
    const [one, two] = [await copyDemo(), await copyDemo()];
    const [a, b] = await Promise.all(
      [one, two].map((repo) => runCli(['reconcile', '--repo', repo, '--now', NOW, '--dry-run', '--json'])),
    );
    expect(a!.code).toBe(0);
    expect(a!.stdout).toBe(b!.stdout);
    expect(a!.stdout).toBe(await readFile(path.join(PROJECT_ROOT, 'status/recommendations.json'), 'utf8'));
    expect((await runCli(['reconcile', '--repo', one, '--now', NOW])).stdout).toMatch(/unchanged/);
  });
});
