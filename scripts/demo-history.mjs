#!/usr/bin/env node
// `node scripts/demo-history.mjs` (after `npm run build`): gives the demo homelab at the repo root
// a seeded 90-day history, produced by the real reconcile, not written by hand. In a scratch copy it
// replays observation rounds (service failures that escalate, flaps, offline nodes, failed and
// fixed deployments, drift inside the sunday-backups maintenance window, an operator's
// maintenance of media whose services drain to apps, and a drain of pi that fails because its
// only failover target is down), then the demo's own world and today's operator events, and
// reconciles at the demo's time (as `npm start` does). Operator events go through the real
// appender (`appendAdminEvent`, hash-chained, attributed, with a reason), at the time they
// happened. The chronicle (admin, incidents, transitions) and status/ it ends with are copied
// back. Same seed, same bytes. The current state is the demo's: only the past is added.
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { appendAdminEvent } from '../dist/maintenance/append.js';
import { runReconcile } from '../dist/reconciler/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NOW = Date.parse('2026-11-22T10:05:00Z');
const DAY = 86_400_000;
const MIN = 60_000;
const SEED = 18;

/** mulberry32: a small seeded PRNG, so the history is the same on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const pick = (list) => list[Math.floor(rand() * list.length)];
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

const work = await mkdtemp(path.join(tmpdir(), 'labwarden-demo-history-'));
try {
  await cp(path.join(root, 'inventory'), path.join(work, 'inventory'), { recursive: true });
  await mkdir(path.join(work, 'world/nodes'), { recursive: true });
  await mkdir(path.join(work, 'chronicle'), { recursive: true });
  const nodes = {};
  for (const node of (await readdir(path.join(root, 'inventory/hosts'))).sort()) {
    const services =
      parse(await readFile(path.join(root, 'inventory/hosts', node, 'services.yaml'), 'utf8')).services ?? [];
    nodes[node] = services.map((service) => service.name);
  }

  // One observation round: every node reports at `at` unless it is offline (it keeps its last report).
  const lastSeen = {};
  const deployments = {};
  // `moved`: services a node runs for another (a drain's target); `stopped`: node/service stopped.
  async function observe(at, { failed = {}, offline = null, moved = {}, stopped = [] } = {}) {
    for (const [node, services] of Object.entries(nodes)) {
      if (node !== offline) lastSeen[node] = at;
      const lines = [...services, ...(moved[node] ?? [])].map((name) => {
        const detail = failed[`${node}/${name}`];
        if (detail) return `  - { name: ${name}, status: failed, detail: "${detail}" }\n`;
        if (stopped.includes(`${node}/${name}`)) return `  - { name: ${name}, status: stopped }\n`;
        return `  - { name: ${name}, status: ok }\n`;
      });
      const deploys = (deployments[node] ?? []).map(
        (d) => `  - { service: ${d.service}, at: ${iso(d.at)}, result: ${d.result}, version: ${d.version} }\n`,
      );
      const head = `node: ${node}\nobserved_at: ${iso(lastSeen[node])}\nstatus: online\n`;
      const text = `${head}services:\n${lines.join('')}${deploys.length ? `deployments:\n${deploys.join('')}` : ''}`;
      await writeFile(path.join(work, 'world/nodes', `${node}.yaml`), text);
    }
    await runReconcile({ repo: work, now: at });
  }

  // An operator event, appended as `labwarden maintenance` and the bot append it.
  const admin = (at, actor, action, node, reason) =>
    appendAdminEvent(work, { actor, action, node, reason }, { now: at });

  // alice takes media down for a hardware change: its four services drain to apps (their failover
  // target), media is in Maintenance with its services stopped, then comes back through Recovery.
  async function operatorMaintenance(start) {
    const media = nodes.media.map((name) => `media/${name}`);
    await observe(start);
    await admin(start + 5 * MIN, 'alice', 'enter_maintenance', 'media', 'move the media disks to the new HBA card');
    await observe(start + 10 * MIN);
    await observe(start + 25 * MIN, { moved: { apps: nodes.media } });
    await observe(start + 40 * MIN, { moved: { apps: nodes.media }, stopped: media });
    await observe(start + 150 * MIN, { moved: { apps: nodes.media }, stopped: media });
    await admin(start + 175 * MIN, 'alice', 'exit_maintenance', 'media', 'HBA swapped, all disks healthy');
    await observe(start + 180 * MIN, { moved: { apps: nodes.media } });
    await observe(start + 195 * MIN);
    await observe(start + 200 * MIN);
  }

  // apps goes offline; carol starts a maintenance of pi anyway. pi's services can only fail over
  // to apps, so nothing moves: past drain_timeout the drain fails (a drain_failed incident), and
  // carol calls the maintenance off. apps comes back later.
  async function failedDrain(start) {
    await observe(start);
    await observe(start + 30 * MIN, { offline: 'apps' });
    await admin(start + 40 * MIN, 'carol', 'enter_maintenance', 'pi', 'replace the SD card before it wears out');
    await observe(start + 45 * MIN, { offline: 'apps' });
    await observe(start + 105 * MIN, { offline: 'apps' });
    await observe(start + 140 * MIN, { offline: 'apps' });
    await admin(
      start + 150 * MIN,
      'carol',
      'exit_maintenance',
      'pi',
      'drain failed: apps is down; SD card swap postponed',
    );
    await observe(start + 155 * MIN, { offline: 'apps' });
    await observe(start + 240 * MIN);
    await observe(start + 250 * MIN);
    await observe(start + 260 * MIN);
  }

  const FAILURES = [
    'HTTP 503 from /health',
    'container exited (137)',
    'OOM killed',
    'connection refused on :443',
    'disk full',
  ];
  // Days 88 … 3 before the demo's day: one event on about a third of them, at a random hour.
  const first = Math.floor(NOW / DAY) * DAY - 88 * DAY;
  await observe(first);
  for (let day = 0; day < 86; day++) {
    // On days without a random event (so the seeded sequence stays as it was).
    if (day === 11) await operatorMaintenance(first + day * DAY + 9 * 3_600_000);
    if (day === 58) await failedDrain(first + day * DAY + 13 * 3_600_000);
    if (rand() > 0.33) continue;
    const start = first + day * DAY + Math.floor(rand() * 20) * 3_600_000 + Math.floor(rand() * 4) * 15 * MIN;
    const node = pick(Object.keys(nodes));
    const service = `${node}/${pick(nodes[node])}`;
    const kind = pick(['failure', 'failure', 'failure', 'flap', 'offline', 'deployment']);
    if (kind === 'failure') {
      const minutes = pick([20, 45, 90, 180, 400]);
      const failed = { [service]: pick(FAILURES) };
      await observe(start, { failed });
      if (minutes > 30) await observe(start + 31 * MIN, { failed });
      await observe(start + minutes * MIN);
      await observe(start + (minutes + 10) * MIN);
    } else if (kind === 'flap') {
      for (let i = 0; i < 24; i++)
        await observe(start + i * 5 * MIN, i % 2 === 0 ? { failed: { [service]: 'health check timed out' } } : {});
      for (let i = 0; i < 8; i++) await observe(start + (24 + i * 3) * 5 * MIN);
    } else if (kind === 'offline') {
      await observe(start);
      await observe(start + pick([30, 90, 240]) * MIN, { offline: node });
      await observe(start + pick([250, 300]) * MIN);
      await observe(start + 320 * MIN);
    } else {
      const [name] = service.split('/').slice(1);
      const version = `1.${day}.0`;
      deployments[node] = [{ service: name, at: start, result: 'failed', version }];
      await observe(start + MIN, { failed: { [service]: `deployment of ${version} failed` } });
      deployments[node] = [{ service: name, at: start + 40 * MIN, result: 'success', version: `1.${day}.1` }];
      await observe(start + 41 * MIN);
      await observe(start + 55 * MIN);
      delete deployments[node];
      await observe(start + 60 * MIN);
    }
  }
  // Drift inside the sunday-backups window (backup, Sundays 03:00–05:00 UTC): recorded, not alerted.
  const sunday = first + ((7 - new Date(first).getUTCDay()) % 7) * DAY + 3 * 3_600_000 + 7 * 7 * DAY;
  await observe(sunday + 10 * MIN, { failed: { 'backup/restic-server': 'repository locked by the weekly prune' } });
  await observe(sunday + 80 * MIN);
  await observe(sunday + 95 * MIN);

  // Then today as the demo has it: its world and this morning's operator events, reconciled at its time.
  await rm(path.join(work, 'world'), { recursive: true });
  await cp(path.join(root, 'world'), path.join(work, 'world'), { recursive: true });
  const today = Date.parse('2026-11-22T00:00:00Z');
  await admin(
    today + 9 * 60 * MIN + 5 * MIN,
    'bob',
    'cordon',
    'backup',
    'UPS on battery: no new placement until mains is back',
  );
  await admin(today + 9 * 60 * MIN + 55 * MIN, 'alice', 'enter_maintenance', 'gateway', 'kernel update and reboot');
  await runReconcile({ repo: work, now: NOW });
  for (const file of [
    'chronicle/admin.jsonl',
    'chronicle/incidents.jsonl',
    'chronicle/transitions.jsonl',
    'status/recommendations.json',
    'status/insights.json',
  ]) {
    await copyFile(path.join(work, file), path.join(root, file));
    console.log(file);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
