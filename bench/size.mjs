// Bundle size of the kit's browser entry points beside the anchors and the floor.
// Measure: esbuild bundle (all dependencies bundled, minified, ES2022), then gzip -9.
// Anchor packages are installed into a throwaway folder, never into the workspace.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KIT_BUNDLES, measure, measureKit } from './bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const cache = join(here, '.cache', 'anchors');

const ANCHORS = {
  '@aws-amplify/ui-react': '6.15.6',
  'aws-amplify': '6.22.1',
  '@teamhanko/hanko-elements': '2.7.0',
  '@descope/web-component': '4.3.2',
  '@okta/okta-signin-widget': '7.49.0',
  react: '19.3.1',
  'react-dom': '19.3.1',
};

/** Figures seen on this kind of machine when the benchmark was designed. */
const REFERENCE = {
  'Amplify UI Authenticator (+aws-amplify)': 161_190,
  'Hanko elements register()': 46_488,
  'Descope web component': 57_140,
  'Okta Sign-In Widget': 363_652,
  'floor: lit + xstate': 19_223,
};

function installAnchors() {
  mkdirSync(cache, { recursive: true });
  const manifest = { name: 'size-anchors', private: true, dependencies: ANCHORS };
  const file = join(cache, 'package.json');
  const wanted = JSON.stringify(manifest, null, 2);
  if (existsSync(join(cache, 'node_modules')) && existsSync(file) && readFileSync(file, 'utf8') === wanted)
    return;
  writeFileSync(file, wanted);
  console.error('installing anchor packages into', cache);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: cache,
    stdio: 'inherit',
  });
}

const ours = [];
for (const bundle of Object.values(KIT_BUNDLES)) {
  try {
    ours.push(await measureKit(bundle));
  } catch (error) {
    console.error(`could not bundle ${bundle.name}: ${error.message}`);
  }
}
try {
  ours.push(
    await measure('kit: core (statechart + contract)', "export * from '@waizant/support-core';", {
      resolveDir: join(root, 'packages/core'),
      conditions: ['@waizant/source', 'module'],
    }),
  );
} catch (error) {
  console.error(`could not bundle the core: ${error.message}`);
}

installAnchors();
const anchors = [
  [
    'Amplify UI Authenticator (+aws-amplify)',
    "import { Authenticator } from '@aws-amplify/ui-react'; import { Amplify } from 'aws-amplify'; console.log(Authenticator, Amplify);",
    ['react', 'react-dom', 'react/jsx-runtime'],
  ],
  [
    'Hanko elements register()',
    "import { register } from '@teamhanko/hanko-elements'; register('https://hanko.example');",
  ],
  ['Descope web component', "import '@descope/web-component';"],
  ['Okta Sign-In Widget', "import OktaSignIn from '@okta/okta-signin-widget'; console.log(OktaSignIn);"],
];
const measured = [];
for (const [name, source, external] of anchors) {
  try {
    measured.push(await measure(name, source, { resolveDir: cache, external }));
  } catch (error) {
    console.error(`could not bundle ${name}: ${error.message}`);
  }
}
const floor = await measure(
  'floor: lit + xstate',
  "import { LitElement, html } from 'lit'; import { createActor, createMachine } from 'xstate'; console.log(LitElement, html, createActor, createMachine);",
  {
    resolveDir: join(root, 'packages/elements'),
    nodePaths: [join(root, 'packages/elements/node_modules'), join(root, 'packages/core/node_modules')],
  },
).catch((error) => {
  console.error(`could not bundle the floor: ${error.message}`);
  return null;
});

const rows = [...ours, ...measured, ...(floor ? [floor] : [])];
const fmt = (n) => n.toLocaleString('en-US');
const lines = [
  `Bundle size — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, esbuild minify + gzip -9`,
  '',
  '| bundle | min (B) | gzip -9 (B) | lazy chunks gzip (B) | × floor | reference gzip (B) |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${fmt(r.min)} | ${fmt(r.gzip)} | ${r.lazyGzip ? fmt(r.lazyGzip) : '–'} | ${floor ? (r.gzip / floor.gzip).toFixed(2) : '–'} | ${REFERENCE[r.name] ? fmt(REFERENCE[r.name]) : '–'} |`,
  ),
];
const table = lines.join('\n');
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'size.md'), `${table}\n`);
console.log(table);
