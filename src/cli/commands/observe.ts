import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from '../../model/index.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, runObserve, spawnRunner } from '../../observer/index.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';
import { progressLine, progressWanted } from '../progress.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function duration(value: string): number {
  if (!/^(\d+(ms|s|m|h))+$|^\d+$/.test(value)) throw new InvalidArgumentError('expected a duration such as 5s or 1500ms');
  const ms = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  if (ms <= 0) throw new InvalidArgumentError('expected a duration above zero');
  return ms;
}

export function observeCommand(io: Io): Command {
  return new Command('observe')
    .description("run each service's probe and write world/nodes/<node>.yaml (only when something observable changed)")
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--node <node>', 'observe only this node (default: every node in the inventory)')
    .option('--now <iso>', 'time written as observed_at and seen_at (default: the wall clock)')
    .option('--concurrency <n>', 'probes in flight at once', positive, DEFAULT_CONCURRENCY)
    .option('--timeout <duration>', "per-probe timeout unless the probe sets `timeout`", duration, DEFAULT_TIMEOUT_MS)
    .option('--heartbeat', 'also force-push the heartbeat branch labwarden/heartbeat/<node>')
    .option('--remote <name>', 'remote for --heartbeat', 'origin')
    .addHelpText('after', '\nExample:\n  labwarden observe --repo ~/homelab --node media --heartbeat')
    .action(async (options: { repo: string; node?: string; now?: string; concurrency: number; timeout: number; heartbeat?: boolean; remote: string }) => {
      const now = parseNow(options.now);
      // The only terminal check: the display goes to stderr, so stdout stays parseable.
      const progress = progressWanted(process.stderr, process.env) ? progressLine((text) => process.stderr.write(text), 'probes') : undefined;
      let results;
      try {
        results = await runObserve({
          repo: repoDir(options.repo),
          node: options.node,
          now,
          runner: spawnRunner,
          concurrency: options.concurrency,
          timeoutMs: options.timeout,
          onProgress: progress?.update,
          pushHeartbeatTo: options.heartbeat ? options.remote : undefined,
        });
      } finally {
        progress?.clear();
      }
      for (const result of results) {
        const counts = Object.entries(result.counts).map(([status, n]) => `${n} ${status}`).join(', ') || 'no services';
        io.out(`${result.node}: ${result.probes} probes, ${counts}; ${result.file} ${result.changed ? 'written' : 'unchanged'}`);
      }
    });
}
