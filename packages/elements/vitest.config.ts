import { nodeSuiteConfig } from '../../tools/vitest.js';

// Node-side checks only (the elements' behaviour is tested in Chromium by web-test-runner).
export default nodeSuiteConfig(
  {
    include: ['test/node/**/*.test.ts'],
    // The workspace core is consumed from its TypeScript sources.
    server: { deps: { inline: ['@waizant/support-core'] } },
  },
  { resolve: { externalConditions: ['@waizant/source'] } },
);
