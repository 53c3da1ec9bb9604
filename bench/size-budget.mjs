// CI check: the kit's browser bundles stay within their gzip budgets.
// The first two are the product's budgets; the third guards the whole flow against growth.
// The built packages are measured too, as a host's bundler sees them: that is what ships.
// Last, the Cognito trigger / e-mail Lambda entry, bundled as a deployer would (minified, the AWS
// SDK left to the Lambda runtime): it must stay small, so cold starts stay short.
import { build } from 'esbuild';
import { KIT_BUNDLES, measureKit } from './bundle.mjs';

const KiB = 1024;
const BUDGETS = [
  [KIT_BUNDLES.upFront, 32 * KiB],
  [KIT_BUNDLES.qr, 10 * KiB],
  // A regression guard, not a product budget: raised from 58,000 B when the flow gained the
  // session watcher, the "ended by the user" view and the QR e-mail command, and from 60,000 B
  // (already reached at 60,055 B) when the process list learnt to paint before its virtualizer
  // arrives, +0.45 KB, and from 61,000 B when the agent's step-up gained the passkey (its states
  // and views, +3.6 KB; the WebAuthn library stays its own chunk) (README, Performance).
  [KIT_BUNDLES.firstRequest, 65_000],
];
const TAGS = ['waizant-support-flow', 'successor-activity'];

const fmt = (n) => n.toLocaleString('en-US');
let failed = 0;
function check({ name, gzip, min }, budget) {
  const ok = gzip <= budget;
  if (!ok) failed++;
  console.log(
    `${ok ? 'ok  ' : 'OVER'} ${name}: ${fmt(gzip)} B gzip (${fmt(min)} B min), budget ${fmt(budget)} B`,
  );
}

for (const [bundle, budget] of BUDGETS) check(await measureKit(bundle), budget);

const built = await measureKit(KIT_BUNDLES.upFront, { from: 'dist' }).catch((error) => {
  console.error(`The built packages could not be bundled (run the build first): ${error.message}`);
  process.exit(1);
});
check(built, 32 * KiB);
// A host's bundler drops modules its `sideEffects` does not list: the tags must survive that.
for (const tag of TAGS) {
  if (!built.code.includes(`"${tag}"`)) {
    failed++;
    console.log(`MISSING ${tag}: the built define entry does not register it once bundled`);
  }
}

const TRIGGERS_ENTRY = 'packages/server-adapter/dist/aws/triggers.js';
const TRIGGERS_BUDGET = 50_000;
const triggers = await build({
  entryPoints: [TRIGGERS_ENTRY],
  bundle: true,
  minify: true,
  write: false,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['@aws-sdk/*'],
  logLevel: 'silent',
}).catch((error) => {
  console.error(`${TRIGGERS_ENTRY} could not be bundled (run the build first): ${error.message}`);
  process.exit(1);
});
const triggersMin = triggers.outputFiles[0].contents.length;
const triggersOk = triggersMin <= TRIGGERS_BUDGET;
if (!triggersOk) failed++;
console.log(
  `${triggersOk ? 'ok  ' : 'OVER'} aws/triggers (Cognito triggers + e-mail Lambda): ${fmt(triggersMin)} B min, budget ${fmt(TRIGGERS_BUDGET)} B min`,
);

if (failed) {
  console.error(`${failed} size check(s) failed.`);
  process.exit(1);
}
