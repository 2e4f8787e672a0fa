import path from 'node:path';
import { Git } from '../git/client.js';
import { readIfExists } from '../fs/atomic.js';
import { STATUS_FILE } from '../reconciler/run.js';
import { readReconcilerHeartbeat } from '../watchdog/reconciler-heartbeat.js';
import { runCli, type CliRun } from './cli.js';
import { annotate, appendSummary, readEvent, setOutputs, type RunnerContext } from './runner.js';

/** What the site shows: a change here in this run means the site must be rebuilt. */
const SITE_INPUTS = ['status/', 'chronicle/incidents.jsonl', 'chronicle/admin.jsonl'];
/** What a push may change that the site shows without a reconcile changing anything (the policy lives here too). */
const SITE_SOURCES = ['inventory/'];

const outcome = (run: CliRun | undefined) => (run === undefined ? 'skipped' : run.code === 0 ? 'success' : 'failure');

/** `warning: world/nodes/pi.yaml:3:1 ...` → the file it names, for a file annotation. */
function warningFile(line: string): string | undefined {
  return /^warning: ([^\s:]+\.(?:ya?ml|json|jsonl)):\d+/.exec(line)?.[1];
}

/**
 * A scheduled run in one job: reconcile (commit + push), notify (commit + push), watchdog.
 * No validate gate before reconcile: reconcile already turns a node whose world snapshot is
 * unreadable into `unknown` and goes on; only an unusable inventory or policy stops it (exit 2).
 * Outputs `changed` (status or chronicle changed: rebuild the site) and `site`.
 */
export async function runCycle(context: RunnerContext, repo: string): Promise<number> {
  const git = new Git(repo);
  const event = await readEvent(context);
  const ref = context.env.GITHUB_REF;
  if (event.defaultBranch && ref && ref !== `refs/heads/${event.defaultBranch}`) {
    annotate(
      context,
      'error',
      `labwarden reconciles the default branch (${event.defaultBranch}); this run is on ${ref}, so nothing was done. Run the workflow on ${event.defaultBranch}, or make the branch you use the default (Settings → General → Default branch).`,
    );
    await setOutputs(context, { changed: 'false', site: 'false', summary: '' });
    return 2;
  }
  const webhookSet =
    Boolean(context.env.DISCORD_WEBHOOK_URL) || Boolean(context.env.DISCORD_TOKEN && context.env.DISCORD_CHANNEL_ID);
  if (!webhookSet)
    annotate(
      context,
      'notice',
      'DISCORD_WEBHOOK_URL is not set: alerts are written to this log only. Add it under Settings → Secrets and variables → Actions (Forgejo/Gitea: Settings → Actions → Secrets).',
    );

  const before = await git.revParse('HEAD');
  const reconcile = await runCli(context, ['reconcile', '--repo', repo, '--push']);
  // Always notify and watch, even after a failed reconcile: the watchdog is what reports it.
  const notify = await runCli(context, ['notify', '--repo', repo, '--push']);
  const problems = reconcile.err
    .filter((line) => line.startsWith('warning: '))
    .map((line) => line.slice('warning: '.length));
  for (const line of reconcile.err.filter((entry) => entry.startsWith('warning: ')))
    annotate(context, 'warning', line.slice('warning: '.length), warningFile(line));
  const failed = reconcile.code !== 0 || notify.code !== 0;
  const watchdogArgs = [
    'watchdog',
    '--repo',
    repo,
    '--job-status',
    failed ? 'failure' : 'success',
    '--steps',
    `reconcile=${outcome(reconcile)} notify=${outcome(notify)}`,
  ];
  if (context.env.GITHUB_SERVER_URL && context.env.GITHUB_REPOSITORY && context.env.GITHUB_RUN_ID) {
    watchdogArgs.push(
      '--link',
      `${context.env.GITHUB_SERVER_URL}/${context.env.GITHUB_REPOSITORY}/actions/runs/${context.env.GITHUB_RUN_ID}`,
    );
  }
  for (const problem of problems) watchdogArgs.push('--problem', problem);
  const watchdog = await runCli(context, watchdogArgs);

  const after = await git.revParse('HEAD');
  const changedFiles =
    before && after && before !== after
      ? (await git.run(['diff', '--name-only', before, after, '--', ...SITE_INPUTS])).split('\n').filter(Boolean)
      : [];
  const changed = changedFiles.length > 0;
  const pushTouchesSite =
    event.name === 'push' &&
    (event.pushedFiles === undefined ||
      event.pushedFiles.some((file) => SITE_SOURCES.some((prefix) => file.startsWith(prefix))));
  const site = changed || pushTouchesSite || event.name === 'workflow_dispatch';
  const status = JSON.parse((await readIfExists(path.join(repo, STATUS_FILE))) ?? '{}') as { summary?: string };
  // Handed to the site job, whose checkout has no credentials to fetch the heartbeat branch.
  const reconciledAt = reconcile.code === 0 ? ((await readReconcilerHeartbeat(repo).catch(() => undefined)) ?? '') : '';

  await appendSummary(
    context,
    [
      `### labwarden: ${status.summary ?? 'no status'}`,
      '',
      '```',
      ...reconcile.out,
      ...reconcile.err.filter((line) => !line.startsWith('warning: ')),
      ...notify.out,
      ...notify.err,
      ...watchdog.out,
      ...watchdog.err,
      '```',
      ...(problems.length > 0
        ? [
            '',
            `**${problems.length} problem${problems.length === 1 ? '' : 's'} in the repo** (the nodes concerned are \`unknown\`; everything else was reconciled):`,
            '',
            ...problems.map((problem) => `- \`${problem}\``),
          ]
        : []),
      '',
      changed
        ? `status/ or chronicle/ changed (${changedFiles.join(', ')}): the site is rebuilt.`
        : site
          ? 'the site is rebuilt (inventory or site changed, or a manual run).'
          : 'nothing changed: no commit, no site build.',
    ].join('\n'),
  );
  await setOutputs(context, {
    changed: String(changed),
    site: String(site),
    summary: status.summary ?? '',
    'reconciled-at': reconciledAt,
  });
  return reconcile.code || notify.code || watchdog.code;
}
