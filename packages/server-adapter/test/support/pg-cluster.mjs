// A throw-away PostgreSQL 15 cluster owned by its caller: the PostgreSQL run of the suite
// (run-pg.mjs) and the fault tests, which stop and start it mid-flow. As root, initdb and pg_ctl
// run as the `postgres` user (PostgreSQL refuses to run as root).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why a cluster cannot be started here, or null when the binaries are present. */
export function missingPostgres(bin = PG_BIN) {
  return existsSync(join(bin, 'initdb'))
    ? null
    : `PostgreSQL 15 binaries not found in ${bin} (apt-get install -y postgresql)`;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/**
 * initdb + start on a free loopback port. `stop(mode)` and `start()` may be called again (the
 * data directory and port are kept); `destroy()` stops it and deletes everything.
 */
export async function startCluster({ bin = PG_BIN, settings = [] } = {}) {
  const missing = missingPostgres(bin);
  if (missing) throw new Error(missing);
  const port = await freePort();
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
  const options = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1']
    .concat(settings.flatMap((s) => ['-c', s]))
    .join(' ');
  let running = false;
  const cluster = {
    port,
    dir,
    url(database = 'postgres') {
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    },
    get running() {
      return running;
    },
    /** Starts it again after `stop` (a no-op while it runs). */
    start() {
      if (running) return;
      sh(`${bin}/pg_ctl -D ${dir}/data -o "${options}" -l ${dir}/log -w start > /dev/null`);
      running = true;
    },
    /** `fast` ends every session with 57P01; `immediate` kills the server like a crash. */
    stop(mode = 'fast') {
      if (!running) return;
      sh(`${bin}/pg_ctl -D ${dir}/data -m ${mode} -w stop > /dev/null`);
      running = false;
    },
    destroy() {
      try {
        cluster.stop('fast');
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    sh(`${bin}/initdb -D ${dir}/data -U postgres -A trust -E UTF8 --no-locale > /dev/null`);
    cluster.start();
  } catch (error) {
    cluster.destroy();
    throw error;
  }
  return cluster;
}
