import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/repo.js';

const run = promisify(execFile);
const SCRIPT = path.join(PROJECT_ROOT, 'scripts/ensure-chromium.mjs');

describe('pretest: scripts/ensure-chromium.mjs', () => {
  it('passes quietly when the browser is there', async () => {
    await expect(
      run(process.execPath, [SCRIPT], { env: { ...process.env, CHROMIUM_PATH: process.execPath } }),
    ).resolves.toMatchObject({ stdout: '', stderr: '' });
  });

  it('a browser that is not there stops npm test with what to install, never a silent skip', async () => {
    const failed = await run(process.execPath, [SCRIPT], {
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stderr:
        'error: the site tests need Chromium at /nonexistent/chromium and it is not there.\n' +
        'hint: Debian/Ubuntu: sudo apt-get install chromium; elsewhere install Chromium or Chrome and set CHROMIUM_PATH=/path/to/it.\n',
    });
  });
});
