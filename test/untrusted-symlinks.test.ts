import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, copyDemo, runCli, tempDir } from './helpers/repo.js';
import { demoFiles, git, makeRemote } from './helpers/git.js';
import { NOW, noStack } from './helpers/untrusted.js';

afterAll(cleanupRepos);

// The repo is untrusted input (issue 16): a committed symlink must never make labwarden read
// or write outside the repository, nor read .git/. One rule, src/fs/safe-path.ts.

const SECRET = 'AUTHORIZATION: basic c2VjcmV0LXRva2Vu';

/** A file outside the repo, and its content, to prove it was neither read nor written. */
async function outsideFile(content: string): Promise<string> {
  const file = path.join(await tempDir('labwarden-outside-'), 'target');
  await writeFile(file, content);
  return file;
}

describe('a committed symlink into .git/', () => {
  it('chronicle/incidents.jsonl -> ../.git/config: validate names it, reconcile --push pushes nothing of .git/config', async () => {
    const remote = await makeRemote(await demoFiles());
    const dir = await remote.clone();
    await git(dir, 'config', 'http.extraheader', SECRET);
    await rm(path.join(dir, 'chronicle/incidents.jsonl'));
    await symlink('../.git/config', path.join(dir, 'chronicle/incidents.jsonl'));
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'a hostile link');
    await git(dir, 'push', '-q', 'origin', 'main');

    const validate = await runCli(['validate', '--repo', dir]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(
      'chronicle/incidents.jsonl:1:1 is a symlink to "../.git/config", which points into .git/\n',
    );
    expect(validate.stderr).toMatch(
      /^hint: labwarden reads and writes only files inside the repository and outside \.git\//m,
    );
    noStack(validate.stderr);

    const reconcile = await runCli(['reconcile', '--repo', dir, '--now', NOW, '--push']);
    expect(reconcile.code).toBe(2);
    expect(reconcile.stderr).toContain(
      'chronicle/incidents.jsonl:1:1 is a symlink to "../.git/config", which points into .git/',
    );
    noStack(reconcile.stderr);
    // Nothing of .git/config anywhere on the remote, nor in the work tree.
    expect(await git(remote.url, 'log', '--all', '-p', '--format=')).not.toContain('c2VjcmV0');
    expect(await git(dir, 'status', '--porcelain')).toBe('');
    const linked = await readFile(path.join(dir, '.git/config'), 'utf8');
    expect(linked).toContain(SECRET);
    expect(linked).not.toContain('"event"');
  });
});

