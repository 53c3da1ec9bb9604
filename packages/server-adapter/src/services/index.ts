import type {
  AssistedSession,
  CodePurpose,
  CreateSessionRequest,
  Destination,
  Handoff,
  HandoffEmail,
  HandoffStatus,
  LookupRequest,
  LookupResponse,
  ProcessDetail,
  ProcessListQuery,
  ProcessPage,
  SupportSessionView,
} from '@waizant/support-core';
import { sendCode } from './code-send.js';
import { verifyCode } from './code-verify.js';
import type { ServiceContext } from './context.js';
import { emailHandoff } from './handoff-email.js';
import { createHandoff } from './handoff-replay.js';
import { getHandoff, redeemHandoff } from './handoffs.js';
import { lookup } from './lookup.js';
import { type PasskeyRouteServices, passkeyRouteServices, refuseEmailedAgentCode } from './passkeys/index.js';
import { getProcess, listProcesses } from './processes.js';
import { pruneExpiredRows } from './prune.js';
import { settleEndedSessions } from './session-ended.js';
import { type AgentRef, expireSessions, instant } from './session-store.js';
import * as sessions from './sessions.js';

export type { AgentRef } from './session-store.js';

/** The server's use cases, callable without HTTP (e.g. to run the flow headless in a backend). */
export interface SupportServerServices extends PasskeyRouteServices {
  lookup(agent: AgentRef, request: LookupRequest): Promise<LookupResponse>;
  createSession(agent: AgentRef, request: CreateSessionRequest): Promise<SupportSessionView>;
  getSession(agent: AgentRef, sessionId: string): Promise<SupportSessionView>;
  selectEcosystem(agent: AgentRef, sessionId: string, ecosystemId: string): Promise<SupportSessionView>;
  sendCode(agent: AgentRef, sessionId: string, purpose: CodePurpose): Promise<SupportSessionView>;
  verifyCode(
    agent: AgentRef,
    sessionId: string,
    purpose: CodePurpose,
    code: string,
  ): Promise<SupportSessionView>;
  /** With `idempotencyKey`, a retry returns the same link to the same handoff (see handoff-replay.ts). */
  createHandoff(
    agent: AgentRef,
    sessionId: string,
    destination: Destination,
    idempotencyKey?: string | null,
  ): Promise<Handoff>;
  getHandoff(agent: AgentRef, sessionId: string, handoffId: string): Promise<HandoffStatus>;
  redeemHandoff(token: string): Promise<AssistedSession>;
  /** E-mails an App handoff's link and QR code to the user, once; `token` is the link's token. */
  emailHandoff(agent: AgentRef, sessionId: string, handoffId: string, token: string): Promise<HandoffEmail>;
  touch(agent: AgentRef, sessionId: string): Promise<SupportSessionView>;
  cancel(agent: AgentRef, sessionId: string, reason: string): Promise<SupportSessionView>;
  complete(agent: AgentRef, sessionId: string): Promise<SupportSessionView>;
  listProcesses(agent: AgentRef, sessionId: string, query: ProcessListQuery): Promise<ProcessPage>;
  getProcess(agent: AgentRef, sessionId: string, processId: string): Promise<ProcessDetail>;
  /**
   * Closes every open session past its idle or absolute limit in one statement; audits each.
   * Then prunes rows no rule needs any more (rate-limit windows, idempotency keys, spent refresh
   * tokens, passkey challenges), a bounded batch per table (see prune.ts).
   */
  sweepExpiredSessions(): Promise<number>;
}

export function createServices(ctx: ServiceContext): SupportServerServices {
  return {
    lookup: (agent, request) => lookup(ctx, agent, request),
    createSession: (agent, request) => sessions.createSession(ctx, agent, request),
    getSession: (agent, id) => sessions.getSession(ctx, agent, id),
    selectEcosystem: (agent, id, ecosystemId) => sessions.selectEcosystem(ctx, agent, id, ecosystemId),
    sendCode: async (agent, id, purpose) => {
      await refuseEmailedAgentCode(ctx, agent, id, purpose, 'send');
      return sendCode(ctx, agent, id, purpose);
    },
    verifyCode: async (agent, id, purpose, code) => {
      await refuseEmailedAgentCode(ctx, agent, id, purpose, 'verify');
      return verifyCode(ctx, agent, id, purpose, code);
    },
    createHandoff: (agent, id, destination, key) => createHandoff(ctx, agent, id, destination, key ?? null),
    getHandoff: (agent, id, handoffId) => getHandoff(ctx, agent, id, handoffId),
    redeemHandoff: (token) => redeemHandoff(ctx, token),
    emailHandoff: (agent, id, handoffId, token) => emailHandoff(ctx, agent, id, handoffId, token),
    touch: (agent, id) => sessions.touch(ctx, agent, id),
    cancel: (agent, id, reason) => sessions.cancel(ctx, agent, id, reason),
    complete: (agent, id) => sessions.complete(ctx, agent, id),
    listProcesses: (agent, id, query) => listProcesses(ctx, agent, id, query),
    getProcess: (agent, id, processId) => getProcess(ctx, agent, id, processId),
    ...passkeyRouteServices(ctx),
    sweepExpiredSessions: async () => {
      const count = await expireSessions(ctx, ctx.db, instant(ctx), null);
      if (count > 0) ctx.logger.info('expired support sessions closed', { count });
      await settleEndedSessions(ctx, null);
      // After the close above, so spent refresh tokens of the sessions it closed go too.
      await pruneExpiredRows(ctx);
      return count;
    },
  };
}
