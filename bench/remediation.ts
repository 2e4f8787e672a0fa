// The remediation executor, measured. Usage: npm run bench:remediation [-- --repeats 5]
//
// 1. The local loop: approve → observe --execute → observe (the verifying observation) →
//    reconcile (records remediation_succeeded), each a real CLI process, against a real HTTP
//    server as the service and a stand-in systemctl on PATH whose `restart` makes it healthy.
//    Median of N fresh homelabs.
// 2. The noisy week (bench/noisy-week.ts): every 5 minutes the real reconcile + chronicle, then
//    the executor's decisions (`decideRemediation`) for every service recommendation with a
//    pre-approved low-risk restart skill; attempts are verified by `concludeAttempts` against the
//    week's ground truth (a restart fixes nothing the truth does not fix). Counts actions taken
//    vs refused, by the first guardrail that refused. Deterministic.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { advanceChronicle, applyChronicle, type ChronicleHistory } from '../src/chronicle/index.js';
import { applyAttempts, concludeAttempts, foldAttempts } from '../src/chronicle/remediations.js';
import { formatTime, Skill, type RemediationLine, type RemediationStarted } from '../src/model/index.js';
import { reconcile, type ReconcileInput } from '../src/reconciler/reconcile.js';
import { buildRepoModel } from '../src/repo/index.js';
import { decideRemediation } from '../src/skills/guardrails.js';
import { HOMELAB, inventoryFiles, OBSERVE_EVERY, TICKS, WEEK_START, weekTruth } from './noisy-week.js';

