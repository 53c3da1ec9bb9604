import { defineConfig } from 'vitest/config';

// The Lambda sources import the server adapter's TypeScript sources, as the bundler does.
const conditions = ['@waizant/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
