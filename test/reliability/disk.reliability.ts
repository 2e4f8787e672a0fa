import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHomelab, GENERATED_NOW } from '../../bench/generate.js';
import { appendAdminEvent } from '../../src/maintenance/index.js';
import { demoFiles, git, makeRemote } from '../helpers/git.js';
import { CLI, cleanupRepos, runCli, tempDir } from '../helpers/repo.js';

const STATUS = 'status/recommendations.json';
const LATER = '2026-11-22T12:05:00Z';

afterAll(cleanupRepos);

// A real full or read-only file system: a small tmpfs in a user + mount namespace, so no
// root and no host mount is needed. The repo is copied in, the disk filled or remounted
// read-only, and the CLI run there; what it left is copied out for the assertions.
const SCRIPT = `
set -eu
mount -t tmpfs -o size=4m tmpfs "$MNT"
cp -r "$SRC"/. "$MNT"/
if [ "$MODE" = full ]; then dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true; fi
if [ "$MODE" = readonly ]; then mount -o remount,ro "$MNT"; fi
set +e
"$NODE" "$CLI" reconcile --repo "$MNT" --now "$NOW" >"$OUT/stdout" 2>"$OUT/stderr"
echo $? >"$OUT/code"
cp "$MNT/${STATUS}" "$OUT/status.json"
ls -A "$MNT/status" >"$OUT/status-files"
`;

async function reconcileOnBrokenDisk(repo: string, mode: 'full' | 'readonly', now: string) {
  const out = await tempDir();
  const mnt = await tempDir();
  const env = { ...process.env, MNT: mnt, SRC: repo, OUT: out, MODE: mode, NODE: process.execPath, CLI, NOW: now };
  await new Promise<void>((resolve, reject) =>
    execFile(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'bash', '-c', SCRIPT],
      { env },
      (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
    ),
  );
  const read = (name: string) => readFile(path.join(out, name), 'utf8');
  return {
    code: Number(await read('code')),
    stdout: await read('stdout'),
    stderr: await read('stderr'),
    status: await read('status.json'),
    statusFiles: (await read('status-files')).split('\n').filter(Boolean),
  };
}

describe('disk full and read-only repo', async () => {
  const repo = await tempDir();
  await mkdir(repo, { recursive: true });
  await generateHomelab({ dir: repo, nodes: 40, services: 20, seed: 5, format: 'yaml', chronicleLines: 100 });
  // The committed status is from a later --now, so reconciling at GENERATED_NOW must write.
  expect((await runCli(['reconcile', '--repo', repo, '--now', LATER])).code).toBe(0);
  const lastGood = await readFile(path.join(repo, STATUS), 'utf8');

  it.each([
    ['full', /cannot write \S+: no space left on device \(ENOSPC\)/],
    ['readonly', /cannot write \S+: the file system is read-only \(EROFS\)/],
  ] as const)('%s: a clear error, exit 1, the last good status intact', async (mode, message) => {
    const result = await reconcileOnBrokenDisk(repo, mode, GENERATED_NOW);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^hint: Free some space or make the repo writable/m);
    expect(result.stderr).not.toMatch(/internal error|bug/);
    expect(result.status).toBe(lastGood);
    expect(result.statusFiles.filter((name: string) => name !== 'insights.json')).toEqual(['recommendations.json']);
  });

  it('a read-only repo whose status is current: nothing to write, exit 0', async () => {
    const result = await reconcileOnBrokenDisk(repo, 'readonly', LATER);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/unchanged/);
    expect(result.status).toBe(lastGood);
  });
});

// ---- every writer on a full disk (issue 16) ----
// Each command runs on a full tmpfs (RESERVE_KB left free, so that a lock or a small temp can
// be made and the failure comes from the write that matters) and must end with one line
// `error: ... no space left on device (ENOSPC)` and a hint, exit 1, no stack trace, and every
// file of the repo as it was: no half line, no torn file, no leftover temp in chronicle/.
const WRITER_SCRIPT = `
set -eu
mount -t tmpfs -o size=8m tmpfs "$MNT"
cp -a "$SRC"/. "$MNT"/
if [ "$RESERVE_KB" -gt 0 ]; then dd if=/dev/zero of="$MNT/reserve" bs=1k count="$RESERVE_KB" 2>/dev/null; fi
dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
rm -f "$MNT/reserve"
set +e
"$NODE" "$CLI" "$@" --repo "$MNT" >"$OUT/stdout" 2>"$OUT/stderr"
echo $? >"$OUT/code"
rm -f "$MNT/filler"
mkdir "$OUT/after"
cp -a "$MNT"/. "$OUT/after"/
`;

