import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILES } from '../src/model/json-schema.js';
import { parseSource } from '../src/repo/source.js';
import { schemaError } from './helpers/json-schema.js';
import { PROJECT_ROOT } from './helpers/repo.js';
import { mutate, mutationArbitrary } from './reliability/mutate.js';

// Issue 19: the JSON Schemas `labwarden schema` publishes (schema/*.json, for editors and CI)
// and `validate` accept the same files. What JSON Schema cannot say is listed, not ignored.

type SchemaName = keyof typeof SCHEMA_FILES;

function schemaFor(file: string): SchemaName {
  if (file.endsWith('/services.yaml')) return 'services.schema.json';
  if (file.endsWith('/host.yaml')) return 'host.schema.json';
  if (file.endsWith('policy.yaml')) return 'policy.schema.json';
  return 'world.schema.json';
}

const published = new Map<SchemaName, Record<string, unknown>>();
async function published_(name: SchemaName): Promise<Record<string, unknown>> {
  if (!published.has(name))
    published.set(
      name,
      JSON.parse(await readFile(path.join(PROJECT_ROOT, 'schema', name), 'utf8')) as Record<string, unknown>,
    );
  return published.get(name)!;
}

/** Checks zod refines beyond JSON Schema: a probe has exactly one kind. */
const ZOD_ONLY = /a probe (?:needs exactly one|has exactly one kind)/;

/** Both verdicts on one file; undefined when the text is not data at all (a syntax error: no schema applies). */
async function verdicts(
  file: string,
  text: string,
): Promise<{ labwarden: string | undefined; schema: string | undefined } | undefined> {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const name = schemaFor(file);
  const parsed = parseSource({ path: file, text }, SCHEMA_FILES[name].schema);
  const labwarden = parsed.ok ? undefined : parsed.problems.map((p) => p.message).join('; ');
  // js-yaml reads a comment-only document as null: validate reads that host.yaml or policy.yaml
  // as all defaults, which is what an editor's schema check of an empty document does too.
  const value = data === null && labwarden === undefined ? {} : data;
  return { labwarden, schema: schemaError(await published_(name), value) };
}

async function demoFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    'inventory/policy.yaml': await readFile(path.join(PROJECT_ROOT, 'inventory/policy.yaml'), 'utf8'),
  };
  for (const node of await readdir(path.join(PROJECT_ROOT, 'inventory/hosts'))) {
    for (const name of ['host.yaml', 'services.yaml'])
      files[`inventory/hosts/${node}/${name}`] = await readFile(
        path.join(PROJECT_ROOT, 'inventory/hosts', node, name),
        'utf8',
      );
  }
  for (const name of await readdir(path.join(PROJECT_ROOT, 'world/nodes')))
    files[`world/nodes/${name}`] = await readFile(path.join(PROJECT_ROOT, 'world/nodes', name), 'utf8');
  return files;
}

describe('the JSON Schemas and validate agree', () => {
  it('on every file of the demo, and on the edge cases of issue 19', async () => {
    const cases: Record<string, string> = {
      ...(await demoFiles()),
      'inventory/hosts/a/services.yaml': '',
      'inventory/hosts/b/services.yaml': '# only a comment\n',
      'inventory/hosts/c/services.yaml': 'services: []\n',
      'inventory/hosts/d/services.yaml': 'services:\n  - name: Bad\n',
      'inventory/hosts/e/services.yaml': 'services:\n  - name: web\n    critcal: true\n',
      'inventory/hosts/a/host.yaml': '# role: nas\n',
      'inventory/hosts/b/host.yaml': 'labels: [Rack]\n',
      'inventory/policy.yaml#1': 'stale_after: 15 minutes\n',
    };
    for (const [key, text] of Object.entries(cases)) {
      const file = key.replace(/#\d+$/, '');
      const result = await verdicts(file, text);
      expect(result, key).toBeDefined();
      expect({ key, accepted: result!.labwarden === undefined }).toEqual({
        key,
        accepted: result!.schema === undefined,
      });
    }
  });

  it('on 600 mutations of those files: whatever one accepts, so does the other (but for what JSON Schema cannot say)', async () => {
    const files = await demoFiles();
    const paths = Object.keys(files).sort();
    const counts = { both: 0, neither: 0, zodOnly: 0 };
    for (const [index, mutation] of fc.sample(fc.tuple(fc.nat(paths.length - 1), mutationArbitrary), {
      seed: 19,
      numRuns: 600,
    })) {
      const file = paths[index]!;
      const text = mutate(file, files[file]!, mutation);
      const result = await verdicts(file, text);
      if (!result) continue;
      if (result.labwarden === undefined || result.schema === undefined) {
        const zodOnly = result.labwarden !== undefined && ZOD_ONLY.test(result.labwarden);
        if (zodOnly) counts.zodOnly++;
        else expect({ file, text, ...result }).toEqual({ file, text, labwarden: undefined, schema: undefined });
      }
      if (result.labwarden === undefined && result.schema === undefined) counts.both++;
      else if (result.labwarden !== undefined && result.schema !== undefined) counts.neither++;
    }
    // The sample must exercise both verdicts, or it proves nothing.
    expect(counts.both).toBeGreaterThan(50);
    expect(counts.neither).toBeGreaterThan(50);
  });
});
