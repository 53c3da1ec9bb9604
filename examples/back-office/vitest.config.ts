import { defineConfig } from 'vitest/config';

// Workspace packages from their TypeScript sources (see the server adapter's config for why not `module`).
const conditions = ['@waizant/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // One browser, one demo server: the end-to-end files run one after the other.
    fileParallelism: false,
  },
});
