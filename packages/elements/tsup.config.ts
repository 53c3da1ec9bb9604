import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/define.ts',
    'src/http/client.ts',
    // An entry of its own so that its code lands outside the elements' chunk: a host importing
    // only `resolveLang` from the main entry then bundles no element.
    'src/i18n/index.ts',
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
