import { defineConfig } from 'vitest/config';

// Node-side checks only (the elements' behaviour is tested in Chromium by web-test-runner).
export default defineConfig({
  resolve: { conditions: ['@waizant/source'] },
  ssr: { resolve: { conditions: ['@waizant/source'], externalConditions: ['@waizant/source'] } },
  test: {
    include: ['test/node/**/*.test.ts'],
    environment: 'node',
    // The workspace core is consumed from its TypeScript sources.
    server: { deps: { inline: ['@waizant/support-core'] } },
  },
});
