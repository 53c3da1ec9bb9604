/**
 * `@waizant/support-core/testing`: an in-memory support server for tests, stories and
 * benchmarks of code built on the kit. Not for production: it keeps everything in memory.
 */

export { FakeAuthenticator, type FakeAuthenticatorOptions } from './testing/authenticator.js';
export {
  type FakeSupportOptions,
  FakeSupportServices,
  type SentCode,
  type ServiceName,
} from './testing/fake-services.js';
export type { FakePasskey } from './testing/passkeys.js';
export { type FakeUser, makeProcesses, makeUser, membership, uuid } from './testing/people.js';
export { DEFAULT_FAKE_LIMITS, type FakeLimits } from './testing/records.js';

import { type FakeSupportOptions, FakeSupportServices } from './testing/fake-services.js';

/** A fresh fake server (see `FakeSupportServices`). */
export function createFakeSupportServices(options: FakeSupportOptions = {}): FakeSupportServices {
  return new FakeSupportServices(options);
}
