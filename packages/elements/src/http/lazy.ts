import { SupportError, type SupportServices } from '@waizant/support-core/ui';
import { lazy } from '../base-element.js';
import type { HttpSupportServicesOptions, TokenProvider } from './client.js';

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
  emailHandoff: true,
  touch: true,
  cancel: true,
  complete: true,
  listProcesses: true,
  getProcess: true,
  agentPasskeyOptions: true,
  verifyAgentPasskey: true,
  passkeyRegistrationOptions: true,
  registerPasskey: true,
  listPasskeys: true,
  removePasskey: true,
};

type AnyCall = (...args: unknown[]) => Promise<unknown>;

/**
 * The HTTP services, with the HTTP client (ky and the contract's response schemas) loaded on
 * the first call. The elements use it only when the host gives no `services` of its own, so
 * hosts with their own transport never download the client. A failed download is reported
 * as `upstream_unavailable` and tried again on the next call.
 */
export function lazyHttpSupportServices(options: HttpSupportServicesOptions): SupportServices {
  const load = lazy(() =>
    import('./client.js').then(
      (module) => module.createHttpSupportServices(options),
      () => {
        throw new SupportError('upstream_unavailable', 'The support client could not be loaded.');
      },
    ),
  );
  const services: Partial<Record<keyof SupportServices, AnyCall>> = {};
  for (const name of Object.keys(METHODS) as (keyof SupportServices)[]) {
    services[name] = async (...args) => ((await load())[name] as AnyCall)(...args);
  }
  return services as SupportServices;
}

/** What an element reaches the server with when the host gives no `services`. */
export interface HttpHost {
  readonly apiBase: string | null;
  readonly token: string | null;
  readonly tokenProvider: TokenProvider | null;
}

/** The lazy HTTP services of an element: its `api-base`, and its token read before every request. */
export function hostHttpServices(host: HttpHost): SupportServices {
  return lazyHttpSupportServices({
    apiBase: host.apiBase ?? '',
    getToken: () => (host.tokenProvider ? host.tokenProvider() : host.token),
  });
}
