import { defineConfig } from 'vitest/config';

// The snippets import the workspace packages by name; `@waizant/source` resolves them to their
// TypeScript sources, as in every package of the workspace.
const conditions = ['@waizant/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
