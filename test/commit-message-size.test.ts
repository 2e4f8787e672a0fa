import { afterAll, describe, expect, it } from 'vitest';
import { demoFiles, git, makeRemote } from './helpers/git.js';
import { cleanupRepos, runCli } from './helpers/repo.js';

afterAll(cleanupRepos);

describe('a big outage can be committed (issue 16, item 5)', () => {
  it('3,000 changed recommendations (a 200 KB list) commit and push; the message lists 50 and counts the rest', async () => {
    const files: Record<string, string> = { '.gitignore': (await demoFiles())['.gitignore']! };
    // 10 nodes × 300 services with long names, all missing from the world: 3,000 missing_service.
    for (let n = 0; n < 10; n++) {
      const services = Array.from(
        { length: 300 },
        (_, s) => `  - name: a-service-with-a-rather-long-name-${String(s).padStart(4, '0')}\n`,
      ).join('');
      files[`inventory/hosts/node${n}/services.yaml`] = `services:\n${services}`;
      files[`world/nodes/node${n}.yaml`] =
        `node: node${n}\nobserved_at: 2026-11-22T10:00:00Z\nstatus: online\nservices: []\n`;
    }
    const remote = await makeRemote(files);
    const dir = await remote.clone();
    const result = await runCli(['reconcile', '--repo', dir, '--now', '2026-11-22T10:05:00Z', '--push']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^degraded: 3000 recommendations; committed [0-9a-f]{7} "reconcile: node0\/a-service-with-a-rather-long-name-0000 missing_service opened, .* 2997 more; summary degraded"; pushed \(1 attempt\)/,
    );
    const body = (await git(remote.url, 'log', '-1', '--format=%B', 'main')).split('\n');
    expect(body.filter((line) => line.startsWith('- '))).toHaveLength(51);
    expect(body.at(-1)).toBe('- and 2950 more');
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  }, 120_000);
});
