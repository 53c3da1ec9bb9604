import { nodeSuiteConfig } from '../../tools/vitest.js';

export default nodeSuiteConfig({
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
