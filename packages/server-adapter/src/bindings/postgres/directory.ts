import type {
  EcosystemMembership,
  ProcessDetail,
  ProcessKind,
  ProcessStatus,
  ProcessSummary,
  Role,
  UserStatus,
  UserSummary,
} from '@waizant/support-core';
import type { AgentRecord, CoreDirectory, SqlExecutor } from '../../ports/index.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  status: UserStatus;
  ecosystems: MembershipRow[];
}

interface MembershipRow {
  id: string;
  name: string;
  role: Role;
  inherited: boolean;
}

interface ProcessRow {
  id: string;
  ecosystem_id: string;
  kind: ProcessKind;
  title: string;
  status: ProcessStatus;
  detail: string;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();

function summary(row: ProcessRow): ProcessSummary {
  return {
    id: row.id,
    ecosystemId: row.ecosystem_id,
    kind: row.kind,
    title: row.title,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/**
 * The Core DB directory over SQL: tables `core_users`, `core_agents`, `core_ecosystems`,
 * `core_memberships`, `core_processes` (see `CORE_DIRECTORY_MIGRATIONS`). Point it at the Core DB
 * in production (or adapt the queries to its real schema); the embedded binding seeds the same tables.
 */
export function sqlCoreDirectory(db: SqlExecutor): CoreDirectory {
  // One statement per user: the row and its memberships (ordered by name, then id) as JSON.
  const userWithEcosystems = (where: string) =>
    `SELECT u.id, u.email, u.name, u.status,
       coalesce((SELECT json_agg(json_build_object('id', e.id, 'name', e.name, 'role', m.role, 'inherited', m.inherited)
                 ORDER BY e.name, e.id)
               FROM core_memberships m JOIN core_ecosystems e ON e.id = m.ecosystem_id
               WHERE m.user_id = u.id), '[]'::json) AS ecosystems
     FROM core_users u WHERE ${where}`;

  function userSummary(row: UserRow | undefined): UserSummary | null {
    if (!row) return null;
    const ecosystems: EcosystemMembership[] = row.ecosystems.map((m) => ({
      id: m.id,
      name: m.name,
      role: m.role,
      inherited: m.inherited,
    }));
    return { id: row.id, name: row.name, email: row.email, status: row.status, ecosystems };
  }

  return {
    async findUserByEmail(email) {
      const { rows } = await db.query<UserRow>(userWithEcosystems('u.email = $1'), [email.toLowerCase()]);
      return userSummary(rows[0]);
    },
    async getUser(userId) {
      const { rows } = await db.query<UserRow>(userWithEcosystems('u.id = $1'), [userId]);
      return userSummary(rows[0]);
    },
    async getAgent(agentId): Promise<AgentRecord | null> {
      const { rows } = await db.query<AgentRecord>(
        'SELECT id, email, name, active FROM core_agents WHERE id = $1',
        [agentId],
      );
      return rows[0] ?? null;
    },
    async listProcesses({ userId, ecosystemIds, after, limit }) {
      const filter = 'user_id = $1 AND ecosystem_id = ANY($2::uuid[])';
      const [page, count] = await Promise.all([
        db.query<ProcessRow>(
          `SELECT * FROM core_processes WHERE ${filter}
             AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
           ORDER BY created_at DESC, id DESC LIMIT $5`,
          [userId, ecosystemIds, after?.createdAt ?? null, after?.id ?? null, limit],
        ),
        db.query<{ total: number }>(`SELECT count(*)::int AS total FROM core_processes WHERE ${filter}`, [
          userId,
          ecosystemIds,
        ]),
      ]);
      return { items: page.rows.map(summary), total: Number(count.rows[0]?.total ?? 0) };
    },
    async getProcess({ userId, ecosystemIds, processId }): Promise<ProcessDetail | null> {
      const { rows } = await db.query<ProcessRow>(
        'SELECT * FROM core_processes WHERE id = $1 AND user_id = $2 AND ecosystem_id = ANY($3::uuid[])',
        [processId, userId, ecosystemIds],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        ...summary(row),
        detail: row.detail,
        reason: row.reason,
        decidedBy: row.decided_by,
        decidedAt: row.decided_at === null ? null : iso(row.decided_at),
      };
    },
  };
}
