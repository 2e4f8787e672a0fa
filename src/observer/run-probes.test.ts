import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbeAdapter } from './probes/index.js';
import { runProbes, type ProbeJob } from './run-probes.js';
import { spawnRunner } from './runner.js';

/** Running (not gone, not a zombie waiting for a reaper that a container's PID 1 may never be). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

const jobs = (n: number): ProbeJob[] =>
  Array.from({ length: n }, (_, i) => ({ id: `n/s${i}`, probe: { command: `probe ${i}` } }));

describe('runProbes', () => {
  it('never has more than `concurrency` probes in flight and reports progress', async () => {
    let inFlight = 0;
    let peak = 0;
    const adapter: ProbeAdapter = {
      kind: 'command',
      async run() {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { status: 'ok', detail: 'exit 0' };
      },
    };
    const progress: string[] = [];
    const results = await runProbes(jobs(30), {
      runner: spawnRunner,
      concurrency: 4,
      adapters: { command: adapter },
      onProgress: (done, total) => progress.push(`${done}/${total}`),
    });
    expect(results.size).toBe(30);
    expect(peak).toBe(4);
    expect(progress[0]).toBe('0/30');
    expect(progress.at(-1)).toBe('30/30');
    expect(progress).toHaveLength(31);
  });

  it('does not wait for an adapter that ignores the abort signal', async () => {
    const stubborn: ProbeAdapter = { kind: 'command', run: () => new Promise(() => {}) };
    const started = performance.now();
    const results = await runProbes(jobs(4), {
      runner: spawnRunner,
      concurrency: 2,
      timeoutMs: 100,
      adapters: { command: stubborn },
    });
    const elapsed = performance.now() - started;
    expect([...results.values()]).toEqual(
      Array(4).fill({ status: 'failed', detail: 'command probe timed out after 100ms' }),
    );
    // Two rounds of two: timeout × ceil(4 / 2).
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('turns an adapter that throws into a failed outcome', async () => {
    const broken: ProbeAdapter = {
      kind: 'command',
      run: async () => {
        throw new Error('boom');
      },
    };
    const results = await runProbes(jobs(1), { runner: spawnRunner, adapters: { command: broken } });
    expect(results.get('n/s0')).toEqual({ status: 'failed', detail: 'command probe error: boom' });
  });

  it('kills the whole process group of a timed-out command', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'labwarden-pg-'));
    const pidFile = path.join(dir, 'pid');
    await runProbes([{ id: 'n/hang', probe: { command: `sleep 30 & echo $! > ${pidFile}; wait` } }], {
      runner: spawnRunner,
      timeoutMs: 300,
    });
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await alive(grandchild)).toBe(false);
  });
});
