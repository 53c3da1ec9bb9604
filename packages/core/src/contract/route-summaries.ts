import type { DestinationRouteName, RouteName } from './routes.js';

/**
 * One line per route for the OpenAPI document. Kept out of the route table so that the browser,
 * which loads the table with its first request, does not download them.
 */
export const ROUTE_SUMMARIES: Readonly<Record<RouteName | DestinationRouteName, string>> = {
  lookup: "Find an end user by e-mail: status, ecosystems with the user's role, eligibility for the flow",
  createSession: 'Open a support session owned by the calling agent',
  getSession: 'Current step, ecosystem, attempts left, resend time and expiry',
  selectEcosystem: 'Choose the ecosystem the support is about',
  sendAgentCode: "Send (or resend) the internal verification code to the agent's e-mail",
  verifyAgentCode: "Check the agent's code",
  agentPasskeyOptions: "A single-use WebAuthn challenge (≤ 2 minutes) for the agent's passkey step-up",
  verifyAgentPasskey:
    "Check the agent's passkey assertion: passes the internal verification like the agent code",
  passkeyRegistrationOptions:
    'WebAuthn creation options to enrol a passkey, once the agent passed the e-mailed code',
  registerPasskey: 'Store a new passkey for the calling agent (after the e-mailed code in this session)',
  listPasskeys: "The calling agent's passkeys",
  removePasskey: "Remove one of the calling agent's passkeys",
  sendUserCode: 'Send (or resend) the verification code to the person being supported',
  verifyUserCode: 'Check the code the user read to the agent',
  createHandoff: 'Create a one-time link (Web, Store) or QR payload (App) into the user account',
  getHandoff: 'Whether a handoff was claimed',
  emailHandoff: "E-mail the App link (and its QR code) to the user's verified address, once",
  touch: '"I\'m still here": record activity so the session does not expire',
  cancel: 'Cancel with a required reason; revokes codes and handoffs',
  complete: 'Close a verified session as done; revokes its pending handoffs',
  listProcesses: "The verified successor's processes, newest first, by cursor",
  getProcess: "One process's detail: status, dates, reason, who decided",
  redeemHandoff: 'Called by the destination app with the one-time token: returns the assisted session',
  introspectAssisted:
    'RFC 7662 introspection of an assisted-session access token: active only while its support session is live',
  refreshAssisted:
    'Trade a refresh token (single use) for a new short-lived access token while the support session is live',
};
