// CI check: the kit's browser entry points stay within their gzip budgets.
// Budgets sit a little above today's figures so that growth is a decision, not an accident.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const elements = join(root, 'packages/elements');
const conditions = ['@waizant/source', 'module'];

const BUDGETS = [
  [
    'elements: both tags defined (QR and virtualizer loaded on demand)',
    "import '@waizant/support-elements/define';",
    58_000,
  ],
  ['elements: QR chunk (qrcode)', "import * as q from 'qrcode'; console.log(q);", 12_000],
];

let failed = 0;
for (const [name, source, budget] of BUDGETS) {
  const { gzip, min } = await measure(name, source, { resolveDir: elements, conditions });
  const ok = gzip <= budget;
  if (!ok) failed++;
  console.log(
    `${ok ? 'ok  ' : 'OVER'} ${name}: ${gzip.toLocaleString('en-US')} B gzip (${min.toLocaleString('en-US')} B min), budget ${budget.toLocaleString('en-US')} B`,
  );
}
if (failed) {
  console.error(`${failed} bundle(s) over budget.`);
  process.exit(1);
}
