import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CognitoLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts cognito-local 5.3.0 (its own bin) on 127.0.0.1 with an OS-assigned port, in a fresh
 * temporary data folder. Fails with a clear message when it cannot start within `timeoutMs`.
 */
export async function startCognitoLocal(timeoutMs = 30_000): Promise<CognitoLocal> {
  let bin: string;
  try {
    bin = join(
      dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
      'lib/bin/start.js',
    );
  } catch {
    throw new Error(
      'cognito-local is not installed: run pnpm install in the workspace (devDependency cognito-local@5.3.0).',
    );
  }
  const cwd = await mkdtemp(join(tmpdir(), 'waizant-cognito-local-'));
  const child: ChildProcess = spawn(process.execPath, [bin], {
    cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`cognito-local did not start within ${timeoutMs} ms. Output:\n${output.slice(-2000)}`),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // pino-pretty colours the line; the URL itself is plain text ending before the next escape.
      const match = /Cognito Local running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cognito-local could not be spawned: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cognito-local exited early (code ${code}). Output:\n${output.slice(-2000)}`));
    });
  });
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(cwd, { recursive: true, force: true });
    },
  };
}
