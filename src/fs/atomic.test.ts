import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeIfChanged } from './atomic.js';

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

    expect(await writeIfChanged(file, '{}\n')).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['other.json.789', 'recommendations.json', 'recommendations.json.456']);
  });
});
