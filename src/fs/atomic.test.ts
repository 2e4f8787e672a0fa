import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendWhole, sameBytes, writeIfChanged } from './atomic.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('writeIfChanged', () => {
  it('removes temp files a killed writer left beside the file, but not a live writer’s', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'labwarden-atomic-'));
    dirs.push(dir);
    const file = path.join(dir, 'recommendations.json');
    await writeFile(`${file}.123`, '{"half":');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(`${file}.123`, old, old);
    await writeFile(`${file}.456`, 'in flight'); // written after this process started
    await writeFile(path.join(dir, 'other.json.789'), 'not ours');
    await utimes(path.join(dir, 'other.json.789'), old, old);

    expect(await writeIfChanged(dir, 'recommendations.json', '{}\n')).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['other.json.789', 'recommendations.json', 'recommendations.json.456']);
  });

  it('writes only when the bytes differ, also at the same length', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'labwarden-atomic-'));
    dirs.push(dir);
    const file = path.join(dir, 'nested', 'status.json');
    expect(sameBytes(file, Buffer.from('x'))).toBe(false);
    expect(await writeIfChanged(dir, 'nested/status.json', '{"a":"é"}\n')).toBe(true);
    const written = (await stat(file)).mtimeMs;
    expect(await writeIfChanged(dir, 'nested/status.json', Buffer.from('{"a":"é"}\n'))).toBe(false);
    expect((await stat(file)).mtimeMs).toBe(written);
    // Same byte length, one byte different: compared, not just sized.
    expect(sameBytes(file, Buffer.from('{"a":"è"}\n'))).toBe(false);
    expect(await writeIfChanged(dir, 'nested/status.json', '{"a":"è"}\n')).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('{"a":"è"}\n');
  });
});

describe('appendWhole', () => {
  it('gives the bytes of an append, creates the file, and leaves no temp beside it or behind it', async () => {
    const repo = await mkdtemp(path.join(tmpdir(), 'labwarden-append-'));
    dirs.push(repo);
    await appendWhole(repo, 'chronicle/incidents.jsonl', '{"a":1}\n');
    await appendWhole(repo, 'chronicle/incidents.jsonl', '{"b":"é"}\n{"c":3}\n');
    expect(await readFile(path.join(repo, 'chronicle/incidents.jsonl'), 'utf8')).toBe('{"a":1}\n{"b":"é"}\n{"c":3}\n');
    expect(await readdir(path.join(repo, 'chronicle'))).toEqual(['incidents.jsonl']);
    expect(await readdir(path.join(repo, '.labwarden/tmp'))).toEqual([]);
  });

  it('removes the temp a killed earlier run left, not another file', async () => {
    const repo = await mkdtemp(path.join(tmpdir(), 'labwarden-append-'));
    dirs.push(repo);
    const tmp = path.join(repo, '.labwarden/tmp');
    await appendWhole(repo, 'chronicle/incidents.jsonl', '{"a":1}\n');
    await writeFile(path.join(tmp, 'incidents.jsonl.123.456'), '{"half');
    await writeFile(path.join(tmp, 'other.jsonl.123.456'), 'x');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(path.join(tmp, 'incidents.jsonl.123.456'), old, old);
    await appendWhole(repo, 'chronicle/incidents.jsonl', '{"b":2}\n');
    expect((await readdir(tmp)).sort()).toEqual(['other.jsonl.123.456']);
    expect(await readFile(path.join(repo, 'chronicle/incidents.jsonl'), 'utf8')).toBe('{"a":1}\n{"b":2}\n');
  });
});
