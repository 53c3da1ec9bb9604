// One way to measure a browser bundle, shared by the benchmark and the CI budget check:
// esbuild bundle (all dependencies bundled, minified, ES2022, code splitting), then gzip -9.
// The figure is what a page loads up front: the entry and its static imports. Chunks only
// reached through `import()` (the QR encoder, the Spanish strings) are reported apart.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint !== undefined);
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
  return { name, min: eager.length, gzip: gzip(eager), lazyGzip };
}
