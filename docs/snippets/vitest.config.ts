import { nodeSuiteConfig } from '../../tools/vitest.js';

// The snippets import the workspace packages by name, resolved to their TypeScript sources.
export default nodeSuiteConfig({ testTimeout: 180_000, hookTimeout: 180_000 });
