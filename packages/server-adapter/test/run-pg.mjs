// Runs the whole suite on PostgreSQL 15. Uses WAIZANT_TEST_PG_URL when set; otherwise starts a
// throw-away cluster from PG_BIN (default /usr/lib/postgresql/15/bin) and stops it afterwards.
// A missing or unreachable server fails the run: it is never skipped.
import { spawnSync } from 'node:child_process';
import { missingPostgres, PG_BIN, startCluster } from './support/pg-cluster.mjs';

function run(url) {
  const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, WAIZANT_TEST_PG_URL: url },
  });
  return result.status ?? 1;
}

if (process.env.WAIZANT_TEST_PG_URL) process.exit(run(process.env.WAIZANT_TEST_PG_URL));

const missing = missingPostgres(PG_BIN);
if (missing) {
  const message = `${missing}, and WAIZANT_TEST_PG_URL is not set.`;
  // Under CI a missing server fails the run; on a developer's machine the PGlite run stands alone, loudly.
  if (process.env.CI === 'true') {
    console.error(`${message} The PostgreSQL suite cannot run.`);
    process.exit(1);
  }
  console.warn(`\n!! SKIPPED the PostgreSQL run of the server-adapter suite: ${message}\n`);
  process.exit(0);
}
const cluster = await startCluster({ bin: PG_BIN });
let status = 1;
try {
  status = run(cluster.url());
} finally {
  cluster.destroy();
}
process.exit(status);
