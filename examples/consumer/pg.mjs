// The consumer test's throwaway PostgreSQL 15 cluster: the same helper the server adapter's
// PostgreSQL run uses (initdb and pg_ctl as the postgres user when run as root).
import {
  missingPostgres,
  PG_BIN,
  startCluster,
} from '../../packages/server-adapter/test/support/pg-cluster.mjs';

export { PG_BIN };

export function havePostgres() {
  return missingPostgres() === null;
}

export async function startPostgres() {
  const cluster = await startCluster();
  return { url: cluster.url(), stop: () => cluster.destroy() };
}
