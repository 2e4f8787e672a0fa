import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeSyntheticHomelab } from '../bench/generate.mjs';
import { relative } from '../site/src/lib/relative.js';
import { maintenanceFromStatus } from '../src/maintenance/status-view.js';
import { siteStatusSchema } from '../src/site/status-json.js';
import { launchChromium, serveStatic, type StaticSite } from './helpers/browser.js';
import { cleanupRepos, copyDemo, makeRepo, PROJECT_ROOT, runCli, tempDir } from './helpers/repo.js';

const BUILD_TIMEOUT = 240_000;
const XSS_IMG = '<img src=x onerror=alert(1)>';
const XSS_SCRIPT = '<script>alert(2)</script>';

const NOW = '2026-11-22T10:05:00Z';
const SHOTS = process.env.LABWARDEN_SHOTS;

async function build(repo: string, base = '/', extra: string[] = []): Promise<string> {
  const out = path.join(await tempDir('labwarden-site-'), 'dist');
  const result = await runCli(['site', 'build', '--repo', repo, '--out', out, '--base', base, ...extra]);
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

type Status = {
  summary: string;
  recommendations: { id: string; reason: string; node: string }[];
  nodes: Record<string, { health: string; maintenance?: unknown }>;
};
const readStatus = async (repo: string): Promise<Status> =>
  JSON.parse(await readFile(path.join(repo, 'status/recommendations.json'), 'utf8'));

async function reconcile(repo: string, now = NOW): Promise<void> {
  const result = await runCli(['reconcile', '--repo', repo, '--now', now]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

/** Every world snapshot observed at `at`, with `edit` applied: one observation round of the homelab. */
async function observeAll(
  repo: string,
  at: string,
  edit: (node: string, text: string) => string = (_n, t) => t,
): Promise<void> {
  const dir = path.join(repo, 'world/nodes');
  for (const file of await readdir(dir)) {
    const text = await readFile(path.join(dir, file), 'utf8');
    const stamped = text.replace(/(observed_at"?:\s*"?)[0-9TZ:-]+/, `$1${at}`);
    await writeFile(path.join(dir, file), edit(file.replace(/\.(yaml|json)$/, ''), stamped));
  }
}

/**
 * What the site must show for a node's maintenance: exactly status/'s record, read by the one
 * reader (`maintenanceFromStatus`); checked on the overview and the maintenance page.
 */
async function expectMaintenanceFromStatus(page: Page, url: string, status: Status): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  const shown = await page
    .locator('#nodes > li')
    .evaluateAll((items) =>
      items.map((item) => [
        item.getAttribute('data-node'),
        item.getAttribute('data-maintenance'),
        item.querySelector('.drain')?.textContent ?? null,
      ]),
    );
  const expected = Object.keys(status.nodes)
    .sort()
    .map((name) => {
      const view = maintenanceFromStatus(status.nodes[name]!.maintenance);
      return [name, view.state, view.drain?.text ?? null];
    });
  expect(shown).toEqual(expected);
  const away = expected.filter(([, state]) => state !== 'Active');
  // A badge only where a node is not Active, in words.
  expect(await page.locator('#nodes > li[data-maintenance="Active"] .node-head .pill').count()).toBe(
    expected.length - away.length,
  );
  await page.goto(`${url}maintenance/`, { waitUntil: 'load' });
  const rows = await page
    .locator('#maintenance-now tbody tr')
    .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText));
  expect(rows).toHaveLength(away.length);
  away.forEach(([name, , drain], i) => {
    expect(rows[i]).toContain(name);
    if (drain) expect(rows[i]).toContain(drain);
  });
  return away.length;
}

/** Primary columns (where, what, severity, since) of every table row lie inside the viewport, and nothing scrolls sideways. */
async function expectNothingOffScreen(page: Page, width: number): Promise<number> {
  const result = await page.evaluate((limit) => {
    const cells = [...document.querySelectorAll('main td[data-label]')].filter((td) =>
      /^(Where|What|Severity|Since|When|Node|State)$/.test(td.getAttribute('data-label')!),
    );
    const outside = cells
      .filter((td) => td.getBoundingClientRect().right > limit + 0.5)
      .map((td) => `${td.getAttribute('data-label')}: ${(td as HTMLElement).innerText}`);
    return { cells: cells.length, outside, scroll: document.documentElement.scrollWidth };
  }, width);
  expect(result.outside).toEqual([]);
  expect(result.scroll).toBeLessThanOrEqual(width);
  return result.cells;
}

