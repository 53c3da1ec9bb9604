// One way to measure a browser bundle, shared by the benchmark and the CI budget check:
// esbuild bundle (all dependencies bundled, minified, ES2022, code splitting), then gzip -9.
// The figure is what a page loads up front: the entry and its static imports. Chunks only
// reached through `import()` (the QR encoder, the Spanish strings) are reported apart.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const elementsDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'packages/elements');

/**
 * The kit's browser bundles, measured by the size benchmark and held to budgets in CI.
 * Defining the tags loads the elements and their first view; the statechart follows when a
 * flow connects, the HTTP client with its first request, the QR encoder with the QR view.
 */
export const KIT_BUNDLES = {
  upFront: {
    name: 'kit: both tags defined (up front)',
    source: "import '@waizant/support-elements/define';",
  },
  firstRequest: {
    name: 'kit: + statechart and HTTP client (all a flow loads by its first request)',
    source: [
      "import '@waizant/support-elements/define';",
      "import './src/components/support-flow/support-flow.engine.ts';",
      "import './src/http/client.ts';",
    ].join(' '),
  },
  qr: {
    name: 'kit: QR chunk (qrcode, when the QR view opens)',
    source: "import * as q from 'qrcode'; console.log(q);",
  },
};

/**
 * Measures one of `KIT_BUNDLES`, from the workspace sources or, with `from: 'dist'`, from the
 * built packages the way a host's bundler sees them (`sideEffects` and all).
 */
export function measureKit({ name, source }, { from = 'src' } = {}) {
  const conditions = from === 'dist' ? ['module'] : ['@waizant/source', 'module'];
  return measure(from === 'dist' ? `${name}, built packages` : name, source, {
    resolveDir: elementsDir,
    conditions,
  });
}

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

// esbuild drops its default `module` condition once custom conditions are given: add it back.
export async function measure(
  name,
  source,
  { resolveDir, external = [], conditions = ['module'], nodePaths = [] } = {},
) {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    splitting: true,
    outdir: '/virtual-out',
    metafile: true,
    external,
    conditions,
    nodePaths,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const files = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  const outputs = result.metafile.outputs;
  const key = (path) => Object.keys(outputs).find((k) => path.endsWith(k.replace(/^(\.\.\/)+/, '/')));
  // Dynamic imports are entry points too: the measured entry is the stdin module.
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint === '<stdin>');
  const upFront = new Set();
  const visit = (output) => {
    // External imports (React for the Amplify anchor) are not outputs.
    if (upFront.has(output) || !outputs[output]) return;
    upFront.add(output);
    for (const imported of outputs[output].imports)
      if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  let eager = Buffer.alloc(0);
  let lazyGzip = 0;
  for (const [path, contents] of files) {
    if (path.endsWith('.map')) continue;
    if (upFront.has(key(path))) eager = Buffer.concat([eager, Buffer.from(contents)]);
    else lazyGzip += gzip(contents);
  }
  return { name, min: eager.length, gzip: gzip(eager), lazyGzip, code: eager.toString('utf8') };
}
