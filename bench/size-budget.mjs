// CI check: the kit's browser bundles stay within their gzip budgets.
// The first two are the product's budgets; the third guards the whole flow against growth.
// The built packages are measured too, as a host's bundler sees them: that is what ships.
import { KIT_BUNDLES, measureKit } from './bundle.mjs';

const KiB = 1024;
const BUDGETS = [
  [KIT_BUNDLES.upFront, 32 * KiB],
  [KIT_BUNDLES.qr, 10 * KiB],
  [KIT_BUNDLES.firstRequest, 58_000],
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

if (failed) {
  console.error(`${failed} size check(s) failed.`);
  process.exit(1);
}
