import { Command, Option } from 'commander';
import { readRepoFile } from '../../fs/safe-path.js';
import type { NodeStatus } from '../../model/index.js';
import { isName } from '../../model/name-pattern.js';
import { UserError } from '../../errors/problem.js';
import { STATUS_FILE } from '../../reconciler/status-file.js';
import type { Check } from '../../watchdog/index.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';
import { EXIT_UNDELIVERED } from './notify.js';

/** `validate=success reconcile=failure` → the steps that failed. */
function failedSteps(list: string | undefined): string[] {
  return (list ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .flatMap((entry) => {
      const [step, outcome] = entry.split('=');
      return outcome === 'failure' && step ? [step] : [];
    });
}

/** The nodes of the last status written, or undefined when there is none to read. */
async function statusNodes(repo: string): Promise<Record<string, NodeStatus> | undefined> {
  try {
    const status = JSON.parse((await readRepoFile(repo, STATUS_FILE)) ?? 'null') as {
      nodes?: Record<string, NodeStatus>;
    } | null;
    return status?.nodes;
  } catch {
    return undefined;
  }
}

/** One episode for everything a run reported without failing; it ends when a run reports none. */
export function problemsCheck(problems: readonly string[]): Check {
  return {
    key: 'problems',
    ok: problems.length === 0,
    title: 'problems in the repo',
    detail: problems.length === 0 ? 'none left' : problems.join('; '),
  };
}

export function watchdogCommand(io: Io, env: Record<string, string | undefined> = process.env): Command {
  return (
    new Command('watchdog')
      .description(
        'the supervisor watching itself: one alert when a workflow run fails or observers go stale, one when it recovers (never one per run)',
      )
      .option('--repo <dir>', 'homelab repo (a clone)', '.')
      .option('--now <iso>', 'time of this run (default: the wall clock)')
      .addOption(
        new Option('--job-status <status>', 'how this run went (in Actions: job.status)')
          .choices(['success', 'failure', 'cancelled'])
          .env('LABWARDEN_JOB_STATUS')
          .makeOptionMandatory(),
      )
      .addOption(
        new Option('--steps <list>', 'step outcomes named in the alert, e.g. "reconcile=failure notify=skipped"').env(
          'LABWARDEN_STEPS',
        ),
      )
      .addOption(new Option('--link <url>', 'linked from the alert (the run log)').env('LABWARDEN_RUN_URL'))
      // A run that succeeded can still have found something the owner must fix (an unreadable
      // world snapshot makes that node unknown): one alert while it lasts, one when it is gone.
      .option(
        '--problem <text>',
        'a problem this run found without failing (repeatable); alerts once while any remains',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--watcher <name>', 'whose episodes these are (state file and branch name)', 'reconciler')
      .option(
        '--remote <name>',
        'keep the episode state on branch labwarden/watchdog/<watcher> of this remote (CI checkouts do not keep .labwarden/)',
        'origin',
      )
      .option('--no-remote', 'keep the episode state in .labwarden/ only')
      .addHelpText(
        'after',
        '\nEnvironment: DISCORD_WEBHOOK_URL (else the console), DISCORD_API_URL; LABWARDEN_JOB_STATUS, LABWARDEN_STEPS, LABWARDEN_RUN_URL.\nExample:\n  labwarden watchdog --job-status failure --steps "reconcile=failure"   # last step of reconcile.yml, if: always()',
      )
      .action(
        async (options: {
          repo: string;
          now?: string;
          jobStatus: 'success' | 'failure' | 'cancelled';
          steps?: string;
          link?: string;
          problem: string[];
          watcher: string;
          remote: string | false;
        }) => {
          // The watcher names a file and a branch.
          if (!isName(options.watcher))
            throw new UserError(
              `--watcher: "${options.watcher}" is not a name (lowercase letters, digits and inner dashes)`,
            );
          const { selectSink } = await import('../../notify/sinks/registry.js');
          const { readPolicy } = await import('../../repo/policy.js');
          const { pendingOutbox } = await import('../../notify/run.js');
          const { cycleCheck, outboxCheck, describeWatchdog, observerChecks, runWatchdog } =
            await import('../../watchdog/index.js');
          const repo = repoDir(options.repo);
          const now = parseNow(options.now);
          const checks: Check[] = [];
          if (options.jobStatus !== 'cancelled') {
            const failed = failedSteps(options.steps);
            checks.push(
              cycleCheck(
                'reconcile workflow',
                options.jobStatus === 'success'
                  ? undefined
                  : failed.length > 0
                    ? `step${failed.length === 1 ? '' : 's'} failed: ${failed.join(', ')}`
                    : 'the run failed',
              ),
            );
          }
          // The watchdog is the alert of last resort: a broken policy is alerted (and printed, located),
          // with the default thresholds meanwhile, never a reason to stay silent about a failing run.
          const { defaultPolicy } = await import('../../model/index.js');
          const { renderProblem } = await import('../../errors/problem.js');
          let policy;
          const problems = [...options.problem];
          try {
            policy = await readPolicy(repo);
          } catch (error) {
            if (!(error instanceof UserError)) throw error;
            for (const problem of error.problems) io.err(renderProblem(problem));
            io.err(`warning: ${error.message}; the watchdog uses the default thresholds and alerts about it`);
            problems.push(...(error.problems.length > 0 ? error.problems.map(renderProblem) : [error.message]));
            policy = defaultPolicy();
          }
          checks.push(problemsCheck(problems));
          // The reconciler's report of stale observers, from the status this run (or the last) wrote.
          const nodes = await statusNodes(repo);
          if (nodes) checks.push(...observerChecks(nodes, policy.stale_after, now));
          // Alerts NotifyGate could not deliver (kept in its outbox) past stale_after.
          checks.push(outboxCheck(await pendingOutbox(repo), policy.stale_after, now));
          const sink = await selectSink({ env, write: io.out });
          try {
            const result = await runWatchdog({
              repo,
              watcher: options.watcher,
              checks,
              now,
              sink,
              remote: options.remote || undefined,
              link: options.link,
            });
            for (const warning of result.warnings) io.err(`warning: ${warning}`);
            io.out(describeWatchdog(result, sink.name) || `watchdog (${options.watcher}): all well`);
            if (!result.delivered) io.exitCode = EXIT_UNDELIVERED;
          } finally {
            await sink.close();
          }
        },
      )
  );
}