describe('site: the demo homelab, reconciled, under a base path', () => {
  let repo: string;
  let out: string;
  let site: StaticSite;
  let status: Status;
  let lastReconcile: string;
  beforeAll(async () => {
    repo = await copyDemo();
    await reconcile(repo);
    status = await readStatus(repo);
    // The reconciler's heartbeat, as a remote-less runner leaves it (git-ignored, never committed).
    const beat = path.join(repo, '.labwarden/heartbeats/_reconciler.json');
    lastReconcile = JSON.parse(await readFile(beat, 'utf8')).seen_at;
    out = await build(repo, '/homelab', ['--site', 'https://lab.example.org', '--now', NOW]);
    site = await serveStatic(out, '/homelab/');
    servers.push(site);
  }, BUILD_TIMEOUT);

  it('loads every page without console errors or failed requests', async () => {
    const pages = await pagesOf(out);
    expect(pages).toEqual(
      expect.arrayContaining(['', 'incidents/', 'maintenance/', 'nodes/media/', 'services/media/jellyfin/']),
    );
    const tab = await openTab(browser);
    for (const relativePath of pages) {
      await tab.go(site.url + relativePath);
      expect(tab.problems, relativePath).toEqual([]);
      expect(await tab.page.locator('main h1').count(), relativePath).toBe(1);
    }
    await tab.page.close();
  }, 120_000);

  it('shows maintenance state and drain exactly as status/ records them, for every node', async () => {
    const { page } = await visit(browser, site.url);
    expect(await expectMaintenanceFromStatus(page, site.url, status)).toBeGreaterThan(0);
    await page.close();
  });

  it('shows the summary, every recommendation, each node with its strip, uptime and every service', async () => {
    const { page, problems } = await visit(browser, site.url);
    expect(await page.locator('#summary').getAttribute('data-summary')).toBe(status.summary);
    for (const rec of status.recommendations)
      expect(await page.locator(`tr[data-recommendation="${rec.id}"]`).count(), rec.id).toBe(1);
    for (const node of Object.keys(status.nodes)) {
      const item = page.locator(`#nodes > li[data-node="${node}"]`);
      expect(await item.locator('.strip').count(), node).toBe(1);
      expect(await item.locator('.uptime').innerText(), node).toMatch(/^\d{1,3}\.\d\d%$/);
      const services = (await readFile(path.join(repo, `inventory/hosts/${node}/services.yaml`), 'utf8')).match(
        /- name: /g,
      )!.length;
      expect(await item.locator('.chips > li').count(), node).toBeGreaterThanOrEqual(services);
    }
    // pi is offline: what its services do now is unknown, shown grey, never a green "ok".
    expect(status.nodes.pi!.health).toBe('offline');
    const pi = await page
      .locator('#nodes > li[data-node="pi"] .chips > li')
      .evaluateAll((chips) => chips.map((chip) => [chip.getAttribute('data-status'), chip.className]));
    expect(pi.length).toBeGreaterThan(0);
    expect(pi.every(([state, cls]) => state === 'unknown' && cls!.includes('tone-neutral'))).toBe(true);
    expect(await page.locator('#last-reconcile time').getAttribute('datetime')).toBe(
      new Date(lastReconcile).toISOString(),
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the demo history's operator maintenance and its failed drain (scripts/demo-history.mjs)", async () => {
    const tab = await openTab(browser);
    await tab.go(`${site.url}maintenance/`);
    const log = await tab.page
      .locator('#admin-log tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) =>
          ['Who', 'What', 'Node', 'Why'].map((label) => row.querySelector(`td[data-label="${label}"]`)!.textContent),
        ),
      );
    // Newest first: today's two events, then carol's maintenance of pi, then alice's of media.
    expect(log.slice(2)).toEqual([
      ['carol', 'Exit maintenance', 'pi', 'drain failed: apps is down; SD card swap postponed'],
      ['carol', 'Enter maintenance', 'pi', 'replace the SD card before it wears out'],
      ['alice', 'Exit maintenance', 'media', 'HBA swapped, all disks healthy'],
      ['alice', 'Enter maintenance', 'media', 'move the media disks to the new HBA card'],
    ]);
    // The drain of pi failed (its only failover target, apps, was down): an incident of the node,
    // opened at the drain deadline, escalated, resolved when carol called the maintenance off.
    await tab.go(`${site.url}nodes/pi/`);
    const drain = tab.page.locator('tr', {
      has: tab.page.locator('td[data-label="What"]', { hasText: 'Drain failed' }),
    });
    expect(await drain.count()).toBe(1);
    expect(await drain.locator('td[data-label="Opened"] time').getAttribute('datetime')).toBe(
      '2026-10-23T14:40:00.000Z',
    );
    expect(await drain.locator('td[data-label="Worst"]').innerText()).toMatch(/Critical/);
    expect(await drain.locator('td[data-label="Reason"]').innerText()).toContain(
      'every failover target of home-assistant is down (apps offline)',
    );
    await tab.go(`${site.url}incidents/?node=pi`);
    expect(await tab.page.locator('#timeline tr[data-node="pi"]', { hasText: 'Drain failed' }).count()).toBe(3);
    expect(tab.problems).toEqual([]);
    await tab.page.close();
  });

  it("shows each recommendation's runbook as `status --runbooks` gives it, on the overview and the node and service pages", async () => {
    const text = (await runCli(['status', '--runbooks', '--repo', repo])).stdout;
    // `  apps/immich-ml  unhealthy_service -> redeploy  [...]` then `      runbook: TITLE (skill, risk R); next: NEXT`
    const expected = new Map<string, string>();
    let id = '';
    for (const line of text.split('\n')) {
      const head = /^ {2}(\S+) {2}(\S+) -> /.exec(line);
      if (head) id = `${head[1]}/${head[2]}`;
      const runbook = /^ {6}runbook: (.*) \([a-z0-9-]+, risk \w+\); next: (.*)$/.exec(line);
      if (runbook) expected.set(id, `${runbook[1]}\nNext: ${runbook[2]}`);
    }
    expect(expected.size).toBeGreaterThan(2);
    // The demo's OOM-killed container gets the docker out-of-memory skill.
    expect(expected.get('apps/immich-ml/unhealthy_service')).toMatch(/^Container killed for memory/);
    const { page } = await visit(browser, site.url);
    for (const rec of status.recommendations) {
      const cell = page.locator(`tr[data-recommendation="${rec.id}"] td[data-label="Runbook"]`);
      const want = expected.get(rec.id);
      if (want) expect((await cell.innerText()).trim(), rec.id).toBe(want);
      else expect(await cell.getAttribute('class'), rec.id).toBe('empty');
    }
    for (const relativePath of ['nodes/apps/', 'services/apps/immich-ml/']) {
      await page.goto(site.url + relativePath);
      const cell = page.locator('tr[data-recommendation="apps/immich-ml/unhealthy_service"] td[data-label="Runbook"]');
      expect((await cell.innerText()).trim(), relativePath).toBe(expected.get('apps/immich-ml/unhealthy_service'));
    }
    await page.close();
  });

  it('speaks words, not identifiers', async () => {
    const tab = await openTab(browser);
    for (const relativePath of ['', 'incidents/', 'maintenance/', 'nodes/gateway/', 'nodes/apps/']) {
      await tab.go(site.url + relativePath);
      // A runbook's next step is a command to type (`labwarden diagnose node/service/drift`), set as code.
      let text = await tab.page.locator('main').innerText();
      for (const command of await tab.page.locator('main code').allInnerTexts()) {
        text = text.replace(command, '');
      }
      expect(text, relativePath).not.toMatch(/\b[a-z]+_[a-z_]+\b|\b(Entering|Exiting)Maintenance\b|DrainFailed/);
    }
    await tab.go(site.url);
    const text = await tab.page.locator('main').innerText();
    expect(text).toContain('Entering maintenance');
    expect(text).toContain('Unhealthy service: waiting for apps/immich-ml');
    await tab.page.close();
  });

  it('writes relative times against the data, exact times in tooltips, refreshed while open', async () => {
    const { page } = await visit(browser, site.url);
    const times = await page
      .locator('time[data-rel]')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('datetime'), el.getAttribute('title'), el.textContent]));
    expect(times.length).toBeGreaterThan(10);
    // The browser's clock is later than --now: the script rewrote them against it.
    for (const [datetime, title, text] of times) {
      expect(title).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      expect(text).toBe(relative(Date.parse(datetime!), Date.now()));
    }
    // As built (no script): against the data's reference time, so the same inputs give the same bytes.
    const html = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(html).toMatch(
      /<time datetime="2026-11-22T08:12:00\.000Z" title="2026-11-22 08:12 UTC" data-rel>1 h ago<\/time>/,
    );
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="300"></noscript>');
    await page.close();

    // A tab left open: times follow the clock, and a newer status.json reloads the page.
    const tab = await browser.newPage();
    await tab.clock.install({ time: new Date(NOW) });
    await tab.goto(site.url, { waitUntil: 'load' });
    let loads = 0;
    tab.on('load', () => loads++);
    const pi = tab.locator('#nodes > li[data-node="pi"] .seen time');
    expect(await pi.innerText()).toBe('1 h ago');
    await tab.clock.fastForward(3 * 3_600_000);
    expect(await pi.innerText()).toBe('4 h ago');
    await tab.clock.runFor(61_000);
    await tab.waitForTimeout(1_000);
    // Same status.json as the page was built from: no reload.
    expect(loads).toBe(0);
    await tab.route('**/status.json', async (route) => {
      const body = JSON.parse((await (await route.fetch()).text()) as string);
      await route.fulfill({ json: { ...body, as_of: '2026-11-22T14:00:00Z' } });
    });
    const reloaded = tab.waitForEvent('load');
    await tab.clock.runFor(61_000);
    await reloaded;
    await tab.close();
  });

  it('keeps dates on one line and every primary column on screen at 1280 and 390 px', async () => {
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.clock.setFixedTime(new Date(NOW));
      for (const relativePath of ['', 'incidents/', 'maintenance/', 'nodes/media/']) {
        await page.goto(site.url + relativePath, { waitUntil: 'load' });
        await expectNothingOffScreen(page, width);
        const wrapped = await page
          .locator('main time')
          .evaluateAll(
            (els) =>
              els.filter((el) => el.getClientRects().length > 1 || getComputedStyle(el).whiteSpace !== 'nowrap').length,
          );
        expect(wrapped, `${width} ${relativePath}`).toBe(0);
        if (SHOTS)
          await page.screenshot({
            path: path.join(SHOTS, `${relativePath.replace(/\//g, '-') || 'overview-'}${width}.png`),
            fullPage: true,
          });
      }
      // On a phone a table is a stack of cards, each value labelled by its column.
      await page.goto(site.url, { waitUntil: 'load' });
      const display = await page
        .locator('#reconcile_required tbody tr')
        .first()
        .evaluate((tr) => getComputedStyle(tr).display);
      expect(display).toBe(width === 390 ? 'block' : 'table-row');
      await page.close();
    }
  }, 120_000);

  it('publishes status.json with its JSON Schema, here and under schema/', async () => {
    const json = JSON.parse(await readFile(path.join(out, 'status.json'), 'utf8'));
    const published = await readFile(path.join(out, 'status.schema.json'), 'utf8');
    expect(published).toBe(siteStatusSchema());
    expect(published).toBe(await readFile(path.join(PROJECT_ROOT, 'schema/site-status.schema.json'), 'utf8'));
    const schema = z.fromJSONSchema(JSON.parse(published));
    expect(schema.safeParse(json).error).toBeUndefined();
    expect(schema.safeParse({ ...json, summary: 'fine' }).success).toBe(false);
    expect(json.summary).toBe(status.summary);
    expect(json.last_reconcile).toBe(lastReconcile);
    expect(json.recommendations.map((r: { id: string }) => r.id)).toEqual(status.recommendations.map((r) => r.id));
    // The runbook rides along where a skill matches (the schema says so: an optional field).
    const oom = json.recommendations.find((r: { id: string }) => r.id === 'apps/immich-ml/unhealthy_service');
    expect(oom.runbook).toMatchObject({
      skill: 'docker-oom',
      risk: 'medium',
      title: expect.stringMatching(/^Container/),
    });
    expect(schema.safeParse({ ...json, recommendations: [{ ...oom, runbook: { title: 'x' } }] }).success).toBe(false);
    expect(Object.keys(json.nodes)).toEqual(['apps', 'backup', 'gateway', 'media', 'pi', 'storage']);
    expect(json.nodes.gateway.maintenance).toEqual({
      ...maintenanceFromStatus(status.nodes.gateway!.maintenance),
      actor: undefined,
      reason: undefined,
      until: undefined,
    });
  });

  it('links each Atom entry to its own incident anchor; the feed id comes from the site URL', async () => {
    const feed = await readFile(path.join(out, 'incidents.xml'), 'utf8');
    const links = [...feed.matchAll(/<entry>[\s\S]*?<link href="([^"]+)"\/>/g)].map((m) => m[1]!);
    const lines = (await readFile(path.join(repo, 'chronicle/incidents.jsonl'), 'utf8')).trim().split('\n');
    expect(links).toHaveLength(lines.length);
    expect(new Set(links).size).toBe(links.length);
    expect(feed).toMatch(/^ {2}<id>urn:uuid:[0-9a-f-]{36}<\/id>$/m);
    const link = links[0]!;
    expect(link).toMatch(/^https:\/\/lab\.example\.org\/homelab\/incidents\/#i-[0-9a-f]{16}$/);
    const { page } = await visit(browser, `${site.url}incidents/${link.slice(link.indexOf('#'))}`);
    expect(await page.locator(':target').count()).toBe(1);
    expect(await page.locator(':target').getAttribute('data-node')).toBeTruthy();
    await page.close();
  });

  it('keeps the overview small and every link under the base', async () => {
    const html = await readFile(path.join(out, 'index.html'), 'utf8');
    const css = [...html.matchAll(/href="\/homelab\/(_astro\/[^"]+\.css)"/g)].map((match) => match[1]!);
    let bytes = Buffer.byteLength(html);
    for (const file of css) bytes += (await stat(path.join(out, file))).size;
    expect(bytes).toBeLessThan(100 * 1024);
    const links = [...html.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((link) => !link.startsWith('/homelab/'))).toEqual([]);
    expect(await readFile(path.join(out, 'badge.svg'), 'utf8')).toContain(`homelab: ${status.summary}`);
    for (const state of ['nominal', 'degraded', 'unstable', 'reconciling']) {
      expect(await readFile(path.join(out, `badges/${state}.svg`), 'utf8')).toMatch(/^<svg [^>]*role="img"/);
    }
  });
});

