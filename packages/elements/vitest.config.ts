import { nodeSuiteConfig } from '../../tools/vitest.js';

// Node-side checks only (the elements' behaviour is tested in Chromium by web-test-runner).
export default nodeSuiteConfig(
  {
    include: ['test/node/**/*.test.ts'],
    // The first test imports every entry from source, cold: seconds on a busy 2-core machine.
    testTimeout: 30_000,
    // The workspace core is consumed from its TypeScript sources.
    server: { deps: { inline: ['@waizant/support-core'] } },
  },
  { resolve: { externalConditions: ['@waizant/source'] } },
);
