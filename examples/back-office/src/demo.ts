/**
 * The demo back office: the support server on its embedded defaults (PGlite in a folder,
 * local signer, local outbox) plus a few pages that embed the elements, a dev mailbox,
 * an audit view and stand-in destination pages that redeem handoffs.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEmbeddedSupportServer,
  DEMO,
  type EmbeddedSupportServer,
} from '@waizant/support-server-adapter/embedded';
import { hardenNodeServer, toNodeListener } from '@waizant/support-server-adapter/node';
import { build } from 'esbuild';
import { type PageName, renderPage } from './pages.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../..');

export interface DemoOptions {
  /** 0 picks a free port. Default: `PORT` or 4600. */
  readonly port?: number;
  /** PGlite data folder; `null` keeps everything in memory. Default: `.demo-data/` at the repository root. */
  readonly dataDir?: string | null;
  /** Serves `POST /demo/clock/advance` so tests can move the server's clock. Never on in a real deployment. */
  readonly testControls?: boolean;
  /** How agents pass the agent step. Default: `DEMO_AGENT_STEP_UP` or 'email-code'. */
  readonly agentStepUp?: StepUpMode;
}

const STEP_UP_MODES = ['email-code', 'passkey', 'passkey-or-email'] as const;
type StepUpMode = (typeof STEP_UP_MODES)[number];

function stepUpMode(value: string | undefined): StepUpMode {
  if (value === undefined || value === '') return 'email-code';
  const mode = STEP_UP_MODES.find((m) => m === value);
  if (!mode) throw new Error(`DEMO_AGENT_STEP_UP must be one of ${STEP_UP_MODES.join(', ')}`);
  return mode;
}

export interface RunningDemo {
  readonly url: string;
  readonly support: EmbeddedSupportServer;
  close(): Promise<void>;
}

interface DemoSecrets {
  hmacKey: string;
  privateJwk: Record<string, string>;
}

