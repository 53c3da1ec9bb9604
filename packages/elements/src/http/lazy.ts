import { SupportError, type SupportServices } from '@waizant/support-core/ui';
import type { HttpSupportServicesOptions } from './client.js';

/** Every method of `SupportServices`; the type makes a new method impossible to forget here. */
const METHODS: Record<keyof SupportServices, true> = {
  lookup: true,
  createSession: true,
  getSession: true,
  selectEcosystem: true,
  sendCode: true,
  verifyCode: true,
  createHandoff: true,
  getHandoff: true,
  touch: true,
  cancel: true,
  complete: true,
  listProcesses: true,
  getProcess: true,
};

type AnyCall = (...args: unknown[]) => Promise<unknown>;

/**
 * The HTTP services, with the HTTP client (ky and the contract's response schemas) loaded on
 * the first call. The elements use it only when the host gives no `services` of its own, so
 * hosts with their own transport never download the client. A failed download is reported
 * as `upstream_unavailable` and tried again on the next call.
 */
export function lazyHttpSupportServices(options: HttpSupportServicesOptions): SupportServices {
  let client: Promise<SupportServices> | null = null;
  const load = () => {
    client ??= import('./client.js').then(
      (module) => module.createHttpSupportServices(options),
      () => {
        client = null;
        throw new SupportError('upstream_unavailable', 'The support client could not be loaded.');
      },
    );
    return client;
  };
  const services: Partial<Record<keyof SupportServices, AnyCall>> = {};
  for (const name of Object.keys(METHODS) as (keyof SupportServices)[]) {
    services[name] = async (...args) => ((await load())[name] as AnyCall)(...args);
  }
  return services as SupportServices;
}
