import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import { readRepoFile } from '../../fs/safe-path.js';
import type { ReconcileResult } from '../../model/index.js';
import { STATUS_FILE } from '../../reconciler/status-file.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';
import { renderStatus } from '../render-status.js';

export function statusCommand(io: Io): Command {
  return (
    new Command('status')
      .description('show the last reconciled status: summary, nodes, open recommendations')
      .option('--repo <dir>', 'homelab repo', '.')
      .option('--json', 'print status/recommendations.json as it is')
      // Off by default: matching skills reads the inventory, and a bare `status` stays as fast as node.
      .option('--runbooks', 'under each recommendation, the matching remediation skill and its next step')
      .addHelpText(
        'after',
        '\nExamples:\n  labwarden status --repo ~/homelab\n  labwarden status --runbooks   # what to do next, from the remediation skills',
      )
      .action(async (options: { repo: string; json?: boolean; runbooks?: boolean }) => {
        const repo = repoDir(options.repo);
        const text = await readRepoFile(repo, STATUS_FILE);
        if (text === undefined)
          throw new UserError(`no ${STATUS_FILE} yet`, { hint: 'Run `labwarden reconcile` first.' });
        let result: ReconcileResult;
        try {
          result = JSON.parse(text) as ReconcileResult;
        } catch {
          throw new UserError(`${STATUS_FILE} is not valid JSON`, { hint: 'Run `labwarden reconcile` to rewrite it.' });
        }
        if (options.json) return io.out(text);
        const runbooks = options.runbooks
          ? await (await import('../../skills/runbooks.js')).runbooksFor(repo, result.recommendations ?? [])
          : undefined;
        io.out(renderStatus({ ...result, nodes: result.nodes ?? {} }, io, runbooks));
      })
  );
}
