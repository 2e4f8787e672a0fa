import { defineConfig } from 'vitest/config';

// `npm run test:reliability`: fuzzing, crash safety, full/read-only disks, determinism
// across processes. Kept out of `npm test` (vitest.config.ts) because it takes minutes.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.reliability.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
