import { existsSync } from 'node:fs';
import { chmod, cp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cleanupRepos, makeRepo, runCli, tempDir } from './helpers/repo.js';
import { git, makeRemote } from './helpers/git.js';
import { formatAdminLine, GENESIS } from '../src/model/admin-chain.js';
import type { AdminEvent } from '../src/model/index.js';

// The executor end to end: real CLI processes, a real HTTP server as the service, and a
// recording stand-in for systemctl on PATH whose `restart` may make the service healthy.

afterAll(cleanupRepos);

const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00Z`;

let server: http.Server;
let base = '';
let bin = '';

/** `restart -- X.service` logs its argv; it makes X healthy when bin/fix-X exists. */
async function standIns(dir: string): Promise<void> {
  const log = path.join(dir, 'argv.log');
  const systemctl = [
    '#!/bin/bash',
    `{ echo "== systemctl"; for a in "$@"; do printf '%s\\n' "$a"; done; } >> '${log}'`,
    'if [ "$1" = restart ]; then unit="${3%.service}"; ' +
      `[ -e '${dir}'/fix-"$unit" ] && touch '${dir}'/healthy-"$unit"; fi`,
    'exit 0',
  ].join('\n');
  await writeFile(path.join(dir, 'systemctl'), `${systemctl}\n`);
  // A first step that pulls the kill switch through the CLI, as an operator would meanwhile.
  const pause = [
    '#!/bin/bash',
    `{ echo "== pause-now"; for a in "$@"; do printf '%s\\n' "$a"; done; } >> '${log}'`,
    `'${process.execPath}' '${CLI}' remediation pause --repo "$1" --actor alice --now "$2" --reason "stop it" >/dev/null`,
  ].join('\n');
  await writeFile(path.join(dir, 'pause-now'), `${pause}\n`);
  for (const name of ['systemctl', 'pause-now']) await chmod(path.join(dir, name), 0o755);
}

async function calls(): Promise<string[][]> {
  const text = await readFile(path.join(bin, 'argv.log'), 'utf8').catch(() => '');
  return text
    .split(/^== /m)
    .filter(Boolean)
    .map((block) => block.replace(/\n$/, '').split('\n'));
}

const env = () => ({ PATH: `${bin}:${process.env.PATH}` });
const cli = (args: string[]) => runCli(args, { env: env() });

beforeAll(async () => {
  bin = await tempDir('labwarden-exec-bin-');
  await standIns(bin);
  server = http.createServer((request, response) => {
    const name = (request.url ?? '').replace(/^\/health\//, '');
    response.statusCode = /^[a-z0-9-]+$/.test(name) && existsSync(path.join(bin, `healthy-${name}`)) ? 200 : 503;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const RESTART_SKILL = (extra = '') =>
  [
    'id: http-upstream-down',
    'title: Web service down, restart it',
    'family: http',
    'match: { probe: [http], drift: [unhealthy_service], detail: ["HTTP 503 from"] }',
    'diagnostics:',
    '  - { title: GET the probe URL, http_get: "{url}" }',
    'remediation:',
    '  - { action: manual, title: read the logs }',
    '  - { action: restart, title: restart the unit, run: [systemctl, restart, --, "{service}.service"] }',
    'risk: low',
    'verify: { observation: service_ok, within: 5m }',
    'max_attempts: 2',
    extra,
  ].join('\n');

/** A homelab with node n1 (label lab) running `service` behind the HTTP server. */
async function homelab(options: { service: string; policy: string; skill?: string; node?: string }): Promise<string> {
  const node = options.node ?? 'n1';
  return makeRepo({
    'inventory/policy.yaml': options.policy,
    [`inventory/hosts/${node}/host.yaml`]: 'labels: [lab]\n',
    [`inventory/hosts/${node}/services.yaml`]: `services:\n  - { name: ${options.service}, probe: { http: "${base}/health/${options.service}" } }\n`,
    'inventory/skills/http-upstream-down.yaml': options.skill ?? RESTART_SKILL(),
  });
}

const POLICY = [
  'operators: { users: ["123456"] }',
  'backoff_initial: 10m',
  'backoff_max: 1h',
  'remediation:',
  '  approvers: [alice]',
  '  execute: true',
  '  preapprove: [{ labels: [lab], risk: low }]',
  '',
].join('\n');

const lines = async (repo: string, file = 'chronicle/remediations.jsonl') =>
  (await readFile(path.join(repo, file), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const status = async (repo: string) =>
  JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8')) as {
    summary: string;
    recommendations: Record<string, unknown>[];
  };

async function observe(repo: string, minute: number, execute = false): Promise<string> {
  const run = await cli([
    'observe',
    '--repo',
    repo,
    '--node',
    'n1',
    '--now',
    at(minute),
    ...(execute ? ['--execute'] : []),
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}
async function reconcile(repo: string, minute: number): Promise<void> {
  const run = await cli(['reconcile', '--repo', repo, '--now', at(minute)]);
  expect(run.code, run.stderr).toBe(0);
}

describe('the executor: pre-approved runs, verification, backoff, blocking', () => {
  it('verify-fail-then-block: in progress → reconciling; failed; backoff; second attempt; blocked with diagnostics', async () => {
    const repo = await homelab({ service: 'alpha', policy: POLICY });
    await observe(repo, 0);
    await reconcile(repo, 0);
    expect((await status(repo)).summary).toBe('degraded');

    // Pre-approved by label: the runnable step runs (argv, no shell), the manual one is recorded.
    const first = await observe(repo, 1, true);
    expect(first).toContain(
      'n1/alpha/unhealthy_service: http-upstream-down attempt 1 started (pre-approved): 1. read the logs: manual; 2. restart the unit: ok; verify service_ok by 2026-11-22T10:06:00Z',
    );
    expect((await calls()).filter((call) => call[1] === 'restart')).toContainEqual([
      'systemctl',
      'restart',
      '--',
      'alpha.service',
    ]);
    const [started] = await lines(repo);
    expect(Object.keys(started!)).toEqual([
      'at',
      'kind',
      'fingerprint',
      'node',
      'service',
      'skill',
      'attempt',
      'approval',
      'steps',
      'verify',
      'max_attempts',
    ]);
    expect(started).toMatchObject({
      at: at(1),
      kind: 'remediation_started',
      fingerprint: 'n1/alpha/unhealthy_service',
      approval: 'pre-approved',
      steps: [
        { step: 1, title: 'read the logs', action: 'manual', result: 'manual' },
        {
          step: 2,
          title: 'restart the unit',
          action: 'restart',
          argv: ['systemctl', 'restart', '--', 'alpha.service'],
          result: 'ok',
          exit: 0,
        },
      ],
      verify: { observation: 'service_ok', by: at(6) },
    });

    // While the attempt is being verified the recommendation is in progress: reconciling.
    await reconcile(repo, 1);
    const during = await status(repo);
    expect(during.summary).toBe('reconciling');
    expect(during.recommendations[0]).toMatchObject({ in_progress: true });
    expect(await observe(repo, 2, true)).toContain(
      'n1/alpha/unhealthy_service: http-upstream-down refused: attempt 1 of http-upstream-down on n1/alpha (started 2026-11-22T10:01:00Z) is being verified until 2026-11-22T10:06:00Z',
    );

    // Past verify.by the service is still failing (the heartbeat says the observer looked): failed.
    await observe(repo, 7);
    await reconcile(repo, 7);
    expect((await lines(repo)).at(-1)).toEqual({
      at: at(7),
      kind: 'remediation_failed',
      fingerprint: 'n1/alpha/unhealthy_service',
      node: 'n1',
      service: 'alpha',
      skill: 'http-upstream-down',
      attempt: 1,
      started: at(1),
      observed_at: at(7),
      reason: expect.stringMatching(/^service_ok not observed by 2026-11-22T10:06:00Z: alpha failed \(HTTP 503/),
    });
    expect((await status(repo)).summary).toBe('degraded');

    // Backoff (PolicyBrain's): 10m after the failure.
    expect(await observe(repo, 8, true)).toContain(
      'refused: backing off after 1 failed attempt on n1/alpha: next not before 2026-11-22T10:17:00Z',
    );
    expect(await observe(repo, 18, true)).toContain('http-upstream-down attempt 2 started (pre-approved)');
    const diagnose = await cli(['diagnose', 'n1/alpha/unhealthy_service', '--repo', repo, '--now', at(19)]);
    expect(diagnose.code).toBe(0);
    await observe(repo, 24);
    await reconcile(repo, 24);
    const blocked = await status(repo);
    expect(blocked.summary).toBe('unstable');
    expect(blocked.recommendations[0]).toMatchObject({
      event: 'reconcile_blocked',
      action: 'diagnostics',
      reason: expect.stringContaining(
        '; 2 remediation attempts of http-upstream-down failed (max_attempts 2; last: service_ok not observed by 2026-11-22T10:23:00Z: alpha failed',
      ),
    });
    expect(blocked.recommendations[0]!.reason).toContain(
      '; latest diagnostics 2026-11-22T10:19:00Z: step 1 GET the probe URL: failed',
    );
    expect(await observe(repo, 40, true)).toContain(
      'refused: 2 attempts already made for n1/alpha/unhealthy_service (max_attempts 2 of http-upstream-down)',
    );
    // A reconcile run over the same inputs concludes nothing twice.
    const before = await lines(repo);
    await reconcile(repo, 41);
    expect(await lines(repo)).toEqual(before);
  }, 120_000);

  it('verify-success with an operator approval; non-operators cannot approve; nothing runs unapproved', async () => {
    const policy = POLICY.replace('  preapprove: [{ labels: [lab], risk: low }]\n', '');
    const repo = await homelab({ service: 'beta', policy });
    await writeFile(path.join(bin, 'fix-beta'), '');
    await observe(repo, 0);
    await reconcile(repo, 0);
    const rec = 'n1/beta/unhealthy_service';
    expect(await observe(repo, 1, true)).toContain(
      `${rec}: http-upstream-down refused: http-upstream-down is not approved for ${rec}`,
    );
    const mallory = await cli(['approve', rec, '--repo', repo, '--now', at(1), '--actor', 'mallory']);
    expect(mallory.code).toBe(2);
    // A line appended by hand, well chained, by someone who may not approve: it approves nothing.
    const forged = formatAdminLine({
      seq: 1,
      at: at(1),
      actor: 'mallory',
      action: 'approve_remediation',
      node: 'n1',
      reason: null,
      prev: GENESIS,
      fingerprint: rec,
      skill: 'http-upstream-down',
    } as AdminEvent);
    await writeFile(path.join(repo, 'chronicle/admin.jsonl'), `${forged}\n`);
    expect(await observe(repo, 2, true)).toContain('refused: http-upstream-down is not approved');
    expect(await lines(repo)).toEqual([]);

    const approve = await cli(['approve', rec, '--repo', repo, '--now', at(3), '--actor', 'alice']);
    expect(approve.stdout).toContain('approve_remediation recorded as seq 2');
    expect(await observe(repo, 4, true)).toContain(
      `${rec}: http-upstream-down attempt 1 started (approved by alice (seq 2))`,
    );
    expect((await lines(repo))[0]).toMatchObject({ approval: 2 });
    await reconcile(repo, 4);
    expect((await status(repo)).summary).toBe('reconciling');
    // The next observation sees the service healthy: succeeded, the recommendation is gone.
    await observe(repo, 5);
    await reconcile(repo, 5);
    expect((await lines(repo)).at(-1)).toMatchObject({ kind: 'remediation_succeeded', attempt: 1, observed_at: at(5) });
    expect(await status(repo)).toMatchObject({ summary: 'nominal', recommendations: [] });
  }, 120_000);
});

describe('the executor: guardrails that stop it', () => {
  it('is off unless policy enables it; dry run prints and records nothing', async () => {
    const off = await homelab({ service: 'gamma', policy: POLICY.replace('execute: true', 'execute: false') });
    await observe(off, 0);
    await reconcile(off, 0);
    const before = (await calls()).length;
    expect(await observe(off, 1, true)).toContain('\nexecutor disabled by policy\n');
    const dry = await homelab({
      service: 'gamma',
      policy: POLICY.replace('execute: true', 'execute: true\n  dry_run: true'),
    });
    await observe(dry, 0);
    await reconcile(dry, 0);
    expect(await observe(dry, 1, true)).toContain(
      'n1/gamma/unhealthy_service: http-upstream-down pre-approved; dry run, would run: systemctl restart -- gamma.service',
    );
    expect((await calls()).slice(before).filter((call) => call[1] === 'restart')).toEqual([]);
    expect(existsSync(path.join(dry, 'chronicle/remediations.jsonl'))).toBe(false);
    // status/ still has the recommendation, but this observation finds the service healthy.
    await writeFile(path.join(bin, 'healthy-gamma'), '');
    expect(await observe(dry, 2, true)).toContain(
      'n1/gamma/unhealthy_service: http-upstream-down refused: gamma is ok in the observation of 2026-11-22T10:02:00Z',
    );
    const flags = await cli(['observe', '--repo', dry, '--execute']);
    expect(flags).toMatchObject({ code: 2, stderr: expect.stringContaining('--execute needs --node') });
  }, 120_000);

  it('the kill switch pulled between two steps stops the rest (recorded)', async () => {
    const repo = await homelab({ service: 'delta', policy: POLICY });
    // The first step pulls the switch through the CLI while the executor runs (it holds no lock then).
    await writeFile(
      path.join(repo, 'inventory/skills/http-upstream-down.yaml'),
      RESTART_SKILL().replace(
        '  - { action: manual, title: read the logs }',
        `  - { action: run, title: pull the switch, run: [pause-now, "${repo}", "${at(1)}"] }`,
      ),
    );
    await observe(repo, 0);
    await reconcile(repo, 0);
    const before = (await calls()).length;
    expect(await observe(repo, 1, true)).toContain(
      'http-upstream-down attempt 1 started (pre-approved): 1. pull the switch: ok; 2. restart the unit: stopped;',
    );
    expect((await calls()).slice(before).map((call) => call[0])).toEqual(['pause-now']);
    expect((await lines(repo))[0]!.steps).toEqual([
      { step: 1, title: 'pull the switch', action: 'run', argv: ['pause-now', repo, at(1)], result: 'ok', exit: 0 },
      {
        step: 2,
        title: 'restart the unit',
        action: 'restart',
        argv: ['systemctl', 'restart', '--', 'delta.service'],
        result: 'stopped',
        reason: `remediation paused by alice at ${at(1)} (seq 1)`,
      },
    ]);
  }, 120_000);

  it('a node in maintenance and a tampered approval: nothing runs', async () => {
    const repo = await homelab({
      service: 'eps',
      policy: POLICY.replace('  preapprove: [{ labels: [lab], risk: low }]\n', ''),
    });
    await observe(repo, 0);
    await reconcile(repo, 0);
    const rec = 'n1/eps/unhealthy_service';
    await cli(['approve', rec, '--repo', repo, '--now', at(1), '--actor', 'alice']);
    await cli(['maintenance', 'cordon', 'n1', '--repo', repo, '--now', at(1), '--actor', 'alice']);
    await cli(['maintenance', 'enter', 'n1', '--repo', repo, '--now', at(2), '--actor', 'alice']);
    // No reconcile since: the executor folds maintenance from the chain itself.
    const maintained = await observe(repo, 3, true);
    expect(maintained).toMatch(new RegExp(`${rec}: http-upstream-down refused: n1 is Maintenance`));
    // Someone edits who approved: the chain breaks, and the executor runs nothing at all.
    const admin = path.join(repo, 'chronicle/admin.jsonl');
    await writeFile(admin, (await readFile(admin, 'utf8')).replace('"actor":"alice"', '"actor":"alicf"'));
    const tampered = await observe(repo, 4, true);
    expect(tampered).toMatch(/executor: chronicle\/admin\.jsonl:1: hash chain broken at seq 1: .*; nothing runs\n/);
    expect(await lines(repo)).toEqual([]);
  }, 120_000);

  it('injection through names and details never reaches argv', async () => {
    const repo = await makeRepo({
      'inventory/policy.yaml': POLICY,
      'inventory/hosts/n1/host.yaml': 'labels: [lab]\n',
      'inventory/hosts/n1/services.yaml': 'services:\n  - { name: evil, probe: { systemd: "--help;rm" } }\n',
      'world/nodes/n1.yaml': [
        'node: n1',
        `observed_at: ${at(0)}`,
        'status: online',
        'services:',
        '  - { name: evil, status: failed, detail: "unit x failed; $(touch PWNED) `touch PWNED2`" }',
        '',
      ].join('\n'),
    });
    await reconcile(repo, 0);
    const before = (await calls()).length;
    const out = await cli(['observe', '--repo', repo, '--node', 'n1', '--now', at(1), '--execute']);
    expect(out.stdout).toContain(
      'n1/evil/unhealthy_service: systemd-unit-failed refused: step "restart the unit" needs {unit}: "--help;rm" is not a valid unit',
    );
    const ran = (await calls()).slice(before);
    expect(ran.filter((call) => call[1] === 'restart')).toEqual([]);
    expect(JSON.stringify(ran)).not.toMatch(/PWNED|\$\(/);
    expect(existsSync(path.join(repo, 'PWNED'))).toBe(false);
    expect(await lines(repo)).toEqual([]);
  }, 120_000);

  it('replay: the same chain and world give the same decisions and the same lines', async () => {
    const repo = await homelab({ service: 'zeta', policy: POLICY });
    await observe(repo, 0);
    await reconcile(repo, 0);
    const copy = await tempDir('labwarden-replay-');
    await cp(repo, copy, { recursive: true });
    const a = await observe(repo, 1, true);
    const b = await observe(copy, 1, true);
    expect(b).toBe(a);
    expect(await readFile(path.join(copy, 'chronicle/remediations.jsonl'), 'utf8')).toBe(
      await readFile(path.join(repo, 'chronicle/remediations.jsonl'), 'utf8'),
    );
  }, 120_000);

  it('--push commits the remediation lines with the world files', async () => {
    const repo = await homelab({ service: 'eta', policy: POLICY });
    await observe(repo, 0);
    await reconcile(repo, 0);
    const files: Record<string, string> = {};
    for (const relative of [
      'inventory/policy.yaml',
      'inventory/hosts/n1/host.yaml',
      'inventory/hosts/n1/services.yaml',
      'inventory/skills/http-upstream-down.yaml',
      'world/nodes/n1.yaml',
      'status/recommendations.json',
    ])
      files[relative] = await readFile(path.join(repo, relative), 'utf8');
    const remote = await makeRemote(files);
    const clone = await remote.clone();
    const pushed = await cli(['observe', '--repo', clone, '--node', 'n1', '--now', at(1), '--execute', '--push']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('http-upstream-down attempt 1 started (pre-approved)');
    // The observer diagnosed the episode first (policy remediation.auto_diagnose, on by default),
    // then acted: one commit carries both chronicle files with the world.
    expect(pushed.stdout).toMatch(
      /committed [0-9a-f]{7} "observe: diagnostics of n1; remediation"; pushed \(1 attempt\)/,
    );
    const committed = await git(clone, 'show', '--name-only', '--format=', 'origin/main');
    expect(committed).toContain('chronicle/remediations.jsonl');
    expect(committed).toContain('chronicle/diagnostics.jsonl');
    // The conclusion is committed by reconcile with status/.
    expect((await cli(['observe', '--repo', clone, '--node', 'n1', '--now', at(7), '--push'])).code).toBe(0);
    const reconciled = await cli(['reconcile', '--repo', clone, '--now', at(7), '--push']);
    expect(reconciled.code, reconciled.stderr).toBe(0);
    expect(await git(clone, 'show', '--name-only', '--format=', 'origin/main')).toContain(
      'chronicle/remediations.jsonl',
    );
    expect(await git(clone, 'show', 'origin/main:chronicle/remediations.jsonl')).toContain(
      '"kind":"remediation_failed"',
    );
    expect(await git(clone, 'status', '--porcelain')).toBe('');
  }, 120_000);
});
