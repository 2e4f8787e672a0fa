import path from 'node:path';
import { Command } from 'commander';
import { UserError, WriteError } from '../../errors/problem.js';
import { formatTime } from '../../model/duration.js';
import { isName } from '../../model/name-pattern.js';
import type { CycleOptions } from '../../runner/cycle.js';
import type { Check } from '../../watchdog/index.js';
import type { Io } from '../io.js';
import { durationOption, parseNow, repoDir } from '../options.js';

export const LOCK_FILE = '.labwarden/run.lock';

/** A failed cycle, its line already including what the watchdog did about it. */
class ReportedFailure extends Error {
  constructor(readonly line: string) {
    super(line);
  }
}

interface RunOptions {
  repo: string;
  every: number;
  once?: boolean;
  cycles?: string;
  push: boolean;
  observe?: string | boolean;
  notify?: boolean;
  site?: string | boolean;
  now?: string;
}

export function runCommand(io: Io, env: Record<string, string | undefined> = process.env): Command {
  return new Command('run')
    .description(
      'local runner: every period pull, observe?, reconcile, commit, push, notify?, site?; one log line per cycle (cron/systemd friendly)',
    )
    .option('--repo <dir>', 'homelab repo (a clone)', '.')
    .addOption(
      durationOption('--every <duration>', 'period between cycles, e.g. 30s, 5m or 1h', { default: 5 * 60_000 }),
    )
    .option('--once', 'run one cycle and exit')
    .option('--cycles <n>', 'stop after n cycles')
    .option('--no-push', 'commit locally only')
    .option('--observe [node]', 'probe first (every node, or this one) and commit world/nodes/ changes')
    .option(
      '--notify',
      'run NotifyGate and commit chronicle/notifications.jsonl (default: on when DISCORD_WEBHOOK_URL or DISCORD_TOKEN + DISCORD_CHANNEL_ID is set)',
    )
    .option('--no-notify', 'never notify, even with Discord configured')
    .option('--site [dir]', 'build the status site after each cycle (default dir: <repo>/site/dist)')
    .option('--now <iso>', 'time of the first cycle; later cycles add the time elapsed since (default: the wall clock)')
    .addHelpText(
      'after',
      '\nA failing cycle (reconcile, push, notify) and stale observers are alerted once per episode,\nand once more on recovery (DISCORD_WEBHOOK_URL, else stderr); state in .labwarden/watchdog/.\nExample:\n  labwarden run --repo /srv/homelab --every 5m   # as a systemd ExecStart=',
    )
    .action(async (options: RunOptions) => {
      const every = options.every;
      if (typeof options.observe === 'string' && !isName(options.observe))
        throw new UserError(`--observe: "${options.observe}" is not a node name`);
      const { selectSink } = await import('../../notify/sinks/registry.js');
      const { acquireLock } = await import('../../runner/lock.js');
      const { runLoop } = await import('../../runner/loop.js');
      const { describeCycleError, runCycleReport } = await import('../../runner/cycle.js');
      const { cycleCheck, describeWatchdog, observerChecks, runWatchdog } = await import('../../watchdog/index.js');
      const repo = repoDir(options.repo);
      // The first cycle runs at exactly --now (so --once --now is deterministic); later ones add
      // the wall-clock time elapsed since.
      const pinned = options.now === undefined ? undefined : parseNow(options.now);
      const started = Date.now();
      const clock = () => (pinned === undefined ? Date.now() : pinned + Date.now() - started);
      const discord = Boolean(env.DISCORD_WEBHOOK_URL || (env.DISCORD_TOKEN && env.DISCORD_CHANNEL_ID));
      const notify = options.notify ?? discord;
      // One sink for the whole run: the watchdog's alerts and notify's. On the console they go to
      // stderr, so stdout keeps one line per cycle.
      // A full disk stops the lock's first write: name the file (the error itself does not).
      const lock = await acquireLock(path.join(repo, LOCK_FILE)).catch((error: unknown) => {
        throw WriteError.from(LOCK_FILE, error);
      });
      const sink = await selectSink({ env, write: io.err }).catch(async (error: unknown) => {
        await lock.release();
        throw error;
      });
      const stop = new AbortController();
      const onSignal = (signal: string) => {
        io.err(`${signal}: stopping after the current cycle`);
        stop.abort();
      };
      const onTerm = () => onSignal('SIGTERM');
      const onInt = () => onSignal('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      const cycle = async (index: number) => {
        const now = index === 0 && pinned !== undefined ? pinned : clock();
        const cycleOptions: CycleOptions = {
          repo,
          now,
          push: options.push,
          ...(options.observe !== undefined && options.observe !== false
            ? { observe: { node: typeof options.observe === 'string' ? options.observe : undefined } }
            : {}),
          ...(notify ? { notify: { sink } } : {}),
          ...(options.site !== undefined && options.site !== false
            ? {
                site: {
                  out: typeof options.site === 'string' ? path.resolve(options.site) : path.join(repo, 'site/dist'),
                },
              }
            : {}),
        };
        let line: string;
        const checks: Check[] = [];
        let failed = false;
        try {
          const report = await runCycleReport(cycleOptions);
          line = report.line;
          checks.push(
            cycleCheck('labwarden run cycle', undefined),
            ...observerChecks(report.nodes, report.staleAfter, now),
          );
        } catch (error) {
          failed = true;
          line = describeCycleError(error, now);
          checks.push(cycleCheck('labwarden run cycle', line.replace(/^\S+ /, '')));
        }
        // The supervisor watches itself: one alert per failure episode, one on recovery.
        const watched = await runWatchdog({ repo, watcher: 'runner', checks, now, sink });
        for (const warning of watched.warnings) io.err(`warning: ${warning}`);
        const suffix = describeWatchdog(watched, sink.name);
        if (suffix) line += `; ${suffix}`;
        if (failed || !watched.delivered) throw new ReportedFailure(line);
        return line;
      };
      try {
        const { cycles, lastFailed } = await runLoop({
          every,
          maxCycles: options.once ? 1 : options.cycles ? Number(options.cycles) : undefined,
          signal: stop.signal,
          cycle,
          log: (line) => io.out(line),
          describeError: (error) =>
            error instanceof ReportedFailure ? error.line : describeCycleError(error, clock()),
        });
        // Under cron (--once) a failed cycle must fail the job; a long-running loop keeps going.
        if (lastFailed && (options.once || options.cycles)) io.exitCode = 1;
        io.err(`${formatTime(clock())} runner stopped after ${cycles} cycle${cycles === 1 ? '' : 's'}`);
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        await lock.release();
        await sink.close();
      }
    });
}
