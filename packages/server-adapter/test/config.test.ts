import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIdentity, outboxNotifier } from '../src/embedded.js';
import {
  createSupportServer,
  SupportConfigError,
  type SupportServerOptions,
  sqlCoreDirectory,
} from '../src/index.js';
import { closeAll, freshDatabase, HMAC_KEY } from './helpers.js';

// Start-up validation of createSupportServer's options: one readable line per bad option.

let base: Pick<SupportServerOptions, 'bindings' | 'secrets'>;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  const database = await freshDatabase();
  const directory = sqlCoreDirectory(database);
  const clock = { now: () => new Date() };
  const identity = await createLocalIdentity({ directory, clock });
  base = {
    bindings: { database, directory, identity, notifier: outboxNotifier(database, clock) },
    secrets: { hmacKey: HMAC_KEY },
  };
  closeDb = () => database.close();
});

afterAll(async () => {
  await closeDb();
  await closeAll();
});

async function problemsOf(options: Record<string, unknown>): Promise<readonly string[]> {
  const error = await createSupportServer({ ...base, ...options } as SupportServerOptions).then(
    (server) => {
      void server.close();
      throw new Error('the server started');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SupportConfigError);
  expect((error as Error).message).toMatch(/^Invalid support server configuration:\n {2}- /);
  return (error as SupportConfigError).problems;
}

describe('configuration errors name the option, the value and what is allowed', () => {
  it('an origin without a scheme says the scheme is missing, not "must use https"', async () => {
    const problems = await problemsOf({ origins: ['localhost:4700'] });
    expect(problems).toEqual([
      'origins[0] "localhost:4700" has no scheme: write "https://localhost:4700" (or "http://localhost:4700" for localhost)',
    ]);
  });

  it('origins given as a string is a typed error, not ".map is not a function"', async () => {
    const problems = await problemsOf({ origins: 'https://backoffice.example.com' });
    expect(problems).toEqual([
      'origins must be an array of origins, e.g. ["https://backoffice.example.com"] (got a string: write ["https://backoffice.example.com"])',
    ]);
  });

  it('a limit out of range names the limit, the value and the allowed range', async () => {
    expect(await problemsOf({ limits: { codeDigits: 4 } })).toEqual([
      'limits.codeDigits is 4; allowed: an integer from 6 to 10 (default 6)',
    ]);
    expect(await problemsOf({ limits: { codeTtlSeconds: '600' } })).toEqual([
      'limits.codeTtlSeconds is "600"; allowed: an integer from 60 to 600 (default 600)',
    ]);
    expect(await problemsOf({ limits: { codeDigit: 6 } })).toEqual([
      expect.stringMatching(/^limits has unknown codeDigit \(known: codeDigits, codeTtlSeconds, /),
    ]);
    expect(await problemsOf({ limits: { idleTimeoutSeconds: 600, absoluteTimeoutSeconds: 300 } })).toEqual([
      'limits.absoluteTimeoutSeconds must be at least idleTimeoutSeconds',
    ]);
  });

  it('http is refused off localhost, paths are refused in origins, destinations are URLs', async () => {
    expect(
      await problemsOf({
        origins: ['http://backoffice.example.com', 'https://backoffice.example.com/app'],
        destinations: { store: 'store.example/assist', shop: 'https://shop.example' },
      }),
    ).toEqual([
      'origins[0] "http://backoffice.example.com" must use https (http only for localhost)',
      'origins[1] "https://backoffice.example.com/app" must be a bare origin like "https://backoffice.example.com" (scheme, host and port only)',
      'destinations.store "store.example/assist" has no scheme: write "https://store.example/assist" (or "http://store.example/assist" for localhost)',
      'destinations has unknown shop (known: web-home, web-my-ecosystem, store, app)',
    ]);
  });

  it('lists every bad option at once, and never echoes the secret', async () => {
    const secret = 'too-short-secret';
    const problems = await problemsOf({
      secrets: { hmacKey: secret },
      bindings: { ...base.bindings, notifier: undefined },
      devRoutes: 'yes',
      sweepIntervalMs: 10,
    });
    expect(problems).toEqual([
      'bindings.notifier is missing (an object with a send() method)',
      'secrets.hmacKey must have at least 32 characters',
      'devRoutes must be true or false (got "yes")',
      'sweepIntervalMs is 10; allowed: at least 1000 (ms)',
    ]);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('destination clients: an id, a secret of 32+ characters never echoed, no id twice', async () => {
    const short = 'too-short-secret';
    const problems = await problemsOf({
      destinationClients: [
        { id: 'web', secret: short },
        { id: 'bad id', secret: 'x'.repeat(32) },
      ],
    });
    expect(problems).toEqual([
      'destinationClients[0].secret must have at least 32 characters',
      'destinationClients[1].id "bad id" must be 1 to 64 letters, digits or . _ ~ -',
    ]);
    expect(problems.join('\n')).not.toContain(short);
    const twice = { id: 'web', secret: 'y'.repeat(32) };
    expect(await problemsOf({ destinationClients: [twice, twice] })).toEqual([
      'destinationClients must not repeat a client id',
    ]);
  });

  it('passkey step-up: a mode from the list, and a relying party whose RP id fits every origin', async () => {
    expect(await problemsOf({ agentStepUp: 'webauthn' })).toEqual([
      'agentStepUp is "webauthn"; allowed: "email-code", "passkey", "passkey-or-email"',
    ]);
    expect(await problemsOf({ agentStepUp: 'passkey', origins: ['https://backoffice.example.com'] })).toEqual(
      [
        'passkey is required when agentStepUp is "passkey": { rpId, rpName, origins? } (e.g. { rpId: "backoffice.example.com", rpName: "Acme Support" })',
      ],
    );
    const rp = { rpId: 'example.com', rpName: 'Acme Support' };
    expect(
      await problemsOf({
        agentStepUp: 'passkey-or-email',
        origins: ['https://backoffice.example.com', 'https://other.example.org', 'http://localhost:4700'],
        passkey: rp,
      }),
    ).toEqual([
      'passkey.rpId "example.com" must be the host of "https://other.example.org" or a suffix of it',
      'passkey.rpId "example.com" must be the host of "http://localhost:4700" or a suffix of it',
    ]);
    // A suffix must end at a label boundary: "ample.com" is not a suffix of backoffice.example.com's host.
    expect(
      await problemsOf({
        agentStepUp: 'passkey',
        passkey: { ...rp, rpId: 'ample.com', origins: ['https://example.com'] },
      }),
    ).toEqual(['passkey.rpId "ample.com" must be the host of "https://example.com" or a suffix of it']);
    expect(
      await problemsOf({
        agentStepUp: 'passkey',
        passkey: { ...rp, rpId: 'com', origins: ['https://example.com'] },
      }),
    ).toEqual(['passkey.rpId "com" must be a registrable domain (e.g. "example.com") or "localhost"']);
    expect(
      await problemsOf({
        agentStepUp: 'passkey',
        passkey: { rpId: 'Example.COM', rpName: '', origins: ['http://backoffice.example.com'] },
      }),
    ).toEqual([
      'passkey.rpId "Example.COM" must be a lower-case host name like "backoffice.example.com"',
      'passkey.rpName must not be empty',
      'passkey.origins[0] "http://backoffice.example.com" must use https (http only for localhost)',
    ]);
    expect(await problemsOf({ agentStepUp: 'passkey', passkey: rp })).toEqual([
      'passkey.origins (or origins) must list the back office origin(s) where agents use passkeys',
    ]);
  });

  it('valid passkey options start the server; passkey.origins default to origins', async () => {
    const server = await createSupportServer({
      ...base,
      origins: ['https://backoffice.example.com'],
      agentStepUp: 'passkey-or-email',
      passkey: { rpId: 'example.com', rpName: 'Acme Support' },
      migrate: false,
    });
    expect(typeof server.passkeys.registrationOptions).toBe('function');
  });

  it('valid options start the server', async () => {
    const server = await createSupportServer({
      ...base,
      origins: ['http://localhost:4700', 'https://backoffice.example.com'],
      limits: { codeDigits: 8 },
      migrate: false,
    });
    expect(server.limits.codeDigits).toBe(8);
  });
});
