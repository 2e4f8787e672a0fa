#!/usr/bin/env node
// Puts the action's bundle on a release tag: `npm run release:action` (after the version in
// package.json is bumped and committed). main does not carry the bundle (it is generated, and
// a 2 MB diff on every change helps nobody); the tag does, so `uses: OWNER/labwarden@vX.Y.Z`
// runs without installing anything. The working tree and the branch are left as they are:
// the release commit is made from a temporary index, parented on HEAD, and only tagged.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const git = (args, env = {}) => execFileSync('git', args, { encoding: 'utf8', env: { ...process.env, ...env } }).trim();
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const tag = `v${version}`;

if (!existsSync('dist/action/labwarden.mjs')) {
  console.error(
    'error: dist/action/labwarden.mjs not found\nhint: run `npm run release:action`, which builds it first.',
  );
  process.exit(2);
}
if (git(['status', '--porcelain', '--untracked-files=no']) !== '') {
  console.error(
    'error: the working tree has uncommitted changes\nhint: commit them first: the tag must be HEAD plus the bundle, nothing else.',
  );
  process.exit(2);
}
if (git(['tag', '--list', tag]) !== '') {
  console.error(
    `error: tag ${tag} exists already\nhint: bump "version" in package.json (and commit) for a new release.`,
  );
  process.exit(2);
}
const scratch = mkdtempSync(path.join(tmpdir(), 'labwarden-release-'));
try {
  const index = { GIT_INDEX_FILE: path.join(scratch, 'index') };
  git(['read-tree', 'HEAD'], index);
  git(['add', '--force', 'dist/action'], index);
  const tree = git(['write-tree'], index);
  const commit = git(['commit-tree', tree, '-p', 'HEAD', '-m', `labwarden ${tag}: the action's bundle (dist/action/)`]);
  git(['tag', '--annotate', tag, '--message', `labwarden ${tag}`, commit]);
  console.log(`tagged ${tag} (${commit.slice(0, 12)}): HEAD plus dist/action/.\nPublish it: git push origin ${tag}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
