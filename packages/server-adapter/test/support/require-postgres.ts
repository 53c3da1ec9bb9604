import { missingPostgres } from './pg-cluster.mjs';

/**
 * Whether this machine can run a PostgreSQL cluster the test owns. Missing binaries fail the
 * run under CI=true (like run-pg.mjs); elsewhere the suite says so loudly and runs without it.
 */
export function ownClusterAvailable(suite: string): boolean {
  const missing = missingPostgres();
  if (!missing) return true;
  const message = `${suite} needs a PostgreSQL cluster it can stop: ${missing}.`;
  if (process.env.CI === 'true') throw new Error(`${message} It cannot run under CI without it.`);
  console.warn(`\n!! NOT RUN: ${message}\n`);
  return false;
}