describe('symlinks out of the repository', () => {
  it('status/recommendations.json linked outside: reconcile refuses before writing anything, the outside file is untouched', async () => {
    const repo = await copyDemo();
    const target = await outsideFile('outside, not ours\n');
    await rm(path.join(repo, 'status/recommendations.json'));
    await symlink(target, path.join(repo, 'status/recommendations.json'));
    const before = await readFile(path.join(repo, 'chronicle/incidents.jsonl'), 'utf8');
    const result = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: status\/recommendations\.json: is a symlink to ".*target", which leaves the repository$/m,
    );
    expect(result.stderr).toMatch(/^hint: labwarden reads and writes only files inside the repository/m);
    noStack(result.stderr);
    expect(await readFile(target, 'utf8')).toBe('outside, not ours\n');
    // Checked before the first write: not even the chronicle moved.
    expect(await readFile(path.join(repo, 'chronicle/incidents.jsonl'), 'utf8')).toBe(before);
  });

  it('status/ linked to an outside directory: nothing is written there', async () => {
    const repo = await copyDemo();
    const outside = await tempDir('labwarden-outside-');
    await rm(path.join(repo, 'status'), { recursive: true });
    await symlink(outside, path.join(repo, 'status'));
    const result = await runCli(['reconcile', '--repo', repo, '--now', NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: status\/recommendations\.json: goes through the symlink status to ".*", which leaves the repository$/m,
    );
    noStack(result.stderr);
    expect(await readdir(outside)).toEqual([]);
  });

  it('report-deployment through a world file linked outside: refused, the outside file untouched', async () => {
    const repo = await copyDemo();
    const target = await outsideFile('node: media\n');
    await rm(path.join(repo, 'world/nodes/media.yaml'));
    await symlink(target, path.join(repo, 'world/nodes/media.yaml'));
    const result = await runCli([
      'report-deployment',
      'media/jellyfin',
      '--result',
      'success',
      '--repo',
      repo,
      '--now',
      NOW,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^world\/nodes\/media\.yaml:1:1 is a symlink to ".*target", which leaves the repository$/m,
    );
    noStack(result.stderr);
    expect(await readFile(target, 'utf8')).toBe('node: media\n');
  });

  it('services.yaml linked outside is not read: its content is never echoed', async () => {
    const repo = await copyDemo();
    const target = await outsideFile('root:x:0:0:SECRET-FIRST-LINE:/root:/bin/bash\n');
    await rm(path.join(repo, 'inventory/hosts/pi/services.yaml'));
    await symlink(target, path.join(repo, 'inventory/hosts/pi/services.yaml'));
    for (const args of [['validate'], ['reconcile', '--now', NOW], ['status']]) {
      const result = await runCli([...args, '--repo', repo]);
      expect(`${result.stdout}${result.stderr}`).not.toContain('SECRET-FIRST-LINE');
      if (args[0] !== 'status') {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(
          /^inventory\/hosts\/pi\/services\.yaml:1:1 is a symlink to ".*target", which leaves the repository$/m,
        );
      }
      noStack(result.stderr);
    }
  });

  it('a host folder linked outside is refused, not read', async () => {
    const repo = await copyDemo();
    const outside = await tempDir('labwarden-outside-');
    await writeFile(path.join(outside, 'services.yaml'), 'services: [{ name: OUTSIDE-CONTENT }]\n');
    await symlink(outside, path.join(repo, 'inventory/hosts/evil'));
    const result = await runCli(['validate', '--repo', repo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `inventory/hosts/evil:1:1 is a symlink to "${outside}", which leaves the repository\nerror: 1 problem found\nhint: labwarden reads and writes only files inside the repository and outside .git/: replace the symlink with the file itself.\n`,
    );
    expect(result.stderr).not.toContain('OUTSIDE-CONTENT');
  });

  it('maintenance refuses an admin.jsonl linked outside, and appends nothing there', async () => {
    const repo = await copyDemo();
    const target = await outsideFile('');
    await rm(path.join(repo, 'chronicle/admin.jsonl'));
    await symlink(target, path.join(repo, 'chronicle/admin.jsonl'));
    const result = await runCli(['maintenance', 'cordon', 'pi', '--repo', repo, '--actor', 'test', '--now', NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/chronicle\/admin\.jsonl.* is a symlink to ".*target", which leaves the repository/);
    noStack(result.stderr);
    expect(await readFile(target, 'utf8')).toBe('');
  });
});

describe('symlinks inside the repository', () => {
  it('are followed for reads and writes: the link stays, its target is written', async () => {
    const repo = await copyDemo();
    await mkdir(path.join(repo, 'shared'), { recursive: true });
    await writeFile(path.join(repo, 'shared/pi.yaml'), await readFile(path.join(repo, 'world/nodes/pi.yaml'), 'utf8'));
    await rm(path.join(repo, 'world/nodes/pi.yaml'));
    await symlink('../../shared/pi.yaml', path.join(repo, 'world/nodes/pi.yaml'));
    expect((await runCli(['validate', '--repo', repo])).code).toBe(0);
    const report = await runCli([
      'report-deployment',
      'pi/home-assistant',
      '--result',
      'success',
      '--repo',
      repo,
      '--now',
      NOW,
    ]);
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    expect(await readFile(path.join(repo, 'shared/pi.yaml'), 'utf8')).toContain('service: home-assistant');
    expect(await readFile(path.join(repo, 'world/nodes/pi.yaml'), 'utf8')).toContain('service: home-assistant');
  });
});
