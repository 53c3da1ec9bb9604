import type {
  AssistedSession,
  CodePurpose,
  CreateSessionRequest,
  Destination,
  Handoff,
  HandoffStatus,
  LookupRequest,
  LookupResponse,
  ProcessDetail,
  ProcessListQuery,
  ProcessPage,
  SupportSessionView,
} from '@waizant/support-core';
import { sendCode, verifyCode } from './codes.js';
import type { ServiceContext } from './context.js';
import { createHandoff } from './handoff-replay.js';
import { getHandoff, redeemHandoff } from './handoffs.js';
import { lookup } from './lookup.js';
import { getProcess, listProcesses } from './processes.js';
import { settleEndedSessions } from './session-ended.js';
import * as sessions from './sessions.js';

export type { AgentRef } from './sessions.js';

/** The server's use cases, callable without HTTP (e.g. to run the flow headless in a backend). */
export interface SupportServerServices {
  lookup(agent: sessions.AgentRef, request: LookupRequest): Promise<LookupResponse>;
  createSession(agent: sessions.AgentRef, request: CreateSessionRequest): Promise<SupportSessionView>;
  getSession(agent: sessions.AgentRef, sessionId: string): Promise<SupportSessionView>;
  selectEcosystem(
    agent: sessions.AgentRef,
    sessionId: string,
    ecosystemId: string,
  ): Promise<SupportSessionView>;
  sendCode(agent: sessions.AgentRef, sessionId: string, purpose: CodePurpose): Promise<SupportSessionView>;
  verifyCode(
    agent: sessions.AgentRef,
    sessionId: string,
    purpose: CodePurpose,
    code: string,
  ): Promise<SupportSessionView>;
  /** With `idempotencyKey`, a retry returns the same link to the same handoff (see handoff-replay.ts). */
  createHandoff(
    agent: sessions.AgentRef,
    sessionId: string,
    destination: Destination,
    idempotencyKey?: string | null,
  ): Promise<Handoff>;
  getHandoff(agent: sessions.AgentRef, sessionId: string, handoffId: string): Promise<HandoffStatus>;
  redeemHandoff(token: string): Promise<AssistedSession>;
  touch(agent: sessions.AgentRef, sessionId: string): Promise<SupportSessionView>;
  cancel(agent: sessions.AgentRef, sessionId: string, reason: string): Promise<SupportSessionView>;
  complete(agent: sessions.AgentRef, sessionId: string): Promise<SupportSessionView>;
  listProcesses(agent: sessions.AgentRef, sessionId: string, query: ProcessListQuery): Promise<ProcessPage>;
  getProcess(agent: sessions.AgentRef, sessionId: string, processId: string): Promise<ProcessDetail>;
  /** Closes every open session past its idle or absolute limit in one statement; audits each. */
  sweepExpiredSessions(): Promise<number>;
}

export function createServices(ctx: ServiceContext): SupportServerServices {
  /**
   * Runs what follows a close (the receipt) after any command that may have closed the session,
   * whether it answered or refused (a lockout, an ineligible user, an expiry close it too).
   */
  const settled = async <T>(sessionId: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } finally {
      await settleEndedSessions(ctx, sessionId).catch(() =>
        ctx.logger.error('settling a closed session failed'),
      );
    }
  };
  return {
    lookup: (agent, request) => lookup(ctx, agent, request),
    createSession: (agent, request) => sessions.createSession(ctx, agent, request),
    getSession: (agent, id) => settled(id, () => sessions.getSession(ctx, agent, id)),
    selectEcosystem: (agent, id, ecosystemId) =>
      settled(id, () => sessions.selectEcosystem(ctx, agent, id, ecosystemId)),
    sendCode: (agent, id, purpose) => settled(id, () => sendCode(ctx, agent, id, purpose)),
    verifyCode: (agent, id, purpose, code) => settled(id, () => verifyCode(ctx, agent, id, purpose, code)),
    createHandoff: (agent, id, destination, key) =>
      settled(id, () => createHandoff(ctx, agent, id, destination, key ?? null)),
    getHandoff: (agent, id, handoffId) => getHandoff(ctx, agent, id, handoffId),
    redeemHandoff: (token) => redeemHandoff(ctx, token),
    touch: (agent, id) => settled(id, () => sessions.touch(ctx, agent, id)),
    cancel: (agent, id, reason) => settled(id, () => sessions.cancel(ctx, agent, id, reason)),
    complete: (agent, id) => settled(id, () => sessions.complete(ctx, agent, id)),
    listProcesses: (agent, id, query) => listProcesses(ctx, agent, id, query),
    getProcess: (agent, id, processId) => getProcess(ctx, agent, id, processId),
    sweepExpiredSessions: async () => {
      const count = await sessions.expireSessions(ctx, ctx.db, sessions.instant(ctx), null);
      if (count > 0) ctx.logger.info('expired support sessions closed', { count });
      await settleEndedSessions(ctx, null);
      return count;
    },
  };
}
