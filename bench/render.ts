/**
 * Element render in headless Chromium: import → first interactive view of the flow, and
 * <successor-activity> with 10,000 processes (first paint, frames dropped scrolling to the end).
 * The page is bundled with esbuild (as a host's bundler would) and served from memory.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromiumLaunchOptions } from '../tools/chromium.mjs';
import { ms, root, writeResult } from './lib.js';

const { chromium } = createRequire(join(root, 'examples/back-office/package.json'))(
  'playwright-core',
) as typeof import('playwright-core');
const launch = chromiumLaunchOptions();
const CHROME = launch.executablePath;
// localhost is a secure context (the fake server draws ids with crypto.randomUUID); requests never leave the page.
const RUNS = 7;

interface RenderResult {
  importAndDefineMs: number;
  defineToPaintMs: number;
  defineToInteractiveMs: number;
  importToInteractiveMs: number;
  listFirstPaintMs: number;
  rowsInDomAfterFirstPaint: number;
  scrollFrames: number;
  scrollDurationMs: number;
  droppedFrames: number;
  frameP50Ms: number;
  frameP95Ms: number;
  rowsInDomAtEnd: number;
  error?: string;
}

const bundle = await build({
  absWorkingDir: join(root, 'packages/elements'),
  entryPoints: { page: join(root, 'bench/render/page.ts') },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  outdir: '/assets',
  write: false,
  conditions: ['@waizant/source', 'module'],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
const assets = new Map(bundle.outputFiles.map((file) => [file.path, file.text]));

// A plain local HTTP server, so chunk fetches cost what a nearby server costs (intercepting
// requests in the browser driver would add a round trip to this process for each one).
const PAGE =
  '<!doctype html><meta charset="utf-8"><body><script type="module" src="/assets/page.js"></script></body>';
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const asset = path === '/' ? PAGE : assets.get(path);
  if (asset === undefined) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': path === '/' ? 'text/html' : 'text/javascript' }).end(asset);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch(launch);
const results: RenderResult[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${ORIGIN}/`);
    const result = (await page
      .waitForFunction(() => (globalThis as unknown as { results?: unknown }).results, null, {
        timeout: 120_000,
      })
      .then((handle) => handle.jsonValue())) as RenderResult;
    if (result.error) throw new Error(result.error);
    results.push(result);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

const median = (pick: (r: RenderResult) => number) => {
  const values = results.map(pick).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? Number.NaN;
};
const text = writeResult(
  'render',
  `Element render — headless Chromium (${CHROME}), medians of ${RUNS} page loads`,
  [
    '| figure | median | goal |',
    '|---|---:|---|',
    `| import + define both elements (ms) | ${ms(median((r) => r.importAndDefineMs))} | – |`,
    `| define → first view of the flow painted (ms) | ${ms(median((r) => r.defineToPaintMs))} | – |`,
    `| define → flow interactive, statechart loaded (ms) | ${ms(median((r) => r.defineToInteractiveMs))} | – |`,
    `| import → first interactive view (ms) | ${ms(median((r) => r.importToInteractiveMs))} | – |`,
    `| <successor-activity>, 10,000 processes: first paint (ms) | ${ms(median((r) => r.listFirstPaintMs))} | ≤ 100 |`,
    `| rows in the DOM after first paint | ${median((r) => r.rowsInDomAfterFirstPaint)} | – |`,
    `| scrolling to the end: frames | ${median((r) => r.scrollFrames)} | – |`,
    `| scrolling to the end: dropped frames (at 60 Hz) | ${median((r) => r.droppedFrames)} | – |`,
    `| scrolling: frame p50 / p95 (ms) | ${ms(median((r) => r.frameP50Ms))} / ${ms(median((r) => r.frameP95Ms))} | 16.7 |`,
    `| rows in the DOM at the end | ${median((r) => r.rowsInDomAtEnd)} | – |`,
    '',
    "Headless Chromium without a GPU: frame times are the main thread's, not a display's. The list",
    'pages 100 processes per request from the in-memory fake (no latency), so scrolling to the end',
    'also fetches and renders 100 pages.',
  ],
);
console.log(text);
