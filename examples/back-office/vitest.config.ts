import { nodeSuiteConfig } from '../../tools/vitest.js';

export default nodeSuiteConfig({
  testTimeout: 90_000,
  hookTimeout: 120_000,
  // One browser, one demo server: the end-to-end files run one after the other.
  fileParallelism: false,
});
