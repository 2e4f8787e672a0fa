import { formatDuration, probeKind, type Probe } from '../model/index.js';
import { PROBES, type ProbeAdapter, type ProbeOutcome } from './probes/index.js';
import type { CommandRunner } from './runner.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from './defaults.js';

export { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS };

export interface ProbeJob {
  /** `node/service`, the key of the result. */
  id: string;
  probe: Probe;
}

export interface ProbeRunOptions {
  runner: CommandRunner;
  /** Monotonic milliseconds (latency only; never written as a time). */
  clock?: () => number;
  concurrency?: number;
  /** Used when a probe has no `timeout` of its own. */
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
  adapters?: Record<string, ProbeAdapter>;
}

/**
 * Runs every probe with at most `concurrency` in flight. Each probe races its timeout: the
 * adapter is told to stop (AbortSignal), but the run does not wait for it to comply, so a
 * probe that ignores the signal still cannot hang the run. The wall time is therefore at
 * most timeout × ceil(jobs / concurrency) plus scheduling overhead.
 */
export async function runProbes(
  jobs: readonly ProbeJob[],
  options: ProbeRunOptions,
): Promise<Map<string, ProbeOutcome>> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const clock = options.clock ?? (() => performance.now());
  const adapters = options.adapters ?? PROBES;
  const results = new Map<string, ProbeOutcome>();
  let next = 0;
  let done = 0;
  options.onProgress?.(0, jobs.length);
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const timeoutMs = job.probe.timeout ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      results.set(job.id, await runOne(adapters[probeKind(job.probe)]!, job.probe, timeoutMs, options.runner, clock));
      options.onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}

async function runOne(
  adapter: ProbeAdapter,
  probe: Probe,
  timeoutMs: number,
  runner: CommandRunner,
  clock: () => number,
): Promise<ProbeOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'failed', detail: `${adapter.kind} probe timed out after ${formatTimeout(timeoutMs)}` });
    }, timeoutMs);
  });
  try {
    const attempt = adapter
      .run(probe, { signal: controller.signal, timeoutMs, runner, clock })
      .catch((error: unknown): ProbeOutcome => ({
        status: 'failed',
        detail: `${adapter.kind} probe error: ${error instanceof Error ? error.message : String(error)}`,
      }));
    // Whichever settles first wins; once the timer fired, a late answer is ignored.
    return await Promise.race([attempt.then((outcome) => (controller.signal.aborted ? timedOut : outcome)), timedOut]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms) : `${ms}ms`;
}
