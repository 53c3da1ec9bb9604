/**
 * The people and processes a fake server knows: plain records a test or a story builds with
 * `makeUser`, `membership` and `makeProcesses`.
 */
import type { EcosystemMembership, ProcessDetail, ProcessKind, ProcessStatus } from '../contract/api.js';
import type { Role, UserStatus } from '../contract/primitives.js';

export interface FakeUser {
  id: string;
  name: string;
  email: string;
  status: UserStatus;
  ecosystems: EcosystemMembership[];
}

export function uuid(): string {
  return globalThis.crypto.randomUUID();
}

export function makeUser(partial: Partial<FakeUser> & { name: string; email: string }): FakeUser {
  return { id: uuid(), status: 'active', ecosystems: [], ...partial };
}

export function membership(name: string, role: Role, inherited = false, id = uuid()): EcosystemMembership {
  return { id, name, role, inherited };
}

const STATUSES: readonly ProcessStatus[] = ['pending', 'in_review', 'approved', 'rejected'];
const KINDS: readonly ProcessKind[] = ['designation', 'validation', 'transfer'];
const BASE = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

/** `count` processes of one ecosystem, newest first, cycling through kinds and statuses. */
export function makeProcesses(
  ecosystemId: string,
  count: number,
  make?: (i: number) => Partial<ProcessDetail>,
): ProcessDetail[] {
  return Array.from({ length: count }, (_, i) => {
    const status = STATUSES[i % STATUSES.length] as ProcessStatus;
    const kind = KINDS[i % KINDS.length] as ProcessKind;
    const decided = status === 'approved' || status === 'rejected';
    return {
      id: uuid(),
      ecosystemId,
      kind,
      title: `Process ${i + 1}: ${kind}`,
      status,
      createdAt: new Date(BASE - i * HOUR).toISOString(),
      updatedAt: new Date(BASE - i * HOUR + 60_000).toISOString(),
      detail: `Detail of process ${i + 1}`,
      reason: status === 'rejected' ? 'Documents did not match' : null,
      decidedBy: decided ? 'Waizant' : null,
      decidedAt: decided ? new Date(BASE - i * HOUR + 120_000).toISOString() : null,
      ...make?.(i),
    };
  });
}
