// The messages between bench/server.ts and the processes it forks: a server under test (the kit
// or the reference library) and the load driver. Each runs in its own process so that the
// client's CPU is never counted as the server's on this 2-core machine.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { LoadAgent, Person } from '../../packages/server-adapter/test/support/mixed-load.js';
import { here } from '../lib.js';

/** A server under test, to the orchestrator. */
export type ServerMessage =
  | { type: 'ready'; port: number; pairs: Array<{ agent: LoadAgent; user: Person }> }
  /** CPU time this process has used so far (user + system), in milliseconds. */
  | { type: 'cpu'; ms: number };

/** The orchestrator, to a server under test. */
export type ServerCommand = { type: 'cpu' } | { type: 'stop' };

interface JobBase {
  /** Concurrent clients, each running whole flows one after another. */
  readonly workers: number;
  /** Measured seconds (after the warm-up); the flows under way then finish. */
  readonly seconds: number;
  /** Connection string of a read-only role that reads the codes e-mailed (not counted). */
  readonly readerUrl: string;
}

export type DriverJob =
  | (JobBase & {
      target: 'kit';
      base: string;
      ecosystemId: string;
      pairs: Array<{ agent: LoadAgent; user: Person }>;
      /** Flows per agent-user pair at most, so that no send limit is reached. */
      flowsPerPair: number;
    })
  | (JobBase & { target: 'reference'; base: string; emails: string[] })
  | (JobBase & {
      target: 'floor';
      /** The kit's database, as the role the kit's server uses. */
      url: string;
      pairs: Array<{ agent: LoadAgent; user: Person }>;
      ecosystemId: string;
      /** Sessions prepared up front, at most (the run also ends at `seconds`). */
      sessions: number;
    });

export interface DriverResult {
  seconds: number;
  /** Whole flows (kit, reference) or statement pairs (floor) completed. */
  units: number;
  requests: number;
  errors5xx: number;
  unexpected: number;
  /** The first few failures, without codes or tokens. */
  failures: string[];
  /** Milliseconds per request, by route. */
  samples: Record<string, number[]>;
  /** The driver's own CPU over the measured run (the floor's only Node process). */
  cpuMs: number;
}

/** The driver, to the orchestrator. */
export type DriverMessage =
  /** Warmed up; `readerPids` are the PostgreSQL backends of its code readers (their CPU is not counted). */
  | { type: 'warm'; readerPids: number[] }
  | { type: 'done'; result: DriverResult }
  | { type: 'failed'; message: string };

/** Forks `bench/load/<file>` under tsx with the workspace's source condition. */
export function forkTs(file: string, env: Record<string, string> = {}): ChildProcess {
  return fork(join(here, 'load', file), [], {
    execArgv: [
      '--conditions=@waizant/source',
      '--import',
      'tsx',
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each forked process, to find where the time goes.
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next message from `child` that `accept` takes; rejects when the child exits first. */
export function nextMessage<M, T>(child: NodeJS.EventEmitter, accept: (m: M) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      const value = accept(m as M);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) before answering`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Milliseconds of CPU (user + system) this process has used. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Answers the orchestrator's `cpu` and `stop` commands in a server process. */
export function answerCommands(stop: () => Promise<void>): void {
  process.on('message', (m: ServerCommand) => {
    if (m.type === 'cpu') process.send?.({ type: 'cpu', ms: ownCpuMs() } satisfies ServerMessage);
    if (m.type === 'stop') void stop().finally(() => process.exit(0));
  });
}
