import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, runCli } from './helpers/repo.js';
import { INCIDENTS, NOW, noStack } from './helpers/untrusted.js';

afterAll(cleanupRepos);

// What used to fail open or print a stack trace (issue 16): each is one line with a hint,
// exit 2 for the repo's content, 1 for the machine or the network (PRODUCT.md).

describe('fail closed, one line each', () => {
  it('chronicle/admin.jsonl a directory: validate, reconcile and maintenance refuse instead of ignoring every event', async () => {
    const repo = await copyDemo();
    await rm(path.join(repo, 'chronicle/admin.jsonl'));
    await mkdir(path.join(repo, 'chronicle/admin.jsonl'));
    const validate = await runCli(['validate', '--repo', repo]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('chronicle/admin.jsonl:1:1 is a directory; expected a file\n');
    const reconcile = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(reconcile.code).toBe(2);
    expect(reconcile.stderr).toContain('chronicle/admin.jsonl:1:1 is a directory; expected a file');
    const cordon = await runCli(['maintenance', 'cordon', 'pi', '--repo', repo, '--actor', 'test', '--now', NOW]);
    expect(cordon.code).toBe(2);
    expect(cordon.stderr).toMatch(/^error: chronicle\/admin\.jsonl: is a directory; expected a file$/m);
    for (const result of [validate, reconcile, cordon]) noStack(result.stderr);
  });

  it.each([
    [
      'incidents.jsonl a directory',
      INCIDENTS,
      'dir',
      /chronicle\/incidents\.jsonl:1:1 is a directory; expected a file/,
    ],
    [
      'status/recommendations.json a directory',
      'status/recommendations.json',
      'dir',
      /^error: status\/recommendations\.json: is a directory; expected a file$/m,
    ],
    ['chronicle a file', 'chronicle', 'file', /^chronicle:1:1 is a file; expected a directory$/m],
  ] as const)('%s: reconcile exits 2 with one line and a hint', async (_name, relative, kind, message) => {
    const repo = await copyDemo();
    await rm(path.join(repo, relative), { recursive: true });
    if (kind === 'dir') await mkdir(path.join(repo, relative));
    else await writeFile(path.join(repo, relative), 'not a directory\n');
    const result = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^hint: /m);
    noStack(result.stderr);
  });

  it('keepalive with the API unreachable: exit 1, one line and a hint', async () => {
    // A port that was just free: nothing listens there.
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const result = await runCli(['keepalive'], {
      env: { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: `http://127.0.0.1:${port}` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: enabling workflow reconcile.yml failed: cannot reach http://127.0.0.1:${port} (ECONNREFUSED)\nhint: Check GITHUB_API_URL and the network; the next scheduled run tries again.\n`,
    );
  });
});
