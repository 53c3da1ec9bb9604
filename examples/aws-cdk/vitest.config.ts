import { nodeSuiteConfig } from '../../tools/vitest.js';

// The Lambda sources import the server adapter's TypeScript sources, as the bundler does.
export default nodeSuiteConfig({ testTimeout: 120_000, hookTimeout: 120_000 });
