import { chmod, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recommendation } from '../src/model/index.js';
import { builtinSkills, matchesPattern, matchSkills, runbookFor, type MatchFacts } from '../src/skills/index.js';
import { redact, truncateBytes } from '../src/skills/redact.js';
import { git, makeRemote } from './helpers/git.js';
import { cleanupRepos, makeRepo, runCli, tempDir } from './helpers/repo.js';

const NOW = '2026-11-22T10:05:00Z';

afterAll(cleanupRepos);

const rec = (drift: Recommendation['drift'], reason: string, service: string | undefined = 'svc'): Recommendation => ({
  id: service ? `n1/${service}/${drift}` : `n1/${drift}`,
  event: 'reconcile_required',
  drift,
  action: 'redeploy',
  node: 'n1',
  ...(service ? { service } : {}),
  severity: 'warning',
  reason,
  since: '2026-11-22T10:00:00Z',
});

describe('skills match recommendations deterministically (most specific wins, ties by id)', () => {
  const skills = builtinSkills();
  const facts = (probe: MatchFacts['probe'], sameVersionFailures = 0): MatchFacts => ({ probe, sameVersionFailures });
  it.each([
    ['docker', 'unhealthy_service', 'status stopped: container cache_1 exited (137)', 0, 'docker-oom'],
    ['docker', 'unhealthy_service', 'status stopped: container cache_1 exited (1)', 0, 'docker-exited'],
    ['docker', 'unhealthy_service', 'status degraded: container c running, unhealthy', 0, 'docker-unhealthy-check'],
    [
      'docker',
      'unhealthy_service',
      'status failed: docker daemon unreachable: Cannot connect',
      0,
      'docker-daemon-down',
    ],
    ['docker', 'missing_service', 'not running on n1', 0, 'docker-unhealthy'],
    ['http', 'unhealthy_service', 'status failed: HTTP 503 from /health', 0, 'http-upstream-down'],
    ['http', 'unhealthy_service', 'status failed: connection refused (10.0.0.1:80)', 0, 'http-unreachable'],
    ['http', 'unhealthy_service', 'status failed: HTTP 404 from /', 0, 'http-unhealthy'],
    [
      'systemd',
      'unhealthy_service',
      'status failed: unit app.service failed (Result: start-limit-hit)',
      0,
      'systemd-crash-loop',
    ],
    ['systemd', 'unhealthy_service', 'status failed: unit app.service failed', 0, 'systemd-unit-failed'],
    ['systemd', 'unhealthy_service', 'status stopped: unit app.service inactive', 0, 'systemd-unit-stopped'],
    ['tcp', 'unhealthy_service', 'status failed: TCP db:5432: connection refused', 0, 'tcp-refused'],
    ['tcp', 'unhealthy_service', 'status failed: no connection to db:5432', 0, 'tcp-unhealthy'],
    ['command', 'unhealthy_service', 'status failed: write error: No space left on device', 0, 'node-disk-full'],
    [
      'none',
      'failed_deployment',
      'deployment of 2.0 failed at 2026-11-22T09:00:00Z (2 of 3 before redeploys stop)',
      2,
      'deployment-bad-release',
    ],
    [
      'none',
      'failed_deployment',
      'deployment of 2.0 failed at 2026-11-22T09:00:00Z (1 of 3 before redeploys stop)',
      1,
      'deployment-failed',
    ],
  ] as const)('%s %s "%s" -> %s', (probe, drift, reason, same, expected) => {
    expect(runbookFor(rec(drift, reason), skills, facts(probe, same))?.skill).toBe(expected);
    // Order of the catalogue does not matter.
    expect(matchSkills(rec(drift, reason), [...skills].reverse(), facts(probe, same))[0]?.id).toBe(expected);
  });

  it('node-level drift: offline node and failed drain', () => {
    expect(runbookFor(rec('offline_node', 'not seen since ...', undefined), skills, facts('none'))).toEqual({
      skill: 'node-offline',
      title: 'Node offline',
      risk: 'high',
      next: 'check power and network of the node',
    });
    expect(runbookFor(rec('drain_failed', 'drain timed out', undefined), skills, facts('none'))?.skill).toBe(
      'node-drain-failed',
    );
    expect(runbookFor(rec('unmanaged_service', 'runs on n1'), skills, facts('none'))).toBeUndefined();
  });

  it('failure-mode patterns are bounded wildcards, not regexes', () => {
    expect(matchesPattern('unit * failed', 'status failed: unit a.service failed')).toBe(true);
    expect(matchesPattern('exited (13?)', 'container x exited (137)')).toBe(true);
    expect(matchesPattern('exited (13?)', 'container x exited (1)')).toBe(false);
    // Regex syntax is literal text: no catastrophic backtracking, no surprises.
    expect(matchesPattern('(a+)+$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')).toBe(false);
    expect(matchesPattern('*a*a*a*a*a*a*a*b', 'a'.repeat(2000))).toBe(false);
  });

  it('redaction and truncation', () => {
    const text =
      'Environment=DB_PASSWORD=hunter2 api_key: "abc" Authorization: Bearer abcdefghijklmnop\n' +
      'url=https://bob:pw@example.org/x token=xyz {"SECRET_KEY": "s3cr3t"} https://discord.com/api/webhooks/123/AbC_d-e\nplain 1234';
    expect(redact(text, ['plain 1234'])).toBe(
      'Environment=DB_PASSWORD=[redacted] api_key: [redacted] Authorization: [redacted]\n' +
        'url=https://[redacted]@example.org/x token=[redacted] {"SECRET_KEY": "[redacted]"} https://discord.com/api/webhooks/123/[redacted]\n[redacted]',
    );
    expect(truncateBytes('é'.repeat(10), 5)).toEqual({ text: 'éé', truncated: true });
  });
});

