import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every ```ts block of docs/embedding.md is type-checked (tsc, with the workspace's
// `@waizant/source` condition, like `pnpm typecheck`); the blocks marked `run=<name>` are also
// imported and exercised by the runner of that name below. Nothing is skipped silently: a block
// can only be left out with `skip=<reason>` in its fence, and the test prints what it did.

const here = dirname(fileURLToPath(import.meta.url));
const guidePath = join(here, '../../embedding.md');
const out = join(here, '../.out');

interface Block {
  readonly index: number;
  readonly line: number;
  readonly run: string | null;
  readonly skip: string | null;
  readonly code: string;
  readonly file: string;
}

function extract(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```ts(?<info>[^\n]*)\n(?<code>[\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const info = match.groups?.info ?? '';
    const index = blocks.length + 1;
    blocks.push({
      index,
      line: markdown.slice(0, match.index).split('\n').length,
      run: /\brun=([\w-]+)/.exec(info)?.[1] ?? null,
      skip: /\bskip=(.+)$/.exec(info)?.[1]?.trim() ?? null,
      code: match.groups?.code ?? '',
      file: join(out, `block-${String(index).padStart(2, '0')}.ts`),
    });
  }
  return blocks;
}

const blocks = extract(readFileSync(guidePath, 'utf8'));

async function freePort(server: { address(): AddressInfo | string | null }): Promise<number> {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the snippet did not listen on a TCP port');
  return address.port;
}

async function listening(server: Server): Promise<void> {
  if (server.listening) return;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
}

interface Support {
  issueAgentToken(agentId: string): Promise<string>;
  close(): Promise<void>;
}

const DEMO_ADMIN = 'maria.admin@example.com';
const ANA = '00000000-0000-4000-8000-0000000000a1';

async function lookup(url: string, token: string, email: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ email, flow: 'technical-assistance' }),
  });
}

async function expectFound(response: Response, userEmail: string): Promise<void> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as { found: boolean; user?: { email: string } };
  expect(body.found).toBe(true);
  expect(body.user?.email).toBe(userEmail);
}

/** What each runnable block must do once imported. */
const runners: Record<string, (module: Record<string, unknown>) => Promise<void>> = {
  async 'embedded-node-http'(m) {
    const support = m.support as Support;
    const http = m.http as Server;
    try {
      await listening(http);
      const base = `http://127.0.0.1:${await freePort(http)}/api/support`;
      await expectFound(
        await lookup(`${base}/lookup`, m.token as string, DEMO_ADMIN, 'http://localhost:4700'),
        DEMO_ADMIN,
      );
      const outbox = await fetch(`${base}/dev/outbox`);
      expect(outbox.status).toBe(200);
      expect(await outbox.json()).toEqual([]);
      const refused = await lookup(
        `${base}/lookup`,
        m.token as string,
        DEMO_ADMIN,
        'https://elsewhere.example',
      );
      expect(refused.status).toBe(403);
    } finally {
      await new Promise((resolve) => http.close(resolve));
      await support.close();
    }
  },
  async 'own-directory'(m) {
    const support = m.support as Support & { fetch(req: Request): Promise<Response> };
    try {
      const response = await support.fetch(
        new Request('http://localhost/lookup', {
          method: 'POST',
          headers: { Authorization: `Bearer ${m.token as string}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: 'kim@acme.example', flow: 'technical-assistance' }),
        }),
      );
      await expectFound(response, 'kim@acme.example');
      await expect(support.issueAgentToken('acme-agent-42')).rejects.toThrow(/is not an agent id/);
    } finally {
      await support.close();
    }
  },
  async express(m) {
    const support = m.support as Support;
    const http = m.http as Server;
    try {
      await listening(http);
      const base = `http://127.0.0.1:${await freePort(http)}/api/support`;
      const token = await support.issueAgentToken(ANA);
      await expectFound(
        await lookup(`${base}/lookup`, token, DEMO_ADMIN, 'https://backoffice.example.com'),
        DEMO_ADMIN,
      );
    } finally {
      await new Promise((resolve) => http.close(resolve));
      await support.close();
    }
  },
  async fastify(m) {
    const support = m.support as Support;
    const app = m.app as { server: Server; close(): Promise<void> };
    try {
      const base = `http://127.0.0.1:${await freePort(app.server)}/api/support`;
      const token = await support.issueAgentToken(ANA);
      await expectFound(
        await lookup(`${base}/lookup`, token, DEMO_ADMIN, 'https://backoffice.example.com'),
        DEMO_ADMIN,
      );
    } finally {
      await app.close();
      await support.close();
    }
  },
  async hono(m) {
    const support = m.support as Support;
    const app = m.app as { fetch(req: Request): Promise<Response> | Response };
    try {
      const token = await support.issueAgentToken(ANA);
      const response = await app.fetch(
        new Request('https://backoffice.example.com/api/support/lookup', {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            Origin: 'https://backoffice.example.com',
          },
          body: JSON.stringify({ email: DEMO_ADMIN, flow: 'technical-assistance' }),
        }),
      );
      await expectFound(response, DEMO_ADMIN);
    } finally {
      await support.close();
    }
  },
};

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const block of blocks) {
    writeFileSync(block.file, `// docs/embedding.md, line ${block.line}\n${block.code}`);
  }
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.base.json',
      compilerOptions: {
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        // As the elements compile (Lit's decorators).
        experimentalDecorators: true,
        useDefineForClassFields: false,
        types: ['node'],
        moduleDetection: 'force',
        declaration: false, // snippets are not libraries: their exports need no portable types
        noUnusedLocals: false,
      },
      include: blocks.filter((b) => !b.skip).map((b) => `./${b.file.slice(out.length + 1)}`),
    }),
  );
});

afterAll(() => {
  const rows = blocks.map((b) => {
    const what = b.skip ? `skipped by design: ${b.skip}` : b.run ? `compiled and run (${b.run})` : 'compiled';
    return `  block ${b.index} (line ${b.line}): ${what}`;
  });
  console.log(`docs/embedding.md snippets:\n${rows.join('\n')}`);
});

describe('docs/embedding.md', () => {
  it('has TypeScript snippets, each with a known mode', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const block of blocks) {
      if (block.run) expect(Object.keys(runners), `block ${block.index}`).toContain(block.run);
    }
    // Every runner has its block: a renamed or deleted snippet cannot leave a runner behind.
    expect(Object.keys(runners).sort()).toEqual(
      blocks
        .map((b) => b.run)
        .filter((r): r is string => r !== null)
        .sort(),
    );
  });

  it('every snippet type-checks against the workspace sources', async () => {
    const tsc = join(here, '../node_modules/typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')], {
      cwd: out,
    }).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  for (const block of blocks.filter((b) => b.run && !b.skip)) {
    it(`runs block ${block.index} (${block.run}, line ${block.line})`, async () => {
      process.env.PORT = '0';
      try {
        const module = (await import(pathToFileURL(block.file).href)) as Record<string, unknown>;
        await runners[block.run as string]?.(module);
      } finally {
        delete process.env.PORT;
      }
    });
  }
});
