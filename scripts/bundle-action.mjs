#!/usr/bin/env node
// Bundles the action's entry (src/action/index.ts) and everything it imports into one file,
// dist/action/labwarden.mjs, so a workflow step runs labwarden without installing anything.
// Astro is not bundled: only the site command needs it, and it installs it itself (site.ts).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = path.join(root, 'dist/action/labwarden.mjs');

// Caches keyed by the code (src/repo/code-fingerprint.ts) cannot read src/ from a bundle.
const hash = createHash('sha1');
for (const file of (await readdir(path.join(root, 'src'), { recursive: true }))
  .filter((name) => name.endsWith('.ts') && !name.includes('.test'))
  .sort()) {
  hash.update(`${file}\0`).update(await readFile(path.join(root, 'src', file)));
}

// Chunk names carry a hash: drop the previous build's, or a release would carry both.
await rm(path.dirname(BUNDLE), { recursive: true, force: true });
await build({
  entryPoints: { labwarden: path.join(root, 'src/action/index.ts') },
  outdir: path.dirname(BUNDLE),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // discord.js (the bot, and the webhook sink's client) is imported lazily: split into chunks
  // beside the entry, it loads only when a run delivers to Discord, never on an idle run.
  splitting: true,
  // Beside the entry, not in a subfolder: code that finds the package from its own file
  // (PACKAGE_ROOT, SITE_ROOT: two folders up) must land at the same depth in every chunk.
  chunkNames: '[name]-[hash]',
  platform: 'node',
  // What action.yml's `runs.using: node20` gives; GitHub now runs it on Node 24, which is fine.
  target: 'node20',
  format: 'esm',
  // CommonJS dependencies (simple-git, write-file-atomic, discord.js) use require() and
  // __filename; give every output file its own (the banner goes on each chunk).
  banner: {
    js: [
      "import { createRequire as __labwardenRequire } from 'node:module';",
      "import { fileURLToPath as __labwardenPath } from 'node:url';",
      'const require = __labwardenRequire(import.meta.url);',
      'const __filename = __labwardenPath(import.meta.url);',
      "const __dirname = __labwardenPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  // Optional native speedups discord.js tries and does without; astro is resolved at run time.
  external: ['astro', 'zlib-sync', 'bufferutil', 'utf-8-validate', 'erlpack'],
  define: { LABWARDEN_BUNDLE_FINGERPRINT: JSON.stringify(hash.digest('base64')) },
  legalComments: 'none',
  logLevel: 'warning',
});
const { size } = await stat(BUNDLE);
console.log(`dist/action/labwarden.mjs: ${(size / 1024).toFixed(0)} KiB (+ lazily loaded chunks beside it)`);
