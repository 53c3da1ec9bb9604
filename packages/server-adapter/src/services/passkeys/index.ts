import {
  type PasskeyAssertion,
  type PasskeyAttestation,
  type PasskeyCreationOptions,
  type PasskeyList,
  PasskeyParams,
  type PasskeyRequestOptions,
  type PasskeySummary,
  RegisterPasskeyRequest,
  SupportError,
  type SupportSessionView,
} from '@waizant/support-core';
import type * as z from 'zod/mini';
import type { ServiceContext } from '../context.js';
import type { AgentRef } from '../session-store.js';
import { registerPasskey, registrationOptions, removePasskey } from './enrol.js';
import { agentPasskeyOptions, verifyAgentPasskey } from './step-up.js';
import { listOf } from './store.js';

export { agentStepUpView, refuseEmailedAgentCode } from './mode.js';

/** The passkey routes' use cases (agent-token routes; the session-bound ones need the e-mailed code first). */
export interface PasskeyRouteServices {
  agentPasskeyOptions(agent: AgentRef, sessionId: string): Promise<PasskeyRequestOptions>;
  verifyAgentPasskey(
    agent: AgentRef,
    sessionId: string,
    credential: PasskeyAssertion,
  ): Promise<SupportSessionView>;
  passkeyRegistrationOptions(agent: AgentRef, sessionId: string): Promise<PasskeyCreationOptions>;
  registerPasskey(
    agent: AgentRef,
    sessionId: string,
    credential: PasskeyAttestation,
    name?: string,
  ): Promise<PasskeySummary>;
  listPasskeys(agent: AgentRef): Promise<PasskeyList>;
  removePasskey(agent: AgentRef, passkeyId: string): Promise<PasskeyList>;
}

/**
 * Enrolment called by the host for an agent IT has verified (no support session, no e-mailed
 * code): the host owns that verification. The only way to enrol under `agentStepUp: 'passkey'`.
 * Refused with `step_up_not_allowed` under 'email-code'.
 */
export interface HostPasskeys {
  /** WebAuthn creation options for the agent's browser (challenge single use, ≤ 2 minutes). */
  registrationOptions(agent: AgentRef): Promise<PasskeyCreationOptions>;
  /** Verifies the browser's answer to the last options and stores the passkey. */
  register(agent: AgentRef, credential: unknown, name?: string): Promise<PasskeySummary>;
  list(agent: AgentRef): Promise<PasskeyList>;
  remove(agent: AgentRef, passkeyId: string): Promise<PasskeyList>;
}

/** The host's input, checked with the contract like a request body (no value echoed back). */
function parsed<S extends z.ZodMiniType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SupportError('invalid_input', 'Invalid input.', {
    issues: result.error.issues.slice(0, 20).map((issue) => ({
      path: [prefix, ...issue.path.map(String)].join('.').slice(0, 200),
      message: issue.message.slice(0, 300),
    })),
  });
}

export function passkeyRouteServices(ctx: ServiceContext): PasskeyRouteServices {
  return {
    agentPasskeyOptions: (agent, id) => agentPasskeyOptions(ctx, agent, id),
    verifyAgentPasskey: (agent, id, credential) => verifyAgentPasskey(ctx, agent, id, credential),
    passkeyRegistrationOptions: (agent, id) =>
      registrationOptions(ctx, agent, { via: 'session', sessionId: id }),
    registerPasskey: (agent, id, credential, name) =>
      registerPasskey(ctx, agent, { via: 'session', sessionId: id }, credential, name),
    listPasskeys: (agent) => listOf(ctx.db, agent.agentId),
    removePasskey: (agent, passkeyId) => removePasskey(ctx, agent, passkeyId),
  };
}

export function hostPasskeys(ctx: ServiceContext): HostPasskeys {
  // The contract's id rule (a UUID), as for every id the routes take.
  const agentOf = (agent: AgentRef): AgentRef => ({
    agentId: parsed(PasskeyParams.shape.passkeyId, agent?.agentId, 'agent.agentId'),
  });
  return {
    registrationOptions: async (agent) => registrationOptions(ctx, agentOf(agent), { via: 'host' }),
    register: async (agent, credential, name) => {
      const body = parsed(
        RegisterPasskeyRequest,
        name === undefined ? { credential } : { credential, name },
        'body',
      );
      return registerPasskey(
        ctx,
        agentOf(agent),
        { via: 'host' },
        body.credential as PasskeyAttestation,
        body.name,
      );
    },
    list: async (agent) => listOf(ctx.db, agentOf(agent).agentId),
    remove: async (agent, passkeyId) =>
      removePasskey(ctx, agentOf(agent), parsed(PasskeyParams, { passkeyId }, 'params').passkeyId),
  };
}
