import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@waizant/source'] },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
