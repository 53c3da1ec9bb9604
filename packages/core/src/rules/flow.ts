import type {
  CodePurpose,
  Destination,
  DestinationPage,
  EcosystemMembership,
  Flow,
  IneligibleReason,
  Role,
  SessionStep,
  UserSummary,
} from '../ui.js';

/** The open steps of each flow, in the order the server enforces them. */
export const FLOW_STEPS: Readonly<Record<Flow, readonly SessionStep[]>> = {
  // Seed, module A: pick the ecosystem, the agent proves who they are, then the user.
  'technical-assistance': ['select_ecosystem', 'agent_code', 'user_code', 'verified'],
  // Seed, module B: the successor proves who they are first, then ecosystem + agent code.
  'ecosystem-admin': ['user_code', 'select_ecosystem', 'agent_code', 'verified'],
};

/**
 * The steps in which a session is open, in any flow: the server's one list of them (its SQL
 * liveness condition is derived from it). Every other step is closed.
 */
export const OPEN_SESSION_STEPS: readonly SessionStep[] = Object.freeze([
  'select_ecosystem',
  'agent_code',
  'user_code',
  'verified',
]);

export const CLOSED_STEPS: ReadonlySet<SessionStep> = new Set([
  'cancelled',
  'expired',
  'locked',
  'completed',
  'ineligible',
  'ended_by_user',
]);

export function isClosedStep(step: SessionStep): boolean {
  return CLOSED_STEPS.has(step);
}

export function firstStep(flow: Flow): SessionStep {
  return FLOW_STEPS[flow][0] as SessionStep;
}

/** The step that follows `step` in `flow`, or null when `step` is not an open step before `verified`. */
export function nextStep(flow: Flow, step: SessionStep): SessionStep | null {
  const steps = FLOW_STEPS[flow];
  const at = steps.indexOf(step);
  if (at < 0 || at === steps.length - 1) return null;
  return steps[at + 1] as SessionStep;
}

export const CODE_STEP: Readonly<Record<CodePurpose, SessionStep>> = {
  agent: 'agent_code',
  user: 'user_code',
};

export function codePurposeOf(step: SessionStep): CodePurpose | null {
  if (step === 'agent_code') return 'agent';
  if (step === 'user_code') return 'user';
  return null;
}

const DESTINATIONS_BY_ROLE: Readonly<Record<Role, readonly Destination[]>> = {
  administrator: ['store', 'web', 'app'],
  managed: ['web', 'app'],
};

/** Seed: an administrator of the ecosystem gets three buttons, a managed user two. */
export function destinationsForRole(role: Role): readonly Destination[] {
  return DESTINATIONS_BY_ROLE[role];
}

export function isDestinationAllowed(role: Role, destination: Destination): boolean {
  return DESTINATIONS_BY_ROLE[role].includes(destination);
}

/** Seed: Waizant Web opens the home for an administrator and My Ecosystem for a managed user. */
export function destinationPage(role: Role, destination: Destination): DestinationPage {
  if (destination === 'web') return role === 'administrator' ? 'web-home' : 'web-my-ecosystem';
  return destination;
}

/** Ecosystems the agent may choose in a flow: any membership for assistance, inherited ones for successor support. */
export function selectableEcosystems(
  flow: Flow,
  ecosystems: readonly EcosystemMembership[],
): readonly EcosystemMembership[] {
  return flow === 'ecosystem-admin' ? ecosystems.filter((e) => e.inherited) : ecosystems;
}

/** Why a user cannot be assisted in a flow, or null when they can. */
export function ineligibility(
  flow: Flow,
  user: Pick<UserSummary, 'status' | 'ecosystems'>,
): IneligibleReason | null {
  if (user.status === 'unconfirmed') return 'account_unconfirmed';
  if (user.status === 'disabled') return 'account_disabled';
  if (user.status === 'locked') return 'account_locked';
  if (user.ecosystems.length === 0) return 'no_ecosystems';
  if (selectableEcosystems(flow, user.ecosystems).length === 0) return 'not_a_successor';
  return null;
}

/** `ana.perez@example.com` → `a***z@example.com`: enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const shown = local.length <= 2 ? `${local[0]}***` : `${local[0]}***${local[local.length - 1]}`;
  return `${shown}${email.slice(at)}`;
}
