import type {
  EcosystemMembership,
  Flow,
  LookupResponse,
  ProcessSummary,
  Role,
  SessionStep,
  SupportSessionView,
} from '../src/index.js';
import { destinationsForRole } from '../src/index.js';

export const IDS = {
  user: '0b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3',
  session: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  ecoAdmin: '2b3c4d5e-6f70-4b8c-9dae-1f2a3b4c5d6e',
  ecoManaged: '3c4d5e6f-7081-4c9d-aebf-2a3b4c5d6e7f',
  ecoInherited: '4d5e6f70-8192-4dae-bfc0-3b4c5d6e7f80',
  handoff: '5e6f7081-92a3-4ebf-80d1-4c5d6e7f8091',
  process: '6f708192-a3b4-4fc0-91e2-5d6e7f8091a2',
} as const;

export const ECOSYSTEMS: EcosystemMembership[] = [
  { id: IDS.ecoAdmin, name: 'Acme Holdings', role: 'administrator', inherited: false },
  { id: IDS.ecoManaged, name: 'Family Office', role: 'managed', inherited: false },
  { id: IDS.ecoInherited, name: 'Grandpa Estate', role: 'administrator', inherited: true },
];

export const T0 = Date.parse('2026-11-25T10:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function sessionView(
  flow: Flow,
  step: SessionStep,
  options: {
    ecosystemId?: string | null;
    role?: Role | null;
    withCode?: boolean;
    attemptsLeft?: number;
    agentStepUp?: SupportSessionView['agentStepUp'];
  } = {},
): SupportSessionView {
  const role = options.role ?? null;
  const purpose = step === 'agent_code' ? 'agent' : step === 'user_code' ? 'user' : null;
  return {
    id: IDS.session,
    flow,
    step,
    user: { id: IDS.user, name: 'Ana Pérez', email: 'ana.perez@example.com' },
    ecosystems: ECOSYSTEMS,
    ecosystemId: options.ecosystemId ?? null,
    role,
    code:
      purpose && options.withCode
        ? {
            purpose,
            sentTo: purpose === 'agent' ? 'a***t@waizant.example' : 'a***z@example.com',
            sentAt: iso(T0),
            expiresAt: iso(T0 + 600_000),
            attemptsLeft: options.attemptsLeft ?? 5,
            resendsLeft: 3,
            resendAvailableAt: iso(T0 + 30_000),
          }
        : null,
    destinations:
      step === 'verified' && flow === 'technical-assistance' && role ? [...destinationsForRole(role)] : [],
    createdAt: iso(T0),
    lastActivityAt: iso(T0),
    expiresAt: iso(T0 + 900_000),
    warnAt: iso(T0 + 840_000),
    absoluteExpiresAt: iso(T0 + 3_600_000),
    closedAt: ['cancelled', 'expired', 'locked', 'completed'].includes(step) ? iso(T0) : null,
    serverTime: iso(T0),
    ...(options.agentStepUp ? { agentStepUp: options.agentStepUp } : {}),
  };
}

/** The three server modes' `agentStepUp` (issue #17): e-mail only, both, passkey only. */
export const STEP_UP = {
  emailCode: { methods: ['email_code'], passkeyEnrolled: false, enrolmentOpen: false },
  passkeyOrEmail: { methods: ['passkey', 'email_code'], passkeyEnrolled: false, enrolmentOpen: false },
  passkey: { methods: ['passkey'], passkeyEnrolled: true, enrolmentOpen: false },
} as const satisfies Record<string, NonNullable<SupportSessionView['agentStepUp']>>;

export const PASSKEY_REQUEST = {
  challenge: 'Y2hhbGxlbmdlLWNoYWxsZW5nZS1jaGFsbGVuZ2U',
  rpId: 'localhost',
  userVerification: 'required',
  timeout: 120_000,
} as const;

export const PASSKEY_CREATION = {
  rp: { name: 'Waizant Support', id: 'localhost' },
  user: { id: 'YWdlbnQ', name: 'agent@waizant.example', displayName: 'Agent' },
  challenge: 'Y2hhbGxlbmdlLWNoYWxsZW5nZS1jaGFsbGVuZ2U',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
} as const;

export const ASSERTION = {
  id: 'Y3JlZA',
  rawId: 'Y3JlZA',
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'c2ln' },
  clientExtensionResults: {},
} as const;

export const ATTESTATION = {
  id: 'Y3JlZA',
  rawId: 'Y3JlZA',
  type: 'public-key',
  response: { clientDataJSON: 'e30', attestationObject: 'AAAA', transports: ['internal'] },
  clientExtensionResults: {},
} as const;

export const PASSKEY_SUMMARY = {
  id: IDS.handoff,
  name: 'Work laptop',
  transports: ['internal'],
  createdAt: iso(T0),
  lastUsedAt: null,
} as const;

export const FOUND: LookupResponse = {
  found: true,
  user: {
    id: IDS.user,
    name: 'Ana Pérez',
    email: 'ana.perez@example.com',
    status: 'active',
    ecosystems: ECOSYSTEMS,
  },
  eligible: true,
  ineligibleReason: null,
};

export const FOUND_DISABLED: LookupResponse = {
  found: true,
  user: { ...FOUND.user, status: 'disabled' },
  eligible: false,
  ineligibleReason: 'account_disabled',
};

export const NOT_FOUND: LookupResponse = { found: false };

export const PROCESS: ProcessSummary = {
  id: IDS.process,
  ecosystemId: IDS.ecoInherited,
  kind: 'validation',
  title: 'The validation process for The Successor was rejected by Waizant',
  status: 'rejected',
  createdAt: iso(T0 - 86_400_000),
  updatedAt: iso(T0 - 3_600_000),
};
