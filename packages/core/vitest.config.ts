import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@waizant/source'] },
  // The graph test builds every path of the statechart in its beforeAll: seconds on an idle
  // 2-core machine, tens of seconds when other suites share it.
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    hookTimeout: 120_000,
    // Type-level assertions: checked by tsc, so a drift fails `vitest run` and not only `typecheck`.
    typecheck: { enabled: true, include: ['test/**/*-types.test.ts'], tsconfig: './tsconfig.json' },
  },
});
