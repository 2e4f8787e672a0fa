import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILES } from '../model/json-schema.js';
import { PROJECT_ROOT } from '../../test/helpers/repo.js';
import { generatedDocs } from './reference.js';

/**
 * Every field path of a zod schema, found by walking zod's own definitions (not the JSON
 * Schema the generator reads), so a field the generator skips is caught.
 */
function zodFieldPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
      return zodFieldPaths(def.innerType as z.ZodType, prefix);
    case 'pipe':
      return zodFieldPaths(def.in as z.ZodType, prefix);
    case 'array':
      return zodFieldPaths(def.element as z.ZodType, `${prefix.replace(/\.$/, '')}[].`);
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, child]) => {
        const path = `${prefix}${key}`;
        return [path, ...zodFieldPaths(child, `${path}.`)];
      });
    default:
      return [];
  }
}

describe('generated reference docs', () => {
  it.each([...generatedDocs()].map(([file, text]) => [file, text] as const))(
    '%s is committed as generated (run `npm run docs`)',
    async (file, text) => {
      expect(await readFile(path.join(PROJECT_ROOT, file), 'utf8')).toBe(text);
    },
  );

  it.each(Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[])(
    'docs/formats.md documents every field of %s',
    async (name) => {
      const formats = await readFile(path.join(PROJECT_ROOT, 'docs/formats.md'), 'utf8');
      const paths = zodFieldPaths(SCHEMA_FILES[name].schema);
      expect(paths.length).toBeGreaterThan(3);
      const missing = paths.filter((field) => !formats.includes(`| \`${field}\` |`));
      expect(missing).toEqual([]);
    },
  );
});
