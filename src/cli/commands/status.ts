import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import { readRepoFile } from '../../fs/safe-path.js';
import type { ReconcileResult } from '../../model/index.js';
import { STATUS_FILE } from '../../reconciler/status-file.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';
import { renderStatus } from '../render-status.js';
import { runbooksFor } from '../../skills/runbooks.js';

export function statusCommand(io: Io): Command {
  return new Command('status')
    .description('show the last reconciled status: summary, nodes, open recommendations')
    .option('--repo <dir>', 'homelab repo', '.')
    .option('--json', 'print status/recommendations.json as it is')
    .addHelpText('after', '\nExample:\n  labwarden status --repo ~/homelab')
    .action(async (options: { repo: string; json?: boolean }) => {
      const repo = repoDir(options.repo);
      const text = await readRepoFile(repo, STATUS_FILE);
      if (text === undefined) throw new UserError(`no ${STATUS_FILE} yet`, { hint: 'Run `labwarden reconcile` first.' });
      let result: ReconcileResult;
      try {
        result = JSON.parse(text) as ReconcileResult;
      } catch {
        throw new UserError(`${STATUS_FILE} is not valid JSON`, { hint: 'Run `labwarden reconcile` to rewrite it.' });
      }
      if (options.json) return io.out(text);
      const runbooks = await runbooksFor(repo, result.recommendations ?? []);
      io.out(renderStatus({ ...result, nodes: result.nodes ?? {} }, io, runbooks));
    });
}
