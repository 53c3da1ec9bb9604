// What a host's backend does with the installed server adapter: the embedded defaults, mounted
// on plain node:http under a prefix (basePath) or on Express, beside the host's own routes.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { createEmbeddedSupportServer, DEMO } from '@waizant/support-server-adapter/embedded';
import { toNodeListener } from '@waizant/support-server-adapter/node';

export { DEMO };
export const BASE_PATH = '/api/support';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** node:http: the kit under BASE_PATH, /token (the host's sign-in stand-in), static pages by folder. */
export async function startNodeHost({ pages = {} } = {}) {
  let kit = null;
  let api = null;
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname.startsWith(`${BASE_PATH}/`)) return api(req, res);
    if (url.pathname === '/token') {
      kit.issueAgentToken(DEMO.agents.ana.id).then((token) => res.end(token));
      return;
    }
    const [, folder, ...rest] = url.pathname.split('/');
    const root = pages[folder ?? ''];
    if (!root) {
      res.statusCode = 404;
      return res.end('host: no such page');
    }
    const file = normalize(join(root, rest.join('/') || 'index.html'));
    if (!file.startsWith(root)) {
      res.statusCode = 403;
      return res.end();
    }
    readFile(file).then(
      (body) => {
        res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        res.end(body);
      },
      () => {
        res.statusCode = 404;
        res.end('host: not found');
      },
    );
  });
  const port = await listen(http);
  const origin = `http://127.0.0.1:${port}`;
  kit = await createEmbeddedSupportServer({ basePath: BASE_PATH, origins: [origin] });
  api = toNodeListener(kit.fetch);
  return {
    origin,
    kit,
    close: async () => {
      await new Promise((resolve) => http.close(resolve));
      await kit.close();
    },
  };
}

/** Express: express.json() on the host's own routes only; the kit mounted with app.use (no basePath). */
export async function startExpressHost() {
  const { default: express } = await import('express');
  const kit = await createEmbeddedSupportServer();
  const app = express();
  app.post('/orders', express.json(), (req, res) => res.json({ received: req.body }));
  app.use(BASE_PATH, toNodeListener(kit.fetch));
  const http = createServer(app);
  const port = await listen(http);
  return {
    origin: `http://127.0.0.1:${port}`,
    kit,
    close: async () => {
      await new Promise((resolve) => http.close(resolve));
      await kit.close();
    },
  };
}
