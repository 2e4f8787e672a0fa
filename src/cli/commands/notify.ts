import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import type { Io } from '../io.js';
import { parseNow, repoDir } from '../options.js';

/** Exit code when a message stays undelivered (outage) or was refused: the next run retries. */
export const EXIT_UNDELIVERED = 4;

export function notifyCommand(io: Io, env: Record<string, string | undefined> = process.env): Command {
  return new Command('notify')
    .description(
      'run NotifyGate over the chronicle and deliver the outbox (Discord webhook, bot channel, or the console)',
    )
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--now <iso>', 'time that decides reminders, silences and quiet hours (default: the wall clock)')
    .option('--dry-run', 'show exactly what would be sent; write and send nothing')
    .option('--attempts <n>', 'delivery attempts per message in this run before leaving it to the next run', '3')
    .option('--json', 'print the decisions and the message payload as JSON')
    .option('--commit', 'commit chronicle/notifications.jsonl when it changed (nothing else)')
    .option(
      '--push',
      'commit, then push (fetch + rebase + retry on rejection): an ephemeral CI checkout must, or the next run resends',
    )
    .addHelpText(
      'after',
      '\nEnvironment: DISCORD_WEBHOOK_URL, or DISCORD_TOKEN + DISCORD_CHANNEL_ID; DISCORD_API_URL redirects Discord requests.\nExample:\n  labwarden notify --repo ~/homelab --dry-run',
    )
    .action(async (options: NotifyOptions) => {
      if ((options.commit || options.push) && options.dryRun)
        throw new UserError('--dry-run cannot be combined with --commit or --push');
      // Writing chronicle/notifications.jsonl (and committing it) takes the checkout's repo lock.
      if (options.dryRun) return notifyAction(io, env, options);
      const { currentCommand, withRepoLock } = await import('../../git/repo-lock.js');
      return withRepoLock(repoDir(options.repo), currentCommand(), () => notifyAction(io, env, options));
    });
}

interface NotifyOptions {
  repo: string;
  now?: string;
  dryRun?: boolean;
  json?: boolean;
  attempts: string;
  commit?: boolean;
  push?: boolean;
}

async function notifyAction(io: Io, env: Record<string, string | undefined>, options: NotifyOptions): Promise<void> {
  const { renderText } = await import('../../notify/message.js');
  const { runNotify } = await import('../../notify/run.js');
  const { selectSink } = await import('../../notify/sinks/registry.js');
  const { commitNotifications, NOTIFY_FILES } = await import('../../runner/notify-commit.js');
  const { Git } = await import('../../git/client.js');
  const { preflight } = await import('../../git/preflight.js');
  // Refuse a detached HEAD or a dirty tree before anything is sent.
  if (options.commit || options.push) await preflight(new Git(repoDir(options.repo)), NOTIFY_FILES);
  const maxAttempts = Number(options.attempts);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new UserError(`--attempts: expected a positive integer, found "${options.attempts}"`);
  const sink = await selectSink({ env, write: io.out });
  try {
    const run = await runNotify({
      repo: repoDir(options.repo),
      now: parseNow(options.now),
      sink,
      dryRun: options.dryRun,
      maxAttempts,
    });
    if (options.json) {
      const { plan, payload, edits, backlog, report } = run;
      const json = {
        sink: sink.name,
        decisions: plan.decisions,
        message: plan.messageKey,
        payload,
        edits,
        backlog,
        report,
      };
      io.out(JSON.stringify(json, null, 2));
    } else if (options.dryRun) {
      const sent = run.plan.decisions.filter((decision) => decision.decision === 'sent').length;
      const count = run.edits.length;
      const edits = count === 0 ? '' : ` + ${count} edit${count === 1 ? '' : 's'} of live messages`;
      io.out(
        `dry run (${sink.name}): ${sent} alert${sent === 1 ? '' : 's'} in ${run.payload ? '1 message' : '0 messages'}${edits}; ${run.plan.decisions.length - sent} suppressed or held; ${run.backlog.length} queued from earlier runs`,
      );
      for (const decision of run.plan.decisions.filter((entry) => entry.decision !== 'sent'))
        io.out(`  ${decision.decision} ${decision.kind} ${decision.fingerprint}: ${decision.reason}`);
      if (run.payload) io.out(`${renderText(run.payload)}\n--- payload ---\n${JSON.stringify(run.payload, null, 2)}`);
      for (const edit of run.edits) {
        io.out(`--- edit of message ${edit.target} (notifies nobody) ---\n${renderText(edit.payload)}`);
      }
    } else {
      const report = run.report!;
      const count = report.edited?.length ?? 0;
      const edited = count > 0 ? ` (${count} edit${count === 1 ? '' : 's'})` : '';
      io.out(
        `notify (${sink.name}): ${report.delivered.length} delivered${edited}, ${report.deferred.length} pending, ${report.failed.length} refused; ${run.plan.decisions.length} decision${run.plan.decisions.length === 1 ? '' : 's'} logged`,
      );
    }
    if ((options.commit || options.push) && run.report) {
      const committed = await commitNotifications(repoDir(options.repo), run.report, { push: Boolean(options.push) });
      io.out(committed.line);
    }
    for (const reshaped of run.report?.reshaped ?? [])
      io.err(
        `warning: message ${reshaped.message} delivered only in a shortened form (${reshaped.step}): ${reshaped.reason}`,
      );
    for (const failed of run.report?.failed ?? [])
      io.err(`error: message ${failed.message} not delivered: ${failed.reason}`);
    for (const deferred of run.report?.deferred ?? [])
      io.err(`warning: message ${deferred.message} still pending (${deferred.reason}); the next run retries it`);
    if ((run.report?.failed.length ?? 0) + (run.report?.deferred.length ?? 0) > 0) io.exitCode = EXIT_UNDELIVERED;
  } finally {
    await sink.close();
  }
}
