import { hostname } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { nodeNameFromHostname } from '../../discover/names.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { DEFAULT_EVERY } from '../../init/workflows.js';
import { UserError } from '../../errors/problem.js';
import type { Io } from '../io.js';

export function initCommand(io: Io): Command {
  const here = nodeNameFromHostname(hostname());
  return (
    new Command('init')
      .description(
        'scaffold a new homelab repo: inventory with one folder per node, policy at its defaults, workflows, README',
      )
      .argument('[dir]', 'folder to create the repo in (created if missing); required unless --repo is given')
      // Every command takes --repo (PRODUCT.md): here it is the folder to scaffold, or the base of a relative DIR.
      .option('--repo <dir>', 'the folder to scaffold when DIR is left out, else the folder DIR is relative to')
      .option('--nodes <list>', 'comma-separated node names', here)
      .option('--force', 'overwrite files that already exist')
      .addOption(
        new Option('--every <duration>', 'time between scheduled reconciles: 5m, 10m, 15m, 20m, 30m or 1h').default(
          `${DEFAULT_EVERY}m`,
          `${DEFAULT_EVERY}m`,
        ),
      )
      .option(
        '--action <ref>',
        'the uses: value of the labwarden action in the workflows (default: labwarden/labwarden@v<this version>; Forgejo: https://github.com/labwarden/labwarden@v<version>)',
      )
      .addHelpText('after', '\nExample:\n  labwarden init ~/homelab --nodes nas,pi,media')
      .action(
        async (
          dir: string | undefined,
          options: { repo?: string; nodes: string; force?: boolean; every: string; action?: string },
        ) => {
          if (dir === undefined && options.repo === undefined) {
            throw new UserError("missing required argument 'dir'", {
              hint: 'Name the folder for the new repo: labwarden init ~/homelab',
            });
          }
          const init = await import('../../init/index.js');
          const { FREE_MINUTES, idleMinutesPerMonth, initRepo, parseActionRef, parseEvery, parseNodes } = init;
          const target = path.resolve(options.repo ?? '.', dir ?? '.');
          const nodes = parseNodes(options.nodes);
          const every = parseEvery(options.every);
          const action = options.action === undefined ? undefined : parseActionRef(options.action);
          const result = await initRepo({ dir: target, nodes, force: Boolean(options.force), every, action });
          for (const file of result.written) io.out(`written   ${file}`);
          for (const file of result.unchanged) io.out(`unchanged ${file}`);
          const branch = await ensureMainBranch(target);
          io.out(
            `\nCreated a labwarden repo in ${target} with node${nodes.length === 1 ? '' : 's'} ${nodes.join(', ')}.`,
          );
          io.out(branch);
          io.out(
            `Schedule: every ${every} minutes ≈ ${idleMinutesPerMonth(every).toLocaleString('en-US')} billed Actions minutes a month when idle (private repos include ${FREE_MINUTES.toLocaleString('en-US')}; public repos are free). Change it with --every or the cron line in .github/workflows/reconcile.yml.`,
          );
          io.out(
            'Next: add services (labwarden discover --write), push to main, set the DISCORD_WEBHOOK_URL secret, enable Pages. See README.md there.',
          );
        },
      )
  );
}

const git = promisify(execFile);

/**
 * The workflows run on `main`, and many gits still make `master`: a new folder becomes a repo
 * on main; an existing repo on another branch is told the one command that fixes it.
 */
async function ensureMainBranch(dir: string): Promise<string> {
  if (!existsSync(path.join(dir, '.git'))) {
    try {
      await git('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir });
      return 'Git: a new repository on branch main (the branch the workflows run on).';
    } catch {
      return 'Git: not found (or older than 2.28); make the repository with `git init -b main`: the workflows run on main.';
    }
  }
  const branch = await git('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: dir }).then(
    (result) => result.stdout.trim(),
    () => '',
  );
  return branch === 'main' || branch === ''
    ? 'Git: existing repository, branch main.'
    : `Git: this repository is on branch ${branch}, but the workflows run on main: rename it with \`git branch -m ${branch} main\`.`;
}
