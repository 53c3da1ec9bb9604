// What the database spends, read from outside the processes under test:
// - CPU: utime + stime of the postmaster and every child of it (backends, WAL writer,
//   checkpointer, …) from /proc/<pid>/stat, plus cutime + cstime of the postmaster, which holds
//   the time of children that exited. Backends of the driver's code readers are left out.
// - Statements: pg_stat_statements' calls (top level, utility statements such as BEGIN and
//   COMMIT included) of one database and role, reset before a run.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {}

interface Ticks {
  /** Own time of a process (utime + stime). */
  own: number;
  /** Time of its reaped children (cutime + cstime). */
  reaped: number;
  ppid: number;
}

function ticksOf(pid: number): Ticks | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, ppid 4, utime 14.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

export interface CpuSnapshot {
  total: number;
  byPid: Map<number, number>;
}

/** The postmaster's pid, from the first line of its data directory's postmaster.pid. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

export function clusterCpu(postmaster: number): CpuSnapshot {
  const root = ticksOf(postmaster);
  if (!root) throw new Error(`no postmaster ${postmaster}`);
  const byPid = new Map<number, number>();
  let total = root.own + root.reaped;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === postmaster) continue;
    const t = ticksOf(pid);
    if (t?.ppid !== postmaster) continue;
    byPid.set(pid, t.own);
    total += t.own;
  }
  return { total, byPid };
}

/** CPU milliseconds between two snapshots, without the backends in `exclude`. */
export function cpuMsBetween(before: CpuSnapshot, after: CpuSnapshot, exclude: readonly number[]): number {
  let ticks = after.total - before.total;
  for (const pid of exclude) ticks -= (after.byPid.get(pid) ?? 0) - (before.byPid.get(pid) ?? 0);
  return (ticks * 1000) / ticksPerSecond;
}

export async function resetStatements(admin: Client): Promise<void> {
  await admin.query('SELECT pg_stat_statements_reset()');
}

export interface StatementCount {
  calls: number;
  /** The most called statements, text cut short (parameters are placeholders), with their mean planning and execution time. */
  top: Array<{ calls: number; query: string; planMs: number; execMs: number }>;
}

/** Statements run in `database` by `role` since the last reset. */
export async function countStatements(
  admin: Client,
  database: string,
  role: string,
): Promise<StatementCount> {
  const { rows } = await admin.query<{ calls: string; query: string; plan_ms: number; exec_ms: number }>(
    `SELECT s.calls::text, s.query, s.mean_plan_time AS plan_ms, s.mean_exec_time AS exec_ms FROM pg_stat_statements s
     JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.userid
     WHERE d.datname = $1 AND r.rolname = $2 ORDER BY s.calls DESC`,
    [database, role],
  );
  return {
    calls: rows.reduce((n, r) => n + Number(r.calls), 0),
    top: rows.slice(0, 25).map((r) => ({
      calls: Number(r.calls),
      query: r.query.replace(/\s+/g, ' ').slice(0, 110),
      planMs: r.plan_ms,
      execMs: r.exec_ms,
    })),
  };
}
