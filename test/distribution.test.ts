import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEPALIVE_CRON } from '../src/init/index.js';
import { runWorkflow, type RunRecord } from './helpers/actions-runner.js';
import { launchChromium, serveStatic } from './helpers/browser.js';
import { git } from './helpers/git.js';
import { cleanupRepos, PROJECT_ROOT, runCli, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

/** The scaffold is made with `--action local/labwarden@test`; the runner resolves it to this checkout. */
const ACTION = 'local/labwarden';
const world = (node: string, at: string) => `node: ${node}\nobserved_at: ${at}\nstatus: online\nservices: []\n`;

/** The action as a runner downloads it from a release tag: action.yml and the bundle, nothing installed. */
async function releasedAction(): Promise<string> {
  const dir = await tempDir('labwarden-action-');
  await cp(path.join(PROJECT_ROOT, 'action.yml'), path.join(dir, 'action.yml'));
  await cp(path.join(PROJECT_ROOT, 'dist/action'), path.join(dir, 'dist/action'), { recursive: true, filter: (source) => !/\.(js|d\.ts)$/.test(source) });
  return dir;
}

/** `labwarden init` pointing at this checkout, plus world files, pushed to a bare remote. */
async function scaffoldRemote(nodes: string[], worlds: Record<string, string>): Promise<{ remote: string; work: string }> {
  const root = await tempDir('labwarden-scaffold-');
  const work = path.join(root, 'homelab');
  const init = await runCli(['init', work, '--nodes', nodes.join(','), '--action', `${ACTION}@test`]);
  expect(init.code, init.stderr).toBe(0);
  expect(init.stdout).toContain('Git: a new repository on branch main');
  expect(init.stdout).toContain('every 30 minutes ≈ 1,470 billed Actions minutes a month');
  for (const [node, text] of Object.entries(worlds)) {
    await mkdir(path.join(work, 'world/nodes'), { recursive: true });
    await writeFile(path.join(work, `world/nodes/${node}.yaml`), text);
  }
  const remote = path.join(root, 'remote.git');
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  await git(work, 'add', '-A');
  await git(work, 'commit', '--quiet', '-m', 'labwarden init');
  await git(work, 'remote', 'add', 'origin', remote);
  await git(work, 'push', '--quiet', '-u', 'origin', 'main');
  return { remote, work };
}

const commits = async (remote: string) => Number(await git(remote, 'rev-list', '--count', 'main'));
const jobs = (run: RunRecord) => Object.fromEntries(run.jobs.map((job) => [job.name, job.result]));
const log = (run: RunRecord, job: string) => run.steps.filter((step) => step.job === job).map((step) => step.log).join('\n');
const schedule = { name: 'schedule', schedule: '*/30 * * * *' };

describe("the scaffold's workflows, executed step by step as a runner would", () => {
  let action: string;
  beforeAll(async () => {
    action = await releasedAction();
  });

  it('schedule: the first run pushes one commit; a second, idle run is one job that pushes nothing and builds no site', async () => {
    const { remote, work } = await scaffoldRemote(['nas'], { nas: world('nas', new Date().toISOString()) });
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
    const { remote, work } = await scaffoldRemote(['nas', 'pi'], { nas: world('nas', now), pi: 'node: pi\nobserved_at: yesterday\nstatus: [broken\n' });
    const workflow = path.join(work, '.github/workflows/reconcile.yml');
    const first = await runWorkflow(workflow, { remote, event: schedule, actions: { [ACTION]: action } });
    // Designed: reconcile succeeds (the job is green, no red X every run), the problem is reported and alerted.
    expect(jobs(first).reconcile, log(first, 'reconcile')).toBe('success');
    const clone = path.join(await tempDir(), 'check');
    await git(path.dirname(clone), 'clone', '--quiet', remote, clone);
    const status = JSON.parse(await readFile(path.join(clone, 'status/recommendations.json'), 'utf8')) as { nodes: Record<string, { health: string }> };
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
    const run = await runWorkflow(path.join(work, '.github/workflows/reconcile.yml'), { remote, event: schedule, actions: { [ACTION]: action } });
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
      const run = await runWorkflow(path.join(work, '.github/workflows/reconcile.yml'), { remote, event: { name: 'schedule', schedule: KEEPALIVE_CRON }, actions: { [ACTION]: action }, env: { GITHUB_API_URL: `http://127.0.0.1:${port}` } });
      expect(jobs(run)).toEqual({ reconcile: 'skipped', keepalive: 'success', site: 'skipped' });
      expect(requests).toEqual(['PUT /repos/owner/homelab/actions/workflows/reconcile.yml/enable Bearer ghs_stand-in-token']);
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
    const run = await runWorkflow(path.join(work, '.github/workflows/validate.yml'), { remote, event: { name: 'pull_request' }, actions: { [ACTION]: action } });
    expect(jobs(run)).toEqual({ validate: 'success' });
    const summary = run.jobs[0]!.summary;
    expect(summary).toContain('### labwarden validate: ok');
    expect(summary).toContain('ok: 1 nodes, 1 services, 0 world snapshots');
    expect(summary).toMatch(/jellyfin/);
    expect(await commits(remote)).toBe(before);
  }, 60_000);

  it('a run on a branch that is not the default one does nothing and says so in one line', async () => {
    const { work } = await scaffoldRemote(['nas'], {});
    const event = path.join(await tempDir(), 'event.json');
    await writeFile(event, JSON.stringify({ repository: { default_branch: 'main' } }));
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [path.join(action, 'dist/action/labwarden.mjs')], {
        cwd: work,
        env: { PATH: process.env.PATH, GITHUB_WORKSPACE: work, GITHUB_REF: 'refs/heads/master', GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_EVENT_PATH: event, 'INPUT_COMMAND': 'cycle' },
      }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.out.trim().split('\n')).toEqual([expect.stringMatching(/^::error::labwarden reconciles the default branch \(main\); this run is on refs\/heads\/master, so nothing was done\. Run the workflow on main/)]);
  }, 30_000);
});

