import path from 'node:path';
import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import { formatTime, parseDuration } from '../../model/index.js';
import { acquireLock } from '../../runner/lock.js';
import { runLoop } from '../../runner/loop.js';
import { describeCycleError, runCycle } from '../../runner/cycle.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

export const LOCK_FILE = '.labwarden/run.lock';

export function runCommand(io: Io): Command {
  return new Command('run')
    .description('local runner: every period pull, reconcile, commit and push; one log line per cycle (cron/systemd friendly)')
    .option('--repo <dir>', 'homelab repo (a clone)', '.')
    .option('--every <duration>', 'period between cycles, e.g. 5m', '5m')
    .option('--once', 'run one cycle and exit')
    .option('--cycles <n>', 'stop after n cycles')
    .option('--no-push', 'commit locally only')
    .addHelpText('after', '\nExample:\n  labwarden run --repo /srv/homelab --every 5m   # as a systemd ExecStart=')
    .action(async (options: { repo: string; every: string; once?: boolean; cycles?: string; push: boolean }) => {
      const every = /^(\d+(ms|s|m|h|d|w))+$|^\d+$/.test(options.every) ? parseDuration(/^\d+$/.test(options.every) ? Number(options.every) : options.every) : Number.NaN;
      if (!(every >= 0)) throw new UserError(`--every: expected a duration such as 30s, 5m or 1h, found "${options.every}"`);
      const repo = repoDir(options.repo);
      const lock = await acquireLock(path.join(repo, LOCK_FILE));
      const stop = new AbortController();
      const onSignal = (signal: string) => {
        io.err(`${signal}: stopping after the current cycle`);
        stop.abort();
      };
      const onTerm = () => onSignal('SIGTERM');
      const onInt = () => onSignal('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      try {
        const { cycles, lastFailed } = await runLoop({
          every,
          maxCycles: options.once ? 1 : options.cycles ? Number(options.cycles) : undefined,
          signal: stop.signal,
          cycle: () => runCycle({ repo, now: Date.now(), push: options.push }),
          log: (line) => io.out(line),
          describeError: (error) => describeCycleError(error, Date.now()),
        });
        // Under cron (--once) a failed cycle must fail the job; a long-running loop keeps going.
        if (lastFailed && (options.once || options.cycles)) io.exitCode = 1;
        io.err(`${formatTime(Date.now())} runner stopped after ${cycles} cycle${cycles === 1 ? '' : 's'}`);
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        await lock.release();
      }
    });
}
