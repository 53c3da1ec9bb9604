import type { SqlExecutor } from '../../ports/index.js';

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Fixed ids of the demo data, so that the demo and tests can name them. */
export const DEMO = {
  agents: {
    ana: { id: id(0xa1), email: 'ana.agent@support.waizant.local', name: 'Ana Agent' },
    bruno: { id: id(0xa2), email: 'bruno.agent@support.waizant.local', name: 'Bruno Agent' },
    /** Left the support team: exists, not active. */
    carla: { id: id(0xa3), email: 'carla.agent@support.waizant.local', name: 'Carla Former' },
  },
  ecosystems: {
    perez: { id: id(0xe1), name: 'Familia Pérez' },
    gomez: { id: id(0xe2), name: 'Casa Gómez' },
    lopez: { id: id(0xe3), name: 'Herencia López' },
  },
  users: {
    /** Active; administrator of Familia Pérez. */
    admin: { id: id(0x101), email: 'maria.admin@example.com', name: 'María Admin' },
    /** Active; managed user in Familia Pérez. */
    managed: { id: id(0x102), email: 'pedro.managed@example.com', name: 'Pedro Managed' },
    unconfirmed: { id: id(0x103), email: 'lucia.unconfirmed@example.com', name: 'Lucía Unconfirmed' },
    disabled: { id: id(0x104), email: 'jorge.disabled@example.com', name: 'Jorge Disabled' },
    /** Successor: inherited Herencia López (administrator) and Casa Gómez (managed); managed in Familia Pérez. */
    successor: { id: id(0x105), email: 'sofia.successor@example.com', name: 'Sofía Successor' },
    /** Active, no ecosystems. */
    lonely: { id: id(0x106), email: 'tomas.lonely@example.com', name: 'Tomás Lonely' },
  },
  processes: {
    designation: id(0x201),
    rejectedValidation: id(0x202),
    pendingTransfer: id(0x203),
    gomezReview: id(0x204),
    /** A process of another user: never visible through the successor's session. */
    otherUser: id(0x205),
  },
  rejectedTitle: 'The validation process for The Successor was rejected by Waizant',
} as const;

