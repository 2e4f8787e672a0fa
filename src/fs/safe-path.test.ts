import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendWhole, writeIfChanged } from './atomic.js';
import { RepoPathError, RepoRoot } from './safe-path.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function layout(): Promise<{ repo: string; outside: string }> {
  const base = await mkdtemp(path.join(tmpdir(), 'labwarden-safe-'));
  dirs.push(base);
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  await mkdir(path.join(repo, '.git'), { recursive: true });
  await mkdir(path.join(repo, 'chronicle'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(repo, '.git/config'), '[http] extraheader = secret\n');
  await writeFile(path.join(outside, 'file'), 'outside\n');
  await writeFile(path.join(repo, 'chronicle/real.jsonl'), '{"a":1}\n');
  return { repo, outside };
}

const refusal = (fn: () => unknown): RepoPathError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RepoPathError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('RepoRoot', () => {
  it.each([
    [
      'an absolute link out',
      (o: string) => path.join(o, 'file'),
      'is a symlink to "<outside>/file", which leaves the repository',
    ],
    [
      'a relative link out',
      () => '../../outside/file',
      'is a symlink to "../../outside/file", which leaves the repository',
    ],
    [
      'a dangling link out (a write would create the file there)',
      (o: string) => path.join(o, 'not-yet'),
      'is a symlink to "<outside>/not-yet", which leaves the repository',
    ],
    ['a link into .git/', () => '../.git/config', 'is a symlink to "../.git/config", which points into .git/'],
  ])('refuses %s, for reads and writes', async (_name, target, message) => {
    const { repo, outside } = await layout();
    await symlink(target(outside), path.join(repo, 'chronicle/x.jsonl'));
    const root = new RepoRoot(repo);
    expect(refusal(() => root.read('chronicle/x.jsonl')).message).toBe(
      `chronicle/x.jsonl: ${message.replace('<outside>', outside)}`,
    );
    await expect(appendWhole(repo, 'chronicle/x.jsonl', '{"b":2}\n')).rejects.toBeInstanceOf(RepoPathError);
    await expect(writeIfChanged(repo, 'chronicle/x.jsonl', 'x')).rejects.toBeInstanceOf(RepoPathError);
    expect(await readFile(path.join(outside, 'file'), 'utf8')).toBe('outside\n');
    expect(await readFile(path.join(repo, '.git/config'), 'utf8')).toBe('[http] extraheader = secret\n');
  });

  it('judges a link in the middle of the path, and a chain of links, by where they end up', async () => {
    const { repo, outside } = await layout();
    await symlink(outside, path.join(repo, 'status'));
    expect(refusal(() => new RepoRoot(repo).resolve('status/recommendations.json')).message).toMatch(
      /goes through the symlink status to ".*outside", which leaves the repository$/,
    );
    // in-repo link -> in-repo link -> outside: refused at the second hop.
    await symlink('hop2', path.join(repo, 'chronicle/hop1.jsonl'));
    await symlink('../../outside/file', path.join(repo, 'chronicle/hop2'));
    expect(refusal(() => new RepoRoot(repo).read('chronicle/hop1.jsonl')).message).toMatch(/leaves the repository$/);
    // A relative path that climbs out is refused as well.
    expect(refusal(() => new RepoRoot(repo).resolve('chronicle/../../outside/file')).message).toMatch(
      /the path leaves the repository$/,
    );
  });

  it('follows a link that stays inside, for reads and for writes (the link stays)', async () => {
    const { repo } = await layout();
    await symlink('real.jsonl', path.join(repo, 'chronicle/alias.jsonl'));
    const root = new RepoRoot(repo);
    expect(root.read('chronicle/alias.jsonl')).toBe('{"a":1}\n');
    expect(root.resolve('chronicle/alias.jsonl')).toBe(path.join(realpathSync(repo), 'chronicle/real.jsonl'));
    await appendWhole(repo, 'chronicle/alias.jsonl', '{"b":2}\n');
    expect(await readFile(path.join(repo, 'chronicle/real.jsonl'), 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(root.read('chronicle/alias.jsonl')).toBe('{"a":1}\n{"b":2}\n');
  });

  it('a directory where a file belongs, a file where a directory belongs, a file over its limit', async () => {
    const { repo } = await layout();
    await mkdir(path.join(repo, 'chronicle/admin.jsonl'));
    await writeFile(path.join(repo, 'status'), 'a file\n');
    const root = new RepoRoot(repo);
    expect(refusal(() => root.read('chronicle/admin.jsonl')).message).toBe(
      'chronicle/admin.jsonl: is a directory; expected a file',
    );
    expect(refusal(() => root.resolve('status/recommendations.json')).message).toBe(
      'status: is a file; expected a directory',
    );
    expect(refusal(() => root.read('chronicle/real.jsonl', { maxBytes: 4 })).message).toBe(
      'chronicle/real.jsonl: is 8 bytes; at most 4 bytes is read',
    );
    expect(root.read('chronicle/missing.jsonl')).toBeUndefined();
    expect(root.read('missing-dir/file')).toBeUndefined();
  });
});
