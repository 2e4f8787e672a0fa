import { Command, InvalidArgumentError } from 'commander';
import { isName } from '../../model/name-pattern.js';
import { EXIT_UNDELIVERED } from './notify.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from '../../observer/defaults.js';
import { UserError } from '../../errors/problem.js';
import type { Io } from '../io.js';
import { durationOption, parseNow, repoDir } from '../options.js';
import { progressLine, progressWanted } from '../progress.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function observeCommand(io: Io, env: Record<string, string | undefined> = process.env): Command {
  return new Command('observe')
    .description("run each service's probe and write world/nodes/<node>.yaml (only when something observable changed)")
    .option('--repo <dir>', 'homelab repo', '.')
    .option(
      '--node <node>',
      'observe only this node (default: every node in the inventory); then run the diagnostics of its recommendations not yet diagnosed this episode (policy remediation.auto_diagnose)',
    )
    .option('--now <iso>', 'time written as observed_at and seen_at (default: the wall clock)')
    .option('--concurrency <n>', 'probes in flight at once', positive, DEFAULT_CONCURRENCY)
    .addOption(
      durationOption('--timeout <duration>', 'per-probe timeout unless the probe sets `timeout`', {
        default: DEFAULT_TIMEOUT_MS,
        min: 1,
      }),
    )
    .option('--heartbeat', 'also force-push the heartbeat branch labwarden/heartbeat/<node>')
    .option('--remote <name>', 'remote for --heartbeat, and where the reconciler heartbeat is read from', 'origin')
    .option(
      '--commit',
      'commit the world files this run rewrote (world/nodes/<node>.* only, and chronicle/diagnostics.jsonl with --node)',
    )
    .option('--push', 'commit, then push (fetch + rebase + retry on rejection)')
    .option(
      '--dry-run',
      'probe, then print the snapshot each node would get; write nothing (no world file, no heartbeat, no alert)',
    )
    .option('--json', 'print the result per node as JSON (with --dry-run: each snapshot too)')
    .option(
      '--execute',
      "then apply approved or pre-approved remediation steps for this node's recommendations (needs --node and policy remediation.execute)",
    )
    .addHelpText(
      'after',
      '\nAfter observing, alerts once (DISCORD_WEBHOOK_URL, else stderr) when the reconciler heartbeat is older than\nreconciler_stale_after, and once when it is back.\nExample:\n  labwarden observe --repo ~/homelab --node media --heartbeat --push',
    )
    .action(async (options: ObserveOptions) => {
      if (options.dryRun && (options.commit || options.push || options.heartbeat)) {
        throw new UserError('--dry-run cannot be combined with --commit, --push or --heartbeat');
      }
      if (options.execute && (options.dryRun || options.node === undefined)) {
        throw new UserError('--execute needs --node and cannot be combined with --dry-run', {
          hint: 'The executor acts for its own node only; policy remediation.dry_run makes it print instead of run.',
        });
      }
      if (options.dryRun) return observeAction(io, env, options);
      // Writing world/nodes/ (and committing it) takes the checkout's repo lock.
      const { currentCommand, withRepoLock } = await import('../../git/repo-lock.js');
      const locked = <T>(work: () => Promise<T>) => withRepoLock(repoDir(options.repo), currentCommand(), work);
      // Remediation steps may take minutes and a kill switch may arrive meanwhile (through this
      // checkout's lock): the executor holds the lock only to observe, to append and to commit.
      if (options.execute) await observeAction(io, env, options, locked);
      else await locked(() => observeAction(io, env, options));
    });
}

interface ObserveOptions {
  repo: string;
  node?: string;
  now?: string;
  concurrency: number;
  timeout: number;
  heartbeat?: boolean;
  remote: string;
  commit?: boolean;
  push?: boolean;
  dryRun?: boolean;
  json?: boolean;
  execute?: boolean;
}

type Locked = <T>(work: () => Promise<T>) => Promise<T>;
const unlocked: Locked = (work) => work();

