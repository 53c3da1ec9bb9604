import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/define.ts',
    'src/http/client.ts',
    'src/components/support-flow/support-flow.ts',
    'src/components/successor-activity/successor-activity.ts',
  ],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  target: 'es2022',
  // Resolve the workspace core from its sources while building; hosts get the published core.
  esbuildOptions(options) {
    options.conditions = ['@waizant/source', 'import'];
  },
  external: ['@waizant/support-core', 'lit', 'ky', 'qrcode', '@lit-labs/virtualizer', 'zod'],
});
