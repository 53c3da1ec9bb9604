import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Until the package's vitest.config.ts resolves the `@waizant/source` condition for SSR too (the
// server branch already does), run these tests with:  npx vitest run --config test/aws/vitest.config.ts
const conditions = ['@waizant/source', 'node', 'import', 'default'];

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@waizant/source'] } },
  test: {
    include: ['test/aws/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
