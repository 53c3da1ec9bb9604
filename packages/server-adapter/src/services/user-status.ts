import type { UserStatus, UserSummary } from '@waizant/support-core';
import { type AccountStatus, type Identity, stricterUserStatus } from '../ports/index.js';

/** What the identity provider says about the user, as audited: its status, or `missing`. */
export type IdentityUserStatus = UserStatus | 'missing';

/**
 * The identity provider's view of an account as a kit status. Fails closed: an account missing
 * from the provider cannot sign in (`locked`), a disabled one is `disabled`, and an existing
 * account without a status counts as `locked`.
 */
export function identityUserStatus(account: AccountStatus): IdentityUserStatus {
  if (!account.exists) return 'missing';
  if (!account.enabled) return 'disabled';
  return account.userStatus ?? 'locked';
}

/** The status the kit acts on: the stricter of the Core DB's and the identity provider's. */
export function effectiveUserStatus(core: UserStatus, identity: IdentityUserStatus | null): UserStatus {
  if (identity === null) return core;
  return stricterUserStatus(core, identity === 'missing' ? 'locked' : identity);
}

/**
 * The user as the kit acts on them, whichever command asks (lookup, opening a session): the
 * Core DB record with the stricter of both statuses. An identity-provider failure throws.
 */
export async function withEffectiveStatus(
  identity: Identity,
  user: UserSummary,
): Promise<{ user: UserSummary; identityStatus: IdentityUserStatus | null }> {
  if (!identity.getUserAccountStatus) return { user, identityStatus: null };
  const identityStatus = identityUserStatus(await identity.getUserAccountStatus(user.email));
  return { user: { ...user, status: effectiveUserStatus(user.status, identityStatus) }, identityStatus };
}
