// Real WebAuthn data for the passkey tests: headless Chromium with a CDP virtual authenticator
// (ctap2, internal, resident keys, user verification) on pages served from loopback, which
// browsers treat as secure contexts. Nothing is mocked: the options come from the server and the
// answers go back to it as the browser produced them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../../tools/chromium.mjs';
import { addVirtualAuthenticator } from '../../../../tools/virtual-authenticator.mjs';

export interface StoredCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/** One tab with its own virtual authenticator, on one origin. */
export interface Device {
  readonly origin: string;
  /** `navigator.credentials.create` with the server's creation options; the credential's `toJSON()`. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the browser's JSON freely
  create(options: unknown): Promise<any>;
  /** `navigator.credentials.get` with the server's request options; the assertion's `toJSON()`. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the browser's JSON freely
  get(options: unknown): Promise<any>;
  credentials(): Promise<StoredCredential[]>;
  /** Puts a private key into this authenticator (e.g. one created elsewhere, under another RP id). */
  addCredential(credential: StoredCredential): Promise<void>;
}

export interface WebAuthnBrowser {
  /** http://localhost:PORT (the page server's port). */
  readonly origin: string;
  readonly port: number;
  /** A second page server's port: another origin on the same host. */
  readonly otherPort: number;
  open(origin: string): Promise<Device>;
  close(): Promise<void>;
}

function pageServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><meta charset="utf-8"><title>passkey test page</title><p>test</p>');
  });
  return new Promise((resolve) => server.listen(0, () => resolve(server)));
}

/**
 * The page script of one ceremony (a string: this package's types have no DOM): parse the
 * server's JSON options, run `navigator.credentials.create|get`, return the credential's `toJSON()`.
 */
function ceremony(call: 'create' | 'get', parse: string, options: unknown): string {
  return `(async () => {
    const publicKey = PublicKeyCredential.${parse}(${JSON.stringify(options)});
    const credential = await navigator.credentials.${call}({ publicKey });
    return credential.toJSON();
  })()`;
}

export async function launchWebAuthnBrowser(): Promise<WebAuthnBrowser> {
  const [main, other] = await Promise.all([pageServer(), pageServer()]);
  const port = (main.address() as AddressInfo).port;
  const otherPort = (other.address() as AddressInfo).port;
  const browser: Browser = await chromium.launch(chromiumLaunchOptions());
  const pages: Page[] = [];
  return {
    origin: `http://localhost:${port}`,
    port,
    otherPort,
    async open(origin) {
      const page = await browser.newPage();
      pages.push(page);
      await page.goto(`${origin}/`);
      const cdp: CDPSession = await page.context().newCDPSession(page);
      const authenticatorId = await addVirtualAuthenticator(cdp);
      return {
        origin,
        create: (options) => page.evaluate(ceremony('create', 'parseCreationOptionsFromJSON', options)),
        get: (options) => page.evaluate(ceremony('get', 'parseRequestOptionsFromJSON', options)),
        async credentials() {
          const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
          return credentials as StoredCredential[];
        },
        async addCredential(credential) {
          await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
        },
      };
    },
    async close() {
      for (const page of pages) await page.close().catch(() => {});
      await browser.close();
      await Promise.all([main, other].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