// ---------------------------------------------------------------- CLI, real processes

/** Stand-ins for systemctl, journalctl, docker (and free, df, ss, uptime): each logs its argv, one argument per line. */
async function standIns(): Promise<{ bin: string; log: string }> {
  const bin = await tempDir('labwarden-bin-');
  const log = path.join(bin, 'argv.log');
  const script = (body: string) =>
    `#!/bin/bash\n{ echo "== $(basename "$0")"; for a in "$@"; do printf '%s\\n' "$a"; done; } >> '${log}'\n${body}\n`;
  const programs: Record<string, string> = {
    systemctl:
      'echo "Environment=DB_PASSWORD=hunter2 MY_API_TOKEN seen: supersecretvalue123"; echo "children see $(env | grep -c SECRET) secret vars"; exit 3',
    journalctl: 'echo "Authorization: Bearer abcdefghijklmnopqrstuvwxyz"',
    docker:
      'if [ "$1" = logs ]; then head -c 10000 /dev/zero | tr "\\0" x; else echo "{\\"Status\\":\\"exited\\"}"; fi',
    free: 'echo "Mem: 100 50"',
    df: 'echo "/dev/sda1 100%"',
    uptime: 'echo "load average: 9.00"',
    ss: 'sleep 20',
  };
  for (const [name, body] of Object.entries(programs)) {
    await writeFile(path.join(bin, name), script(body));
    await chmod(path.join(bin, name), 0o755);
  }
  return { bin, log };
}

/** Each logged call as [program, ...argv]. */
async function calls(log: string): Promise<string[][]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text
    .split(/^== /m)
    .filter(Boolean)
    .map((block) => block.replace(/\n$/, '').split('\n'));
}

