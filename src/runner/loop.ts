/** Waits `ms`, or less when the signal aborts. Never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface LoopOptions {
  /** Period between cycle starts (ms). */
  every: number;
  /** Stop after this many cycles (default: until aborted). */
  maxCycles?: number;
  signal: AbortSignal;
  /** One cycle; returns its log line. A thrown error becomes the line instead of ending the loop. */
  cycle: (index: number) => Promise<string>;
  /** The line for a failed cycle. */
  describeError?: (error: unknown) => string;
  log: (line: string) => void;
  clock?: () => number;
}

/**
 * Runs `cycle` at a fixed rate until aborted. A cycle in progress always finishes (SIGTERM
 * waits for the commit/push under way), so a stop never leaves a half-done git operation.
 */
export async function runLoop(
  options: LoopOptions,
): Promise<{ cycles: number; failures: number; lastFailed: boolean }> {
  const clock = options.clock ?? Date.now;
  let cycles = 0;
  let failures = 0;
  let lastFailed = false;
  while (!options.signal.aborted && (options.maxCycles === undefined || cycles < options.maxCycles)) {
    const started = clock();
    try {
      options.log(await options.cycle(cycles));
      lastFailed = false;
    } catch (error) {
      failures++;
      lastFailed = true;
      options.log(
        options.describeError
          ? options.describeError(error)
          : `error: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    cycles++;
    if (options.maxCycles !== undefined && cycles >= options.maxCycles) break;
    await pause(options.every - (clock() - started), options.signal);
  }
  return { cycles, failures, lastFailed };
}
