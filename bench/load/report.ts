// The Markdown of bench:server: the table (per request, three columns, goals beside),
// latency per route, the runs' facts, and the statements each side ran most.
import { ms, type Stats, stats } from '../lib.js';
import type { DriverResult } from './ipc.js';
import type { StatementCount } from './probes.js';

export interface Measured {
  /** Column heading. */
  label: string;
  result: DriverResult;
  statements: StatementCount;
  /** PostgreSQL CPU over the run (all its processes but the driver's readers). */
  pgCpuMs: number;
  /** The server process's CPU over the run; null for the floor, which has none. */
  serverCpuMs: number | null;
  /** The routes whose samples make the "verify" figure. */
  verifyRoutes: readonly string[];
  /** What one "request" is for this column. */
  unit: string;
}

export const perRequest = (m: Measured) => ({
  rate: m.result.requests / m.result.seconds,
  statements: m.statements.calls / m.result.requests,
  pgCpu: m.pgCpuMs / m.result.requests,
  nodeCpu: m.serverCpuMs === null ? null : m.serverCpuMs / m.result.requests,
  verify: stats(m.verifyRoutes.flatMap((r) => m.result.samples[r] ?? [])),
});

const num = (x: number, digits = 2) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const met = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? '**met**' : 'not met');

/** The table: kit, reference and floor side by side, the goals beside, met or not. */
export function summaryTable(kit: Measured, reference: Measured | null, floor: Measured): string[] {
  const k = perRequest(kit);
  const r = reference ? perRequest(reference) : null;
  const f = perRequest(floor);
  const col = (x: Measured | null, pick: (p: ReturnType<typeof perRequest>) => string) =>
    x ? pick(perRequest(x)) : 'not run';
  const rows: Array<[string, (p: ReturnType<typeof perRequest>) => string, string, boolean | null]> = [
    [
      'requests/s',
      (p) => num(p.rate, 0),
      r ? `≥ ${num(3 * r.rate, 0)} (3 × reference)` : '≥ 3 × reference',
      r ? k.rate >= 3 * r.rate : null,
    ],
    [
      'SQL statements (pg_stat_statements, BEGIN/COMMIT included)',
      (p) => num(p.statements, 2),
      '≤ 3',
      k.statements <= 3,
    ],
    ['PostgreSQL CPU ms', (p) => num(p.pgCpu, 3), '≤ 0.5', k.pgCpu <= 0.5],
    [
      'server (Node) CPU ms',
      (p) => (p.nodeCpu === null ? '–' : num(p.nodeCpu, 3)),
      '≤ 0.5',
      k.nodeCpu === null ? null : k.nodeCpu <= 0.5,
    ],
    [
      'verify p50 ms',
      (p) => ms(p.verify.p50),
      `≤ ${ms(3 * f.verify.p50)} (3 × floor pair)`,
      k.verify.p50 <= 3 * f.verify.p50,
    ],
  ];
  return [
    `| per request | ${kit.label} | ${reference?.label ?? 'reference (not run)'} | ${floor.label} | goal for the kit | kit |`,
    '|---|---:|---:|---:|---|---|',
    ...rows.map(
      ([name, pick, goal, ok]) =>
        `| ${name} | ${pick(k)} | ${col(reference, pick)} | ${pick(f)} | ${goal} | ${met(ok)} |`,
    ),
  ];
}

/** p50 / p95 / p99 per route of every column. */
export function routeTable(all: readonly Measured[]): string[] {
  const lines = [
    '| side | route | n | req/s | p50 | p95 | p99 | max |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of all) {
    for (const [route, samples] of Object.entries(m.result.samples)) {
      const s: Stats = stats(samples);
      lines.push(
        `| ${m.label} | ${route} | ${s.n} | ${num(s.n / m.result.seconds, 0)} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`,
      );
    }
  }
  return lines;
}

export function runFacts(all: readonly Measured[]): string[] {
  return [
    '| side | one request is | units | requests | s | statements | PostgreSQL CPU ms | server CPU ms | driver CPU ms | 5xx | unexpected status |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...all.map(
      (m) =>
        `| ${m.label} | ${m.unit} | ${m.result.units} | ${m.result.requests} | ${num(m.result.seconds, 1)} | ${m.statements.calls} | ${num(m.pgCpuMs, 0)} | ${m.serverCpuMs === null ? '–' : num(m.serverCpuMs, 0)} | ${num(m.result.cpuMs, 0)} | ${m.result.errors5xx} | ${m.result.unexpected} |`,
    ),
    ...all
      .filter((m) => m.result.failures.length > 0)
      .map(
        (m) => `\nFailures (${m.label}, first ${m.result.failures.length}): ${m.result.failures.join('; ')}`,
      ),
  ];
}

/** The statements each side ran most over its run, per request (placeholders, no values). */
export function statementTable(all: readonly Measured[]): string[] {
  const lines: string[] = [];
  for (const m of all) {
    lines.push(
      `**${m.label}**`,
      '',
      '| calls per request | mean plan ms | mean execution ms | statement |',
      '|---:|---:|---:|---|',
    );
    for (const t of m.statements.top) {
      lines.push(
        `| ${num(t.calls / m.result.requests, 2)} | ${num(t.planMs, 3)} | ${num(t.execMs, 3)} | \`${t.query.replace(/\|/g, '\\|')}\` |`,
      );
    }
    lines.push('');
  }
  return lines;
}
