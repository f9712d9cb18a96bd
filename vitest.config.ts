import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { reporters } from './test-support/reporters.js';

export default defineConfig({
  resolve: {
    // the subpaths first: '@baton/proto' would also match '@baton/proto/constants' as a prefix
    alias: [
      { find: '@baton/proto/constants', replacement: fileURLToPath(new URL('./packages/proto/src/constants.ts', import.meta.url)) },
      { find: '@baton/proto/channel-fields', replacement: fileURLToPath(new URL('./packages/proto/src/channel-fields.ts', import.meta.url)) },
      { find: '@baton/proto/provider-fields', replacement: fileURLToPath(new URL('./packages/proto/src/provider-fields.ts', import.meta.url)) },
      { find: '@baton/proto', replacement: fileURLToPath(new URL('./packages/proto/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters,
  },
});
