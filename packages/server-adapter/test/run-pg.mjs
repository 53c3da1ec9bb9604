// Runs the whole suite on PostgreSQL 15. Uses WAIZANT_TEST_PG_URL when set; otherwise starts a
// throw-away cluster from PG_BIN (default /usr/lib/postgresql/15/bin) and stops it afterwards.
// A missing or unreachable server fails the run: it is never skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(url) {
  const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, WAIZANT_TEST_PG_URL: url },
  });
  return result.status ?? 1;
}

if (process.env.WAIZANT_TEST_PG_URL) process.exit(run(process.env.WAIZANT_TEST_PG_URL));

const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
if (!existsSync(join(bin, 'initdb'))) {
  const message = `PostgreSQL 15 binaries not found in ${bin} (apt-get install -y postgresql), and WAIZANT_TEST_PG_URL is not set.`;
  // Under CI a missing server fails the run; on a developer's machine the PGlite run stands alone, loudly.
  if (process.env.CI === 'true') {
    console.error(`${message} The PostgreSQL suite cannot run.`);
    process.exit(1);
  }
  console.warn(`\n!! SKIPPED the PostgreSQL run of the server-adapter suite: ${message}\n`);
  process.exit(0);
}
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'waizant-pg-'));
const asRoot = process.getuid?.() === 0;
const sh = (command) =>
  asRoot
    ? execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command])
    : execFileSync('/bin/sh', ['-c', command]);
if (asRoot) {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
}
let status = 1;
try {
  sh(`${bin}/initdb -D ${dir}/data -U postgres -A trust -E UTF8 --no-locale > /dev/null`);
  sh(
    `${bin}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" -l ${dir}/log -w start > /dev/null`,
  );
  status = run(`postgres://postgres@127.0.0.1:${port}/postgres`);
} finally {
  try {
    sh(`${bin}/pg_ctl -D ${dir}/data -m fast -w stop > /dev/null`);
  } catch {}
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
