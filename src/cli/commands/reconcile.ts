import { Command, Option } from 'commander';
import { renderProblem, UserError } from '../../errors/problem.js';
import type { Summary } from '../../model/index.js';
import { STATUS_FILE } from '../../reconciler/status-file.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

const SUMMARY_RANK: Record<Summary, number> = { nominal: 0, reconciling: 1, degraded: 2, unstable: 3 };

/** Exit code when --fail-on is reached: distinct from 1 (internal) and 2 (bad input). */
export const EXIT_HEALTH = 3;

export function reconcileCommand(io: Io): Command {
  return new Command('reconcile')
    .description('compare desired and actual state; write status/recommendations.json (only when it changed)')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time that decides staleness (default: the wall clock)')
    .option('--dry-run', 'write nothing')
    .option('--json', 'print the result as JSON')
    .option(
      '--heartbeat-remote <remote>',
      'also fetch the heartbeat branches labwarden/heartbeat/* from this remote (with --push: the upstream remote)',
    )
    .option('--commit', 'commit status/ and chronicle/incidents.jsonl when they changed (nothing else)')
    .option('--push', 'commit, then push (fetch + rebase + retry on rejection) and push the reconciler heartbeat')
    .addOption(
      new Option('--fail-on <summary>', `exit ${EXIT_HEALTH} when the summary is this bad or worse`).choices([
        'degraded',
        'unstable',
      ]),
    )
    .addHelpText(
      'after',
      '\nExample:\n  labwarden reconcile --repo ~/homelab --now 2026-11-22T10:05:00Z --dry-run --json',
    )
    .action(async (options: ReconcileOptions) => {
      if ((options.commit || options.push) && options.dryRun)
        throw new UserError('--dry-run cannot be combined with --commit or --push');
      // A dry run writes nothing; anything else writes the checkout and so takes its turn on the repo lock.
      if (options.dryRun) return reconcileAction(io, options);
      const { currentCommand, withRepoLock } = await import('../../git/repo-lock.js');
      return withRepoLock(repoDir(options.repo), currentCommand(), () => reconcileAction(io, options));
    });
}

interface ReconcileOptions {
  repo: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  failOn?: Summary;
  commit?: boolean;
  push?: boolean;
  heartbeatRemote?: string;
}

async function reconcileAction(io: Io, options: ReconcileOptions): Promise<void> {
  if (options.commit || options.push) {
    const now = parseNow(options.now);
    const { describeStaleObservers, readPolicy, staleObservers } = await import('../../watchdog/index.js');
    const { reconcileAndCommit } = await import('../../runner/reconcile-commit.js');
    const { describeCommitAndPush } = await import('../../git/commit-push.js');
    const { run, outcome } = await reconcileAndCommit({
      repo: repoDir(options.repo),
      now,
      push: Boolean(options.push),
      heartbeatRemote: options.heartbeatRemote,
    });
    for (const warning of run.warnings) io.err(`warning: ${renderProblem(warning)}`);
    if (options.json) io.out(run.text);
    else {
      const committed = describeCommitAndPush(outcome, { push: Boolean(options.push), unchanged: 'nothing to commit' });
      // The reconciler's half of the dead-man's switch: observers that stopped reporting.
      const stale = staleObservers(run.result.nodes, (await readPolicy(repoDir(options.repo))).stale_after, now);
      const observers = stale.length > 0 ? `; stale observers: ${describeStaleObservers(stale)}` : '';
      io.out(`${run.result.summary}: ${run.result.recommendations.length} recommendations; ${committed}${observers}`);
    }
    if (options.failOn && SUMMARY_RANK[run.result.summary] >= SUMMARY_RANK[options.failOn]) io.exitCode = EXIT_HEALTH;
    return;
  }
  const now = parseNow(options.now);
  // The run shortcut needs neither the model nor git: the rest loads only when it does not apply.
  const { startReconcile } = await import('../../reconciler/shortcut.js');
  const { writeLocalReconcilerHeartbeat } = await import('../../watchdog/reconciler-heartbeat.js');
  const runOptions = {
    repo: repoDir(options.repo),
    now,
    dryRun: options.dryRun,
    heartbeatRemote: options.heartbeatRemote,
  };
  const start = await startReconcile(runOptions);
  const run = start.shortcut ?? (await (await import('../../reconciler/run.js')).finishReconcile(start, runOptions));
  // The last successful reconcile, for the site and the observers' dead-man's switch. Git
  // ignores it; on a read-only checkout an unchanged reconcile still succeeds without it.
  if (!options.dryRun) await writeLocalReconcilerHeartbeat(repoDir(options.repo), now).catch(() => undefined);
  for (const warning of run.warnings) io.err(`warning: ${renderProblem(warning)}`);
  if (options.json) io.out(run.text);
  else {
    const verb = !run.changed ? 'unchanged' : options.dryRun ? 'would change (dry run)' : 'written';
    const chronicle =
      run.incidents.length === 0
        ? 'no chronicle change'
        : `${run.incidents.length} chronicle line${run.incidents.length === 1 ? '' : 's'}${options.dryRun ? ' (not written)' : ' appended'}`;
    io.out(
      `${run.result.summary}: ${run.result.recommendations.length} recommendations; ${STATUS_FILE} ${verb}; ${chronicle}`,
    );
  }
  if (options.failOn && SUMMARY_RANK[run.result.summary] >= SUMMARY_RANK[options.failOn]) io.exitCode = EXIT_HEALTH;
}
