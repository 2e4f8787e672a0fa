import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { UserError } from '../../errors/problem.js';
import type { Io } from '../io.js';
import { repoDir } from '../options.js';

/** OWNER/NAME from the clone's `origin` URL (https://host/owner/name.git, git@host:owner/name), if any. */
async function repositoryOf(repo: string): Promise<string | undefined> {
  const url = await promisify(execFile)('git', ['-C', repo, 'remote', 'get-url', 'origin']).then(
    (result) => result.stdout.trim(),
    () => '',
  );
  const match = /[/:]([\w.-]+)\/([\w.-]+?)(\.git)?\/?$/.exec(url);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

export function keepaliveCommand(io: Io, env: Record<string, string | undefined> = process.env): Command {
  return new Command('keepalive')
    .description(
      'keep the scheduled workflow enabled through the API (no keep-alive commits); ' +
        'env: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL',
    )
    .option('--repo <dir>', 'homelab repo: without GITHUB_REPOSITORY, OWNER/NAME comes from its origin remote', '.')
    .option('--workflow <file>', 'workflow file name or id', 'reconcile.yml')
    .addHelpText(
      'after',
      '\nExample:\n' +
        '  labwarden keepalive --workflow reconcile.yml   # in a workflow step with permissions: actions: write',
    )
    .action(async (options: { repo: string; workflow: string }) => {
      const token = env.GITHUB_TOKEN;
      const repository = env.GITHUB_REPOSITORY || (await repositoryOf(repoDir(options.repo)));
      if (!token || !repository) {
        const or = token ? ' (or a clone with an origin remote as --repo)' : '';
        throw new UserError(`keepalive needs GITHUB_TOKEN and GITHUB_REPOSITORY in the environment${or}`, {
          hint: 'Pass them with `env:` in the workflow step.',
        });
      }
      const { enableWorkflow } = await import('../../forge/enable-workflow.js');
      const status = await enableWorkflow({
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        repository,
        workflow: options.workflow,
        token,
      });
      io.out(`workflow ${options.workflow} enabled (HTTP ${status})`);
    });
}
