import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { commitAndPush } from '../src/git/commit-push.js';
import { ADMIN, appendStandIn, git, makeRemote, verifyStandIn } from './helpers/git.js';
import { cleanupRepos, tempDir } from './helpers/repo.js';

afterAll(cleanupRepos);

/**
 * On a loaded machine the event loop can learn that git exited well before it reads what git
 * printed. A client that takes the exit (plus a grace) as the end of the output then reads
 * nothing, and the git layer took that silence as an answer: "nothing changed" (status), "nothing
 * unpushed" (rev-list --count), "no events" (show): a writer reported `pushed` while its admin
 * events never reached the remote. Here the late reading is made certain instead of likely: a
 * stand-in `git` on PATH runs the real one and, for the commands named in LATE_GIT, hands its
 * output over 400 ms after it has exited (a child of the stand-in holds the pipe until then);
 * those named in FAIL_GIT fail as a fork would under memory pressure; in SILENT_GIT they exit 1
 * without a word; in KILL_GIT they are killed (kill -9) before doing anything.
 */
async function lateGit(): Promise<{ bin: string; log: string }> {
  const real = (await promisify(execFile)('sh', ['-c', 'command -v git'])).stdout.trim();
  const bin = await tempDir('labwarden-late-git-');
  const log = path.join(bin, 'late.log');
  await writeFile(log, '');
  const script = `#!/bin/sh
sub= skip=
for a in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case "$a" in -c|-C) skip=1 ;; -*) ;; *) sub=$a; break ;; esac
done
case " $FAIL_GIT " in
  *" $sub "*) echo "error: cannot run $sub: Resource temporarily unavailable" >&2; exit 128 ;;
esac
case " $SILENT_GIT " in
  *" $sub "*) exit 1 ;;
esac
case " $KILL_GIT " in
  *" $sub "*) kill -KILL $$ ;;
esac
case " $LATE_GIT " in
  *" $sub "*)
    out=$(mktemp)
    '${real}' "$@" >"$out"; rc=$?
    echo "$sub" >>'${log}'
    (sleep 0.4; cat "$out"; rm -f "$out") &
    exit $rc ;;
esac
exec '${real}' "$@"
`;
  await writeFile(path.join(bin, 'git'), script);
  await chmod(path.join(bin, 'git'), 0o755);
  return { bin, log };
}

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
  delete process.env.LATE_GIT;
  delete process.env.FAIL_GIT;
  delete process.env.SILENT_GIT;
  delete process.env.KILL_GIT;
});

/** Two clones; the other one appends and pushes first, so `mine` is rejected once and moves onto the remote. */
async function raced(): Promise<{ remote: Awaited<ReturnType<typeof makeRemote>>; mine: string }> {
  const remote = await makeRemote({ '.gitignore': '.labwarden/\n', 'README.md': 'homelab\n' });
  const [mine, other] = [await remote.clone(), await remote.clone()];
  await appendStandIn(other, [{ id: 'theirs', action: 'enter', node: 'pi' }]);
  await git(other, 'add', ADMIN);
  await git(other, 'commit', '--quiet', '-m', 'maintenance: the other writer');
  await git(other, 'push', '--quiet');
  await appendStandIn(mine, [
    { id: 'mine-a', action: 'enter', node: 'gateway' },
    { id: 'mine-b', action: 'exit', node: 'gateway' },
  ]);
  return { remote, mine };
}

describe('git output read after git exited (a loaded machine)', () => {
  // Each of these read as empty used to be a silent "pushed" without the events on the remote.
  for (const late of ['status', 'rev-list', 'show', 'status rev-parse rev-list show diff log config']) {
    it(`a maintenance writer's events reach the remote when the output of ${late} comes late`, async () => {
      const { remote, mine } = await raced();
      const { bin, log } = await lateGit();
      process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
      process.env.LATE_GIT = late;

      const result = await commitAndPush(mine, {
        files: [ADMIN],
        message: 'maintenance: mine',
        push: true,
        maxAttempts: 4,
        backoff: { baseMs: 1, maxMs: 1 },
      });
      process.env.PATH = savedPath;

      // The stand-in did delay what it was asked to (else this test proves nothing).
      const delayed = new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean));
      for (const command of late.split(' ').filter((c) => ['status', 'rev-list', 'show'].includes(c)))
        expect(delayed).toContain(command);
      expect(result).toMatchObject({ pushed: true, attempts: 2 });
      const check = await remote.clone();
      expect((await verifyStandIn(check)).map((e) => e.id)).toEqual(['theirs', 'mine-a', 'mine-b']);
      expect(await git(mine, 'status', '--porcelain')).toBe('');
      expect(await git(mine, 'rev-list', '--count', 'origin/main..HEAD')).toBe('0');
    }, 60_000);
  }

  it('a git show that fails is an error, never an empty file: the events stay committed for the next push', async () => {
    const { remote, mine } = await raced();
    const { bin } = await lateGit();
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    process.env.FAIL_GIT = 'show';
    const options = { files: [ADMIN], message: 'maintenance: mine', push: true, maxAttempts: 4 };

    await expect(commitAndPush(mine, { ...options, backoff: { baseMs: 1, maxMs: 1 } })).rejects.toMatchObject({
      code: 'git_failed',
      message: expect.stringContaining(`cannot read ${ADMIN}`),
    });
    process.env.PATH = savedPath;
    expect((await verifyStandIn(await remote.clone())).map((e) => e.id)).toEqual(['theirs']);
    expect((await verifyStandIn(mine)).map((e) => e.id)).toEqual(['mine-a', 'mine-b']);
    expect(await git(mine, 'status', '--porcelain')).toBe('');

    // The next run (git healthy again) moves them onto the remote.
    expect(await commitAndPush(mine, { ...options, backoff: { baseMs: 1, maxMs: 1 } })).toMatchObject({ pushed: true });
    expect((await verifyStandIn(await remote.clone())).map((e) => e.id)).toEqual(['theirs', 'mine-a', 'mine-b']);
  }, 60_000);

  for (const [how, variable] of [
    ['exits 1 without a word', 'SILENT_GIT'],
    ['is killed by a signal', 'KILL_GIT'],
  ] as const) {
    it(`a push that ${how} is a failure, never "pushed"`, async () => {
      const remote = await makeRemote({ '.gitignore': '.labwarden/\n', 'README.md': 'homelab\n' });
      const mine = await remote.clone();
      await appendStandIn(mine, [{ id: 'mine-a', action: 'enter', node: 'gateway' }]);
      const { bin } = await lateGit();
      process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
      process.env[variable] = 'push';
      const options = { files: [ADMIN], message: 'maintenance: mine', push: true };

      await expect(commitAndPush(mine, options)).rejects.toMatchObject({ code: 'git_failed' });
      process.env.PATH = savedPath;
      expect(await git(await remote.clone(), 'log', '--format=%s')).toBe('seed');
      expect(await git(mine, 'log', '-1', '--format=%s')).toBe('maintenance: mine');

      expect(await commitAndPush(mine, options)).toMatchObject({ pushed: true, attempts: 1 });
      expect((await verifyStandIn(await remote.clone())).map((e) => e.id)).toEqual(['mine-a']);
    }, 60_000);
  }
});
