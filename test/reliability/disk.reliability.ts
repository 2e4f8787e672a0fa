import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHomelab, GENERATED_NOW } from '../../bench/generate.js';
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
    execFile('unshare', ['--user', '--map-root-user', '--mount', 'bash', '-c', SCRIPT], { env }, (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve())),
  );
  const read = (name: string) => readFile(path.join(out, name), 'utf8');
  return { code: Number(await read('code')), stdout: await read('stdout'), stderr: await read('stderr'), status: await read('status.json'), statusFiles: (await read('status-files')).split('\n').filter(Boolean) };
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
