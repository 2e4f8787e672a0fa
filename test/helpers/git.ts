import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './repo.js';

const run = promisify(execFile);
const ID = ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main'];

/** Runs git in `dir` and returns stdout (trimmed). */
export async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', [...ID, ...args], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export interface Remote {
  /** Path of the bare repository (also its URL). */
  url: string;
  /** A fresh clone with user.name/email set, on main tracking origin/main. */
  clone(): Promise<string>;
}

/** A bare remote in a temp dir seeded with `files` in one commit on main. */
export async function makeRemote(files: Record<string, string>): Promise<Remote> {
  const root = await tempDir('labwarden-git-');
  const url = path.join(root, 'remote.git');
  await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', url]);
  const seed = path.join(root, 'seed');
  await run('git', ['clone', '--quiet', url, seed]).catch(() => undefined);
  await mkdir(seed, { recursive: true });
  await git(seed, 'checkout', '--quiet', '-B', 'main');
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(seed, relative)), { recursive: true });
    await writeFile(path.join(seed, relative), content);
  }
  await git(seed, 'add', '-A');
  await git(seed, 'commit', '--quiet', '--allow-empty', '-m', 'seed');
  await git(seed, 'push', '--quiet', '-u', 'origin', 'main');
  let n = 0;
  return {
    url,
    async clone() {
      const dir = path.join(root, `clone-${n++}`);
      await run('git', ['clone', '--quiet', url, dir]);
      await git(dir, 'config', 'user.name', 'test');
      await git(dir, 'config', 'user.email', 'test@example.invalid');
      return dir;
    },
  };
}

// ---- a stand-in for chronicle/admin.jsonl's appender: real admin events, nothing else ----

export const ADMIN = 'chronicle/admin.jsonl';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ACTIONS: Record<string, string> = { enter: 'enter_maintenance', exit: 'exit_maintenance' };

export interface StandInEvent {
  id: string;
  action: string;
  node: string;
}

/**
 * Appends events on the current tail: seq continues, prev = sha256 of the previous line. They are
 * valid admin events (the git layer re-chains those), the id carried in `reason` as `id:<id>`.
 */
export async function appendStandIn(repo: string, events: StandInEvent[], at = '2026-11-22T10:00:00Z'): Promise<void> {
  const file = path.join(repo, ADMIN);
  await mkdir(path.dirname(file), { recursive: true });
  const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  let out = '';
  let prev = lines.length ? sha256(lines.at(-1)!) : '0'.repeat(64);
  let seq = lines.length;
  for (const event of events) {
    const line = JSON.stringify({
      seq: ++seq,
      at,
      actor: 'test',
      action: ACTIONS[event.action] ?? event.action,
      node: event.node,
      reason: `id:${event.id}`,
      prev,
    });
    out += `${line}\n`;
    prev = sha256(line);
  }
  await appendFile(file, out);
}

/** The chain's events in order (id from `reason`, undefined for other events); throws on a broken link, a skipped seq or time going back. */
export async function verifyStandIn(repo: string): Promise<(StandInEvent & { at: string })[]> {
  const lines = (await readFile(path.join(repo, ADMIN), 'utf8')).split('\n').filter(Boolean);
  let prev = '0'.repeat(64);
  let at = '';
  return lines.map((line, index) => {
    const event = JSON.parse(line) as {
      seq: number;
      prev: string;
      at: string;
      action: string;
      node: string;
      reason: string | null;
    };
    if (event.prev !== prev) throw new Error(`${ADMIN}:${index + 1}: prev does not match the line before`);
    if (event.seq !== index + 1) throw new Error(`${ADMIN}:${index + 1}: seq ${event.seq}, expected ${index + 1}`);
    if (Date.parse(event.at) < Date.parse(at))
      throw new Error(`${ADMIN}:${index + 1}: at ${event.at} is before the line above (${at})`);
    at = event.at;
    prev = sha256(line);
    return {
      id: event.reason?.startsWith('id:') ? event.reason.slice(3) : (undefined as unknown as string),
      action: event.action,
      node: event.node,
      at: event.at,
    };
  });
}

/** The demo homelab shipped in this repository, as `{ path: content }` (plus .gitattributes). */
export async function demoFiles(): Promise<Record<string, string>> {
  const { readdir } = await import('node:fs/promises');
  const { PROJECT_ROOT } = await import('./repo.js');
  const files: Record<string, string> = {
    '.gitattributes': await readFile(path.join(PROJECT_ROOT, '.gitattributes'), 'utf8'),
    '.gitignore': '.labwarden/\n',
  };
  for (const top of ['inventory', 'world', 'chronicle', 'status']) {
    const entries = await readdir(path.join(PROJECT_ROOT, top), { recursive: true, withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(PROJECT_ROOT, full)] = await readFile(full, 'utf8');
    }
  }
  return files;
}

/** Writes `.labwarden/heartbeats/<node>.json` for each node, as an observer would (git ignores them). */
export async function beat(repo: string, nodes: string[], seenAt: string): Promise<void> {
  await mkdir(path.join(repo, '.labwarden/heartbeats'), { recursive: true });
  await Promise.all(
    nodes.map((node) =>
      writeFile(path.join(repo, '.labwarden/heartbeats', `${node}.json`), JSON.stringify({ node, seen_at: seenAt })),
    ),
  );
}
