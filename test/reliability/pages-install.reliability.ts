import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWorkflow } from '../helpers/actions-runner.js';
import { ACTION, jobs, log, releasedAction, scaffoldRemote, schedule, world } from '../helpers/distribution.js';
import { cleanupRepos } from '../helpers/repo.js';

afterAll(cleanupRepos);

// The pages job as it runs on a fresh runner: the release tag has no node_modules, so the
// action's `site` command installs Astro itself (`npm ci --omit=dev --ignore-scripts` from
// the tag's lockfile, through the npm registry or its cache). Minutes, so not in npm test.
describe('pages job on a bare release tag', () => {
  it('installs the site builder into the action folder, builds under the base path, deploys', async () => {
    const { dir: action } = await releasedAction();
    const { remote, work } = await scaffoldRemote(['nas'], { nas: world('nas', new Date().toISOString()) });
    const run = await runWorkflow(path.join(work, '.github/workflows/reconcile.yml'), {
      remote,
      event: schedule,
      actions: { [ACTION]: action },
      pages: { base_path: '/homelab', base_url: 'https://owner.github.io/homelab' },
    });
    expect(jobs(run), log(run, 'build')).toMatchObject({ reconcile: 'success', build: 'success', deploy: 'success' });
    expect(log(run, 'build')).toContain('$ npm ci --omit=dev --ignore-scripts');
    // Only runtime dependencies (--omit=dev): no test tools in the action's folder.
    const installed = await readdir(path.join(action, 'node_modules'));
    expect(installed).toContain('astro');
    expect(installed).not.toContain('vitest');
    const html = await stat(path.join(run.deployed[0]!, 'index.html'));
    expect(html.isFile()).toBe(true);
  });
});
