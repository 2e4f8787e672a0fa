import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../src/reconciler/run.js';
import { cleanupRepos, makeRepo } from './helpers/repo.js';

afterAll(cleanupRepos);

const STATUSES = ['ok', 'degraded', 'failed', 'stopped'] as const;

describe('reconcile is idempotent on disk', () => {
  it('a second run over the same inputs writes nothing and leaves identical bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.option(fc.constantFrom(...STATUSES)), { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('2026-11-22T10:05:00Z', '2026-11-22T12:00:00Z'),
        async (nodes, now) => {
          const files: Record<string, string> = {};
          nodes.forEach((services, n) => {
            files[`inventory/hosts/n${n}/services.yaml`] = stringify({
              services: services.map((_, s) => ({ name: `s${s}` })),
            });
            files[`world/nodes/n${n}.yaml`] = stringify({
              node: `n${n}`,
              observed_at: '2026-11-22T10:00:00Z',
              status: 'online',
              services: services.flatMap((status, s) => (status ? [{ name: `s${s}`, status }] : [])),
            });
          });
          const repo = await makeRepo(files);
          const first = await runReconcile({ repo, now: Date.parse(now) });
          expect(first.written).toBe(true);
          const file = path.join(repo, 'status/recommendations.json');
          const before = await stat(file);
          const second = await runReconcile({ repo, now: Date.parse(now) });
          expect(second).toMatchObject({ changed: false, written: false });
          expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
          expect(await readFile(file, 'utf8')).toBe(first.text);
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });
});
