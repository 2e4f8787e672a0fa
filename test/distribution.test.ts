import { createServer } from 'node:http';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEPALIVE_CRON } from '../src/init/index.js';
import { runWorkflow } from './helpers/actions-runner.js';
import {
  ACTION,
  commits,
  jobs,
  log,
  node,
  releasedAction,
  scaffoldRemote,
  schedule,
  world,
} from './helpers/distribution.js';
import { git } from './helpers/git.js';
import { cleanupRepos, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

describe.concurrent("the scaffold's workflows, executed step by step as a runner would", () => {
  let action: string;
  beforeAll(async () => {
    action = (await releasedAction()).dir;
  }, 60_000);

  it('a release tag is HEAD plus the bundle; the tree a runner downloads holds action.yml and its entry, and no node_modules', async () => {
    const { tag, clone } = await releasedAction();
    expect(await git(clone, 'rev-parse', `${tag}^{commit}^`)).toBe(await git(clone, 'rev-parse', 'HEAD'));
    expect(
      (await git(clone, 'diff', '--name-only', 'HEAD', tag))
        .split('\n')
        .every((file) => file.startsWith('dist/action/')),
    ).toBe(true);
    expect(await git(clone, 'status', '--porcelain')).toBe('');
    expect((await stat(path.join(action, 'dist/action/labwarden.mjs'))).isFile()).toBe(true);
    await expect(stat(path.join(action, 'node_modules'))).rejects.toThrow();
    const again = await node([path.join(clone, 'scripts/release-action.mjs')], clone);
    expect(again).toMatchObject({ code: 2, out: expect.stringContaining(`error: tag ${tag} exists already`) });
  }, 60_000);

  it('schedule: the first run pushes one commit; a second, idle run is one job that pushes nothing and builds no site', async () => {
    const { remote, work, init } = await scaffoldRemote(['nas'], { nas: world('nas', new Date().toISOString()) });
    expect(init).toContain('Git: a new repository on branch main');
    expect(init).toContain('every 30 minutes ≈ 1,470 billed Actions minutes a month');
    const workflow = path.join(work, '.github/workflows/reconcile.yml');
    const before = await commits(remote);
    const first = await runWorkflow(workflow, { remote, event: schedule, actions: { [ACTION]: action } });
    expect(jobs(first).reconcile, log(first, 'reconcile')).toBe('success');
    expect(await commits(remote)).toBe(before + 1);
    expect(first.jobs.find((job) => job.name === 'reconcile')!.outputs.site).toBe('true');
    // The secret is optional: one line says where alerts go without it.
    expect(log(first, 'reconcile').match(/DISCORD_WEBHOOK_URL is not set/g)).toHaveLength(1);

    const second = await runWorkflow(workflow, { remote, event: schedule, actions: { [ACTION]: action } });
    expect(jobs(second)).toEqual({ reconcile: 'success', keepalive: 'skipped', site: 'skipped' });
    expect(second.jobs.filter((job) => job.result !== 'skipped')).toHaveLength(1);
    expect(await commits(remote)).toBe(before + 1);
    expect(second.deployed).toEqual([]);
    const summary = second.jobs.find((job) => job.name === 'reconcile')!.summary;
    expect(summary).toContain('### labwarden: nominal');
    expect(summary).toContain('nothing changed: no commit, no site build.');
  }, 60_000);

  it('one invalid world file: the other node is reconciled, the bad one is unknown, the summary says why, the watchdog alerts once', async () => {
    const now = new Date().toISOString();
    const { remote, work } = await scaffoldRemote(['nas', 'pi'], {
      nas: world('nas', now),
      pi: 'node: pi\nobserved_at: yesterday\nstatus: [broken\n',
    });
    const workflow = path.join(work, '.github/workflows/reconcile.yml');
    const first = await runWorkflow(workflow, { remote, event: schedule, actions: { [ACTION]: action } });
    // Designed: reconcile succeeds (the job is green, no red X every run), the problem is reported and alerted.
    expect(jobs(first).reconcile, log(first, 'reconcile')).toBe('success');
    const clone = path.join(await tempDir(), 'check');
    await git(path.dirname(clone), 'clone', '--quiet', remote, clone);
    const status = JSON.parse(await readFile(path.join(clone, 'status/recommendations.json'), 'utf8')) as {
      nodes: Record<string, { health: string }>;
    };
    expect(status.nodes.nas!.health).toBe('online');
    expect(status.nodes.pi!.health).toBe('unknown');
    const summary = first.jobs.find((job) => job.name === 'reconcile')!.summary;
    expect(summary).toMatch(/1 problem in the repo[\s\S]*world\/nodes\/pi\.yaml/);
    expect(log(first, 'reconcile')).toMatch(/::warning file=world\/nodes\/pi\.yaml::/);
    expect(log(first, 'reconcile')).toMatch(/Failing: problems in the repo/);

    const second = await runWorkflow(workflow, { remote, event: schedule, actions: { [ACTION]: action } });
    expect(jobs(second).reconcile).toBe('success');
    expect(log(second, 'reconcile')).not.toMatch(/Failing: problems in the repo/);
  }, 60_000);

  it('an unusable inventory stops the reconcile: the job fails and the watchdog says which step', async () => {
    const { remote, work } = await scaffoldRemote(['nas'], { nas: world('nas', new Date().toISOString()) });
    await writeFile(path.join(work, 'inventory/policy.yaml'), 'stale_after: [not a duration\n');
    await git(work, 'commit', '--quiet', '-am', 'break the policy');
    await git(work, 'push', '--quiet');
    const run = await runWorkflow(path.join(work, '.github/workflows/reconcile.yml'), {
      remote,
      event: schedule,
      actions: { [ACTION]: action },
    });
    expect(jobs(run).reconcile).toBe('failure');
    expect(log(run, 'reconcile')).toContain('inventory/policy.yaml');
    expect(log(run, 'reconcile')).toMatch(/Failing: reconcile workflow[\s\S]*reconcile/);
  }, 60_000);

  it('the daily keepalive cron runs only the keepalive job, through the API', async () => {
    const requests: string[] = [];
    const api = createServer((request, response) => {
      requests.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const { remote, work } = await scaffoldRemote(['nas'], {});
      const port = (api.address() as { port: number }).port;
      const run = await runWorkflow(path.join(work, '.github/workflows/reconcile.yml'), {
        remote,
        event: { name: 'schedule', schedule: KEEPALIVE_CRON },
        actions: { [ACTION]: action },
        env: { GITHUB_API_URL: `http://127.0.0.1:${port}` },
      });
      expect(jobs(run)).toEqual({ reconcile: 'skipped', keepalive: 'success', site: 'skipped' });
      expect(requests).toEqual([
        'PUT /repos/owner/homelab/actions/workflows/reconcile.yml/enable Bearer ghs_stand-in-token',
      ]);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  }, 30_000);

  it('pull request: validate and the plan go to the step summary; nothing is pushed, no credentials persisted', async () => {
    const { remote, work } = await scaffoldRemote(['nas'], {});
    await writeFile(path.join(work, 'inventory/hosts/nas/services.yaml'), 'services:\n  - name: jellyfin\n');
    await git(work, 'commit', '--quiet', '-am', 'add jellyfin');
    await git(work, 'push', '--quiet');
    const before = await commits(remote);
    const run = await runWorkflow(path.join(work, '.github/workflows/validate.yml'), {
      remote,
      event: { name: 'pull_request' },
      actions: { [ACTION]: action },
    });
    expect(jobs(run)).toEqual({ validate: 'success' });
    const summary = run.jobs[0]!.summary;
    expect(summary).toContain('### labwarden validate: ok');
    expect(summary).toContain('ok: 1 node, 1 service, 0 world snapshots');
    expect(summary).toMatch(/jellyfin/);
    expect(await commits(remote)).toBe(before);
  }, 60_000);

  it('a run on a branch that is not the default one does nothing and says so in one line', async () => {
    const { work } = await scaffoldRemote(['nas'], {});
    const event = path.join(await tempDir(), 'event.json');
    await writeFile(event, JSON.stringify({ repository: { default_branch: 'main' } }));
    const result = await node([path.join(action, 'dist/action/labwarden.mjs')], work, {
      PATH: process.env.PATH,
      GITHUB_WORKSPACE: work,
      GITHUB_REF: 'refs/heads/master',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_EVENT_PATH: event,
      INPUT_COMMAND: 'cycle',
    });
    expect(result.code).toBe(2);
    expect(result.out.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^::error::labwarden reconciles the default branch \(main\); this run is on refs\/heads\/master, so nothing was done\. Run the workflow on main/,
      ),
    ]);
  }, 30_000);
});
