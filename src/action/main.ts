import path from 'node:path';
import { runCheck } from './check.js';
import { runCli } from './cli.js';
import { runCycle } from './cycle.js';
import { annotate, input, type RunnerContext } from './runner.js';
import { runSite } from './site.js';

export const COMMANDS = ['cycle', 'check', 'site', 'keepalive'] as const;

/**
 * The action: one of four commands, chosen by the `command` input (action.yml). Returns the
 * exit code; any error a user can cause is one `::error::` line with the fix.
 */
export async function runAction(context: RunnerContext): Promise<number> {
  const workspace = context.env.GITHUB_WORKSPACE ?? process.cwd();
  const repo = path.resolve(workspace, input(context, 'repo', '.'));
  const command = input(context, 'command', 'cycle');
  switch (command) {
    case 'cycle':
      return runCycle(context, repo);
    case 'check':
      return runCheck(context, repo, input(context, 'plan-base', 'HEAD^1'));
    case 'site':
      return runSite(context, {
        repo,
        out: path.resolve(workspace, input(context, 'out', 'site/dist')),
        basePath: input(context, 'base-path', '/'),
        siteUrl: input(context, 'site-url'),
        pages: input(context, 'pages'),
        reconciledAt: input(context, 'reconciled-at'),
      });
    case 'keepalive':
      return (await runCli(context, ['keepalive', '--workflow', input(context, 'workflow', 'reconcile.yml')])).code;
    default:
      annotate(
        context,
        'error',
        `command: "${command}" is not a labwarden action command; choose one of ${COMMANDS.join(', ')}.`,
      );
      return 2;
  }
}
