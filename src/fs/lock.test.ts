import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, LockBusy, processStart } from './lock.js';
import { contend, oneAtATime } from './lock.test-helper.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function temp(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'labwarden-lock-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('acquireLock', () => {
  it('the lock holds its owner from the first byte: pid, start time, host, command, since', async () => {
    const file = path.join(await temp(), 'repo.lock');
    const lock = await acquireLock(file, {
      command: 'labwarden run --once',
      clock: () => Date.parse('2026-11-22T10:00:00Z'),
    });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      pid: process.pid,
      start: processStart(process.pid),
      host: hostname(),
      command: 'labwarden run --once',
      since: '2026-11-22T10:00:00.000Z',
    });
    await lock.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });

  it('a live holder is never taken: the waiter gives up naming it, exit 1 by default', async () => {
    const file = path.join(await temp(), 'repo.lock');
    const held = await acquireLock(file, { command: 'labwarden run --every 5m' });
    const error = await acquireLock(file, { command: 'labwarden maintenance cordon pi', waitMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockBusy);
    expect((error as LockBusy).exitCode).toBe(1);
    expect((error as LockBusy).message).toMatch(
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')} is held by pid ${process.pid} \\(labwarden run --every 5m\\) since \\S+, 0s ago after waiting 0s$`,
      ),
    );
    expect((error as LockBusy).hint).toContain(`ps -p ${process.pid}`);
    await held.release();
  });

  it('a dead owner, or a pid now belonging to a process started at another time, is stale', async () => {
    const file = path.join(await temp(), 'repo.lock');
    const dead = { pid: await deadPid(), host: hostname(), command: 'killed', since: '2026-11-22T10:00:00.000Z' };
    await writeFile(file, JSON.stringify(dead));
    const first = await acquireLock(file, { command: 'next' });
    await first.release();
    // Our own pid, but another start time: the pid was reused after the owner died.
    await writeFile(file, JSON.stringify({ ...dead, pid: process.pid, start: '1' }));
    const second = await acquireLock(file, { command: 'next' });
    expect(JSON.parse(await readFile(file, 'utf8')).command).toBe('next');
    await second.release();
  });

  it('a lock file without an owner (an older version, a full disk) waits a grace period, then is stale', async () => {
    const file = path.join(await temp(), 'repo.lock');
    await writeFile(file, '');
    await expect(acquireLock(file, { command: 'x', waitMs: 100 })).rejects.toThrow(/is held by another process/);
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    await (await acquireLock(file, { command: 'x' })).release();
  });

  it('a write that fails leaves no lock file behind', async () => {
    const dir = await temp();
    const file = path.join(dir, 'locks', 'repo.lock');
    await writeFile(path.join(dir, 'locks'), 'a file where the folder should be');
    await expect(acquireLock(file, { command: 'x' })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['locks']);
  });

  it('25 processes started at once, with a stale lock in place: each holds it in turn, never two', async () => {
    const file = path.join(await temp(), 'repo.lock');
    await writeFile(
      file,
      JSON.stringify({ pid: await deadPid(), host: hostname(), command: 'killed', since: '2026-11-22T10:00:00.000Z' }),
    );
    const lines = await contend(file, 25, 5);
    expect(lines).toHaveLength(50);
    oneAtATime(lines);
    expect((await readdir(path.dirname(file))).sort()).toEqual(['repo.lock.log']);
  }, 120_000);
});