const CLI = path.resolve(import.meta.dirname, '../bin/labwarden.js');
const repeats = Number(process.argv[process.argv.indexOf('--repeats') + 1]) || 5;
const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00Z`;

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
}

async function localLoop(): Promise<{ observation: number[]; recorded: number[] }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'labwarden-bench-remediation-'));
  const bin = path.join(root, 'bin');
  await mkdir(bin);
  await writeFile(
    path.join(bin, 'systemctl'),
    `#!/bin/sh\n[ "$1" = restart ] && touch '${bin}'/healthy-"\${3%.service}"\nexit 0\n`,
  );
  await chmod(path.join(bin, 'systemctl'), 0o755);
  const server = http.createServer((request, response) => {
    const name = (request.url ?? '').replace(/^\/health\//, '');
    response.statusCode = /^[a-z0-9]+$/.test(name) && existsSync(path.join(bin, `healthy-${name}`)) ? 200 : 503;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const observation: number[] = [];
  const recorded: number[] = [];
  try {
    for (let round = 0; round < repeats; round++) {
      const repo = path.join(root, `repo${round}`);
      const service = `svc${round}`;
      const files: Record<string, string> = {
        'inventory/policy.yaml': 'remediation:\n  approvers: [alice]\n  execute: true\n',
        'inventory/hosts/n1/services.yaml': `services:\n  - { name: ${service}, probe: { http: "${base}/health/${service}" } }\n`,
        'inventory/skills/http-upstream-down.yaml': [
          'id: http-upstream-down',
          'title: restart it',
          'family: http',
          'match: { probe: [http], drift: [unhealthy_service], detail: ["HTTP 503 from"] }',
          'remediation:',
          '  - { action: restart, title: restart, run: [systemctl, restart, --, "{service}.service"] }',
          'risk: low',
          'verify: { observation: service_ok, within: 5m }',
          '',
        ].join('\n'),
      };
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
        await writeFile(path.join(repo, file), text);
      }
      const repoArgs = ['--repo', repo];
      await cli(['observe', ...repoArgs, '--node', 'n1', '--now', at(0)], env);
      await cli(['reconcile', ...repoArgs, '--now', at(0)], env);
      const started = performance.now();
      await cli(['approve', `n1/${service}/unhealthy_service`, ...repoArgs, '--actor', 'alice', '--now', at(1)], env);
      const executed = await cli(['observe', ...repoArgs, '--node', 'n1', '--now', at(1), '--execute'], env);
      if (!executed.includes('attempt 1 started')) throw new Error(`the executor did not act:\n${executed}`);
      await cli(['observe', ...repoArgs, '--node', 'n1', '--now', at(2)], env);
      observation.push(performance.now() - started);
      await cli(['reconcile', ...repoArgs, '--now', at(2)], env);
      recorded.push(performance.now() - started);
      const status = await cli(['status', ...repoArgs, '--json'], env);
      if ((JSON.parse(status) as { summary: string }).summary !== 'nominal')
        throw new Error(`not verified:\n${status}`);
    }
  } finally {
    server.close();
    await rm(root, { recursive: true, force: true });
  }
  return { observation, recorded };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The week, with an executor on every node: what it does and what the guardrails refuse. */
function noisyWeekDecisions(): { taken: number; refused: Record<string, number>; outcomes: Record<string, number> } {
  const truth = weekTruth();
  const skill = Skill.parse({
    id: 'restart',
    title: 'restart the service',
    family: 'generic',
    match: { drift: ['unhealthy_service'] },
    remediation: [{ action: 'restart', title: 'restart', run: ['systemctl', 'restart', '--', '{service}.service'] }],
    risk: 'low',
    verify: { observation: 'service_ok', within: '10m' },
    max_attempts: 2,
  });
  const inventory = inventoryFiles();
  const policyText = `${inventory[0]!.text}remediation:\n  execute: true\n  preapprove: [{ risk: low }]\nbackoff_initial: 5m\nbackoff_max: 1h\n`;
  const files = [{ path: 'inventory/policy.yaml', text: policyText }, ...inventory.slice(1)];
  const history: ChronicleHistory = { incidents: [], transitions: [] };
  const snapshots = new Map<string, string>();
  const lines: RemediationLine[] = [];
  let taken = 0;
  const refused: Record<string, number> = {};
  for (let tick = 0; tick <= TICKS; tick++) {
    const observedAt = WEEK_START + tick * OBSERVE_EVERY;
    for (const [node, services] of Object.entries(HOMELAB)) {
      if (truth.nodeDown(node, tick)) continue;
      const list = Object.keys(services).map((name) => ({
        name,
        status: truth.serviceDown(`${node}/${name}`, tick) ? 'failed' : 'ok',
      }));
      snapshots.set(
        node,
        JSON.stringify({ node, observed_at: formatTime(observedAt), status: 'online', services: list }),
      );
    }
    const now = observedAt + 60_000;
    const model = buildRepoModel({
      hostDirs: Object.keys(HOMELAB),
      files: [...files, ...[...snapshots].map(([node, text]) => ({ path: `world/nodes/${node}.json`, text }))],
    });
    const input: ReconcileInput = {
      inventory: model.inventory,
      world: model.world,
      heartbeats: model.heartbeats,
      policy: model.policy,
      now,
    };
    const raw = reconcile(input);
    const advance = advanceChronicle(history, raw, input);
    history.incidents.push(...advance.incidents);
    history.transitions.push(...advance.transitions);
    const chronicled = applyChronicle(raw, advance.state, input);
    lines.push(...concludeAttempts(foldAttempts(lines), chronicled, { world: model.world, heartbeats: new Map() }));
    const result = applyAttempts(chronicled, foldAttempts(lines), []);
    const attempts = foldAttempts(lines);
    for (const rec of result.recommendations) {
      if (rec.drift !== 'unhealthy_service' || rec.event === 'reconcile_blocked') continue;
      const decision = decideRemediation(rec, skill, {
        events: [],
        policy: model.policy,
        nodes: {},
        labels: new Map(),
        attempts,
        now,
      });
      if (decision.kind === 'refused') {
        const first = decision.reasons[0]!;
        const key = first.startsWith('inside maintenance window')
          ? 'maintenance window'
          : first.startsWith('attempt ')
            ? 'attempt in progress'
            : first.startsWith('backing off')
              ? 'backoff'
              : first.includes('max_attempts')
                ? 'max_attempts'
                : first;
        refused[key] = (refused[key] ?? 0) + 1;
        continue;
      }
      taken++;
      const line: RemediationStarted = {
        at: formatTime(now),
        kind: 'remediation_started',
        fingerprint: rec.id,
        node: rec.node,
        ...(rec.service !== undefined ? { service: rec.service } : {}),
        skill: skill.id,
        attempt: decision.attempt,
        approval: 'pre-approved',
        steps: [],
        verify: { observation: 'service_ok', by: formatTime(now + skill.verify.within) },
        max_attempts: skill.max_attempts,
      };
      lines.push(line);
    }
  }
  const outcomes: Record<string, number> = {};
  for (const attempt of foldAttempts(lines)) {
    const kind = attempt.outcome?.kind.replace('remediation_', '') ?? 'open at the end';
    outcomes[kind] = (outcomes[kind] ?? 0) + 1;
  }
  return { taken, refused, outcomes };
}

const loop = await localLoop();
console.log(
  `local loop (approve → observe --execute → observe → reconcile, real CLI processes, median of ${repeats}):\n` +
    `  approval → verifying observation: ${median(loop.observation).toFixed(0)} ms\n` +
    `  approval → remediation_succeeded recorded by reconcile: ${median(loop.recorded).toFixed(0)} ms`,
);
const week = noisyWeekDecisions();
const refusedTotal = Object.values(week.refused).reduce((sum, n) => sum + n, 0);
console.log(
  `noisy week (every 5 minutes, pre-approved low-risk restart of every unhealthy service):\n` +
    `  actions taken: ${week.taken}; refused by guardrails: ${refusedTotal}`,
);
for (const [reason, count] of Object.entries(week.refused).sort())
  console.log(`    ${reason.padEnd(22)} ${String(count).padStart(5)}`);
console.log(
  `  attempts: ${Object.entries(week.outcomes)
    .sort()
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ')}`,
);
