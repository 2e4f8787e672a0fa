#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts) into dist/bin/labwarden.mjs, which bin/labwarden.js loads:
// one file for the parser and every command's options instead of ~70 modules (commander's
// included), so `labwarden --version`, `--help` and `status` start about as fast as node.
// What a command imports lazily (`await import(...)` in its action) becomes a chunk beside
// the entry and loads only for that command. Dependencies other than commander stay external
// (loaded from node_modules when a command needs them), so test/startup.test.ts still sees
// every import of a heavy package. Chunks sit in dist/bin/ itself: two folders below the
// package root like every dist/<area>/ module, so paths from import.meta.url (PACKAGE_ROOT,
// SITE_ROOT, the code fingerprint's dist/<folder>/) resolve as they do unbundled.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/bin');
const { dependencies } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

// Chunk names carry a hash: drop the previous build's.
await rm(out, { recursive: true, force: true });
await build({
  entryPoints: { labwarden: path.join(root, 'src/cli/main.ts') },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  chunkNames: '[name]-[hash]',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: Object.keys(dependencies).filter((name) => name !== 'commander'),
  // commander is CommonJS: its require() of node built-ins needs a require in an ES module.
  banner: {
    js: [
      "import { createRequire as __labwardenRequire } from 'node:module';",
      'const require = __labwardenRequire(import.meta.url);',
    ].join(' '),
  },
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
