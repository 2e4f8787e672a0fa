import { execFile } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageVersion } from '../../src/init/index.js';
import type { RunRecord } from './actions-runner.js';
import { git } from './git.js';
import { PROJECT_ROOT, runCli, tempDir } from './repo.js';

/** The scaffold is made with `--action local/labwarden@test`; the runner resolves it to this checkout. */
export const ACTION = 'local/labwarden';
export const world = (node: string, at: string) => `node: ${node}\nobserved_at: ${at}\nstatus: online\nservices: []\n`;

/**
 * The action as a runner downloads it: `npm run release:action`'s tag (made in a clone of this
 * checkout, with this build's bundle), exported with `git archive` — no node_modules.
 */
export async function releasedAction(): Promise<{ dir: string; tag: string; clone: string }> {
  const root = await tempDir('labwarden-release-');
  const clone = path.join(root, 'clone');
  await git(root, 'clone', '--quiet', PROJECT_ROOT, clone);
  await cp(path.join(PROJECT_ROOT, 'dist/action'), path.join(clone, 'dist/action'), {
    recursive: true,
    filter: (source) => !/\.(js|d\.ts)$/.test(source),
  });
  const release = await node([path.join(clone, 'scripts/release-action.mjs')], clone);
  const tag = `v${await packageVersion(clone)}`;
  if (release.code !== 0 || !release.out.includes(`tagged ${tag}`))
    throw new Error(`release-action failed:\n${release.out}`);
  const dir = path.join(root, 'action');
  await mkdir(dir);
  await new Promise<void>((resolve, reject) => {
    execFile('sh', ['-c', `git -C "${clone}" archive ${tag} | tar -x -C "${dir}"`], (error) =>
      error ? reject(error) : resolve(),
    );
  });
  return { dir, tag, clone };
}

export function node(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr }),
    );
  });
}

/** `labwarden init` pointing at this checkout, plus world files, pushed to a bare remote. */
export async function scaffoldRemote(
  nodes: string[],
  worlds: Record<string, string>,
): Promise<{ remote: string; work: string; init: string }> {
  const root = await tempDir('labwarden-scaffold-');
  const work = path.join(root, 'homelab');
  const init = await runCli(['init', work, '--nodes', nodes.join(','), '--action', `${ACTION}@test`]);
  if (init.code !== 0) throw new Error(`init failed:\n${init.stderr}`);
  for (const [node, text] of Object.entries(worlds)) {
    await mkdir(path.join(work, 'world/nodes'), { recursive: true });
    await writeFile(path.join(work, `world/nodes/${node}.yaml`), text);
  }
  const remote = path.join(root, 'remote.git');
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  await git(work, 'add', '-A');
  await git(work, 'commit', '--quiet', '-m', 'labwarden init');
  await git(work, 'remote', 'add', 'origin', remote);
  await git(work, 'push', '--quiet', '-u', 'origin', 'main');
  return { remote, work, init: init.stdout };
}

export const commits = async (remote: string) => Number(await git(remote, 'rev-list', '--count', 'main'));
export const jobs = (run: RunRecord) => Object.fromEntries(run.jobs.map((job) => [job.name, job.result]));
export const log = (run: RunRecord, job: string) =>
  run.steps
    .filter((step) => step.job === job)
    .map((step) => step.log)
    .join('\n');
export const schedule = { name: 'schedule', schedule: '*/30 * * * *' };
