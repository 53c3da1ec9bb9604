/**
 * The plain TypeScript types of the contract (declared by the `ui` entry) must be exactly
 * what its schemas infer. These assertions are checked by the type checker (`tsc`, part of
 * `typecheck`): a field added to a schema and not to its plain type fails the build there.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import type * as C from '../src/contract.js';
import type * as Plain from '../src/ui.js';

type Inferred<S> = S extends z.ZodMiniType ? z.infer<S> : never;

describe('the plain contract types equal the types the schemas infer', () => {
  it('primitives and errors', () => {
    expectTypeOf<Plain.Id>().toEqualTypeOf<Inferred<typeof C.Id>>();
    expectTypeOf<Plain.Email>().toEqualTypeOf<Inferred<typeof C.Email>>();
    expectTypeOf<Plain.Timestamp>().toEqualTypeOf<Inferred<typeof C.Timestamp>>();
    expectTypeOf<Plain.Flow>().toEqualTypeOf<Inferred<typeof C.Flow>>();
    expectTypeOf<Plain.Role>().toEqualTypeOf<Inferred<typeof C.Role>>();
    expectTypeOf<Plain.Destination>().toEqualTypeOf<Inferred<typeof C.Destination>>();
    expectTypeOf<Plain.DestinationPage>().toEqualTypeOf<Inferred<typeof C.DestinationPage>>();
    expectTypeOf<Plain.UserStatus>().toEqualTypeOf<Inferred<typeof C.UserStatus>>();
    expectTypeOf<Plain.CodePurpose>().toEqualTypeOf<Inferred<typeof C.CodePurpose>>();
    expectTypeOf<Plain.CancelReason>().toEqualTypeOf<Inferred<typeof C.CancelReason>>();
    expectTypeOf<Plain.ErrorCode>().toEqualTypeOf<Inferred<typeof C.ErrorCode>>();
    expectTypeOf<Plain.ErrorDetails>().toEqualTypeOf<Inferred<typeof C.ErrorDetails>>();
    expectTypeOf<Plain.ApiErrorBody>().toEqualTypeOf<Inferred<typeof C.ApiErrorBody>>();
  });

  it('lookup and sessions', () => {
    expectTypeOf<Plain.EcosystemMembership>().toEqualTypeOf<Inferred<typeof C.EcosystemMembership>>();
    expectTypeOf<Plain.IneligibleReason>().toEqualTypeOf<Inferred<typeof C.IneligibleReason>>();
    expectTypeOf<Plain.UserSummary>().toEqualTypeOf<Inferred<typeof C.UserSummary>>();
    expectTypeOf<Plain.LookupRequest>().toEqualTypeOf<Inferred<typeof C.LookupRequest>>();
    expectTypeOf<Plain.LookupResponse>().toEqualTypeOf<Inferred<typeof C.LookupResponse>>();
    expectTypeOf<Plain.SessionStep>().toEqualTypeOf<Inferred<typeof C.SessionStep>>();
    expectTypeOf<Plain.CodeChallenge>().toEqualTypeOf<Inferred<typeof C.CodeChallenge>>();
    expectTypeOf<Plain.SupportSessionView>().toEqualTypeOf<Inferred<typeof C.SupportSessionView>>();
    expectTypeOf<Plain.CreateSessionRequest>().toEqualTypeOf<Inferred<typeof C.CreateSessionRequest>>();
    expectTypeOf<Plain.SelectEcosystemRequest>().toEqualTypeOf<Inferred<typeof C.SelectEcosystemRequest>>();
    expectTypeOf<Plain.EmptyRequest>().toEqualTypeOf<Inferred<typeof C.EmptyRequest>>();
    expectTypeOf<Plain.VerifyCodeRequest>().toEqualTypeOf<Inferred<typeof C.VerifyCodeRequest>>();
    expectTypeOf<Plain.CancelRequest>().toEqualTypeOf<Inferred<typeof C.CancelRequest>>();
  });

  it('handoffs and successor activity', () => {
    expectTypeOf<Plain.CreateHandoffRequest>().toEqualTypeOf<Inferred<typeof C.CreateHandoffRequest>>();
    expectTypeOf<Plain.Handoff>().toEqualTypeOf<Inferred<typeof C.Handoff>>();
    expectTypeOf<Plain.HandoffState>().toEqualTypeOf<Inferred<typeof C.HandoffState>>();
    expectTypeOf<Plain.HandoffStatus>().toEqualTypeOf<Inferred<typeof C.HandoffStatus>>();
    expectTypeOf<Plain.RedeemHandoffRequest>().toEqualTypeOf<Inferred<typeof C.RedeemHandoffRequest>>();
    expectTypeOf<Plain.AssistedSession>().toEqualTypeOf<Inferred<typeof C.AssistedSession>>();
    expectTypeOf<Plain.ProcessKind>().toEqualTypeOf<Inferred<typeof C.ProcessKind>>();
    expectTypeOf<Plain.ProcessStatus>().toEqualTypeOf<Inferred<typeof C.ProcessStatus>>();
    expectTypeOf<Plain.ProcessSummary>().toEqualTypeOf<Inferred<typeof C.ProcessSummary>>();
    expectTypeOf<Plain.ProcessDetail>().toEqualTypeOf<Inferred<typeof C.ProcessDetail>>();
    expectTypeOf<Plain.ProcessListQuery>().toEqualTypeOf<Inferred<typeof C.ProcessListQuery>>();
    expectTypeOf<Plain.ProcessPage>().toEqualTypeOf<Inferred<typeof C.ProcessPage>>();
  });

  it('agent step-up by passkey', () => {
    expectTypeOf<Plain.StepUpMethod>().toEqualTypeOf<Inferred<typeof C.StepUpMethod>>();
    expectTypeOf<Plain.AgentStepUp>().toEqualTypeOf<Inferred<typeof C.AgentStepUp>>();
    expectTypeOf<Plain.AuthenticatorTransport>().toEqualTypeOf<Inferred<typeof C.AuthenticatorTransport>>();
    expectTypeOf<Plain.PasskeyRequestOptions>().toEqualTypeOf<Inferred<typeof C.PasskeyRequestOptions>>();
    expectTypeOf<Plain.PasskeyCreationOptions>().toEqualTypeOf<Inferred<typeof C.PasskeyCreationOptions>>();
    expectTypeOf<Plain.PasskeyAssertion>().toEqualTypeOf<Inferred<typeof C.PasskeyAssertion>>();
    expectTypeOf<Plain.PasskeyAttestation>().toEqualTypeOf<Inferred<typeof C.PasskeyAttestation>>();
    expectTypeOf<Plain.VerifyAgentPasskeyRequest>().toEqualTypeOf<
      Inferred<typeof C.VerifyAgentPasskeyRequest>
    >();
    expectTypeOf<Plain.RegisterPasskeyRequest>().toEqualTypeOf<Inferred<typeof C.RegisterPasskeyRequest>>();
    expectTypeOf<Plain.PasskeySummary>().toEqualTypeOf<Inferred<typeof C.PasskeySummary>>();
    expectTypeOf<Plain.PasskeyList>().toEqualTypeOf<Inferred<typeof C.PasskeyList>>();
  });
});
