// What a homelab repo's Actions cost per scheduled run and per month: today's scaffold
// (the action, one job) against the workflows init copied before (4 jobs every 10 minutes,
// each an `npm ci` of labwarden's whole tree). The idle run is executed step by step as
// test/distribution.test.ts runs it (test/helpers/actions-runner.ts): checkout = a clone of a
// bare remote, the action = its release tag's bundle run with node.
// Usage: npm run bench:distribution [-- --npm-ci]   (--npm-ci also times a real `npm ci`)
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { idleMinutesPerMonth, DEFAULT_EVERY, FREE_MINUTES } from '../src/init/index.js';
import { runWorkflow } from '../test/helpers/actions-runner.js';
import { ACTION, releasedAction, scaffoldRemote, schedule, world } from '../test/helpers/distribution.js';
import { cleanupRepos, PROJECT_ROOT } from '../test/helpers/repo.js';

const run = promisify(execFile);
const MONTH_MINUTES = 30 * 24 * 60;

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  // ---- after: the scaffold of this version ----
  const { dir: action, tag, clone } = await releasedAction();
  const download = (await run('sh', ['-c', `git -C "${clone}" archive --format=tar.gz ${tag} | wc -c`])).stdout.trim();
  const { remote, work } = await scaffoldRemote(['nas'], { nas: world('nas', new Date().toISOString()) });
  const workflow = path.join(work, '.github/workflows/reconcile.yml');
  await runWorkflow(workflow, { remote, event: schedule, actions: { [ACTION]: action } }); // the first run commits the status
  const idle: { jobs: number; seconds: number; steps: string[] }[] = [];
  for (let i = 0; i < 5; i++) {
    const record = await runWorkflow(workflow, { remote, event: schedule, actions: { [ACTION]: action } });
    const ran = record.jobs.filter((job) => job.result !== 'skipped');
    idle.push({
      jobs: ran.length,
      seconds: ran.reduce((sum, job) => sum + job.seconds, 0),
      steps: record.steps
        .filter((step) => step.outcome !== 'skipped')
        .map((step) => `${step.name.replace(/@.*/, '')} ${step.seconds.toFixed(2)}s`),
    });
  }
  const installedAfter = await stat(path.join(action, 'node_modules')).then(
    () => 'node_modules appeared!',
    () => 0,
  );

  // ---- before: the workflows init copied until now ----
  const nodeModules = await bytesUnder(path.join(PROJECT_ROOT, 'node_modules'));
  let npmCi: number | undefined;
  if (process.argv.includes('--npm-ci')) {
    const scratch = await mkdtemp(path.join(tmpdir(), 'labwarden-npm-ci-'));
    await copyFile(path.join(PROJECT_ROOT, 'package.json'), path.join(scratch, 'package.json'));
    await copyFile(path.join(PROJECT_ROOT, 'package-lock.json'), path.join(scratch, 'package-lock.json'));
    const started = performance.now();
    await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: scratch,
      maxBuffer: 64 * 1024 * 1024,
    });
    npmCi = (performance.now() - started) / 1000;
    await rm(scratch, { recursive: true, force: true });
  }
  const beforeRuns = MONTH_MINUTES / 10;
  const result = {
    before: {
      schedule: 'every 10 minutes',
      jobs_per_idle_run: 4,
      installed_per_idle_run_bytes: 3 * nodeModules,
      node_modules_bytes: nodeModules,
      npm_ci_seconds: npmCi ?? null,
      billed_minutes_per_month: beforeRuns * 4,
    },
    after: {
      schedule: `every ${DEFAULT_EVERY} minutes`,
      jobs_per_idle_run: median(idle.map((entry) => entry.jobs)),
      idle_run_seconds_median: Number(median(idle.map((entry) => entry.seconds)).toFixed(2)),
      idle_run_steps: idle[0]!.steps,
      installed_per_idle_run_bytes: installedAfter,
      action_download_bytes: Number(download),
      billed_minutes_per_month: idleMinutesPerMonth(DEFAULT_EVERY),
      free_minutes_private_repo: FREE_MINUTES,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\nbefore: ${result.before.jobs_per_idle_run} jobs per idle run, ${mb(result.before.installed_per_idle_run_bytes)} installed (3 × npm ci of ${mb(nodeModules)}), ${result.before.billed_minutes_per_month.toLocaleString('en-US')} billed min/month`,
  );
  console.log(
    `after:  ${result.after.jobs_per_idle_run} job per idle run in ${result.after.idle_run_seconds_median}s, ${installedAfter} bytes installed (action download ${mb(result.after.action_download_bytes)}), ${result.after.billed_minutes_per_month.toLocaleString('en-US')} billed min/month`,
  );
  await writeFile(
    path.join(PROJECT_ROOT, 'bench/distribution.json'),
    `${JSON.stringify({ measured_at: new Date().toISOString().slice(0, 10), ...result }, null, 2)}\n`,
  );
} finally {
  await cleanupRepos();
}
