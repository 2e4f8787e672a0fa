import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cleanupRepos, runCli } from '../helpers/repo.js';
import { demoFiles, git, makeRemote } from '../helpers/git.js';

afterAll(cleanupRepos);

const TRIALS = 30;

/** Starts `labwarden args` in its own process group and SIGKILLs the node process after `ms`. */
async function killAfter(args: string[], ms: number): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill('SIGKILL');
  await exited;
  // The git commands it had started are orphans now and still finish (as under a plain kill -9);
  // wait for the whole group to be gone before looking at the repo.
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('git children of the killed run did not finish');
}

describe('kill -9 of `reconcile --push` at random points', () => {
  it(`leaves a valid repo, and the next run converges (${TRIALS} trials)`, async () => {
    const remote = await makeRemote(await demoFiles());
    const [dir, other] = [await remote.clone(), await remote.clone()];
    // A deterministic spread of kill points over a run's lifetime (~0-1.5 s here).
    const delays = Array.from({ length: TRIALS }, (_, i) => Math.round(((i * 7919) % TRIALS) * (1500 / TRIALS)));
    for (let trial = 0; trial < TRIALS; trial++) {
      const now = new Date(Date.parse('2026-11-22T10:05:00Z') + trial * 600_000).toISOString();
      // Another writer moves the remote, so the killed run may be mid-fetch, mid-rebase or mid-push.
      const pi = path.join(other, 'world/nodes/pi.yaml');
      await writeFile(
        pi,
        (await readFile(pi, 'utf8')).replace(/observed_at: \S+/, `observed_at: ${now.replace('.000Z', 'Z')}`),
      );
      await git(other, 'commit', '-qam', `observe: pi ${trial}`);
      await git(other, 'push', '-q');

      await killAfter(['reconcile', '--repo', dir, '--now', now, '--push'], delays[trial]!);

      expect(await git(dir, 'fsck', '--no-dangling', '--no-progress')).toBe('');
      const next = await runCli(['reconcile', '--repo', dir, '--now', now, '--push']);
      expect({ trial, code: next.code, stderr: next.stderr }).toEqual({ trial, code: 0, stderr: '' });
      // Converged: tree clean, everything pushed, status is what the merged inputs give.
      expect(await git(dir, 'status', '--porcelain')).toBe('');
      expect(await git(dir, 'rev-parse', 'HEAD')).toBe(await git(remote.url, 'rev-parse', 'main'));
      const expected = await runCli(['reconcile', '--repo', dir, '--now', now, '--dry-run', '--json']);
      expect(await readFile(path.join(dir, 'status/recommendations.json'), 'utf8')).toBe(expected.stdout);
      expect((await runCli(['validate', '--repo', dir])).code).toBe(0);
      await git(other, 'pull', '-q', '--rebase');
    }
  }, 900_000);
});