/** Keys survive restarts with the data folder, so codes and tokens stay valid across them. */
function loadSecrets(dataDir: string | null): DemoSecrets {
  const fresh = (): DemoSecrets => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
    return { hmacKey: randomBytes(32).toString('base64url'), privateJwk: { ...jwk, alg: 'ES256' } };
  };
  if (dataDir === null) return fresh();
  const file = join(dataDir, 'demo-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets;
  const secrets = fresh();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

const BROWSER_ENTRIES = {
  picker: 'src/browser/picker.ts',
  flow: 'src/browser/flow-page.ts',
  mailbox: 'src/browser/mailbox.ts',
  audit: 'src/browser/audit.ts',
  destination: 'src/browser/destination.ts',
  react: '../react-host/src/main.tsx',
};

async function bundleBrowserCode(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    absWorkingDir: resolve(here, '..'),
    entryPoints: BROWSER_ENTRIES,
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    outdir: 'assets',
    write: false,
    minify: true,
    sourcemap: 'linked',
    jsx: 'automatic',
    // Workspace packages from their TypeScript sources; `module` picks xstate's ESM build.
    conditions: ['@waizant/source', 'module'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const assets = new Map<string, Uint8Array>();
  const outdir = resolve(here, '..', 'assets');
  for (const file of result.outputFiles)
    assets.set(`/assets/${file.path.slice(outdir.length + 1)}`, file.contents);
  return assets;
}

const PAGES: Record<string, PageName> = {
  '/': 'picker',
  '/technical-assistance': 'technical-assistance',
  '/ecosystem-admin': 'ecosystem-admin',
  '/react': 'react',
  '/mailbox': 'mailbox',
  '/audit': 'audit',
  '/web/home': 'web-home',
  '/web/my-ecosystem': 'web-my-ecosystem',
  '/store': 'store',
  '/app': 'app',
};

const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'";

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': CSP,
    'Referrer-Policy': 'no-referrer',
  });
  res.end(body);
}
const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 4096) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const port = options.port ?? Number(process.env.PORT ?? 4600);
  const dataDir = options.dataDir === undefined ? join(REPO_ROOT, '.demo-data') : options.dataDir;
  const secrets = loadSecrets(dataDir);
  let clockOffsetMs = 0;
  const clock = { now: () => new Date(Date.now() + clockOffsetMs) };

  const assetsPromise = bundleBrowserCode();
  // The kit's edge settings (timeouts, answers to malformed requests) on the demo's own server.
  const http: Server = hardenNodeServer(createServer());
  await new Promise<void>((done, fail) => {
    http.once('error', fail);
    http.listen(port, '127.0.0.1', () => done());
  });
  const origin = `http://localhost:${(http.address() as AddressInfo).port}`;

  // The stand-in destination pages' back end: it alone holds this client secret; the pages ask
  // it, and it asks the kit (introspection, refresh), as a destination app's server would.
  const destinationClient = { id: 'demo-destinations', secret: randomBytes(32).toString('base64url') };
  const serverOptions = (agentStepUp: StepUpMode) => ({
    destinationClients: [destinationClient],
    secrets: { hmacKey: secrets.hmacKey },
    identity: { privateJwk: secrets.privateJwk },
    clock,
    origins: [origin, origin.replace('localhost', '127.0.0.1')],
    agentStepUp,
    // Passkeys are bound to "localhost": they work on the localhost origin only.
    passkey: { rpId: 'localhost', rpName: 'Waizant Support (demo)', origins: [origin] },
    destinations: {
      'web-home': `${origin}/web/home`,
      'web-my-ecosystem': `${origin}/web/my-ecosystem`,
      store: `${origin}/store`,
      app: `${origin}/app`,
    },
    // The "End this assisted session now" link of the user's e-mail opens the kit's page here.
    endPageUrl: `${origin}/api/end`,
    devRoutes: true,
    openApi: { serverUrl: `${origin}/api` },
  });
  const defaultMode = options.agentStepUp ?? stepUpMode(process.env.DEMO_AGENT_STEP_UP);
  const support = await createEmbeddedSupportServer({
    ...serverOptions(defaultMode),
    ...(dataDir === null ? {} : { dataDir: join(dataDir, 'pglite') }),
    sweepIntervalMs: 30_000,
  });
  const api = toNodeListener(support.fetch);
  // The demo setting "Agent step-up": one more server per mode over the same database, under
  // /demo-api/<mode>/, so switching the mode really changes what the server accepts. They find
  // the database migrated and seeded, and neither sweep nor close it: the main server does.
  const shared = {
    query: support.database.query,
    transaction: support.database.transaction,
    close: async () => {},
  };
  const byMode = new Map<string, { server: EmbeddedSupportServer; api: ReturnType<typeof toNodeListener> }>();
  for (const mode of STEP_UP_MODES) {
    const server = await createEmbeddedSupportServer({
      ...serverOptions(mode),
      database: shared,
      seed: false,
    });
    byMode.set(mode, { server, api: toNodeListener(server.fetch) });
  }
  const assets = await assetsPromise;

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      return json(res, 400, { error: 'malformed request target' });
    }
    if (url.pathname.startsWith('/api/')) {
      req.url = `${url.pathname.slice(4)}${url.search}`;
      api(req, res);
      return;
    }
    const byModePath = /^\/demo-api\/([a-z-]+)(\/.*)$/.exec(url.pathname);
    const modeApi = byModePath ? byMode.get(byModePath[1] ?? '') : undefined;
    if (byModePath && modeApi) {
      req.url = `${byModePath[2]}${url.search}`;
      modeApi.api(req, res);
      return;
    }
    handleDemoRoute(req, res, url).catch(() => json(res, 500, { error: 'demo route failed' }));
  });

  /** A call to the kit with the destination client's credentials (HTTP Basic, form body). */
  async function asDestination(
    path: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const basic = Buffer.from(`${destinationClient.id}:${destinationClient.secret}`).toString('base64');
    const response = await support.fetch(
      new Request(`${origin}${path}`, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function handleDemoRoute(req: IncomingMessage, res: ServerResponse, url: URL) {
    const page = PAGES[url.pathname];
    if (req.method === 'GET' && page) return send(res, 200, 'text/html; charset=utf-8', renderPage(page));
    const asset = assets.get(url.pathname);
    if (req.method === 'GET' && asset) {
      const type = url.pathname.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
      return send(res, 200, type, asset);
    }
    if (req.method === 'GET' && url.pathname === '/demo/directory') {
      return json(res, 200, {
        agents: Object.values(DEMO.agents).map((a) => ({ id: a.id, name: a.name, email: a.email })),
        users: Object.values(DEMO.users).map((u) => ({ name: u.name, email: u.email })),
        agentStepUp: defaultMode,
      });
    }
    // The demo's stand-in for the back office's own sign-in: a dev token for a seeded agent.
    if (req.method === 'POST' && url.pathname === '/demo/token') {
      const { agentId } = await readJson(req);
      const agent = Object.values(DEMO.agents).find((a) => a.id === agentId);
      if (!agent) return json(res, 404, { error: 'unknown agent' });
      return json(res, 200, { token: await support.issueAgentToken(agent.id), agent });
    }
    if (req.method === 'GET' && url.pathname === '/demo/audit') {
      const { rows } = await support.database.query(
        'SELECT at, agent_id, session_ref, action, outcome, detail FROM support_audit ORDER BY id DESC LIMIT 200',
      );
      return json(res, 200, rows);
    }
    if (req.method === 'POST' && url.pathname === '/demo/assisted/introspect') {
      const { token } = await readJson(req);
      const answer = await asDestination('/assisted/introspect', { token: String(token ?? '') });
      return json(res, 200, { active: answer.status === 200 && answer.body.active === true });
    }
    if (req.method === 'POST' && url.pathname === '/demo/assisted/refresh') {
      const { refreshToken } = await readJson(req);
      const answer = await asDestination('/assisted/refresh', { refresh_token: String(refreshToken ?? '') });
      if (answer.status !== 200) return json(res, 200, { ended: true });
      return json(res, 200, {
        ended: false,
        accessToken: answer.body.access_token,
        refreshToken: answer.body.refresh_token,
        expiresIn: answer.body.expires_in,
      });
    }
    if (options.testControls && req.method === 'POST' && url.pathname === '/demo/clock/advance') {
      const seconds = Number((await readJson(req)).seconds ?? 0);
      if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400)
        return json(res, 400, { error: 'seconds' });
      clockOffsetMs += seconds * 1000;
      const closed = await support.sweepExpiredSessions();
      return json(res, 200, { offsetSeconds: clockOffsetMs / 1000, closed });
    }
    send(res, 404, 'text/plain; charset=utf-8', 'Not found');
  }

  return {
    url: origin,
    support,
    async close() {
      await new Promise<void>((done) => {
        http.close(() => done());
        http.closeAllConnections();
      });
      for (const { server } of byMode.values()) await server.close();
      await support.close();
    },
  };
}
