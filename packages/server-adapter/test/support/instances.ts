import { exportJWK, generateKeyPair } from 'jose';
import { createEmbeddedSupportServer, type EmbeddedSupportServerOptions } from '../../src/embedded.js';
import type { SqlDatabase } from '../../src/index.js';
import { CapturingLogger, closeAll, freshDatabase, HMAC_KEY, TestClock, trackServer } from '../helpers.js';
import { type Listening, listen } from './http.js';

export interface Instances {
  readonly clock: TestClock;
  /** Two servers over one database (on PostgreSQL, two pools of 10 connections each), on loopback HTTP. */
  readonly one: Awaited<ReturnType<typeof createEmbeddedSupportServer>>;
  readonly two: Awaited<ReturnType<typeof createEmbeddedSupportServer>>;
  readonly http: readonly [Listening, Listening];
  close(): Promise<void>;
}

/** Two instances of the kit sharing the suite's database, as two processes behind a load balancer would. */
export async function twoInstances(
  options: Partial<EmbeddedSupportServerOptions> & { database?: SqlDatabase; second?: SqlDatabase } = {},
): Promise<Instances> {
  const database = options.database ?? (await freshDatabase());
  const second = options.second ?? (await (database as Awaited<ReturnType<typeof freshDatabase>>).reopen());
  const clock = new TestClock();
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const common = {
    clock,
    seed: false,
    secrets: { hmacKey: HMAC_KEY },
    identity: { privateJwk },
    logger: new CapturingLogger(),
    ...options,
  };
  const one = await createEmbeddedSupportServer({ ...common, database });
  const two = await createEmbeddedSupportServer({ ...common, database: second });
  // The second closes first: on PGlite it shares the first's instance and its close does nothing.
  trackServer(two);
  trackServer(one);
  const http = [await listen(one), await listen(two)] as const;
  return {
    clock,
    one,
    two,
    http,
    async close() {
      for (const h of http) await h.close();
      await closeAll();
    },
  };
}
