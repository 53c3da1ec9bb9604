// A throwaway PostgreSQL 15 cluster on a free port (as the postgres user when run as root: initdb
// refuses root), stopped and deleted by `stop()`.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function havePostgres() {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export async function startPostgres() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'waizant-consumer-pg-'));
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
  const stop = () => {
    try {
      sh(`${PG_BIN}/pg_ctl -D ${dir}/data -m fast -w stop > /dev/null`);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    sh(`${PG_BIN}/initdb -D ${dir}/data -U postgres -A trust -E UTF8 --no-locale > /dev/null`);
    sh(
      `${PG_BIN}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" -l ${dir}/log -w start > /dev/null`,
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}
