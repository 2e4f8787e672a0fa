#!/usr/bin/env node
// `npm test` runs this first (pretest): the site suite drives a real Chromium, and a test that
// cannot launch it must never pass by skipping. Present → nothing to do. Missing on Debian or
// Ubuntu with apt usable (root, or sudo without a password) → install Debian's chromium package.
// Anywhere else → one line that says what to install, and exit 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const browser = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const usable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

if (!usable(browser)) {
  const root = process.getuid?.() === 0;
  const sudo = !root && has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (process.env.CHROMIUM_PATH || !has('apt-get') || !(root || sudo)) {
    console.error(
      `error: the site tests need Chromium at ${browser} and it is not there.\n` +
        `hint: Debian/Ubuntu: sudo apt-get install chromium; elsewhere install Chromium or Chrome and set CHROMIUM_PATH=/path/to/it.`,
    );
    process.exit(1);
  }
  console.error(`installing Debian's chromium for the browser tests (${browser} is missing)…`);
  const run = (args) =>
    execFileSync(root ? args[0] : 'sudo', root ? args.slice(1) : ['-n', ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium']);
  if (!usable(browser)) {
    console.error(
      `error: apt-get installed chromium, but ${browser} is still missing.\nhint: set CHROMIUM_PATH to the browser it installed.`,
    );
    process.exit(1);
  }
}
