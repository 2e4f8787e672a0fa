import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticHomelab } from '../bench/generate.mjs';
import { describeDrain } from '../src/maintenance/state.js';
import type { DrainProgress } from '../src/model/index.js';
import { launchChromium, serveStatic, type StaticSite } from './helpers/browser.js';
import { cleanupRepos, copyDemo, makeRepo, PROJECT_ROOT, runCli, tempDir } from './helpers/repo.js';

const BUILD_TIMEOUT = 240_000;
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const XSS_IMG = '<img src=x onerror=alert(1)>';
const XSS_SCRIPT = '<script>alert("rec")</script>';

async function build(repo: string, base = '/'): Promise<string> {
  const out = path.join(await tempDir('labwarden-site-'), 'dist');
  const result = await runCli(['site', 'build', '--repo', repo, '--out', out, '--base', base]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return out;
}

/** Every HTML page of a built site, as paths relative to the base. */
async function pagesOf(out: string): Promise<string[]> {
  const entries = await readdir(out, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name === 'index.html')
    .map((entry) => path.relative(out, path.join(entry.parentPath, entry.name)).replace(/index\.html$/, ''))
    .sort();
}

interface Visit {
  page: Page;
  problems: string[];
  dialogs: string[];
  go: (url: string) => Promise<void>;
}

/** A tab that records what a reader should never see: console errors, failed loads, dialogs. */
async function openTab(browser: Browser): Promise<Visit> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const go = async (url: string) => {
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) problems.push(`${response?.status()} ${url}`);
  };
  return { page, problems, dialogs, go };
}

async function visit(browser: Browser, url: string): Promise<Visit> {
  const tab = await openTab(browser);
  await tab.go(url);
  return tab;
}

let browser: Browser;
const servers: StaticSite[] = [];
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
  await cleanupRepos();
});

