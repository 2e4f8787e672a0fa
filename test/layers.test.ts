import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, lowest first: a module may import its own layer and the layers below,
 * never one above. The data flows `model → repo → reconciler/chronicle/maintenance →
 * notify/site/bot → cli/runner`; a type or function two layers share lives in the lower one.
 * Folders on one line are one layer. This list is the one place the order is written down.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors'],
  ['fs'],
  ['model'],
  ['git'],
  ['repo'],
  ['chronicle'],
  ['maintenance'],
  ['observer'],
  ['reconciler'],
  ['plan', 'discover', 'init', 'forge', 'skills'],
  ['notify'],
  ['watchdog'],
  ['site', 'bot'],
  ['runner'],
  ['cli'],
  ['action', 'docs'],
];

const SRC = path.resolve(import.meta.dirname, '../src');
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** Every relative import of the non-test modules under src/: [file, folder it imports]. */
function crossings(): { file: string; from: string; to: string; spec: string }[] {
  const found: { file: string; from: string; to: string; spec: string }[] = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|mts)$/.test(entry.name) || /\.test(-helper)?\.ts$|\.d\.ts$/.test(entry.name))
      continue;
    const file = path.join(entry.parentPath, entry.name);
    const from = path.relative(SRC, file).split(path.sep)[0]!;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3]!;
      if (!spec.startsWith('.')) continue;
      const target = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep);
      if (target.length < 2 || target[0] === '..') continue;
      found.push({ file: path.relative(SRC, file), from, to: target[0]!, spec });
    }
  }
  return found;
}

describe('layers of src/', () => {
  const rank = new Map(LAYERS.flatMap((layer, index) => layer.map((folder) => [folder, index] as const)));

  it('every folder of src/ has its place in LAYERS', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !rank.has(folder))).toEqual([]);
  });

  it('no import runs back up the layers', () => {
    const upward = crossings()
      .filter(({ from, to }) => (rank.get(to) ?? Infinity) > (rank.get(from) ?? -Infinity))
      .map(({ file, spec, from, to }) => `src/${file} imports ${spec}: ${from} is below ${to}`);
    expect(upward).toEqual([]);
  });

  it('sees imports (a check that finds nothing proves nothing)', () => {
    const all = crossings();
    expect(all.length).toBeGreaterThan(100);
    expect(all).toContainEqual(expect.objectContaining({ from: 'reconciler', to: 'repo' }));
  });
});
