// @ts-check
import { defineConfig } from 'astro/config';

// Static output only: every page is plain HTML and CSS. `labwarden site build` passes
// --root, --outDir, --base (and --site) on the command line and the repo in LABWARDEN_REPO.
export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'never' },
  compressHTML: true,
  devToolbar: { enabled: false },
  prefetch: false,
  vite: {
    // The pages import labwarden's TypeScript from ../src; allow Vite to read it.
    server: { fs: { allow: ['..'] } },
    logLevel: 'warn',
  },
});
