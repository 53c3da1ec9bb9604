import { createRequire } from 'node:module';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { build } from 'esbuild';
import { chromiumLaunchOptions } from '../../tools/chromium.mjs';

const require = createRequire(import.meta.url);

/**
 * qrcode ships CommonJS only. Host bundlers (Vite, webpack, esbuild) convert it; the dev
 * server does not, so serve its browser entry as one ESM bundle built with esbuild.
 */
function bundleQrcode() {
  const entry = require.resolve('qrcode/lib/browser.js');
  let cached;
  return {
    name: 'bundle-qrcode',
    async serve(context) {
      if (!context.path.endsWith('/node_modules/qrcode/lib/browser.js')) return undefined;
      cached ??= build({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
      }).then((result) => result.outputFiles[0].text);
      return { body: await cached, type: 'js' };
    },
  };
}

export default {
  files: ['test/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['@waizant/source', 'browser', 'import', 'default'] },
  plugins: [bundleQrcode(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  browsers: [chromeLauncher({ launchOptions: chromiumLaunchOptions() })],
};
