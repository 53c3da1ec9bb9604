/**
 * Element render in headless Chromium: import → first interactive view of the flow, and
 * <successor-activity> with 10,000 processes (first paint, frames dropped scrolling to the end).
 * The flow is also measured with its statechart loaded up front (a second page, built apart),
 * page loads alternating, so that the on-demand figure has its goal beside it from the same run.
 * The pages are bundled with esbuild (as a host's bundler would) and served from memory.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
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

type FlowResult = Pick<
  RenderResult,
  'importAndDefineMs' | 'defineToPaintMs' | 'defineToInteractiveMs' | 'importToInteractiveMs' | 'error'
>;

/** One page and its chunks under `/${dir}/` (built apart, so the pages share no chunk). */
async function bundlePage(entry: string, dir: string) {
  const bundle = await build({
    absWorkingDir: join(root, 'packages/elements'),
    entryPoints: { page: join(root, 'bench/render', entry) },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    outdir: `/${dir}`,
    write: false,
    metafile: true,
    conditions: ['@waizant/source', 'module'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return bundle;
}
type Bundle = Awaited<ReturnType<typeof bundlePage>>;
const files = (bundle: Bundle) => bundle.outputFiles.map((file) => [file.path, file.text] as const);

/**
 * What a host whose bundler does not preload a dynamic import's chunks (esbuild) can do at build
 * time: list the statechart's chunks, from the metafile, as `<link rel=modulepreload>` in its
 * page. The browser then fetches them beside the tags' chunks, without running them.
 */
function preloadHints(bundle: Bundle, dir: string): string {
  const outputs = bundle.metafile.outputs;
  const wanted = Object.keys(outputs).filter((path) =>
    /support-flow\.(engine|contract)\.ts$/.test(outputs[path]?.entryPoint ?? ''),
  );
  const found = new Set<string>();
  for (let path = wanted.pop(); path !== undefined; path = wanted.pop()) {
    if (found.has(path)) continue;
    found.add(path);
    for (const dep of outputs[path]?.imports ?? [])
      if (dep.kind === 'import-statement') wanted.push(dep.path);
  }
  return [...found].map((path) => `<link rel="modulepreload" href="/${dir}/${basename(path)}">`).join('');
}

const shipped = await bundlePage('page.ts', 'assets');
const upFrontPage = await bundlePage('page-up-front.ts', 'up-front');
const hintedPage = await bundlePage('page-flow.ts', 'hints');
const assets = new Map([...files(shipped), ...files(upFrontPage), ...files(hintedPage)]);

// A plain local HTTP server, so chunk fetches cost what a nearby server costs (intercepting
// requests in the browser driver would add a round trip to this process for each one).
const page = (dir: string, head = '') =>
  `<!doctype html><meta charset="utf-8">${head}<body><script type="module" src="/${dir}/page.js"></script></body>`;
const PAGES = new Map([
  ['/', page('assets')],
  ['/up-front', page('up-front')],
  ['/hints', page('hints', preloadHints(hintedPage, 'hints'))],
]);
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const html = PAGES.get(path);
  const asset = html ?? assets.get(path);
  if (asset === undefined) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': html ? 'text/html' : 'text/javascript' }).end(asset);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// Other work on the machine moves these figures by 2× and more; the load average says how busy it was.
const loadAtStart = loadavg()[0] ?? Number.NaN;
const browser = await chromium.launch(launch);
async function load<T extends { error?: string }>(path: string): Promise<T> {
  const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  try {
    await tab.goto(`${ORIGIN}${path}`);
    const result = (await tab
      .waitForFunction(() => (globalThis as unknown as { results?: unknown }).results, null, {
        timeout: 120_000,
      })
      .then((handle) => handle.jsonValue())) as T;
    if (result.error) throw new Error(result.error);
    return result;
  } finally {
    await tab.close();
  }
}
const results: RenderResult[] = [];
const upFront: FlowResult[] = [];
const hinted: FlowResult[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    // Alternating, so a busy moment of the machine weighs on both pages alike.
    upFront.push(await load<FlowResult>('/up-front'));
    hinted.push(await load<FlowResult>('/hints'));
    results.push(await load<RenderResult>('/'));
  }
} finally {
  await browser.close();
  server.close();
}

function medianOf<R>(rows: readonly R[], pick: (r: R) => number): number {
  const values = rows.map(pick).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? Number.NaN;
}
function rangeOf<R>(rows: readonly R[], pick: (r: R) => number): string {
  const values = rows.map(pick);
  return `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;
}
const median = (pick: (r: RenderResult) => number) => medianOf(results, pick);
const range = (pick: (r: RenderResult) => number) => rangeOf(results, pick);
const met = (ok: boolean) => (ok ? 'met' : 'not met');
const interactive = median((r) => r.importToInteractiveMs);
const interactiveUpFront = medianOf(upFront, (r) => r.importToInteractiveMs);
const loadAtEnd = loadavg()[0] ?? Number.NaN;
const listPaint = median((r) => r.listFirstPaintMs);
const interactiveHinted = medianOf(hinted, (r) => r.importToInteractiveMs);
const text = writeResult(
  'render',
  `Element render — headless Chromium (${CHROME}), medians of ${RUNS} page loads`,
  [
    `Load average (1 min) at start / end: ${loadAtStart.toFixed(1)} / ${loadAtEnd.toFixed(1)}`,
    '',
    '**The goals**',
    '',
    '| figure | median | min–max of the runs | goal | |',
    '|---|---:|---|---|---|',
    `| <successor-activity>, 10,000 processes: first paint (ms) | ${ms(listPaint)} | ${range((r) => r.listFirstPaintMs)} | ≤ 100 | ${met(listPaint <= 100)} |`,
    `| import → flow interactive, statechart on demand (ms) | ${ms(interactive)} | ${range((r) => r.importToInteractiveMs)} | ≤ up front (${ms(interactiveUpFront)}) | ${met(interactive <= interactiveUpFront)} |`,
    `| … the same with the host's \`modulepreload\` hints (ms) | ${ms(interactiveHinted)} | ${rangeOf(hinted, (r) => r.importToInteractiveMs)} | ≤ up front (${ms(interactiveUpFront)}) | ${met(interactiveHinted <= interactiveUpFront)} |`,
    '',
    "**The flow: statechart on demand (as shipped), on demand with the host's preload hints, and up front**",
    '',
    '| figure | on demand | on demand + `modulepreload` hints | up front (imported beside the tags) |',
    '|---|---:|---:|---:|',
    ...(
      [
        ['import + define both elements (ms)', (r: FlowResult) => r.importAndDefineMs],
        ['define → first view of the flow painted (ms)', (r: FlowResult) => r.defineToPaintMs],
        ['define → flow interactive, statechart running (ms)', (r: FlowResult) => r.defineToInteractiveMs],
        ['import → first interactive view (ms)', (r: FlowResult) => r.importToInteractiveMs],
      ] as const
    ).map(
      ([label, pick]) =>
        `| ${label} | ${ms(medianOf(results, pick))} | ${ms(medianOf(hinted, pick))} | ${ms(medianOf(upFront, pick))} |`,
    ),
    '',
    '**<successor-activity> with 10,000 processes**',
    '',
    '| figure | median | goal |',
    '|---|---:|---|',
    `| first paint (ms) | ${ms(listPaint)} | ≤ 100 |`,
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
