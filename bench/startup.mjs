// `npm run bench:startup [-- --repeats 7]`: whole-process time of the built CLI against
// `node -e 0` on the same machine, median of N interleaved rounds (one untimed warm-up round).
// Commands: --version, --help, status and reconcile on a copy of the demo with a warm cache.
// Goals (issue 19): --version, --help, status ≤ 1.5× node; reconcile (warm) ≤ 2.5× node.
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NOW = '2026-11-22T10:05:00Z';
// --cli: another build's bin/labwarden.js (e.g. a checkout of the previous release), for before/after.
const { values } = parseArgs({ options: { repeats: { type: 'string', default: '7' }, cli: { type: 'string' } } });
const cli = values.cli ? path.resolve(values.cli) : path.join(root, 'bin/labwarden.js');
const repeats = Number(values.repeats);

const repo = await mkdtemp(path.join(tmpdir(), 'labwarden-startup-'));
for (const part of ['inventory', 'world', 'chronicle', 'status']) {
  await cp(path.join(root, part), path.join(repo, part), { recursive: true });
}
// Warm the parse cache and the run shortcut: every timed reconcile has the same inputs.
execFileSync(process.execPath, [cli, 'reconcile', '--repo', repo, '--now', NOW], { stdio: 'ignore' });

const cases = [
  { name: 'node -e 0', args: ['-e', '0'], goal: undefined },
  { name: '--version', args: [cli, '--version'], goal: 1.5 },
  { name: '--help', args: [cli, '--help'], goal: 1.5 },
  { name: 'status', args: [cli, 'status', '--repo', repo], goal: 1.5 },
  { name: 'reconcile (warm)', args: [cli, 'reconcile', '--repo', repo, '--now', NOW], goal: 2.5 },
];

function time(args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return ms;
}

const samples = new Map(cases.map((entry) => [entry.name, []]));
for (let round = 0; round <= repeats; round++) {
  for (const entry of cases) {
    const ms = time(entry.args);
    if (round > 0) samples.get(entry.name).push(ms);
  }
}
await rm(repo, { recursive: true, force: true });

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const floor = median(samples.get('node -e 0'));
console.log(
  `startup, median of ${repeats} (${cpus().length} cores, load ${loadavg()[0].toFixed(2)}), node ${process.version}`,
);
console.log('| command | ms | × node | goal |');
console.log('|---|---:|---:|---:|');
let failed = 0;
for (const entry of cases) {
  const ms = median(samples.get(entry.name));
  const ratio = ms / floor;
  const over = entry.goal !== undefined && ratio > entry.goal;
  if (over) failed++;
  const goal = entry.goal ? `≤ ${entry.goal}${over ? ' (over)' : ''}` : '—';
  console.log(`| ${entry.name} | ${ms.toFixed(0)} | ${ratio.toFixed(2)} | ${goal} |`);
}
if (failed > 0) console.log(`${failed} over the goal (compare within one run; a loaded machine inflates every ratio)`);
