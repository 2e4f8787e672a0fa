import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, tempDir } from './helpers/repo.js';
import { ADMIN, appendStandIn, git, makeRemote, verifyStandIn } from './helpers/git.js';
import { commitAndPush } from '../src/git/commit-push.js';
import { classifyRemoteError, GitFailure } from '../src/git/errors.js';

afterAll(cleanupRepos);

const fast = { sleep: async () => undefined, random: () => 0.5 };
const SEED = {
  '.gitattributes': 'chronicle/notifications.jsonl merge=union\n',
  'inventory/hosts/a/services.yaml': 'services: []\n',
  'chronicle/notifications.jsonl': '{"id":"n0"}\n',
  'status/recommendations.json': '{"summary":"nominal"}\n',
  'notes.txt': 'line one\n',
};

async function write(dir: string, file: string, content: string) {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), content);
}
const remoteLog = (url: string) => git(url, 'log', '--format=%s', 'main');
const show = (url: string, file: string) => git(url, 'show', `main:${file}`);

async function failure(promise: Promise<unknown>): Promise<GitFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitFailure);
  return error as GitFailure;
}

describe('commitAndPush', () => {
  it('commits only the files the writer owns, with its message, and pushes', async () => {
    const remote = await makeRemote(SEED);
    const dir = await remote.clone();
    await write(dir, 'status/recommendations.json', '{"summary":"degraded"}\n');
    await write(dir, 'scratch.txt', 'not mine\n');
    const result = await commitAndPush(dir, {
      files: ['status/'],
      message: 'reconcile: a/x unhealthy_service opened; summary degraded',
      push: true,
      ...fast,
    });
    expect(result).toMatchObject({ pushed: true, attempts: 1 });
    expect(await remoteLog(remote.url)).toBe('reconcile: a/x unhealthy_service opened; summary degraded\nseed');
    expect(await git(remote.url, 'show', '--name-only', '--format=', 'main')).toBe('status/recommendations.json');
    expect(await git(dir, 'status', '--porcelain')).toBe('?? scratch.txt');
  });

  it('makes no commit and touches no remote when nothing changed', async () => {
    const remote = await makeRemote(SEED);
    const dir = await remote.clone();
    await rename(remote.url, `${remote.url}.gone`); // any network use would now fail
    for (let i = 0; i < 5; i++) {
      expect(
        await commitAndPush(dir, {
          files: ['status/', 'chronicle/incidents.jsonl'],
          message: 'x',
          push: true,
          ...fast,
        }),
      ).toMatchObject({ commit: undefined, pushed: true, attempts: 0 });
    }
    expect(await git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
  });

  it('commits without pushing when push is false', async () => {
    const remote = await makeRemote(SEED);
    const dir = await remote.clone();
    await write(dir, 'world/nodes/a.yaml', 'node: a\n');
    const result = await commitAndPush(dir, { files: ['world/nodes/a.yaml'], message: 'observe: a', push: false });
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await remoteLog(remote.url)).toBe('seed');
  });

  it('rebases and retries when the push is rejected; union-merged JSON Lines keep both lines', async () => {
    const remote = await makeRemote(SEED);
    const [a, b] = [await remote.clone(), await remote.clone()];
    await appendFile(path.join(a, 'chronicle/notifications.jsonl'), '{"id":"a1"}\n');
    await appendFile(path.join(b, 'chronicle/notifications.jsonl'), '{"id":"b1"}\n');
    await commitAndPush(a, { files: ['chronicle/notifications.jsonl'], message: 'notify: a', push: true, ...fast });
    const result = await commitAndPush(b, {
      files: ['chronicle/notifications.jsonl'],
      message: 'notify: b',
      push: true,
      ...fast,
    });
    expect(result.attempts).toBe(2);
    expect(await remoteLog(remote.url)).toBe('notify: b\nnotify: a\nseed');
    expect((await show(remote.url, 'chronicle/notifications.jsonl')).split('\n').sort()).toEqual([
      '{"id":"a1"}',
      '{"id":"b1"}',
      '{"id":"n0"}',
    ]);
    expect(await git(b, 'status', '--porcelain')).toBe('');
  });

  it.each(['chronicle/diagnostics.jsonl', 'chronicle/remediations.jsonl'])(
    'two nodes appending to %s are never diverged: both lines are kept (no .gitattributes needed)',
    async (file) => {
      const remote = await makeRemote({ ...SEED, [file]: '{"at":"0"}\n' });
      const [a, b] = [await remote.clone(), await remote.clone()];
      await appendFile(path.join(a, file), '{"at":"a"}\n');
      await appendFile(path.join(b, file), '{"at":"b"}\n');
      await commitAndPush(a, { files: [file], message: 'observe: a', push: true, ...fast });
      const result = await commitAndPush(b, { files: [file], message: 'observe: b', push: true, ...fast });
      expect(result.attempts).toBe(2);
      expect((await show(remote.url, file)).split('\n')).toEqual(['{"at":"0"}', '{"at":"a"}', '{"at":"b"}']);
      expect(await git(b, 'status', '--porcelain')).toBe('');
    },
  );

  it('regenerates derived files after the rebase instead of merging them', async () => {
    const remote = await makeRemote(SEED);
    const [a, b] = [await remote.clone(), await remote.clone()];
    await write(a, 'world/nodes/a.yaml', 'node: a\n');
    await write(a, 'status/recommendations.json', '{"summary":"from a"}\n');
    await commitAndPush(a, { files: ['world/', 'status/'], message: 'a', push: true, ...fast });
    await write(b, 'status/recommendations.json', '{"summary":"from b"}\n');
    let runs = 0;
    const regenerate = async () => {
      runs++;
      const world = await readFile(path.join(b, 'world/nodes/a.yaml'), 'utf8');
      await write(b, 'status/recommendations.json', `{"summary":"merged ${world.trim()}"}\n`);
      return { files: ['status/'], message: 'reconcile: regenerated' };
    };
    const result = await commitAndPush(b, {
      files: ['status/'],
      message: 'reconcile: b',
      push: true,
      regenerate,
      ...fast,
    });
    expect(runs).toBe(1);
    expect(result).toMatchObject({ pushed: true, attempts: 2, message: 'reconcile: regenerated' });
    expect(await show(remote.url, 'status/recommendations.json')).toBe('{"summary":"merged node: a"}');
    expect(await remoteLog(remote.url)).toBe('reconcile: regenerated\na\nseed');
  });

  it('re-appends pending hash-chained events on the remote tail: none dropped, none duplicated', async () => {
    const remote = await makeRemote(SEED);
    const [a, b] = [await remote.clone(), await remote.clone()];
    await appendStandIn(a, [{ id: 'a1', action: 'enter', node: 'a' }]);
    await commitAndPush(a, { files: [ADMIN], message: 'maintenance: a', push: true, ...fast });
    const pending = [
      { id: 'b1', action: 'cordon', node: 'b' },
      { id: 'b2', action: 'drain', node: 'b' },
    ];
    await appendStandIn(b, pending);
    const result = await commitAndPush(b, { files: [ADMIN], message: 'maintenance: b', push: true, ...fast });
    expect(result.attempts).toBe(2);
    const clone = await remote.clone();
    expect((await verifyStandIn(clone)).map((e) => e.id)).toEqual(['a1', 'b1', 'b2']);
  });

  it('keeps the commit when the remote is gone, and the next run pushes it', async () => {
    const remote = await makeRemote(SEED);
    const dir = await remote.clone();
    await write(dir, 'world/nodes/a.yaml', 'node: a\n');
    await rename(remote.url, `${remote.url}.gone`);
    const error = await failure(commitAndPush(dir, { files: ['world/'], message: 'observe: a', push: true, ...fast }));
    expect(error.code).toBe('remote_unreachable');
    expect(error.message).toMatch(/^cannot reach remote origin\. Commit [0-9a-f]{7} is kept locally\.$/);
    expect(error.exitCode).toBe(1);
    expect(await git(dir, 'log', '-1', '--format=%s')).toBe('observe: a');
    await rename(`${remote.url}.gone`, remote.url);
    expect(await commitAndPush(dir, { files: ['world/'], message: 'unused', push: true, ...fast })).toMatchObject({
      commit: undefined,
      pushed: true,
      attempts: 1,
    });
    expect(await remoteLog(remote.url)).toBe('observe: a\nseed');
  });

  it('reports diverged history, keeps the local commit and leaves the tree clean', async () => {
    const remote = await makeRemote(SEED);
    const [a, b] = [await remote.clone(), await remote.clone()];
    await write(a, 'notes.txt', 'line from a\n');
    await commitAndPush(a, { files: ['notes.txt'], message: 'a', push: true, ...fast });
    await write(b, 'notes.txt', 'line from b\n');
    const error = await failure(commitAndPush(b, { files: ['notes.txt'], message: 'b', push: true, ...fast }));
    expect(error.code).toBe('diverged');
    expect(error.message).toBe('the remote changed the same lines: notes.txt');
    expect(await git(b, 'log', '-1', '--format=%s')).toBe('b');
    expect(await git(b, 'status', '--porcelain')).toBe('');
  });

  it('gives up after maxAttempts with push_rejected', async () => {
    const remote = await makeRemote(SEED);
    const [a, b] = [await remote.clone(), await remote.clone()];
    await write(b, 'world/nodes/b.yaml', 'node: b\n');
    // Another writer wins every race: b's pre-push hook makes it push first, every time.
    await write(
      b,
      '.git/hooks/pre-push',
      `#!/bin/sh\nunset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE; cd '${a}' && mkdir -p world/nodes && date +%s%N >> world/nodes/a.yaml && git add -A && git commit -qm a && git push -q origin main\n`,
    );
    await chmod(path.join(b, '.git/hooks/pre-push'), 0o755);
    const error = await failure(
      commitAndPush(b, { files: ['world/'], message: 'b', push: true, maxAttempts: 3, ...fast }),
    );
    expect(error.code).toBe('push_rejected');
    expect(error.message).toMatch(
      /^push to origin rejected 3 times: the remote kept moving\. Commit [0-9a-f]{7} is kept locally\.$/,
    );
  });

  it.each([
    ['detached_head', async (dir: string) => git(dir, 'checkout', '--quiet', '--detach')],
    ['dirty_tree', async (dir: string) => write(dir, 'notes.txt', 'edited by hand\n')],
    ['no_remote', async (dir: string) => git(dir, 'remote', 'remove', 'origin')],
  ])('refuses clearly: %s', async (code, setup) => {
    const remote = await makeRemote(SEED);
    const dir = await remote.clone();
    await setup(dir);
    await write(dir, 'status/recommendations.json', '{}\n');
    expect((await failure(commitAndPush(dir, { files: ['status/'], message: 'x', push: true, ...fast }))).code).toBe(
      code,
    );
  });

  it('refuses while a git process works in the clone, and clears an index.lock a killed git left', async () => {
    const remote = await makeRemote(SEED);
    const dir = await remote.clone();
    await write(dir, '.git/index.lock', '');
    await write(dir, 'status/recommendations.json', '{}\n');
    // A real git at work here: hash-object waits for its stdin.
    const live = spawn('git', ['hash-object', '--stdin'], { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await new Promise((resolve) => live.once('spawn', resolve));
      const error = await failure(commitAndPush(dir, { files: ['status/'], message: 'x', push: true, ...fast }));
      expect(error.code).toBe('busy');
      expect(existsSync(path.join(dir, '.git/index.lock'))).toBe(true);
    } finally {
      live.kill('SIGKILL');
      await new Promise((resolve) => live.once('close', resolve));
    }
    // The git that held it is gone: the lock is stale and the commit goes through.
    const outcome = await commitAndPush(dir, { files: ['status/'], message: 'x', push: true, ...fast });
    expect(outcome.pushed).toBe(true);
    expect(existsSync(path.join(dir, '.git/index.lock'))).toBe(false);
    expect(await git(dir, 'log', '-1', '--format=%s')).toBe('x');
  });

  it('refuses a folder that is not a repository', async () => {
    expect(
      (await failure(commitAndPush(await tempDir(), { files: ['status/'], message: 'x', push: false }))).code,
    ).toBe('not_a_repo');
  });
});

describe('classifyRemoteError', () => {
  it.each([
    [' ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs', 'rejected'],
    [' ! [rejected]        HEAD -> main (non-fast-forward)', 'rejected'],
    [
      "error: failed to push some refs to '/tmp/remote.git'\nhint: Updates were rejected because the remote contains work that you do\nhint: not have locally.",
      'rejected',
    ],
    [
      "remote: Permission to me/lab.git denied to github-actions[bot].\nfatal: unable to access 'https://github.com/me/lab.git/': The requested URL returned error: 403",
      'auth_failed',
    ],
    ["fatal: could not read Username for 'https://github.com': No such device or address", 'auth_failed'],
    ['git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.', 'auth_failed'],
    [
      "fatal: '/tmp/x/remote.git' does not appear to be a git repository\nfatal: Could not read from remote repository.",
      'remote_unreachable',
    ],
    ["fatal: unable to access 'https://git.lan/lab.git/': Could not resolve host: git.lan", 'remote_unreachable'],
    [
      "remote: error: cannot lock ref 'refs/heads/main': is at 08d4130 but expected 7171ecd\n ! HEAD:refs/heads/main [remote rejected] (failed to update ref)",
      'rejected',
    ],
    [
      "remote: error: cannot lock ref 'refs/heads/labwarden/heartbeat/_reconciler': reference already exists\nerror: failed to push some refs to '/tmp/x/remote.git'",
      'rejected',
    ],
    ['error: something else entirely', 'unknown'],
  ])('%s → %s', (stderr, expected) => {
    expect(classifyRemoteError(stderr)).toBe(expected);
  });
});