describe('the pages job', () => {
  it('without Pages enabled: one line that says how to enable it, nothing deployed', async () => {
    const { remote, work } = await scaffoldRemote(['nas'], {});
    const run = await runWorkflow(path.join(work, '.github/workflows/pages.yml'), { remote, event: { name: 'workflow_dispatch' }, actions: { [ACTION]: PROJECT_ROOT }, pages: 'failure' });
    expect(jobs(run)).toEqual({ build: 'failure', deploy: 'skipped' });
    expect(log(run, 'build')).toContain('::error::GitHub Pages is not enabled for this repository, so the site cannot be deployed. Enable it: Settings → Pages → Build and deployment → Source: GitHub Actions');
    expect(run.deployed).toEqual([]);
  }, 30_000);

  it('after a run that changed the status: builds under the project-site base path from configure-pages; CSS, links, status.json and the feed resolve in Chromium', async () => {
    const { remote, work } = await scaffoldRemote(['nas'], { nas: world('nas', new Date().toISOString()) });
    // The action folder with Astro present: the site mode installs it only when missing.
    const run = await runWorkflow(path.join(work, '.github/workflows/reconcile.yml'), {
      remote,
      event: schedule,
      actions: { [ACTION]: PROJECT_ROOT },
      pages: { base_path: '/homelab', base_url: 'https://owner.github.io/homelab', origin: 'https://owner.github.io', host: 'owner.github.io' },
    });
    expect(jobs(run), JSON.stringify(run.steps.filter((step) => step.outcome === 'failure'))).toEqual({ reconcile: 'success', keepalive: 'skipped', build: 'success', deploy: 'success', site: 'success' });
    expect(run.deployed).toHaveLength(1);
    const out = run.deployed[0]!;
    expect((await stat(path.join(out, 'index.html'))).isFile()).toBe(true);
    const site = await serveStatic(out, '/homelab/');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const failed: string[] = [];
      const icon = `${site.url}badge.svg`;
      page.on('requestfailed', (request) => {
        // Chromium drops a page's favicon request when the next navigation starts; the icon itself is checked below.
        if (request.url() === icon && request.failure()?.errorText === 'net::ERR_ABORTED') return;
        failed.push(`failed ${request.url()} ${request.failure()?.errorText} on ${page.url()}`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      await page.goto(site.url, { waitUntil: 'load' });
      // Styled: the stylesheet under /homelab/ loaded and applies.
      const sheets = await page.evaluate(() => [...document.styleSheets].map((sheet) => sheet.href ?? 'inline'));
      expect(sheets.some((href) => href.includes('/homelab/_astro/'))).toBe(true);
      const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href).filter((href) => href.startsWith(location.origin)));
      expect(links.length).toBeGreaterThan(2);
      for (const link of [...new Set(links)]) {
        expect(new URL(link).pathname.startsWith('/homelab/'), link).toBe(true);
        await page.goto(link, { waitUntil: 'load' });
      }
      expect((await page.goto(icon))!.status()).toBe(200);
      const json = await page.goto(`${site.url}status.json`);
      expect(JSON.parse(await json!.text()).summary).toBe('nominal');
      const feed = await page.goto(`${site.url}incidents.xml`);
      expect(await feed!.text()).toContain('https://owner.github.io/homelab');
      expect(failed).toEqual([]);
    } finally {
      await browser.close();
      await site.close();
    }
  }, 90_000);
});
