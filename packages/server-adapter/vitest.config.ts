import { defineConfig } from 'vitest/config';

// `@waizant/source` resolves the workspace's core package to its TypeScript source. No
// `module` condition: it would load builds of the AWS SDK that Node cannot import.
const conditions = ['@waizant/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