describe('labwarden skills, diagnose, approve, remediation', () => {
  let server: http.Server;
  let tcp: net.Server;
  let base = '';
  let tcpPort = 0;
  let repo = '';
  let bin = '';
  let log = '';
  const env = () => ({ PATH: `${bin}:${process.env.PATH}`, MY_API_TOKEN: 'supersecretvalue123' });

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      response.statusCode = request.url === '/down' ? 503 : 200;
      response.end(request.url === '/down' ? 'upstream gone; password=letmein' : 'fine');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tcp = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcp.address() as AddressInfo).port;
    ({ bin, log } = await standIns());
    repo = await makeRepo({
      'inventory/policy.yaml': 'operators:\n  users: ["123456"]\nremediation:\n  approvers: [alice]\n',
      'inventory/hosts/node3/services.yaml': [
        'services:',
        `  - { name: web, probe: { http: "${base}/down", expect: 200 } }`,
        '  - { name: app, probe: { systemd: app.service } }',
        '  - { name: cache, probe: { docker: cache_1 } }',
        '  - { name: evil, probe: { systemd: "--help; touch PWNED" } }',
        `  - { name: db, probe: { tcp: "127.0.0.1:${tcpPort}" } }`,
        '',
      ].join('\n'),
      'inventory/skills/tcp-refused.yaml':
        'id: tcp-refused\ntitle: Port refused (ours)\nfamily: tcp\nmatch: { probe: [tcp], detail: [refused] }\n' +
        'diagnostics:\n  - { title: connect, tcp_connect: "{address}" }\n  - { title: sockets, run: [ss, -ltn], timeout: 1s }\nrisk: low\n',
      'world/nodes/node3.yaml': [
        'node: node3',
        'observed_at: 2026-11-22T10:00:00Z',
        'status: online',
        'services:',
        '  - { name: web, status: failed, detail: "HTTP 503 from /down" }',
        '  - { name: app, status: failed, detail: "unit app.service failed (start-limit-hit)" }',
        '  - { name: cache, status: stopped, detail: "container cache_1 exited (137)" }',
        '  - { name: evil, status: failed, detail: "unit x failed; rm -rf / $(touch PWNED2) `touch PWNED3`" }',
        '  - { name: db, status: failed, detail: "TCP db: connection refused" }',
        'deployments:',
        '  - { service: web, at: 2026-11-22T09:00:00Z, result: failed, version: "2.0" }',
        '  - { service: web, at: 2026-11-22T09:30:00Z, result: failed, version: "2.0" }',
        '',
      ].join('\n'),
    });
    expect((await runCli(['reconcile', '--repo', repo, '--now', NOW])).code).toBe(0);
  });

  afterAll(async () => {
    server.close();
    tcp.close();
  });

  it('skills lists built-in and own skills; --for lists the matching ones, most specific first', async () => {
    const list = await runCli(['skills', '--repo', repo]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^19 skills\n/);
    expect(list.stdout).toContain(
      'tcp-refused             tcp         low     Port refused (ours)  (inventory/skills/tcp-refused.yaml)',
    );
    const matching = await runCli(['skills', '--repo', repo, '--for', 'node3/cache/unhealthy_service']);
    expect(matching.stdout).toMatch(
      /^node3\/cache\/unhealthy_service {2}unhealthy_service -> redeploy\n {4}status stopped: container cache_1 exited \(137\)\n1\. docker-oom /,
    );
    expect(matching.stdout).toMatch(/\n2\. docker-exited .*\n(.*\n)*3\. docker-unhealthy /);
    const json = JSON.parse(
      (await runCli(['skills', '--repo', repo, '--for', 'node3/web/failed_deployment', '--json'])).stdout,
    );
    expect(json.skills.map((skill: { id: string }) => skill.id)).toEqual([
      'deployment-bad-release',
      'deployment-failed',
    ]);
    const typo = await runCli(['skills', '--repo', repo, '--for', 'node3/cach/unhealthy_service']);
    expect(typo).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'error: no open recommendation "node3/cach/unhealthy_service" in status/recommendations.json (did you mean "node3/cache/unhealthy_service"?)',
      ),
    });
  });

  it("status --runbooks shows each recommendation's runbook and next step; plain status does not read skills", async () => {
    expect((await runCli(['status', '--repo', repo])).stdout).not.toContain('runbook:');
    const status = await runCli(['status', '--runbooks', '--repo', repo]);
    expect(status.stdout).toContain(
      '      runbook: Unit in a crash loop (start limit hit) (systemd-crash-loop, risk medium); next: labwarden diagnose node3/app/unhealthy_service, then fix the cause in the journal',
    );
    expect(status.stdout).toContain(
      'runbook: Upstream down behind the proxy (HTTP 502/503/504) (http-upstream-down, risk medium)',
    );
  });

  it('a bad skill file is a located problem in validate; skills refuses to use it', async () => {
    const bad = await makeRepo({
      'inventory/hosts/n1/services.yaml': 'services: []\n',
      'inventory/skills/wipe.yaml':
        'id: wipe\ntitle: Wipe\nfamily: node\nmatch: { drift: [offline_node] }\ndiagnostics:\n  - { title: x, run: [rm, -rf, "{unit}"] }\n  - { title: y, run: [systemctl, restart, "{secret}"] }\nrisk: low\n',
      'inventory/skills/other.yaml': 'id: not-other\ntitle: X\nfamily: node\nmatch: { detail: ["*"] }\nrisk: low\n',
    });
    const validate = await runCli(['validate', '--repo', bad]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toBe(
      [
        'inventory/skills/other.yaml:4:19 match.detail[0]: at least 2 literal characters',
        'inventory/skills/wipe.yaml:6:23 diagnostics[0].run[0]: "rm" is not a read-only diagnostic program; allowed: systemctl, journalctl, docker, df, free, uptime, uname, ss, ps, dmesg',
        'inventory/skills/wipe.yaml:7:34 diagnostics[1].run[1]: systemctl restart is not read-only; allowed: status, show, is-active, is-failed, is-enabled, list-units, list-dependencies, cat',
        'inventory/skills/wipe.yaml:7:43 diagnostics[1].run[2]: unknown placeholder {secret}; allowed: {unit} {container} {url} {address} {node} {service} {since}',
        'error: 4 problems found',
        '',
      ].join('\n'),
    );
    expect((await runCli(['skills', '--repo', bad])).code).toBe(2);
  });

  it('diagnose runs the diagnostics through real programs with argv, redacts, truncates and records whole lines', async () => {
    const run = await runCli(['diagnose', 'node3/app/unhealthy_service', '--repo', repo, '--now', NOW], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'node3/app/unhealthy_service: Unit in a crash loop (start limit hit) (systemd-crash-loop), 3 steps recorded in chronicle/diagnostics.jsonl',
    );
    const argv = await calls(log);
    expect(argv).toEqual([
      ['systemctl', 'status', '--no-pager', '--full', '--', 'app.service'],
      ['systemctl', 'show', '--property=Result,NRestarts,ExecMainStatus,ActiveEnterTimestamp', '--', 'app.service'],
      ['journalctl', '--no-pager', '-n', '200', '-u', 'app.service', '--since', '2026-11-22T10:00:00Z'],
    ]);
    const lines = (await readFile(path.join(repo, 'chronicle/diagnostics.jsonl'), 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({
      at: NOW,
      fingerprint: 'node3/app/unhealthy_service',
      node: 'node3',
      service: 'app',
      skill: 'systemd-crash-loop',
      step: 1,
      title: 'unit status',
      kind: 'run',
      target: ['systemctl', 'status', '--no-pager', '--full', '--', 'app.service'],
      result: 'failed',
      exit: 3,
      output: 'Environment=DB_PASSWORD=[redacted] MY_API_TOKEN seen: [redacted]\nchildren see 0 secret vars\n',
    });
    expect(JSON.parse(lines[2]!).output).toBe('Authorization: [redacted]\n');
    const text = lines.join('\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('supersecretvalue123');
    expect(text).not.toContain('abcdefghijklmnop');

    const docker = await runCli(['diagnose', 'node3/cache/unhealthy_service', '--repo', repo, '--now', NOW, '--json'], {
      env: env(),
    });
    const steps = JSON.parse(docker.stdout) as { title: string; output?: string; truncated?: boolean }[];
    expect(steps.map((step) => step.title)).toEqual(['OOM flag and exit code', 'last container logs', 'memory']);
    expect(steps[1]).toMatchObject({ output: 'x'.repeat(4096), truncated: true });
  });

  it('http_get and tcp_connect diagnostics reach real servers; a step over its timeout is stopped', async () => {
    const web = await runCli(['diagnose', 'node3/web/unhealthy_service', '--repo', repo, '--now', NOW, '--json'], {
      env: env(),
    });
    const [get] = JSON.parse(web.stdout);
    expect(get).toMatchObject({
      kind: 'http_get',
      target: [`${base}/down`],
      result: 'failed',
      output: 'HTTP 503\nupstream gone; password=[redacted]',
    });
    const db = await runCli(['diagnose', 'node3/db/unhealthy_service', '--repo', repo, '--now', NOW, '--json'], {
      env: env(),
    });
    expect(db.code).toBe(0);
    const [connect, slow] = JSON.parse(db.stdout);
    expect(connect).toMatchObject({
      skill: 'tcp-refused',
      kind: 'tcp_connect',
      target: [`127.0.0.1:${tcpPort}`],
      result: 'ok',
    });
    expect(slow).toMatchObject({
      kind: 'run',
      target: ['ss', '-ltn'],
      result: 'error',
      reason: 'timed out after 1000 ms',
    });
  });

  it('injection through names and details never reaches argv as code', async () => {
    const before = (await calls(log)).length;
    const evil = await runCli(
      [
        'diagnose',
        'node3/evil/unhealthy_service',
        '--skill',
        'systemd-unhealthy',
        '--repo',
        repo,
        '--now',
        NOW,
        '--json',
      ],
      { env: env() },
    );
    expect(evil.code).toBe(0);
    const steps = JSON.parse(evil.stdout) as { result: string; reason?: string; target: string[] }[];
    // The unit name is no valid unit: every step that needs it is skipped, saying why.
    expect(steps.filter((step) => step.result === 'skipped').map((step) => step.reason)).toEqual([
      'needs {unit}: "--help; touch PWNED" is not a valid unit',
      'needs {unit}: "--help; touch PWNED" is not a valid unit',
    ]);
    const run = (await calls(log)).slice(before);
    // What did run (memory, disk) got fixed argv; the detail's text is nowhere.
    expect(run).toEqual([
      ['free', '-m'],
      ['df', '-h'],
    ]);
    expect(JSON.stringify(run)).not.toMatch(/PWNED|rm -rf|\$\(/);
    for (const file of ['PWNED', 'PWNED2', 'PWNED3']) await expect(readFile(path.join(repo, file))).rejects.toThrow();
  });

  it("diagnose refuses another node's recommendation and a skill that does not match", async () => {
    expect(await runCli(['diagnose', 'node3/app/unhealthy_service', '--repo', repo, '--node', 'node4'])).toMatchObject({
      code: 2,
      stderr:
        'error: node3/app/unhealthy_service belongs to node node3, not node4\nhint: Run diagnose on node3, where its observer runs.\n',
    });
    const wrong = await runCli(['diagnose', 'node3/app/unhealthy_service', '--repo', repo, '--skill', 'docker-oom']);
    expect(wrong).toMatchObject({
      code: 2,
      stderr:
        'error: skill "docker-oom" does not match node3/app/unhealthy_service\nhint: Matching skills: systemd-crash-loop, systemd-unit-failed, systemd-unhealthy.\n',
    });
  });

  it('approve: operators only, attributed and hash-chained; a tampered approval breaks the chain; the kill switch', async () => {
    const admin = () => readFile(path.join(repo, 'chronicle/admin.jsonl'), 'utf8').catch(() => '');
    const refused = await runCli([
      'approve',
      'node3/app/unhealthy_service',
      '--repo',
      repo,
      '--now',
      NOW,
      '--actor',
      'mallory',
    ]);
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('error: "mallory" may not approve remediations: not an operator'),
    });
    expect(await admin()).toBe('');
    const ok = await runCli([
      'approve',
      'node3/app/unhealthy_service',
      '--repo',
      repo,
      '--now',
      NOW,
      '--actor',
      'alice',
      '--skill',
      'systemd-unit-failed',
    ]);
    expect(ok).toMatchObject({
      code: 0,
      stdout:
        'approve_remediation recorded as seq 1: systemd-unit-failed approved for node3/app/unhealthy_service by alice\n',
    });
    const byId = await runCli([
      'approve',
      'node3/web/unhealthy_service',
      '--repo',
      repo,
      '--now',
      NOW,
      '--actor',
      '123456',
    ]);
    expect(byId.stdout).toBe(
      'approve_remediation recorded as seq 2: http-upstream-down approved for node3/web/unhealthy_service by 123456\n',
    );
    expect(JSON.parse((await admin()).split('\n')[0]!)).toMatchObject({
      seq: 1,
      at: NOW,
      actor: 'alice',
      action: 'approve_remediation',
      node: 'node3',
      fingerprint: 'node3/app/unhealthy_service',
      skill: 'systemd-unit-failed',
    });

    // Someone rewrites who approved what: the chain reports the edited line like any break.
    const text = await admin();
    await writeFile(
      path.join(repo, 'chronicle/admin.jsonl'),
      text.replace('"skill":"systemd-unit-failed"', '"skill":"systemd-crash-loop"'),
    );
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(
      'chronicle/admin.jsonl:1:1 hash chain broken at seq 1: seq 1 was edited: seq 2 records a different hash for it',
    );
    const refusedAppend = await runCli([
      'approve',
      'node3/db/unhealthy_service',
      '--repo',
      repo,
      '--now',
      NOW,
      '--actor',
      'alice',
    ]);
    expect(refusedAppend).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('chronicle/admin.jsonl is broken at seq 1'),
    });
    await writeFile(path.join(repo, 'chronicle/admin.jsonl'), text);
  });

  it('remediation pause|resume: the kill switch in the chain, idempotent', async () => {
    expect((await runCli(['remediation', 'pause', '--repo', repo, '--now', NOW, '--actor', 'alice'])).stdout).toBe(
      'pause_remediation recorded as seq 3: remediation paused (kill switch); no executor acts until resumed\n',
    );
    expect((await runCli(['remediation', 'pause', '--repo', repo, '--now', NOW])).stdout).toBe(
      `remediation is already paused by alice at ${NOW} (seq 3); nothing to do\n`,
    );
    // What an executor would decide: approved (seq 1) but paused; the unapproved skill is refused for both reasons.
    const decided = (await runCli(['skills', '--repo', repo, '--for', 'node3/app/unhealthy_service'])).stdout;
    expect(decided).toContain(`2. systemd-unit-failed  Unit failed  [risk low, approval required] (built-in)`);
    expect(decided).toContain(`     approval: no: remediation paused by alice at ${NOW} (seq 3)\n`);
    expect(decided).toContain(
      `     approval: no: remediation paused by alice at ${NOW} (seq 3); systemd-crash-loop is not approved for node3/app/unhealthy_service\n`,
    );
    expect((await runCli(['remediation', 'resume', '--repo', repo, '--now', NOW, '--actor', 'alice'])).stdout).toBe(
      'resume_remediation recorded as seq 4: remediation resumed\n',
    );
    expect((await runCli(['skills', '--repo', repo, '--for', 'node3/app/unhealthy_service'])).stdout).toContain(
      `     approval: approved by alice at ${NOW} (seq 1)\n`,
    );
  }, 90_000);

  it('diagnose --push commits chronicle/diagnostics.jsonl and pushes it', async () => {
    const files: Record<string, string> = {};
    for (const relative of [
      'inventory/hosts/node3/services.yaml',
      'world/nodes/node3.yaml',
      'status/recommendations.json',
    ]) {
      files[relative] = await readFile(path.join(repo, relative), 'utf8');
    }
    const remote = await makeRemote(files);
    const clone = await remote.clone();
    const pushed = await runCli(
      ['diagnose', 'node3/cache/unhealthy_service', '--repo', clone, '--now', NOW, '--push'],
      { env: env() },
    );
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(
      /committed [0-9a-f]{7} "diagnose: node3\/cache\/unhealthy_service \(docker-oom\)"; pushed \(1 attempt\)\n$/,
    );
    expect(await git(clone, 'ls-tree', '--name-only', 'origin/main', 'chronicle/')).toBe('chronicle/diagnostics.jsonl');
  });
});