async function observeAction(
  io: Io,
  env: Record<string, string | undefined>,
  options: ObserveOptions,
  locked: Locked = unlocked,
): Promise<void> {
  const { runObserve, spawnRunner } = await import('../../observer/index.js');
  const { Git } = await import('../../git/client.js');
  const { preflight } = await import('../../git/preflight.js');
  const { selectSink } = await import('../../notify/sinks/registry.js');
  const { commitWorld, WORLD_DIR } = await import('../../runner/observe-commit.js');
  const { REMEDIATIONS_FILE } = await import('../../model/remediation-line.js');
  const { describeWatchdog, watchReconciler } = await import('../../watchdog/index.js');
  const now = parseNow(options.now);
  const repo = repoDir(options.repo);
  // Refuse a detached HEAD or unrelated changes before probing anything.
  // With --node, the observer's automatic diagnostics (and with --execute, the executor's
  // remediation lines) are committed with the world.
  const { DIAGNOSTICS_FILE } = await import('../../skills/diagnose.js');
  const owned = [
    WORLD_DIR,
    ...(options.node ? [DIAGNOSTICS_FILE] : []),
    ...(options.execute ? [REMEDIATIONS_FILE] : []),
  ];
  if (options.commit || options.push) await preflight(new Git(repo), owned);
  if (options.node !== undefined && !isName(options.node))
    throw new UserError(`--node: "${options.node}" is not a node name`);
  // The only terminal check: the display goes to stderr, so stdout stays parseable.
  const progress = progressWanted(process.stderr, process.env)
    ? progressLine((text) => process.stderr.write(text), 'probes')
    : undefined;
  let results;
  try {
    results = await locked(() =>
      runObserve({
        repo,
        node: options.node,
        now,
        runner: spawnRunner,
        concurrency: options.concurrency,
        timeoutMs: options.timeout,
        onProgress: progress?.update,
        pushHeartbeatTo: options.heartbeat ? options.remote : undefined,
        dryRun: options.dryRun,
      }),
    );
  } finally {
    progress?.clear();
  }
  if (options.dryRun) {
    if (options.json)
      io.out(
        JSON.stringify(
          results.map(({ text: _text, ...result }) => result),
          null,
          2,
        ),
      );
    else {
      for (const result of results) {
        io.out(`# ${result.file} (${result.changed ? 'would be written' : 'unchanged'}; dry run)\n${result.text}`);
      }
    }
    return;
  }
  const { describeAutoDiagnosis: describeDiagnosed } = await import('../../skills/auto-diagnose.js');
  const report: {
    nodes: typeof results;
    diagnosed?: { fingerprint: string; skill: string; steps: number; failed: number }[];
    remediations?: { said: string[]; started: number; refused: number };
    commit?: string;
    watchdog?: string;
  } = { nodes: results };
  for (const result of results) {
    const counts =
      Object.entries(result.counts)
        .map(([status, n]) => `${n} ${status}`)
        .join(', ') || 'no services';
    const verb = result.changed ? 'written' : 'unchanged';
    if (!options.json) io.out(`${result.node}: ${result.probes} probes, ${counts}; ${result.file} ${verb}`);
  }
  // Diagnostics run where the observer runs: only on the node this observer is for (--node),
  // before any remediation step, so they record the failure as it was.
  const diagnosed = options.node
    ? await locked(async () =>
        (await import('../../skills/auto-diagnose.js')).autoDiagnose({
          repo,
          node: options.node!,
          now,
          runner: spawnRunner,
          env,
        }),
      )
    : undefined;
  if (diagnosed) {
    report.diagnosed = diagnosed.ran;
    if (diagnosed.warning) io.err(`warning: ${diagnosed.warning}`);
    if (!options.json) for (const line of describeDiagnosed(diagnosed)) io.out(line);
  }
  let remediated = false;
  if (options.execute) {
    const { runExecutor } = await import('../../skills/executor.js');
    const said: string[] = [];
    const executed = await runExecutor({
      repo,
      node: options.node!,
      now,
      runner: spawnRunner,
      env,
      say: (line) => (options.json ? said.push(line) : io.out(line)),
      locked,
    });
    remediated = executed.started.length > 0;
    report.remediations = { said, started: executed.started.length, refused: executed.refused };
  }
  // The rest of an observe run: the reconciler's dead-man's switch and the JSON report.
  const watchdog = async () => {
    // The dead-man's switch, observer side. Alerts on the console go to stderr: stdout stays parseable.
    const sink = await selectSink({ env, write: io.err });
    try {
      const watched = await watchReconciler({
        repo,
        watcher: options.node ? `observer-${options.node}` : 'observer',
        now,
        sink,
        remote: options.heartbeat || options.push ? options.remote : undefined,
      });
      for (const warning of watched.warnings) io.err(`warning: ${warning}`);
      const line = describeWatchdog(watched.result, sink.name);
      if (line) report.watchdog = line;
      if (line && !options.json) io.out(line);
      if (options.json) io.out(JSON.stringify(report, null, 2));
      if (!watched.result.delivered) io.exitCode = EXIT_UNDELIVERED;
    } finally {
      await sink.close();
    }
  };
  await locked(async () => {
    if (options.commit || options.push) {
      const extra = [...(diagnosed?.file ? [diagnosed.file] : []), ...(remediated ? [REMEDIATIONS_FILE] : [])];
      report.commit = (await commitWorld(repo, results, { push: Boolean(options.push), extra })).line;
      if (!options.json) io.out(report.commit);
    }
    await watchdog();
  });
}
