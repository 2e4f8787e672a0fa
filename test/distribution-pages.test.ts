import { stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkflow } from './helpers/actions-runner.js';
import { launchChromium, serveStatic } from './helpers/browser.js';
import { ACTION, jobs, log, releasedAction, scaffoldRemote, schedule, world } from './helpers/distribution.js';
import { cleanupRepos, PROJECT_ROOT } from './helpers/repo.js';

afterAll(cleanupRepos);

describe('the pages job', () => {
  // The released action with Astro already installed in its folder (the job's `npm ci
  // --omit=dev` needs the registry; here this checkout's node_modules stands in for it).
  let action: string;
  beforeAll(async () => {
    action = (await releasedAction()).dir;
    await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(action, 'node_modules'));
  }, 60_000);

  it('without Pages enabled: one line that says how to enable it, nothing deployed', async () => {
    const { remote, work } = await scaffoldRemote(['nas'], {});
    const run = await runWorkflow(path.join(work, '.github/workflows/pages.yml'), {
      remote,
      event: { name: 'workflow_dispatch' },
      actions: { [ACTION]: action },
      pages: 'failure',
    });
    expect(jobs(run)).toEqual({ build: 'failure', deploy: 'skipped' });
    expect(log(run, 'build')).toContain(
      '::error::GitHub Pages is not enabled for this repository, so the site cannot be deployed. Enable it: Settings → Pages → Build and deployment → Source: GitHub Actions',
    );
    expect(run.deployed).toEqual([]);
  }, 30_000);

  it('after a run that changed the status: builds under the project-site base path from configure-pages; CSS, links, status.json and the feed resolve in Chromium', async () => {
    const { remote, work } = await scaffoldRemote(['nas'], { nas: world('nas', new Date().toISOString()) });
    // The action folder with Astro present: the site mode installs it only when missing.
    const run = await runWorkflow(path.join(work, '.github/workflows/reconcile.yml'), {
      remote,
      event: schedule,
      actions: { [ACTION]: action },
      pages: {
        base_path: '/homelab',
        base_url: 'https://owner.github.io/homelab',
        origin: 'https://owner.github.io',
        host: 'owner.github.io',
      },
    });
    expect(jobs(run), JSON.stringify(run.steps.filter((step) => step.outcome === 'failure'))).toEqual({
      reconcile: 'success',
      keepalive: 'skipped',
      build: 'success',
      deploy: 'success',
      site: 'success',
    });
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
      const links = await page.evaluate(() =>
        [...document.querySelectorAll('a[href]')]
          .map((a) => (a as HTMLAnchorElement).href)
          .filter((href) => href.startsWith(location.origin)),
      );
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
