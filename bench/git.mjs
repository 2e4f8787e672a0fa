// Git layer latency: one appended line committed and pushed to a local bare remote, through
// commitAndPush vs the same operations with the plain git CLI; plus `reconcile --push` end to end.
// Run: npm run bench:git [-- samples]   (numbers depend on the machine's load; report with `uptime`)
import { execFile, execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { commitAndPush } from '../dist/git/commit-push.js';

const run = promisify(execFile);
const samples = Number(process.argv[2] ?? 40);
const root = await mkdtemp(path.join(tmpdir(), 'labwarden-bench-'));
const git = (cwd, ...args) =>
  run('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], { cwd });

async function setup(name) {
  const remote = path.join(root, `${name}.git`);
  const clone = path.join(root, name);
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', remote]);
  execFileSync('git', ['clone', '-q', remote, clone], { stdio: 'ignore' });
  await mkdir(path.join(clone, 'chronicle'), { recursive: true });
  await writeFile(path.join(clone, 'chronicle/notifications.jsonl'), '');
  await git(clone, 'checkout', '-q', '-B', 'main');
  await git(clone, 'add', '-A');
  await git(clone, 'commit', '-qm', 'seed');
  await git(clone, 'push', '-q', '-u', 'origin', 'main');
  await git(clone, 'config', 'user.name', 'bench');
  await git(clone, 'config', 'user.email', 'bench@localhost');
  return clone;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const stats = (values) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  mean: values.reduce((a, b) => a + b, 0) / values.length,
});
const fmt = (s) => `p50 ${s.p50.toFixed(1)} ms  p95 ${s.p95.toFixed(1)} ms  mean ${s.mean.toFixed(1)} ms`;

async function measure(label, clone, once) {
  const times = [];
  for (let i = 0; i < samples; i++) {
    await appendFile(
      path.join(clone, 'chronicle/notifications.jsonl'),
      `${JSON.stringify({ id: `${label}-${i}`, at: new Date(i * 1000).toISOString() })}\n`,
    );
    const start = process.hrtime.bigint();
    await once(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return stats(times);
}

const layerClone = await setup('layer');
const plainClone = await setup('plain');
const FILE = 'chronicle/notifications.jsonl';
// Interleave-free but same conditions: warm both once.
const layer = await measure('layer', layerClone, (i) =>
  commitAndPush(layerClone, { files: [FILE], message: `notify: ${i}`, push: true }),
);
const plain = await measure('plain', plainClone, async (i) => {
  await git(plainClone, 'add', '--', FILE);
  await git(plainClone, 'commit', '-q', '-m', `notify: ${i}`, '--', FILE);
  await git(plainClone, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
});

// End to end through the CLI: a world change → `reconcile --push` (pull, reconcile, commit, push, heartbeat).
const e2eClone = await setup('e2e');
const project = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
for (const part of ['inventory', 'world', 'status']) execFileSync('cp', ['-r', path.join(project, part), e2eClone]);
await git(e2eClone, 'add', '-A');
await git(e2eClone, 'commit', '-qm', 'demo');
await git(e2eClone, 'push', '-q');
const cliTimes = [];
const cliSamples = Math.max(5, Math.round(samples / 4));
for (let i = 0; i < cliSamples; i++) {
  const file = path.join(e2eClone, 'world/nodes/pi.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text.replace(/observed_at: \S+/, `observed_at: 2026-11-22T10:${String(i % 60).padStart(2, '0')}:00Z`),
  );
  await git(e2eClone, 'commit', '-qam', `observe ${i}`);
  const start = process.hrtime.bigint();
  await run(process.execPath, [
    path.join(project, 'bin/labwarden.js'),
    'reconcile',
    '--repo',
    e2eClone,
    '--now',
    `2026-11-22T10:${String(i % 60).padStart(2, '0')}:30Z`,
    '--push',
  ]);
  cliTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
}

// Where the overhead comes from: simple-git itself vs a bare spawn, per trivial command.
const sg = simpleGit({ baseDir: layerClone });
const perCommand = async (fn) => {
  const t = performance.now();
  for (let i = 0; i < 40; i++) await fn();
  return (performance.now() - t) / 40;
};
const viaSimpleGit = await perCommand(() => sg.raw(['rev-parse', 'HEAD']));
const viaExecFile = await perCommand(() => run('git', ['rev-parse', 'HEAD'], { cwd: layerClone }));

console.log(
  `git ${execFileSync('git', ['--version']).toString().trim().replace('git version ', '')}, node ${process.version}, load average ${loadavg()[0].toFixed(2)}, ${samples} samples`,
);
console.log(`commit+push of one appended line, commitAndPush : ${fmt(layer)}`);
console.log(`same operations, plain git CLI (add/commit/push): ${fmt(plain)}`);
console.log(
  `git layer overhead                              : p50 ${(layer.p50 - plain.p50).toFixed(1)} ms (${((layer.p50 / plain.p50 - 1) * 100).toFixed(0)}%)`,
);
console.log(`labwarden reconcile --push (CLI, end to end)    : ${fmt(stats(cliTimes))} (${cliSamples} samples)`);
console.log(
  `one trivial git command, simple-git vs execFile : ${viaSimpleGit.toFixed(1)} ms vs ${viaExecFile.toFixed(1)} ms`,
);
await rm(root, { recursive: true, force: true });
