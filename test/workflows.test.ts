import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { processIo } from '../src/cli/io.js';
import { cleanupRepos, PROJECT_ROOT, runCli, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

const run = promisify(execFile);
const VALIDATOR = path.join(PROJECT_ROOT, 'node_modules/.bin/action-validator');
const WORKFLOWS = ['reconcile.yml', 'validate.yml', 'pages.yml'];
/** The CLI of PRODUCT.md; workflows may only call these. */
const PRODUCT_COMMANDS = ['validate', 'reconcile', 'plan', 'status', 'maintenance', 'observe', 'notify', 'bot', 'run', 'site', 'schema', 'init', 'keepalive', 'watchdog'];

interface Step {
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const load = async (name: string) => parse(await readFile(path.join(PROJECT_ROOT, '.github/workflows', name), 'utf8')) as Workflow;
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

describe('.github/workflows', () => {
  it.each(WORKFLOWS)('%s passes action-validator', async (name) => {
    await expect(run(VALIDATOR, [path.join(PROJECT_ROOT, '.github/workflows', name)])).resolves.toBeDefined();
  });

  it('action-validator does reject a broken workflow', async () => {
    const bad = path.join(await tempDir(), 'bad.yml');
    await writeFile(bad, 'name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n');
    await expect(run(VALIDATOR, [bad])).rejects.toThrow();
  });

  it.each(WORKFLOWS)('%s: event data only through env:, steps thin, never pull_request_target', async (name) => {
    const workflow = await load(name);
    expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    for (const step of steps(workflow).filter((s) => s.run !== undefined)) {
      expect(step.run).not.toContain('${{');
      expect(step.run).toMatch(/^(npm (ci|run [\w:-]+( --if-present)?)|npx labwarden [^\n;&|]+?( >> "\$GITHUB_STEP_SUMMARY")?)$/);
    }
  });

  it('validate.yml: pull_request, read-only, no secrets, no persisted credentials, plan into the job summary', async () => {
    const text = await readFile(path.join(PROJECT_ROOT, '.github/workflows/validate.yml'), 'utf8');
    const workflow = await load('validate.yml');
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(Object.values(workflow.jobs).every((job) => job.permissions === undefined)).toBe(true);
    expect(text).not.toMatch(/secrets\.|github\.token|GITHUB_TOKEN/);
    const checkout = steps(workflow).find((s) => s.uses?.startsWith('actions/checkout'))!;
    expect(checkout.with).toEqual({ 'fetch-depth': 2, 'persist-credentials': false });
    expect(steps(workflow).map((s) => s.run).filter(Boolean)).toContain('npx labwarden plan --base HEAD^1 >> "$GITHUB_STEP_SUMMARY"');
  });

  it('reconcile.yml: schedule + dispatch + push to world/ and admin.jsonl; one non-cancelling group; least privilege per job', async () => {
    const workflow = await load('reconcile.yml');
    expect(workflow.on).toMatchObject({ schedule: [{ cron: '*/10 * * * *' }], push: { paths: ['world/**', 'chronicle/admin.jsonl'] } });
    expect(Object.keys(workflow.on)).toContain('workflow_dispatch');
    expect(workflow.concurrency).toEqual({ group: 'labwarden-reconcile', 'cancel-in-progress': false });
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.reconcile!.permissions).toEqual({ contents: 'write' });
    expect(workflow.jobs.keepalive!.permissions).toEqual({ actions: 'write' });
    expect(steps(workflow).map((s) => s.run)).toEqual(expect.arrayContaining(['npx labwarden validate', 'npx labwarden reconcile --push', 'npx labwarden keepalive --workflow reconcile.yml']));
    expect(workflow.jobs.site!.uses).toBe('./.github/workflows/pages.yml');
  });

  it('reconcile.yml: notify commits its log; a final watchdog step always runs, fed by env only', async () => {
    const reconcile = (await load('reconcile.yml')).jobs.reconcile!.steps!;
    const runs = reconcile.map((s) => s.run).filter(Boolean);
    // notifications.jsonl must reach the remote, or the next (fresh) checkout resends everything.
    expect(runs).toContain('npx labwarden notify --push');
    const last = reconcile.at(-1)!;
    expect(last.run).toBe('npx labwarden watchdog');
    expect(last.if).toBe('${{ always() }}');
    expect(last.env).toMatchObject({ LABWARDEN_JOB_STATUS: '${{ job.status }}', DISCORD_WEBHOOK_URL: '${{ secrets.DISCORD_WEBHOOK_URL }}' });
    // Every step the watchdog names has the id it refers to.
    const ids = new Set(reconcile.map((s) => s.id).filter(Boolean));
    for (const [, id] of last.env!.LABWARDEN_STEPS!.matchAll(/steps\.([\w-]+)\.outcome/g)) expect(ids).toContain(id);
    expect([...last.env!.LABWARDEN_STEPS!.matchAll(/steps\./g)]).toHaveLength(3);
  });

  it('pages.yml: the site shows the last reconcile, fetched from the heartbeat branch', async () => {
    expect(steps(await load('pages.yml')).map((s) => s.run)).toContain('npx labwarden site build --out site/dist --heartbeat-remote origin');
  });

  it('every labwarden command a workflow runs is in the product CLI, and the ones built here run', async () => {
    const registered = new Set(buildProgram(processIo()).commands.map((c) => c.name()));
    const used = new Set<string>();
    for (const name of WORKFLOWS) for (const step of steps(await load(name))) if (step.run?.startsWith('npx labwarden ')) used.add(step.run.split(' ')[2]!);
    for (const command of used) {
      expect(PRODUCT_COMMANDS).toContain(command);
      if (registered.has(command)) expect((await runCli([command, '--help'])).code).toBe(0);
    }
    expect([...used].filter((c) => registered.has(c)).sort()).toEqual(['keepalive', 'notify', 'plan', 'reconcile', 'site', 'validate', 'watchdog']);
  });
});
