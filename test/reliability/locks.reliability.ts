import { execFile, spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contend, oneAtATime } from '../../src/fs/lock.test-helper.js';
import { cleanupRepos, PROJECT_ROOT, tempDir } from '../helpers/repo.js';

afterAll(cleanupRepos);

const STARTS = 120;

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe(`${STARTS} simultaneous starts`, () => {
  it('waiting for the repo lock (a stale one in place): each holds it in turn, never two at once', async () => {
    const file = path.join(await tempDir(), 'repo.lock');
    await writeFile(
      file,
      JSON.stringify({ pid: await deadPid(), host: hostname(), command: 'killed', since: '2026-11-22T10:00:00.000Z' }),
    );
    const lines = await contend(file, STARTS, 3);
    expect(lines).toHaveLength(STARTS * 2);
    oneAtATime(lines);
    expect((await readdir(path.dirname(file))).sort()).toEqual(['repo.lock.log']);
    console.log(`locks: ${STARTS} waiting starts, ${lines.length / 2} holds, one at a time`);
  }, 600_000);

  it('runner starts (`run --once` style, no waiting): the ones that run never overlap, the others are refused naming the holder', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'run.lock');
    const log = path.join(dir, 'log');
    const script = `
      import { acquireLock } from ${JSON.stringify(path.join(PROJECT_ROOT, 'dist/runner/lock.js'))};
      import { appendFileSync } from 'node:fs';
      try {
        const lock = await acquireLock(${JSON.stringify(file)});
        appendFileSync(${JSON.stringify(log)}, 'enter ' + process.pid + '\\n');
        await new Promise((r) => setTimeout(r, 30));
        appendFileSync(${JSON.stringify(log)}, 'leave ' + process.pid + '\\n');
        await lock.release();
      } catch (error) {
        if (error.exitCode !== 2 || !/is held by pid \\d+ /.test(error.message)) throw error;
        appendFileSync(${JSON.stringify(log)}.replace('log', 'refused'), 'refused\\n');
      }`;
    const children = Array.from({ length: STARTS }, () =>
      spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' }),
    );
    const codes = await Promise.all(
      children.map((child) => new Promise<number | null>((resolve) => child.on('exit', resolve))),
    );
    expect(codes.filter((code) => code !== 0)).toEqual([]);
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    oneAtATime(lines);
    const refused = (await readFile(path.join(dir, 'refused'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean).length;
    expect(lines.length / 2 + refused).toBe(STARTS);
    expect(lines.length).toBeGreaterThan(0);
    console.log(`locks: ${STARTS} runner starts, ${lines.length / 2} ran (one at a time), ${refused} refused`);
  }, 600_000);

  it('on a full disk (tmpfs in a user namespace) a lock that cannot be written is refused whole: no empty lock left', async () => {
    const out = await tempDir();
    const mnt = await tempDir();
    const script = `
      set -eu
      mount -t tmpfs -o size=1m tmpfs "$MNT"
      mkdir "$MNT/.labwarden"
      dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
      "$NODE" --input-type=module -e "import('$LOCK').then((m) => m.acquireLock('$MNT/.labwarden/repo.lock', { command: 'x' })).then(() => console.log('taken'), (e) => console.log(e.code))" >"$OUT/result"
      ls -A "$MNT/.labwarden" >"$OUT/files"`;
    const env = {
      ...process.env,
      MNT: mnt,
      OUT: out,
      NODE: process.execPath,
      LOCK: path.join(PROJECT_ROOT, 'dist/fs/lock.js'),
    };
    await new Promise<void>((resolve, reject) =>
      execFile(
        'unshare',
        ['--user', '--map-root-user', '--mount', 'bash', '-c', script],
        { env },
        (error, _o, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
      ),
    );
    expect((await readFile(path.join(out, 'result'), 'utf8')).trim()).toBe('ENOSPC');
    expect((await readFile(path.join(out, 'files'), 'utf8')).trim()).toBe('');
  }, 120_000);
});
