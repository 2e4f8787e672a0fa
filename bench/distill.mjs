#!/usr/bin/env node
// Distiller benchmark: a synthetic year of chronicle (100 services, 50k lines), distilled in a
// fresh process so its peak RSS is the distiller's own. Run: npm run bench:distill
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '../dist/chronicle');
const NOW = Date.parse('2026-11-22T10:05:00Z');

if (process.argv[2] === '--measure') {
  const { measureDistill } = await import(path.join(dist, 'bench.js'));
  process.stdout.write(JSON.stringify(await measureDistill(process.argv[3], NOW)));
} else if (process.argv[2] === '--baseline') {
  await import(path.join(dist, 'bench.js'));
  process.stdout.write(JSON.stringify({ max_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  const { syntheticChronicle } = await import(path.join(dist, 'synthetic.js'));
  const { serializeLine } = await import(path.join(dist, 'line.js'));
  const lines = Number(process.env.LINES ?? 50_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'labwarden-bench-'));
  const file = path.join(dir, 'incidents.jsonl');
  const chronicle = syntheticChronicle({ lines, services: 100, days: 365, start: NOW - 365 * 86_400_000 });
  writeFileSync(file, chronicle.map(serializeLine).join(''));
  const run = (...args) =>
    JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { encoding: 'utf8' }));
  const baseline = run('--baseline');
  const runs = [1, 2, 3].map(() => run('--measure', file));
  rmSync(dir, { recursive: true, force: true });
  const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[1];
  console.log(`distill: ${runs[0].lines} lines, ${runs[0].services} services, 365 days (median of 3 fresh processes)`);
  console.log(`  parse+validate ${median('parse_ms')} ms wall / ${median('parse_cpu_ms')} ms CPU`);
  console.log(`  distill        ${median('distill_ms')} ms wall / ${median('distill_cpu_ms')} ms CPU`);
  console.log(
    `  load average at the end: ${(await import('node:os')).loadavg()[0].toFixed(1)} (wall time grows with it; CPU time much less)`,
  );
  console.log(`  peak RSS ${median('max_rss_mib')} MiB (node + modules alone: ${baseline.max_rss_mib} MiB)`);
}
