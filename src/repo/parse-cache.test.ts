import { describe, expect, it } from 'vitest';
import { generateHomelabFiles } from '../../bench/generate.js';
import { buildRepoModel, type RepoSources } from './model.js';
import { ParseCache } from './parse-cache.js';

function sources(files: Record<string, string>): RepoSources {
  const hostDirs = new Set<string>();
  for (const file of Object.keys(files)) {
    const match = /^inventory\/hosts\/([^/]+)\//.exec(file);
    if (match) hostDirs.add(match[1]!);
  }
  return { hostDirs: [...hostDirs], files: Object.entries(files).map(([path, text]) => ({ path, text })) };
}

/** A cache as the next run would load it: through its stored entries, as JSON. */
const reload = (cache: ParseCache) =>
  new ParseCache(JSON.parse(JSON.stringify(cache.toEntries())) as [string, string, unknown][]);

const files = generateHomelabFiles({ nodes: 8, services: 5, seed: 1, format: 'yaml', chronicleLines: 20 });
const broken = {
  ...files,
  'inventory/hosts/node-0002/services.yaml': 'services:\n  - name: Bad_Name\n',
  'world/nodes/node-0003.yaml': 'node: node-0003\nstatus: sideways\n',
  'chronicle/incidents.jsonl': `${files['chronicle/incidents.jsonl']}{"half":`,
};

const jsonFiles = generateHomelabFiles({ nodes: 8, services: 5, seed: 1, format: 'json' });
const sparseJson = {
  ...jsonFiles,
  'world/nodes/node-0001.json': '{"node":"node-0001","observed_at":"2026-11-22T10:00:00Z","status":"online"}',
};

describe('ParseCache', () => {
  it('keeps a marker, not a copy, for JSON files whose validated value is their parsed text', () => {
    const cache = new ParseCache();
    buildRepoModel(sources(sparseJson), { cache });
    const stored = new Map(cache.toEntries().map(([path, , value]) => [path, value]));
    expect(stored.get('world/nodes/node-0002.json')).toBe('=json');
    expect(stored.get('world/nodes/node-0001.json')).toMatchObject({ services: [], deployments: [], incidents: [] });
  });

  it.each([
    ['valid files', files],
    ['files with problems', broken],
    ['JSON snapshots', jsonFiles],
    ['JSON snapshots that rely on defaults', sparseJson],
  ])('a warm run builds the same model as a cold one (%s)', (_name, input) => {
    const cold = new ParseCache();
    const first = buildRepoModel(sources(input), { cache: cold });
    const warm = reload(cold);
    const second = buildRepoModel(sources(input), { cache: warm });
    expect(second).toEqual(first);
    expect(warm.dirty).toBe(false);
  });

  it('never caches a file with problems: they are found and located on every run', () => {
    const cache = new ParseCache();
    buildRepoModel(sources(broken), { cache });
    const stored = cache.toEntries().map(([path]) => path);
    expect(stored).not.toContain('inventory/hosts/node-0002/services.yaml');
    expect(stored).not.toContain('world/nodes/node-0003.yaml');
    expect(stored).not.toContain('chronicle/incidents.jsonl');
    const again = buildRepoModel(sources(broken), { cache: reload(cache) });
    expect(again.problems.map((p) => `${p.file}:${p.line}:${p.col}`)).toEqual(
      buildRepoModel(sources(broken)).problems.map((p) => `${p.file}:${p.line}:${p.col}`),
    );
  });

  it('a changed file misses and is re-parsed; a removed file is dropped', () => {
    const cache = new ParseCache();
    buildRepoModel(sources(files), { cache });
    const changed: Record<string, string> = {
      ...files,
      'world/nodes/node-0001.yaml': files['world/nodes/node-0001.yaml']!.replace('status: online', 'status: offline'),
    };
    delete changed['world/nodes/node-0004.yaml'];
    const warm = reload(cache);
    const model = buildRepoModel(sources(changed), { cache: warm });
    expect(model).toEqual(buildRepoModel(sources(changed)));
    expect(warm.dirty).toBe(true);
    expect(warm.toEntries().map(([path]) => path)).not.toContain('world/nodes/node-0004.yaml');
  });

  it('a value stored under a digest of other bytes is never used', () => {
    const cache = new ParseCache([
      ['inventory/policy.yaml', ParseCache.digest('stale_after: 1h\n'), { stale_after: 1 }],
    ]);
    const model = buildRepoModel(sources({ ...files, 'inventory/policy.yaml': 'stale_after: 2h\n' }), { cache });
    expect(model.policy.stale_after).toBe(7_200_000);
  });
});