describe('site: the demo homelab without a chronicle, under a base path', () => {
  let out: string;
  let site: StaticSite;
  let status: { summary: string; recommendations: { id: string; reason: string; node: string }[] };
  beforeAll(async () => {
    const repo = await copyDemo();
    await rm(path.join(repo, 'chronicle'), { recursive: true, force: true });
    // The reconciler's heartbeat, as a remote-less runner leaves it (git-ignored, never committed).
    await mkdir(path.join(repo, '.labwarden/heartbeats'), { recursive: true });
    await writeFile(path.join(repo, '.labwarden/heartbeats/_reconciler.json'), '{"node":"_reconciler","seen_at":"2026-11-22T10:04:00Z"}\n');
    status = JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8'));
    out = await build(repo, '/homelab');
    site = await serveStatic(out, '/homelab/');
    servers.push(site);
  }, BUILD_TIMEOUT);

  it('loads every page without console errors or failed requests', async () => {
    const pages = await pagesOf(out);
    expect(pages).toEqual(expect.arrayContaining(['', 'incidents/', 'maintenance/', 'nodes/media/', 'services/media/jellyfin/']));
    const tab = await openTab(browser);
    for (const relative of pages) {
      await tab.go(site.url + relative);
      expect(tab.problems, relative).toEqual([]);
      expect(await tab.page.locator('main h1').count(), relative).toBe(1);
    }
    await tab.page.close();
  }, 120_000);

  it('shows the summary and every recommendation on the overview, and says the chronicle is missing', async () => {
    const { page, problems } = await visit(browser, site.url);
    expect(await page.locator('#summary').getAttribute('data-summary')).toBe(status.summary);
    expect(await page.locator('#summary').innerText()).toContain(status.summary);
    for (const rec of status.recommendations) {
      const row = page.locator(`tr[data-recommendation="${rec.id}"]`);
      await expect(row.count(), rec.id).resolves.toBe(1);
      expect(await row.innerText()).toContain(rec.reason);
    }
    expect(await page.locator('main').innerText()).toContain('No chronicle yet');
    expect(await page.locator('#last-reconcile').innerText()).toBe('last reconcile 2026-11-22 10:04 UTC');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview.png'), fullPage: true });
    expect((await stat(path.join(ARTIFACTS, 'overview.png'))).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  });

  it('reaches a node page by clicking it in the node grid', async () => {
    const { page } = await visit(browser, site.url);
    await Promise.all([page.waitForURL('**/homelab/nodes/media/', { timeout: 10_000 }), page.locator('#nodes a', { hasText: 'media' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('Node media');
    await Promise.all([page.waitForURL('**/homelab/services/media/jellyfin/', { timeout: 10_000 }), page.locator('main a', { hasText: 'jellyfin' }).first().click()]);
    expect(await page.locator('main').innerText()).toContain('HTTP 503 from /health');
  });

  it('keeps the overview under 100 KB and writes status.json and the badges', async () => {
    const html = await readFile(path.join(out, 'index.html'), 'utf8');
    const css = [...html.matchAll(/href="\/homelab\/(_astro\/[^"]+\.css)"/g)].map((match) => match[1]!);
    let bytes = Buffer.byteLength(html);
    for (const file of css) bytes += (await stat(path.join(out, file))).size;
    expect(bytes).toBeLessThan(100 * 1024);
    expect(html).not.toContain('<script');
    const links = [...html.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((link) => !link.startsWith('/homelab/'))).toEqual([]);

    const json = JSON.parse(await readFile(path.join(out, 'status.json'), 'utf8'));
    expect(json.summary).toBe(status.summary);
    expect(json.last_reconcile).toBe('2026-11-22T10:04:00Z');
    expect(json.recommendations.map((r: { id: string }) => r.id)).toEqual(status.recommendations.map((r) => r.id));
    expect(Object.keys(json.nodes)).toEqual(['apps', 'backup', 'gateway', 'media', 'pi', 'storage']);
    expect(await readFile(path.join(out, 'badge.svg'), 'utf8')).toContain(`homelab: ${status.summary}`);
    for (const state of ['nominal', 'degraded', 'unstable', 'reconciling']) {
      expect(await readFile(path.join(out, `badges/${state}.svg`), 'utf8')).toMatch(/^<svg [^>]*role="img"/);
    }
  });
});

const INCIDENTS = [
  { id: 'media/jellyfin/1', at: '2026-11-20T08:00:00Z', event: 'opened', fingerprint: 'media/jellyfin/unhealthy_service', node: 'media', service: 'jellyfin', drift: 'unhealthy_service', severity: 'warning', recommendation: 'reconcile_required', action: 'redeploy', reason: '<script>alert(2)</script> HTTP 503' },
  { id: 'media/jellyfin/1', at: '2026-11-20T09:00:00Z', event: 'escalated', fingerprint: 'media/jellyfin/unhealthy_service', node: 'media', service: 'jellyfin', drift: 'unhealthy_service', severity: 'critical', recommendation: 'reconcile_required', action: 'redeploy', reason: 'still failing' },
  { id: 'media/jellyfin/1', at: '2026-11-20T10:30:00Z', event: 'resolved', fingerprint: 'media/jellyfin/unhealthy_service', node: 'media', service: 'jellyfin', drift: 'unhealthy_service', severity: 'critical', recommendation: 'reconcile_required', action: 'redeploy', reason: 'status ok' },
  { id: 'pi/offline_node/1', at: '2026-11-22T08:27:00Z', event: 'opened', fingerprint: 'pi/offline_node', node: 'pi', drift: 'offline_node', severity: 'critical', recommendation: 'reconcile_required', action: 'failover_review', reason: 'not seen since 08:12' },
  { id: 'backup/loki/1', at: '2026-11-21T10:00:00Z', event: 'opened', fingerprint: 'backup/loki/unhealthy_service', node: 'backup', service: 'loki', drift: 'unhealthy_service', severity: 'info', recommendation: 'reconcile_recommended', action: 'redeploy', reason: 'ingester ring not ready' },
];
describe('site: a chronicle, maintenance, and hostile text', () => {
  let out: string;
  let site: StaticSite;
  let reconciled: { nodes: Record<string, { maintenance?: { state: string; drain?: DrainProgress } }> };
  beforeAll(async () => {
    const repo = await copyDemo();
    // A fresh history: no chronicle, and no status/ that witnessed the old admin chain.
    await rm(path.join(repo, 'chronicle'), { recursive: true, force: true });
    await rm(path.join(repo, 'status'), { recursive: true, force: true });
    await mkdir(path.join(repo, 'chronicle'));
    // Operator events through the CLI, folded by a real reconcile: the site shows what status/ holds.
    const admin = async (...args: string[]) => expect((await runCli([...args, '--repo', repo])).code).toBe(0);
    await admin('maintenance', 'enter', 'media', '--actor', 'alice', '--reason', `${XSS_IMG} disk swap`, '--now', '2026-11-22T09:50:00Z');
    await admin('maintenance', 'cordon', 'storage', '--actor', '"><svg onload=alert(4)>', '--reason', 'flaky NIC', '--now', '2026-11-22T09:55:00Z');
    await admin('silence', '--node', 'backup', '--until', '2026-11-30T00:00:00Z', '--actor', 'bob', '--reason', 'UPS tests', '--now', '2026-11-22T10:00:00Z');
    expect((await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:05:00Z'])).code).toBe(0);
    reconciled = JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8'));
    await writeFile(path.join(repo, 'chronicle/incidents.jsonl'), `${INCIDENTS.map((line) => JSON.stringify(line)).join('\n')}\nnot json\n`);
    await appendFile(path.join(repo, 'inventory/hosts/media/host.yaml'), `description: "${XSS_IMG}"\n`);
    const world = path.join(repo, 'world/nodes/media.yaml');
    await writeFile(world, (await readFile(world, 'utf8')).replace('HTTP 503 from /health', XSS_IMG));
    const statusFile = path.join(repo, 'status/recommendations.json');
    const status = JSON.parse(await readFile(statusFile, 'utf8'));
    status.recommendations.unshift({ id: 'media/jellyfin/failed_deployment', event: 'reconcile_blocked', drift: 'failed_deployment', action: 'diagnostics', node: 'media', service: 'jellyfin', severity: 'critical', reason: XSS_SCRIPT, since: '2026-11-22T09:40:00Z' });
    await writeFile(statusFile, JSON.stringify(status));
    out = await build(repo);
    site = await serveStatic(out);
    servers.push(site);
  }, BUILD_TIMEOUT);

  it('renders hostile text as text on every page: no dialog, no console error', async () => {
    const tab = await openTab(browser);
    for (const relative of await pagesOf(out)) {
      await tab.go(site.url + relative);
      expect(tab.dialogs, relative).toEqual([]);
      expect(tab.problems, relative).toEqual([]);
      expect(await tab.page.locator('main img, main svg').count(), relative).toBe(0);
    }
    await tab.page.close();
    const overview = await visit(browser, site.url);
    expect(await overview.page.locator('#reconcile_blocked').innerText()).toContain(XSS_SCRIPT);
    const node = await visit(browser, `${site.url}nodes/media/`);
    expect(await node.page.locator('main').innerText()).toContain(XSS_IMG);
  }, 120_000);

  it('shows 90 availability bars with a text alternative, MTTR and incident history', async () => {
    const { page } = await visit(browser, `${site.url}services/media/jellyfin/`);
    expect(await page.locator('.bars li').count()).toBe(90);
    expect(await page.locator('.bars li.d-down').count()).toBe(1);
    const text = await page.locator('main').innerText();
    expect(text).toContain('1 day down (2026-11-20)');
    expect(text).toMatch(/MTTR\s+2h30m/);
    expect(text).toContain('<script>alert(2)</script> HTTP 503');
    const pi = await visit(browser, `${site.url}services/pi/home-assistant/`);
    expect(await pi.page.locator('main').innerText()).toContain('1 day down (2026-11-22)');
  });

  it('filters the incident timeline from the query string', async () => {
    const all = await visit(browser, `${site.url}incidents/`);
    expect(await all.page.locator('#timeline tbody tr:visible').count()).toBe(INCIDENTS.length);
    expect(await all.page.locator('main').innerText()).toContain('1 chronicle line');
    const media = await visit(browser, `${site.url}incidents/?node=media`);
    expect(await media.page.locator('#timeline tbody tr:visible').count()).toBe(3);
    expect(await media.page.locator('#filter-status').innerText()).toBe('Showing 3 of 5 events.');
    const critical = await visit(browser, `${site.url}incidents/?severity=critical`);
    expect(await critical.page.locator('#timeline tbody tr:visible').count()).toBe(3);
    await critical.page.selectOption('select[name="service"]', 'backup/loki');
    await critical.page.selectOption('select[name="severity"]', '');
    await Promise.all([critical.page.waitForURL(/service=backup%2Floki/), critical.page.click('form.filters button')]);
    expect(await critical.page.locator('#timeline tbody tr:visible').count()).toBe(1);
  });

  it('shows maintenance states, silences and the admin log', async () => {
    const { page } = await visit(browser, `${site.url}maintenance/`);
    const now = await page.locator('#maintenance-now').innerText();
    // Exactly what status/ says, in the CLI's words: state, since and drain for every node not Active.
    const away = Object.entries(reconciled.nodes).filter(([, node]) => node.maintenance && node.maintenance.state !== 'Active');
    expect(away.map(([name, node]) => [name, node.maintenance!.state])).toEqual([
      ['media', 'EnteringMaintenance'],
      ['storage', 'Cordoned'],
    ]);
    expect(await page.locator('#maintenance-now tbody tr').count()).toBe(away.length);
    expect(now).toMatch(/media\s+EnteringMaintenance\s+2026-11-22 09:50 UTC/);
    expect(now).toContain(describeDrain(reconciled.nodes.media!.maintenance!.drain!));
    expect(now).toMatch(/storage\s+Cordoned\s+2026-11-22 09:55 UTC/);
    expect(await page.locator('main').innerText()).toContain('backup until 2026-11-30 00:00 UTC, by bob: UPS tests');
    expect(await page.locator('#admin-log tbody tr').count()).toBe(3);
  });

  it('publishes the incidents as an Atom feed with escaped text', async () => {
    const feed = await readFile(path.join(out, 'incidents.xml'), 'utf8');
    expect(feed).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(feed.match(/<entry>/g)).toHaveLength(INCIDENTS.length);
    expect(feed).not.toContain('<script>');
    expect(feed).toContain('&#60;script&#62;alert(2)');
    const { page, problems } = await visit(browser, `${site.url}incidents.xml`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('site: unusual homelabs still build', () => {
  it('an empty homelab', async () => {
    const out = await build(await makeRepo({}));
    const site = await serveStatic(out);
    servers.push(site);
    const { page, problems } = await visit(browser, site.url);
    expect(problems).toEqual([]);
    const text = await page.locator('main').innerText();
    expect(text).toContain('No nodes yet');
    expect(text).toContain('No status/recommendations.json yet');
    expect(await page.locator('#summary').getAttribute('data-summary')).toBe('unknown');
    expect(await page.locator('#last-reconcile').innerText()).toBe('no reconcile recorded');
  }, BUILD_TIMEOUT);

  it('1,000 nodes', async () => {
    const repo = await tempDir();
    await writeSyntheticHomelab(repo, { nodes: 1000, servicesPerNode: 1, incidentsPerNode: 1 });
    const reconcile = await runCli(['reconcile', '--repo', repo, '--now', '2026-11-22T10:05:00Z']);
    expect(reconcile.code).toBe(0);
    const out = await build(repo);
    expect((await pagesOf(out)).length).toBe(1 + 2 + 1000 + 1000);
    const site = await serveStatic(out);
    servers.push(site);
    const { page, problems } = await visit(browser, site.url);
    expect(problems).toEqual([]);
    expect(await page.locator('#nodes > li').count()).toBe(1000);
    const service = await visit(browser, `${site.url}services/node0999/web/`);
    expect(service.problems).toEqual([]);
    expect(await service.page.locator('.bars li').count()).toBe(90);
  }, BUILD_TIMEOUT);
});

