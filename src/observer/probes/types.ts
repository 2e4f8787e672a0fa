import type { Probe, ProbeKind } from '../../model/index.js';
import type { CommandRunner } from '../runner.js';

/** What one probe concluded. `detail` is stable text; latency is kept apart (see snapshot.ts). */
export interface ProbeOutcome {
  status: 'ok' | 'degraded' | 'failed' | 'stopped';
  detail: string;
  latencyMs?: number;
}

export interface ProbeContext {
  /** Aborted when the probe's timeout expires: adapters stop their I/O. */
  signal: AbortSignal;
  timeoutMs: number;
  runner: CommandRunner;
  /** Monotonic milliseconds, for latency. */
  clock: () => number;
}

/** One probe kind (http, tcp, systemd, docker, command): one small file each, listed in index.ts. */
export interface ProbeAdapter {
  kind: ProbeKind;
  run(probe: Probe, context: ProbeContext): Promise<ProbeOutcome>;
}

/** The last non-empty line of a tool's output, trimmed to something that fits in a detail. */
export function lastLine(text: string, max = 160): string {
  const line =
    text
      .trim()
      .split('\n')
      .filter((part) => part.trim() !== '')
      .pop()
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
