/**
 * `npm run bench`: generates synthetic homelabs, times reconcile against the floor (read +
 * parse only) and the no-change path, measures peak RSS of a cold CLI run, prints a table
 * and writes bench/results.json. Options: --sizes 100,1000,5000 --repeats 7 (at least 5).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHomelab, GENERATED_NOW } from './generate.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const SERVICES = 20;
const SEED = 42;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1]! : fallback;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface Case {
  nodes: number;
  services: number;
  format: 'yaml' | 'json';
  files: number;
  megabytes: number;
  floorMs: number;
  fullMs: number;
  noChangeMs: number;
  fullOverFloor: number;
  noChangeOverFull: number;
  noChangeOverFloor: number;
  cliColdWallMs: number;
  peakRssMb: number;
}

async function measureCase(nodes: number, format: 'yaml' | 'json', repeats: number): Promise<Case> {
  const dir = path.join(BENCH, 'tmp', `${format}-${nodes}x${SERVICES}`);
  const files = await generateHomelab({
    dir,
    nodes,
    services: SERVICES,
    seed: SEED,
    format,
    chronicleLines: nodes * 10,
  });
  const bytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);

  const worker = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(BENCH, 'measure.ts'), dir, String(repeats)],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const samples = JSON.parse(worker.trim().split('\n').at(-1)!) as {
    floor: number[];
    full: number[];
    noChange: number[];
  };

  // Peak RSS of a cold run in a fresh process: the built CLI code, as a user runs it.
  execFileSync('rm', ['-rf', path.join(dir, 'status'), path.join(dir, '.labwarden')]);
  const rss = spawnSync(
    process.execPath,
    [path.join(BENCH, 'rss.mjs'), 'reconcile', '--repo', dir, '--now', GENERATED_NOW],
    { encoding: 'utf8' },
  );
  const cli = JSON.parse(rss.stderr.trim().split('\n').at(-1)!) as { code: number; wallMs: number; maxRssKb: number };
  if (cli.code !== 0) throw new Error(`reconcile exited ${cli.code}: ${rss.stderr}`);

  const floorMs = median(samples.floor);
  const fullMs = median(samples.full);
  const noChangeMs = median(samples.noChange);
  return {
    nodes,
    services: SERVICES,
    format,
    files: Object.keys(files).length,
    megabytes: round(bytes / 1e6, 1),
    floorMs: round(floorMs, 0),
    fullMs: round(fullMs, 0),
    noChangeMs: round(noChangeMs, 0),
    fullOverFloor: round(fullMs / floorMs),
    noChangeOverFull: round(noChangeMs / fullMs),
    noChangeOverFloor: round(noChangeMs / floorMs),
    cliColdWallMs: round(cli.wallMs, 0),
    peakRssMb: round(cli.maxRssKb / 1024, 0),
  };
}

function table(cases: Case[]): string {
  const header = [
    'nodes×svc',
    'world',
    'files',
    'MB',
    'floor ms',
    'full ms',
    'no-change ms',
    'full/floor',
    'no-change/full',
    'no-change/floor',
    'CLI cold ms',
    'peak RSS MB',
  ];
  const rows = cases.map((c) =>
    [
      `${c.nodes}×${c.services}`,
      c.format,
      c.files,
      c.megabytes,
      c.floorMs,
      c.fullMs,
      c.noChangeMs,
      c.fullOverFloor,
      c.noChangeOverFull,
      c.noChangeOverFloor,
      c.cliColdWallMs,
      c.peakRssMb,
    ].map(String),
  );
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padStart(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const sizes = option('sizes', '100,1000,5000').split(',').map(Number);
  const repeats = Math.max(5, Number(option('repeats', '7')));
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 0),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((load) => round(load)),
  };
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}; load ${machine.loadAverageAtStart.join(' ')}`,
  );
  console.log(`median of ${repeats} repeats; floor, full and no-change interleaved in one process per case\n`);

  const cases: Case[] = [];
  for (const nodes of sizes) {
    for (const format of ['yaml', 'json'] as const) {
      const result = await measureCase(nodes, format, repeats);
      cases.push(result);
      console.log(
        `  ${nodes}×${SERVICES} ${format}: full ${result.fullMs} ms (${result.fullOverFloor}× floor), no-change ${result.noChangeMs} ms, RSS ${result.peakRssMb} MB`,
      );
    }
  }
  const find = (nodes: number, format: string) => cases.find((c) => c.nodes === nodes && c.format === format);
  const growth = Object.fromEntries(
    (['yaml', 'json'] as const).flatMap((format) => {
      const small = find(1000, format);
      const large = find(5000, format);
      return small && large ? [[format, round(large.fullMs / small.fullMs)]] : [];
    }),
  );
  const targets = {
    'full ≤ 1.5× floor': cases.every((c) => c.fullOverFloor <= 1.5),
    'full ≤ 3 s at 1,000×20': cases.filter((c) => c.nodes === 1000).every((c) => c.fullMs <= 3000),
    '5× nodes ≤ 6× time': Object.values(growth).every((ratio) => ratio <= 6),
    'peak RSS ≤ 512 MB': cases.every((c) => c.peakRssMb <= 512),
    'no-change ≤ 0.5× full': cases.every((c) => c.noChangeOverFull <= 0.5),
  };
  console.log(`\n${table(cases)}\n`);
  console.log(`growth 1,000 → 5,000 nodes (full): ${JSON.stringify(growth)}`);
  for (const [target, met] of Object.entries(targets)) console.log(`${met ? 'met   ' : 'MISSED'} ${target}`);
  const results = {
    machine,
    repeats,
    seed: SEED,
    note: 'Times are medians; compare ratios within this run, not absolute times across runs.',
    cases,
    growth,
    targets,
  };
  await writeFile(path.join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
}

await main();