/** Inserts the demo directory (agents, users, ecosystems, memberships, processes). Idempotent. */
export async function seedDemoData(db: SqlExecutor): Promise<void> {
  const { agents, ecosystems, users, processes } = DEMO;
  for (const [agent, active] of [
    [agents.ana, true],
    [agents.bruno, true],
    [agents.carla, false],
  ] as const) {
    await db.query(
      'INSERT INTO core_agents (id, email, name, active) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [agent.id, agent.email, agent.name, active],
    );
  }
  for (const e of Object.values(ecosystems)) {
    await db.query('INSERT INTO core_ecosystems (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      e.id,
      e.name,
    ]);
  }
  for (const [user, status] of [
    [users.admin, 'active'],
    [users.managed, 'active'],
    [users.unconfirmed, 'unconfirmed'],
    [users.disabled, 'disabled'],
    [users.successor, 'active'],
    [users.lonely, 'active'],
  ] as const) {
    await db.query(
      'INSERT INTO core_users (id, email, name, status) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [user.id, user.email, user.name, status],
    );
  }
  const memberships: Array<[string, string, 'administrator' | 'managed', boolean]> = [
    [users.admin.id, ecosystems.perez.id, 'administrator', false],
    [users.managed.id, ecosystems.perez.id, 'managed', false],
    [users.unconfirmed.id, ecosystems.perez.id, 'managed', false],
    [users.disabled.id, ecosystems.gomez.id, 'administrator', false],
    [users.successor.id, ecosystems.lopez.id, 'administrator', true],
    [users.successor.id, ecosystems.gomez.id, 'managed', true],
    [users.successor.id, ecosystems.perez.id, 'managed', false],
  ];
  for (const [userId, ecosystemId, role, inherited] of memberships) {
    await db.query(
      `INSERT INTO core_memberships (user_id, ecosystem_id, role, inherited) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [userId, ecosystemId, role, inherited],
    );
  }
  const rows: Array<{
    id: string;
    userId: string;
    ecosystemId: string;
    kind: string;
    title: string;
    status: string;
    detail: string;
    reason: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    createdAt: string;
    updatedAt: string;
  }> = [
    {
      id: processes.designation,
      userId: users.successor.id,
      ecosystemId: ecosystems.lopez.id,
      kind: 'designation',
      title: 'Ramón López designated Sofía Successor as successor',
      status: 'approved',
      detail: 'The owner designated the successor of the ecosystem Herencia López.',
      reason: null,
      decidedBy: 'Ramón López',
      decidedAt: '2025-09-02T10:00:00.000Z',
      createdAt: '2025-09-01T09:00:00.000Z',
      updatedAt: '2025-09-02T10:00:00.000Z',
    },
    {
      id: processes.rejectedValidation,
      userId: users.successor.id,
      ecosystemId: ecosystems.lopez.id,
      kind: 'validation',
      title: DEMO.rejectedTitle,
      status: 'rejected',
      detail: 'Waizant reviewed the documents the successor sent to prove the succession.',
      reason: 'The death certificate was illegible; please upload a clear copy.',
      decidedBy: 'Waizant Compliance (Elena Ruiz)',
      decidedAt: '2025-10-15T16:30:00.000Z',
      createdAt: '2025-10-01T08:00:00.000Z',
      updatedAt: '2025-10-15T16:30:00.000Z',
    },
    {
      id: processes.pendingTransfer,
      userId: users.successor.id,
      ecosystemId: ecosystems.lopez.id,
      kind: 'transfer',
      title: 'Transfer of Herencia López to Sofía Successor',
      status: 'pending',
      detail: 'The transfer starts once the successor is validated.',
      reason: null,
      decidedBy: null,
      decidedAt: null,
      createdAt: '2025-11-01T08:00:00.000Z',
      updatedAt: '2025-11-01T08:00:00.000Z',
    },
    {
      id: processes.gomezReview,
      userId: users.successor.id,
      ecosystemId: ecosystems.gomez.id,
      kind: 'validation',
      title: 'The validation process for Casa Gómez is in review',
      status: 'in_review',
      detail: 'Waizant is reviewing the documents.',
      reason: null,
      decidedBy: null,
      decidedAt: null,
      createdAt: '2025-11-05T08:00:00.000Z',
      updatedAt: '2025-11-06T08:00:00.000Z',
    },
    {
      id: processes.otherUser,
      userId: users.admin.id,
      ecosystemId: ecosystems.lopez.id,
      kind: 'designation',
      title: 'Another user process',
      status: 'pending',
      detail: 'Not the successor’s.',
      reason: null,
      decidedBy: null,
      decidedAt: null,
      createdAt: '2025-11-07T08:00:00.000Z',
      updatedAt: '2025-11-07T08:00:00.000Z',
    },
  ];
  for (const p of rows) {
    await db.query(
      `INSERT INTO core_processes (id, user_id, ecosystem_id, kind, title, status, detail, reason, decided_by,
         decided_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
      [
        p.id,
        p.userId,
        p.ecosystemId,
        p.kind,
        p.title,
        p.status,
        p.detail,
        p.reason,
        p.decidedBy,
        p.decidedAt,
        p.createdAt,
        p.updatedAt,
      ],
    );
  }
}

/** Adds `count` generated processes for a user in an ecosystem (e.g. to exercise pagination). */
export async function generateProcesses(
  db: SqlExecutor,
  options: { userId: string; ecosystemId: string; count: number; startAt?: Date },
): Promise<void> {
  const start = (options.startAt ?? new Date('2024-01-01T00:00:00.000Z')).getTime();
  const kinds = ['designation', 'validation', 'transfer'] as const;
  const statuses = ['pending', 'in_review', 'approved', 'rejected'] as const;
  await db.query(
    `INSERT INTO core_processes (id, user_id, ecosystem_id, kind, title, status, detail, created_at, updated_at)
     SELECT gen_random_uuid(),
       $1, $2, ($4::text[])[1 + n % 3], 'Generated process #' || n, ($5::text[])[1 + n % 4],
       'Generated for pagination.', to_timestamp($3 / 1000.0 + n * 60), to_timestamp($3 / 1000.0 + n * 60)
     FROM generate_series(1, $6::int) AS n`,
    [options.userId, options.ecosystemId, start, kinds, statuses, options.count],
  );
}
