import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import type { Io } from '../io.js';

export function keepaliveCommand(io: Io): Command {
  return new Command('keepalive')
    .description('keep the scheduled workflow enabled through the API (no keep-alive commits); env: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL')
    .option('--workflow <file>', 'workflow file name or id', 'reconcile.yml')
    .addHelpText('after', '\nExample:\n  labwarden keepalive --workflow reconcile.yml   # in a workflow step with permissions: actions: write')
    .action(async (options: { workflow: string }) => {
      const token = process.env.GITHUB_TOKEN;
      const repository = process.env.GITHUB_REPOSITORY;
      if (!token || !repository) {
        throw new UserError('keepalive needs GITHUB_TOKEN and GITHUB_REPOSITORY in the environment', { hint: 'Pass them with `env:` in the workflow step.' });
      }
      const { enableWorkflow } = await import('../../forge/enable-workflow.js');
      const status = await enableWorkflow({ apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com', repository, workflow: options.workflow, token });
      io.out(`workflow ${options.workflow} enabled (HTTP ${status})`);
    });
}