async function runOnFullDisk(repo: string, args: string[], reserveKb: number) {
  const out = await tempDir();
  const mnt = await tempDir();
  const env = {
    ...process.env,
    MNT: mnt,
    SRC: repo,
    OUT: out,
    NODE: process.execPath,
    CLI,
    RESERVE_KB: String(reserveKb),
  };
  await new Promise<void>((resolve, reject) =>
    execFile(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'bash', '-c', WRITER_SCRIPT, 'bash', ...args],
      { env },
      (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
    ),
  );
  const read = (name: string) => readFile(path.join(out, name), 'utf8');
  return {
    code: Number(await read('code')),
    stdout: await read('stdout'),
    stderr: await read('stderr'),
    after: path.join(out, 'after'),
  };
}

/** Every file under `dir` (but .labwarden/ and .git/, which are not the repo's content), by relative path. */
async function contentOf(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (/^(\.labwarden|\.git)\//.test(relative)) continue;
    files.set(relative, await readFile(path.join(dir, relative), 'utf8'));
  }
  return files;
}

describe('every writer on a full disk', async () => {
  const remote = await makeRemote(await demoFiles());
  const repo = await remote.clone();
  // admin.jsonl larger than the space left (one page, for the lock): a plain append would
  // write up to the end of its last page and stop mid-line; the all-or-nothing copy cannot fit.
  const event = (i: number, length: number) =>
    appendAdminEvent(
      repo,
      { actor: 'test', action: i % 2 === 0 ? 'cordon' : 'uncordon', node: 'pi', reason: 'x'.repeat(length) },
      { now: Date.parse('2026-11-22T09:00:00Z') + i * 1000 },
    );
  for (let i = 0; i < 30; i++) await event(i, 1500);
  // The last events are sized so that the file ends 40 bytes before a page boundary: the next
  // line (~190 bytes) must take a new page, which a full disk refuses — where the old single
  // write() stopped mid-line ("short write to chronicle/admin.jsonl: 40 of 190 bytes").
  const admin = path.join(repo, 'chronicle/admin.jsonl');
  const size = async () => (await readFile(admin)).length;
  const overhead = new Map<number, number>();
  for (let i = 30; i < 60; i++) {
    const before = await size();
    const gap = (4096 - 40 - (before % 4096) + 4096) % 4096;
    if (gap === 0) break;
    const guess = overhead.get(i % 2) ?? 250;
    const length = gap - guess >= 0 && gap - guess <= 2000 ? gap - guess : 2000;
    await event(i, length);
    overhead.set(i % 2, (await size()) - before - length);
  }
  expect((await size()) % 4096).toBe(4096 - 40);
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-qm', 'admin history');
  const before = await contentOf(repo);
  const AT = '2026-11-22T10:05:00Z';

  it.each([
    ['maintenance (admin append)', ['maintenance', 'cordon', 'media', '--actor', 'test', '--now', AT], 4],
    ['reconcile', ['reconcile', '--now', AT], 0],
    ['notify', ['notify', '--now', AT], 0],
    ['observe', ['observe', '--node', 'pi', '--timeout', '200ms', '--now', AT], 0],
    ['report-deployment', ['report-deployment', 'pi/home-assistant', '--result', 'success', '--now', AT], 0],
    ['run --once (its lock)', ['run', '--once', '--no-push', '--no-notify', '--now', AT], 0],
  ] as const)('%s: one line and a hint, exit 1, nothing written', async (_name, args, reserveKb) => {
    const result = await runOnFullDisk(repo, [...args], reserveKb);
    expect(result.stderr).toMatch(/^error: cannot write \S+: no space left on device \(ENOSPC\)$/m);
    expect(result.stderr).toMatch(/^hint: Free some space/m);
    expect(result.stderr).not.toMatch(/internal error|this is a bug|\n\s+at /);
    expect(result.code).toBe(1);
    const after = await contentOf(result.after);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, text] of before) expect(after.get(file), file).toBe(text);
  });

  it('run --once whose cycle meets the full disk: the cycle line says so, exit 1, every file whole', async () => {
    // Room for the lock and status/, not for git's objects nor the watchdog's state.
    const result = await runOnFullDisk(repo, ['run', '--once', '--no-push', '--no-notify', '--now', AT], 16);
    expect(result.stdout).toMatch(/ error (write_failed|\w+): .*(no space left on device \(ENOSPC\)|Out of diskspace)/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/internal error|this is a bug|\n\s+at /);
    expect(result.code).toBe(1);
    for (const [file, text] of await contentOf(result.after)) {
      if (file.endsWith('.jsonl')) {
        expect(text.endsWith('\n'), file).toBe(true);
        for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line), file).not.toThrow();
      }
      if (file.endsWith('.json')) expect(() => JSON.parse(text), file).not.toThrow();
      expect(before.has(file) || file === 'status/insights.json', file).toBe(true);
    }
  });
});
