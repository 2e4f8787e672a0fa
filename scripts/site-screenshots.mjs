#!/usr/bin/env node
// Regenerates docs/dashboard.png (1280 px) and docs/dashboard-phone.png (390 px, the whole page) from
// the demo homelab, and (with --shots DIR) screenshots of the main pages at 1280 and 390 px. Needs `npm run build` first and Chromium (scripts/ensure-chromium.mjs).
//   node scripts/site-screenshots.mjs [--shots DIR] [--site BUILT_SITE_DIR]
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium, serveStatic } from './browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NOW = '2026-11-22T10:05:00Z';
const { values } = parseArgs({ options: { shots: { type: 'string' }, site: { type: 'string' } } });

const work = await mkdtemp(path.join(tmpdir(), 'labwarden-shots-'));
const browser = await launchChromium();
try {
  let dir = values.site ? path.resolve(values.site) : path.join(work, 'site');
  if (!values.site) {
    const cli = path.join(root, 'bin/labwarden.js');
    execFileSync(process.execPath, [cli, 'site', 'build', '--repo', root, '--out', dir, '--now', NOW], {
      stdio: 'inherit',
    });
  }
  const site = await serveStatic(dir);
  // A fixed clock in the page, so relative times read as they did at --now, whenever this runs.
  const context = async (width) => {
    const page = await browser.newPage({ viewport: { width, height: width < 600 ? 844 : 900 }, deviceScaleFactor: 1 });
    await page.clock.setFixedTime(new Date(NOW));
    return page;
  };
  const shoot = async (page, relative, file, fullPage = true) => {
    await page.goto(site.url + relative, { waitUntil: 'load' });
    await page.screenshot({ path: file, fullPage });
    console.log(path.relative(process.cwd(), file));
  };
  const wide = await context(1280);
  await shoot(wide, '', path.join(root, 'docs/dashboard.png'), false);
  const narrow = await context(390);
  await shoot(narrow, '', path.join(root, 'docs/dashboard-phone.png'));
  if (values.shots) {
    const shots = path.resolve(values.shots);
    await mkdir(shots, { recursive: true });
    const pages = [
      ['overview', ''],
      ['incidents', 'incidents/'],
      ['maintenance', 'maintenance/'],
      ['node-gateway', 'nodes/gateway/'],
    ];
    for (const [name, relative] of pages) {
      await shoot(wide, relative, path.join(shots, `${name}-1280.png`));
      await shoot(narrow, relative, path.join(shots, `${name}-390.png`));
    }
  }
  await site.close();
} finally {
  await browser.close();
  await rm(work, { recursive: true, force: true });
}
