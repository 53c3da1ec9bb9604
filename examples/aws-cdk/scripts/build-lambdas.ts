// Bundles each Lambda of the reference app into lambda-dist/<name>/index.mjs (one small file per
// function; the AWS SDK v3 is left to the nodejs22.x runtime, which ships it). No Docker.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const FUNCTIONS = [
  'define-auth-challenge',
  'create-auth-challenge',
  'verify-auth-challenge',
  'pre-token-generation',
  'send-email',
];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(root, 'lambda-dist');

export async function buildLambdas() {
  rmSync(OUT_DIR, { recursive: true, force: true });
  for (const name of FUNCTIONS) {
    mkdirSync(join(OUT_DIR, name), { recursive: true });
    await build({
      entryPoints: [join(root, 'lambda', `${name}.ts`)],
      outfile: join(OUT_DIR, name, 'index.mjs'),
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      // The workspace's sources (in a deployment: the published package's build).
      conditions: ['@waizant/source'],
      external: ['@aws-sdk/*'],
      logLevel: 'warning',
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildLambdas();
