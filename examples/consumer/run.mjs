// The consumer test: builds and packs the three packages, installs the tarballs with npm into a
// scratch host outside the workspace (third-party packages come from the registry), and uses
// them as a host would. Each step prints what it checks; any failure stops the run non-zero.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '../../tools/chromium.mjs';
import { havePostgres, PG_BIN, startPostgres } from './pg.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const PNPM = ['-y', 'pnpm@12.4.2'];
const PACKAGES = {
  core: 'support-core',
  'server-adapter': 'support-server-adapter',
  elements: 'support-elements',
};

function step(title) {
  console.log(`\n── consumer: ${title}`);
}
function fail(message) {
  console.error(`\nconsumer test FAILED: ${message}`);
  process.exit(1);
}
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    ...options,
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}`);
}
/** Runs and captures; returns { status, stdout, stderr } without failing. */
function capture(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    ...options,
    env: { ...process.env, ...options.env },
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
/** The version the workspace itself runs, so the host is checked against the same tools. */
function version(from, name) {
  return JSON.parse(readFileSync(join(REPO, from, 'node_modules', name, 'package.json'), 'utf8')).version;
}

step('prerequisites (Chromium, PostgreSQL 15 binaries)');
// Never skipped: a missing browser or server fails the run with how to install it.
let CHROME;
try {
  CHROME = chromiumPath();
} catch (error) {
  fail(error.message);
}
if (!havePostgres())
  fail(`PostgreSQL 15 binaries not found in ${PG_BIN}: apt-get install -y postgresql, or set PG_BIN.`);
console.log(`  ok ${CHROME}, ${PG_BIN}`);

const scratch = mkdtempSync(join(tmpdir(), 'waizant-consumer-'));
let postgres = null;
try {
  step('build and pack the three packages');
  run('npx', [...PNPM, '--filter', './packages/**', 'build'], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  for (const dir of Object.keys(PACKAGES)) {
    run('npx', [...PNPM, 'pack', '--pack-destination', tarballs], {
      cwd: join(REPO, 'packages', dir),
      stdio: 'ignore',
    });
  }
  const tgz = (name) =>
    `file:${join(
      tarballs,
      readdirSync(tarballs).find((f) => f.startsWith(`waizant-${name}-`)),
    )}`;
  console.log(`  ok ${readdirSync(tarballs).join(', ')}`);

  step('install the tarballs with npm into a host outside the workspace');
  const host = join(scratch, 'host');
  cpSync(join(HERE, 'host'), host, { recursive: true });
  cpSync(join(REPO, 'tools/chromium.mjs'), join(host, 'chromium.mjs'));
  const own = Object.fromEntries(Object.values(PACKAGES).map((name) => [`@waizant/${name}`, tgz(name)]));
  writeFileSync(
    join(host, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer-host',
        private: true,
        type: 'module',
        dependencies: {
          ...own,
          // The optional peers this host uses: embedded (PGlite), PostgreSQL and its types.
          '@electric-sql/pglite': version('packages/server-adapter', '@electric-sql/pglite'),
          pg: version('packages/server-adapter', 'pg'),
          '@types/pg': version('packages/server-adapter', '@types/pg'),
          express: '5.3.0',
        },
        devDependencies: {
          '@types/node': version('.', '@types/node'),
          '@types/react': version('examples/react-host', '@types/react'),
          esbuild: version('.', 'esbuild'),
          'playwright-core': version('examples/back-office', 'playwright-core'),
          typescript: version('.', 'typescript'),
          vite: version('.', 'vite'),
        },
        // The elements and the server adapter depend on the core by version: take the tarball.
        overrides: { '@waizant/support-core': own['@waizant/support-core'] },
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: host });
  for (const heavy of ['@aws-sdk/client-lambda', 'aws-jwt-verify', 'nodemailer']) {
    if (existsSync(join(host, 'node_modules', heavy)))
      fail(`${heavy} was installed although no one asked for it`);
  }
  console.log('  ok installed; optional peers not asked for (AWS SDK, aws-jwt-verify, nodemailer) stay out');

  step('published typings and module graphs');
  const graph = (entry) => {
    const seen = new Set();
    const bare = new Set();
    const walk = (file) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(
        /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g,
      )) {
        if (spec.startsWith('.'))
          walk(resolve(dirname(file), spec.replace(/\.js$/, file.endsWith('.d.ts') ? '.d.ts' : '.js')));
        else bare.add(spec);
      }
    };
    walk(join(host, 'node_modules', entry));
    return [...bare];
  };
  const uiTypes = graph('@waizant/support-core/dist/ui.d.ts');
  // The ui entry's types are the contract's plain TypeScript types: neither XState nor zod.
  const leaked = uiTypes.filter((spec) => /^(xstate|zod)(\/|$)/.test(spec));
  if (leaked.length) fail(`@waizant/support-core/ui's types import ${leaked.join(', ')}`);
  console.log('  ok core ./ui .d.ts imports neither xstate nor zod');
  const rootTypes = graph('@waizant/support-core/dist/index.d.ts').filter((spec) =>
    spec.startsWith('xstate'),
  );
  if (rootTypes.length) fail(`@waizant/support-core's main .d.ts imports ${rootTypes.join(', ')}`);
  console.log('  ok core main .d.ts imports no xstate (the statechart is on ./machine)');
  const serverGraph = graph('@waizant/support-server-adapter/dist/index.js');
  const heavy = serverGraph.filter((spec) =>
    /^(@electric-sql\/pglite|pg|nodemailer|@aws-sdk\/|aws-jwt-verify)/.test(spec),
  );
  if (heavy.length) fail(`the server adapter's main entry reaches ${heavy.join(', ')}`);
  console.log(
    `  ok server adapter main entry reaches no driver, mailer or SDK (bare imports: ${serverGraph.join(', ')})`,
  );
  const required = capture('node', ['-e', "require('@waizant/support-core')"], { cwd: host });
  if (required.status === 0 || !/ESM only/.test(required.stderr))
    fail(`require() did not say ESM only:\n${required.stderr}`);
  console.log('  ok require() of a package throws "ESM only: use import"');

  step('tsc --noEmit, skipLibCheck false, moduleResolution bundler and node16');
  for (const config of ['tsconfig.bundler.json', 'tsconfig.node16.json']) {
    run('npx', ['--no-install', 'tsc', '-p', config], { cwd: host });
    console.log(`  ok ${config}: every entry the host imports type-checks, the React JSX typings included`);
  }

  step('npx waizant-support-migrate against a throwaway PostgreSQL 15');
  const help = capture('npx', ['--no-install', 'waizant-support-migrate', '--help'], { cwd: host });
  if (help.status !== 0 || !/Usage:/.test(help.stdout))
    fail(`--help: exit ${help.status}\n${help.stdout}${help.stderr}`);
  const bare = capture('npx', ['--no-install', 'waizant-support-migrate'], {
    cwd: host,
    env: { DATABASE_URL: '' },
  });
  if (bare.status === 0 || !/DATABASE_URL/.test(bare.stderr))
    fail(`without DATABASE_URL: exit ${bare.status}\n${bare.stderr}`);
  console.log('  ok --help prints the usage; without DATABASE_URL it exits non-zero saying so');
  postgres = await startPostgres();
  const migrated = capture('npx', ['--no-install', 'waizant-support-migrate'], {
    cwd: host,
    env: { DATABASE_URL: postgres.url },
  });
  process.stdout.write(`  bin said: ${migrated.stdout.trim() || '(nothing)'}\n`);
  if (migrated.status !== 0) fail(`waizant-support-migrate exited ${migrated.status}: ${migrated.stderr}`);
  if (migrated.stdout.includes(postgres.url) || migrated.stderr.includes(postgres.url))
    fail('the bin printed the database URL');
  run('node', ['check-tables.mjs'], { cwd: host, env: { DATABASE_URL: postgres.url } });

  step('hosts: node:http under a prefix (basePath), Express beside express.json()');
  run('node', ['check-servers.mjs'], { cwd: host });

  step('bundle a page with esbuild and with Vite');
  run(
    'npx',
    [
      '--no-install',
      'esbuild',
      'page/main.js',
      '--bundle',
      '--format=esm',
      '--splitting',
      '--minify',
      '--outdir=dist-esbuild',
      '--log-level=warning',
    ],
    { cwd: host },
  );
  cpSync(join(host, 'page/index.html'), join(host, 'dist-esbuild/index.html'));
  run(
    'npx',
    [
      '--no-install',
      'vite',
      'build',
      'page',
      '--base=./',
      '--outDir=../dist-vite',
      '--emptyOutDir',
      '--logLevel=warn',
    ],
    { cwd: host },
  );
  console.log('  ok both bundlers built the page');

  step('Chromium: both tags from each bundle, one whole Technical Assistance flow');
  run('node', ['check-browser.mjs'], { cwd: host, env: { CHROME_PATH: CHROME } });

  console.log('\nconsumer test: every step passed');
} finally {
  postgres?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
