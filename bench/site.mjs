// `npm run bench`: site build time and output size for the demo homelab and synthetic
// 100- and 1,000-node ones. Each homelab is reconciled first, then built once with the CLI.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { writeSyntheticHomelab } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin/labwarden.js');
const NOW = '2026-11-22T10:05:00Z';

async function measure(dir) {
  let bytes = 0;
  let files = 0;
  let pages = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    if (entry.name === 'index.html') pages++;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return { bytes, files, pages };
}

async function bench(name, repo) {
  execFileSync(process.execPath, [cli, 'reconcile', '--repo', repo, '--now', NOW], { stdio: 'ignore' });
  const out = path.join(repo, 'site/dist');
  const started = performance.now();
  execFileSync(process.execPath, [cli, 'site', 'build', '--repo', repo, '--now', NOW], { stdio: 'ignore' });
  const seconds = (performance.now() - started) / 1000;
  const size = await measure(out);
  const html = await readFile(path.join(out, 'index.html'));
  // What a browser downloads: GitHub Pages serves HTML gzip-compressed.
  const overview = `overview ${(html.length / 1024).toFixed(1)} KiB (${(gzipSync(html).length / 1024).toFixed(1)} KiB gzip)`;
  console.log(
    `${name}: build ${seconds.toFixed(1)}s, ${size.pages} pages, ${size.files} files, ${(size.bytes / 1024 / 1024).toFixed(2)} MiB, ${overview}`,
  );
}

const work = await mkdtemp(path.join(tmpdir(), 'labwarden-bench-'));
try {
  const demo = path.join(work, 'demo');
  for (const part of ['inventory', 'world', 'chronicle', 'status'])
    await cp(path.join(root, part), path.join(demo, part), { recursive: true }).catch(() => undefined);
  await bench('demo', demo);
  for (const nodes of [100, 1000]) {
    const repo = path.join(work, `synthetic-${nodes}`);
    await writeSyntheticHomelab(repo, { nodes, servicesPerNode: 4, incidentsPerNode: 2 });
    await bench(`${nodes} nodes x 4 services`, repo);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