describe('site: a history reconciled step by step, maintenance, and hostile text', () => {
  let repo: string;
  let out: string;
  let site: StaticSite;
  let status: Status;
  let lines: { id: string; node: string; service?: string; severity: string }[];
  beforeAll(async () => {
    repo = await copyDemo();
    // A fresh history: no chronicle, and no status/ that witnessed the old admin chain.
    await rm(path.join(repo, 'chronicle'), { recursive: true, force: true });
    await rm(path.join(repo, 'status'), { recursive: true, force: true });
    await mkdir(path.join(repo, 'chronicle'));
    const original = new Map<string, string>();
    for (const file of await readdir(path.join(repo, 'world/nodes')))
      original.set(file, await readFile(path.join(repo, 'world/nodes', file), 'utf8'));
    // Two days ago jellyfin failed with a hostile detail, stayed down past escalate_after, then recovered.
    const jellyfin = (state: string) => (node: string, text: string) =>
      node === 'media'
        ? text
            .replace(/- \{ name: jellyfin, [^}]*\}/, `- { name: jellyfin, ${state} }`)
            .replace(/deployments:[\s\S]*$/, '')
        : text;
    for (const [at, state] of [
      ['2026-11-20T08:00:00Z', `status: failed, detail: "${XSS_SCRIPT} HTTP 503"`],
      ['2026-11-20T09:00:00Z', `status: failed, detail: "${XSS_SCRIPT} HTTP 503"`],
      ['2026-11-20T10:30:00Z', 'status: ok'],
      ['2026-11-20T10:40:00Z', 'status: ok'],
    ] as const) {
      await observeAll(repo, at, jellyfin(state));
      await reconcile(repo, at);
    }
    for (const [file, text] of original)
      await writeFile(
        path.join(repo, 'world/nodes', file),
        file === 'media.yaml' ? text.replace('HTTP 503 from /health', XSS_IMG) : text,
      );
    // Operator events through the CLI, folded by the real reconcile: the site shows what status/ holds.
    const admin = async (...args: string[]) => expect((await runCli([...args, '--repo', repo])).code).toBe(0);
    await admin(
      'maintenance',
      'enter',
      'media',
      '--actor',
      'alice',
      '--reason',
      `${XSS_IMG} disk swap`,
      '--now',
      '2026-11-22T09:50:00Z',
    );
    await admin(
      'maintenance',
      'cordon',
      'storage',
      '--actor',
      '"><svg onload=alert(4)>',
      '--reason',
      'flaky NIC',
      '--now',
      '2026-11-22T09:55:00Z',
    );
    await admin(
      'silence',
      '--node',
      'backup',
      '--until',
      '2026-11-30T00:00:00Z',
      '--actor',
      'bob',
      '--reason',
      'UPS tests',
      '--now',
      '2026-11-22T10:00:00Z',
    );
    await appendFile(path.join(repo, 'inventory/hosts/media/host.yaml'), `description: "${XSS_IMG}"\n`);
    await reconcile(repo);
    status = await readStatus(repo);
    // The homelab's own skills: one with a hostile title (more specific than the built-in for an
    // offline node), and one broken file, which must cost its runbook and nothing else.
    await mkdir(path.join(repo, 'inventory/skills'));
    await writeFile(
      path.join(repo, 'inventory/skills/pi-gone.yaml'),
      `id: pi-gone\ntitle: "${XSS_IMG} node gone"\nfamily: node\nmatch: { drift: [offline_node], detail: ["not seen since"] }\nrisk: low\n`,
    );
    await writeFile(path.join(repo, 'inventory/skills/broken.yaml'), 'id: broken\ntitle: [unclosed\n');
    lines = (await readFile(path.join(repo, 'chronicle/incidents.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    out = await build(repo);
    site = await serveStatic(out);
    servers.push(site);
  }, BUILD_TIMEOUT);

  it('renders hostile text as text on every page: no dialog, no console error', async () => {
    const tab = await openTab(browser);
    for (const relativePath of await pagesOf(out)) {
      await tab.go(site.url + relativePath);
      expect(tab.dialogs, relativePath).toEqual([]);
      expect(tab.problems, relativePath).toEqual([]);
      expect(await tab.page.locator('main img, main svg').count(), relativePath).toBe(0);
    }
    await tab.page.close();
    const node = await visit(browser, `${site.url}nodes/media/`);
    expect(await node.page.locator('main').innerText()).toContain(XSS_IMG);
    const jellyfin = await visit(browser, `${site.url}services/media/jellyfin/`);
    expect(await jellyfin.page.locator('main').innerText()).toContain(`${XSS_SCRIPT} HTTP 503`);
  }, 120_000);

  it("shows a homelab skill's hostile title as text; a broken skill file costs its runbook only, and is noted", async () => {
    const { page, dialogs, problems } = await visit(browser, site.url);
    const cell = page.locator('tr[data-recommendation="pi/offline_node"] td[data-label="Runbook"]');
    expect(await cell.locator('.runbook-title').innerText()).toBe(`${XSS_IMG} node gone`);
    expect(await cell.locator('img').count()).toBe(0);
    expect(await cell.locator('.runbook-next').innerText()).toMatch(/^Next: /);
    // Every other recommendation still gets its built-in runbook where one matches.
    expect(await page.locator('td[data-label="Runbook"].runbook').count()).toBeGreaterThan(1);
    expect(await page.locator('aside.notes').innerText()).toMatch(
      /inventory\/skills\/broken\.yaml:3:1 Flow sequence .*: that skill gives no runbook/,
    );
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows 90 availability bars with a text alternative, MTTR and incident history from the chronicle', async () => {
    const { page } = await visit(browser, `${site.url}services/media/jellyfin/`);
    expect(await page.locator('.bars li').count()).toBe(90);
    // Escalated to critical on the 20th: a red day; failing again since today.
    expect(await page.locator('.bars li.d-down').count()).toBe(1);
    const text = await page.locator('main').innerText();
    expect(text).toContain('1 day down (2026-11-20)');
    expect(text).toMatch(/MTTR\s+2h3\dm/);
    const overview = await visit(browser, site.url);
    expect(await overview.page.locator('#nodes > li[data-node="media"] .uptime').innerText()).toMatch(/^\d\d\.\d\d%$/);
  });

  it('shows maintenance state and drain exactly as status/ records them', async () => {
    const page = await browser.newPage();
    expect(await expectMaintenanceFromStatus(page, site.url, status)).toBe(2);
    await page.goto(`${site.url}maintenance/`);
    expect(await page.locator('main').innerText()).toContain('backup until 2026-11-30 00:00 UTC, by bob: UPS tests');
    expect(await page.locator('#admin-log tbody tr').count()).toBe(3);
    await page.close();
  });

  it('filters the incident timeline from the query string', async () => {
    const all = await visit(browser, `${site.url}incidents/`);
    expect(await all.page.locator('#timeline tbody tr:visible').count()).toBe(lines.length);
    const media = await visit(browser, `${site.url}incidents/?node=media`);
    const onMedia = lines.filter((line) => line.node === 'media').length;
    expect(await media.page.locator('#timeline tbody tr:visible').count()).toBe(onMedia);
    expect(await media.page.locator('#filter-status').innerText()).toBe(
      `Showing ${onMedia} of ${lines.length} events.`,
    );
    const critical = await visit(browser, `${site.url}incidents/?severity=critical`);
    expect(await critical.page.locator('#timeline tbody tr:visible').count()).toBe(
      lines.filter((line) => line.severity === 'critical').length,
    );
    await critical.page.selectOption('select[name="service"]', 'media/jellyfin');
    await critical.page.selectOption('select[name="severity"]', '');
    await Promise.all([
      critical.page.waitForURL(/service=media%2Fjellyfin/),
      critical.page.click('form.filters button'),
    ]);
    expect(await critical.page.locator('#timeline tbody tr:visible').count()).toBe(
      lines.filter((line) => line.service === 'jellyfin').length,
    );
  });

  it('publishes the incidents as an Atom feed with escaped text', async () => {
    const feed = await readFile(path.join(out, 'incidents.xml'), 'utf8');
    expect(feed).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(feed.match(/<entry>/g)).toHaveLength(lines.length);
    expect(feed).not.toContain('<script>');
    expect(feed).toContain('&#60;script&#62;alert(2)');
    const { page, problems } = await visit(browser, `${site.url}incidents.xml`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('site: unusual homelabs still build', () => {
  it(
    'an empty homelab',
    async () => {
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
    },
    BUILD_TIMEOUT,
  );

  it(
    '1,000 nodes: maintenance and drain equal status/ for every node',
    async () => {
      const repo = await tempDir();
      await writeSyntheticHomelab(repo, { nodes: 1000, servicesPerNode: 1, incidentsPerNode: 1 });
      const admin = async (...args: string[]) =>
        expect((await runCli([...args, '--repo', repo, '--actor', 'alice', '--reason', 'test'])).code).toBe(0);
      await admin('maintenance', 'enter', 'node0007', '--now', '2026-11-22T09:00:00Z');
      await admin('maintenance', 'cordon', 'node0500', '--now', '2026-11-22T09:10:00Z');
      await admin('maintenance', 'enter', 'node0999', '--now', '2026-11-22T10:00:00Z');
      await reconcile(repo);
      const status = await readStatus(repo);
      const out = await build(repo);
      expect((await pagesOf(out)).length).toBe(1 + 2 + 1000 + 1000);
      const site = await serveStatic(out);
      servers.push(site);
      const { page, problems } = await visit(browser, site.url);
      expect(problems).toEqual([]);
      expect(await page.locator('#nodes > li').count()).toBe(1000);
      expect(await expectMaintenanceFromStatus(page, site.url, status)).toBe(3);
      const service = await visit(browser, `${site.url}services/node0999/web/`);
      expect(service.problems).toEqual([]);
      expect(await service.page.locator('.bars li').count()).toBe(90);
    },
    BUILD_TIMEOUT,
  );
});
