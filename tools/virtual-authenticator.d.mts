/** The part of a CDP session (playwright-core's `CDPSession`) the authenticator needs. */
export interface CdpSender {
  send(method: 'WebAuthn.enable'): Promise<unknown>;
  send(
    method: 'WebAuthn.addVirtualAuthenticator',
    params: { options: Record<string, unknown> },
  ): Promise<{ authenticatorId: string }>;
}
export declare function addVirtualAuthenticator(cdp: CdpSender): Promise<string>;
