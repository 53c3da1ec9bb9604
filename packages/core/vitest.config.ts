import { nodeSuiteConfig } from '../../tools/vitest.js';

export default nodeSuiteConfig({
  // The graph test builds every path of the statechart in its beforeAll: seconds on an idle
  // 2-core machine, tens of seconds when other suites share it.
  hookTimeout: 120_000,
  // The graph tests then walk those thousands of paths again in single tests.
  testTimeout: 60_000,
  // Type-level assertions: checked by tsc, so a drift fails `vitest run` and not only `typecheck`.
  typecheck: { enabled: true, include: ['test/**/*-types.test.ts'], tsconfig: './tsconfig.json' },
});
