import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRepos, PROJECT_ROOT, tempDir } from './helpers/repo.js';
import { git } from './helpers/git.js';

afterAll(cleanupRepos);

const run = promisify(execFile);
const QUICKSTART = path.join(PROJECT_ROOT, 'docs/quickstart.md');
const VERSION = (JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/**
 * The only two commands that cannot run here as written: they reach GitHub. Each is replaced by
 * what it does, on this machine; the test fails if the quickstart no longer contains them.
 * - The install from the git URL → link this checkout's CLI into the PATH, as
 *   `npm install -g <folder>` does (the tarball install runs in the reliability suite).
 * - `gh repo create … --push` → a bare remote and the push the doc's own comment shows.
 */
const STAND_INS = (remote: string): Record<string, string> => ({
  [`npm install -g git+https://github.com/labwarden/labwarden.git#v${VERSION}`]:
    'ln -s "$LABWARDEN_CHECKOUT/bin/labwarden.js" "$PREFIX/bin/labwarden"',
  'gh repo create homelab --private --source . --push': `git remote add origin ${remote} && git push -u origin main`,
});

/** The ```sh blocks of the quickstart from "## 0." up to (not including) "## 3b.", one command a line, comments dropped. */
function quickstartCommands(markdown: string): string[] {
  const section = markdown.slice(markdown.indexOf('## 0.'), markdown.indexOf('## 3b.'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe('docs/quickstart.md, executed as written', () => {
  it('from install to the first push to a bare remote: every command succeeds and the pushed repo is the pinned scaffold', async () => {
    const markdown = await readFile(QUICKSTART, 'utf8');
    const work = await tempDir('labwarden-quickstart-');
    const remote = path.join(work, 'homelab.git');
    await git(work, 'init', '--quiet', '--bare', remote);
    const prefix = path.join(work, 'prefix');
    await mkdir(path.join(prefix, 'bin'), { recursive: true });
    const standIns = STAND_INS(remote);
    const commands = quickstartCommands(markdown);
    for (const original of Object.keys(standIns))
      expect(commands, 'the quickstart changed: update the stand-ins').toContain(original);
    expect(commands.length).toBeGreaterThan(8);

    // One shell, as a user pasting the blocks in order: `cd homelab` carries over.
    const script = ['set -euo pipefail', 'cd "$WORK"', ...commands.map((command) => standIns[command] ?? command)].join(
      '\n',
    );
    const env = {
      ...process.env,
      WORK: work,
      PREFIX: prefix,
      LABWARDEN_CHECKOUT: PROJECT_ROOT,
      PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}`,
      HOME: work,
      GIT_AUTHOR_NAME: 'Homelab Owner',
      GIT_AUTHOR_EMAIL: 'owner@example.org',
      GIT_COMMITTER_NAME: 'Homelab Owner',
      GIT_COMMITTER_EMAIL: 'owner@example.org',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    const result = await run('bash', ['-c', script], { env, maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(result, `${'stderr' in result ? result.stderr : ''}`).not.toHaveProperty('code');
    expect(result.stdout).toContain(`${VERSION}\n`); // labwarden --version
    expect(result.stdout).toContain('ok: 3 nodes, 0 services, 0 world snapshots'); // the first validate, as the doc's comment says

    // The remote holds the scaffold on main, its workflows pinned to this version of the action.
    const clone = path.join(work, 'check');
    await git(work, 'clone', '--quiet', remote, clone);
    expect(await git(clone, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    const reconcile = await readFile(path.join(clone, '.github/workflows/reconcile.yml'), 'utf8');
    expect(reconcile).toContain(`uses: labwarden/labwarden@v${VERSION}`);
    for (const node of ['nas', 'pi', 'media'])
      await expect(readFile(path.join(clone, `inventory/hosts/${node}/services.yaml`), 'utf8')).resolves.toContain(
        'services:',
      );
    await expect(symlink('x', path.join(prefix, 'bin/labwarden'))).rejects.toThrow(/EEXIST/); // the install stand-in ran
  }, 120_000);
});
