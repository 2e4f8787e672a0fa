/**
 * One benchmark worker: in a single process, interleaves `repeats` rounds of the floor
 * (read + parse only), a cold reconcile (no status, no caches) and a no-change reconcile,
 * so their ratios come from the same conditions. Prints one JSON line of timings (ms).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runReconcile, STATUS_FILE } from '../src/reconciler/run.js';
import { RUN_CACHE_FILE } from '../src/reconciler/run-cache.js';
import { PARSE_CACHE_FILE } from '../src/repo/parse-cache-store.js';
import { GENERATED_NOW } from './generate.js';
import { floor } from './floor.js';

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const [repo, repeatsText] = process.argv.slice(2);
  if (!repo) throw new Error('usage: measure.ts REPO [REPEATS]');
  const repeats = Number(repeatsText ?? 5);
  const now = Date.parse(GENERATED_NOW);
  const cold = async () => {
    await rm(path.join(repo, STATUS_FILE), { force: true });
    await rm(path.join(repo, PARSE_CACHE_FILE), { force: true });
    await rm(path.join(repo, RUN_CACHE_FILE), { force: true });
  };
  const samples = { floor: [] as number[], full: [] as number[], noChange: [] as number[] };
  // One untimed round warms the JIT for all three, as a long-running runner would be.
  await floor(repo);
  await cold();
  await runReconcile({ repo, now });
  for (let round = 0; round < repeats; round++) {
    samples.floor.push(await time(() => floor(repo)));
    await cold();
    samples.full.push(await time(() => runReconcile({ repo, now })));
    samples.noChange.push(await time(() => runReconcile({ repo, now })));
  }
  process.stdout.write(`${JSON.stringify(samples)}\n`);
}

await main();
