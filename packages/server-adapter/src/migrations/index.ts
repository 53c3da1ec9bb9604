import type { SqlDatabase } from '../ports/index.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One statement per entry (parameterless), run in one transaction. */
  readonly statements: readonly string[];
}

/** The kit's own tables. Standard PostgreSQL 15+: the same list runs on PGlite and on a server. */
export const SUPPORT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'support tables',
    statements: [
      `CREATE TABLE support_sessions (
        id uuid PRIMARY KEY,
        session_ref text NOT NULL UNIQUE,
        agent_id uuid NOT NULL,
        flow text NOT NULL CHECK (flow IN ('technical-assistance', 'ecosystem-admin')),
        user_id uuid NOT NULL,
        step text NOT NULL CHECK (step IN ('select_ecosystem', 'agent_code', 'user_code', 'verified',
          'cancelled', 'expired', 'locked', 'completed')),
        ecosystem_id uuid,
        role text CHECK (role IN ('administrator', 'managed')),
        code_attempts integer NOT NULL DEFAULT 0,
        code_sends integer NOT NULL DEFAULT 0,
        last_code_sent_at timestamptz,
        cancel_reason text,
        created_at timestamptz NOT NULL,
        last_activity_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        closed_at timestamptz
      )`,
      `CREATE INDEX support_sessions_open ON support_sessions (last_activity_at)
        WHERE closed_at IS NULL`,
      `CREATE TABLE support_codes (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES support_sessions (id),
        agent_id uuid NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('agent', 'user')),
        code_hash text NOT NULL,
        sent_to text NOT NULL,
        issue_id uuid NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz,
        revoked_at timestamptz
      )`,
      `CREATE UNIQUE INDEX support_codes_one_live ON support_codes (session_id, purpose)
        WHERE consumed_at IS NULL AND revoked_at IS NULL`,
      `CREATE TABLE support_handoffs (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES support_sessions (id),
        agent_id uuid NOT NULL,
        user_id uuid NOT NULL,
        ecosystem_id uuid NOT NULL,
        role text NOT NULL,
        destination text NOT NULL CHECK (destination IN ('store', 'web', 'app')),
        page text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        claimed_at timestamptz,
        revoked_at timestamptz
      )`,
      `CREATE INDEX support_handoffs_session ON support_handoffs (session_id)`,
      `CREATE TABLE support_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        agent_id uuid,
        session_ref text,
        action text NOT NULL,
        outcome text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`,
      `CREATE INDEX support_audit_session ON support_audit (session_ref)`,
      `CREATE TABLE support_rate_limits (
        bucket text NOT NULL,
        window_start timestamptz NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (bucket, window_start)
      )`,
      `CREATE TABLE support_idempotency (
        agent_id uuid NOT NULL,
        route text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status integer,
        response jsonb,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (agent_id, route, idempotency_key)
      )`,
      `CREATE TABLE support_outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        issue_id text NOT NULL UNIQUE,
        kind text NOT NULL,
        to_address text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'sweep and outbox indexes',
    statements: [
      // The sweep selects open sessions past either limit: with both columns indexed the planner
      // combines the two (BitmapOr) instead of scanning every session.
      `CREATE INDEX support_sessions_open_absolute ON support_sessions (absolute_expires_at)
        WHERE closed_at IS NULL`,
      `CREATE INDEX support_outbox_to ON support_outbox (to_address, seq)`,
    ],
  },
  {
    version: 3,
    name: 'sessions closed for an ineligible user',
    statements: [
      // A user disabled, locked or removed from the ecosystem mid-session closes it as `ineligible`.
      `ALTER TABLE support_sessions DROP CONSTRAINT support_sessions_step_check`,
      `ALTER TABLE support_sessions ADD CONSTRAINT support_sessions_step_check CHECK (step IN (
        'select_ecosystem', 'agent_code', 'user_code', 'verified',
        'cancelled', 'expired', 'locked', 'completed', 'ineligible'))`,
      `ALTER TABLE support_sessions ADD COLUMN ineligible_reason text`,
    ],
  },
  {
    version: 4,
    name: 'outbox code column',
    // The development outbox hands out a message's code as a field, so nobody parses the text.
    statements: [`ALTER TABLE support_outbox ADD COLUMN code text`],
  },
  {
    version: 5,
    name: 'assisted sessions',
    statements: [
      // One row per redeemed handoff. It is live only while its support session is (the same
      // predicate every command uses), so closing the support session ends it with no write here.
      `CREATE TABLE support_assisted_sessions (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES support_sessions (id),
        handoff_id uuid NOT NULL UNIQUE REFERENCES support_handoffs (id),
        destination text NOT NULL CHECK (destination IN ('store', 'web', 'app')),
        created_at timestamptz NOT NULL,
        refresh_hash text NOT NULL UNIQUE,
        refresh_expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_reason text,
        provider_refresh_ciphertext text,
        provider_revoked_at timestamptz
      )`,
      `CREATE INDEX support_assisted_sessions_session ON support_assisted_sessions (session_id)`,
      // The settler's claim looks only at rows still holding a provider token to revoke.
      `CREATE INDEX support_assisted_sessions_unrevoked ON support_assisted_sessions (session_id)
        WHERE provider_refresh_ciphertext IS NOT NULL AND provider_revoked_at IS NULL`,
      // Spent refresh tokens: presenting one again is reuse, which ends its assisted session.
      `CREATE TABLE support_assisted_spent_refresh (
        refresh_hash text PRIMARY KEY,
        assisted_session_id uuid NOT NULL REFERENCES support_assisted_sessions (id),
        spent_at timestamptz NOT NULL
      )`,
    ],
  },
  {
    version: 6,
    name: 'the end user ends the session; receipts',
    statements: [
      `ALTER TABLE support_sessions DROP CONSTRAINT support_sessions_step_check`,
      `ALTER TABLE support_sessions ADD CONSTRAINT support_sessions_step_check CHECK (step IN (
        'select_ecosystem', 'agent_code', 'user_code', 'verified',
        'cancelled', 'expired', 'locked', 'completed', 'ineligible', 'ended_by_user'))`,
      // The "End this assisted session now" links: one per e-mail, stored only as an HMAC.
      `CREATE TABLE support_end_links (
        token_hash text PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES support_sessions (id),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`,
      `CREATE INDEX support_end_links_session ON support_end_links (session_id)`,
      // Set once by the receipt settler's claim, for every closed session (receipt or not).
      `ALTER TABLE support_sessions ADD COLUMN receipt_claimed_at timestamptz`,
      // Sessions closed before this version get no receipt.
      `UPDATE support_sessions SET receipt_claimed_at = closed_at WHERE closed_at IS NOT NULL`,
      `CREATE INDEX support_sessions_receipt_due ON support_sessions (closed_at)
        WHERE closed_at IS NOT NULL AND receipt_claimed_at IS NULL`,
    ],
  },
  {
    version: 7,
    name: 'the App link by e-mail',
    statements: [
      // Set once when the App link was e-mailed to the user: the e-mail is single use too.
      `ALTER TABLE support_handoffs ADD COLUMN emailed_at timestamptz`,
      // Larger messages (HTML, inline pictures) in the development outbox.
      `ALTER TABLE support_outbox ADD COLUMN html text`,
      `ALTER TABLE support_outbox ADD COLUMN inline jsonb`,
    ],
  },
  {
    version: 8,
    name: "the agent's passkeys",
    statements: [
      // Several per agent. The public key is stored base64url (the same text on every driver);
      // the sign counter is an unsigned 32-bit number, so bigint.
      `CREATE TABLE support_passkeys (
        id uuid PRIMARY KEY,
        agent_id uuid NOT NULL,
        credential_id text NOT NULL UNIQUE,
        public_key text NOT NULL,
        sign_count bigint NOT NULL CHECK (sign_count >= 0),
        transports jsonb NOT NULL DEFAULT '[]'::jsonb,
        name text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz
      )`,
      `CREATE INDEX support_passkeys_agent ON support_passkeys (agent_id, created_at)`,
      // One pending WebAuthn challenge per agent, scope (a session id, or 'host' for the
      // host-called enrolment) and purpose, kept only as an HMAC. The statement that accepts an
      // answer deletes the row, so a challenge is used once, and only before expires_at.
      `CREATE TABLE support_passkey_challenges (
        agent_id uuid NOT NULL,
        scope text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('authenticate', 'register')),
        challenge_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (agent_id, scope, purpose)
      )`,
    ],
  },
  {
    version: 9,
    name: 'prune indexes',
    // The sweep's bounded deletes pick expired rows by these columns, not by scanning each table.
    statements: [
      `CREATE INDEX support_rate_limits_window ON support_rate_limits (window_start)`,
      `CREATE INDEX support_idempotency_created ON support_idempotency (created_at)`,
      `CREATE INDEX support_passkey_challenges_expires ON support_passkey_challenges (expires_at)`,
    ],
  },
];

/**
 * The Core DB tables the embedded directory reads. In production these already exist in
 * Waizant's Core DB; the embedded binding creates them so the kit runs with no setup.
 */
export const CORE_DIRECTORY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1001,
    name: 'embedded core directory',
    statements: [
      `CREATE TABLE core_users (
        id uuid PRIMARY KEY,
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'unconfirmed', 'disabled', 'locked'))
      )`,
      `CREATE TABLE core_agents (
        id uuid PRIMARY KEY,
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        active boolean NOT NULL
      )`,
      `CREATE TABLE core_ecosystems (id uuid PRIMARY KEY, name text NOT NULL)`,
      `CREATE TABLE core_memberships (
        user_id uuid NOT NULL REFERENCES core_users (id),
        ecosystem_id uuid NOT NULL REFERENCES core_ecosystems (id),
        role text NOT NULL CHECK (role IN ('administrator', 'managed')),
        inherited boolean NOT NULL DEFAULT false,
        PRIMARY KEY (user_id, ecosystem_id)
      )`,
      `CREATE TABLE core_processes (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES core_users (id),
        ecosystem_id uuid NOT NULL REFERENCES core_ecosystems (id),
        kind text NOT NULL CHECK (kind IN ('designation', 'validation', 'transfer')),
        title text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'in_review', 'approved', 'rejected')),
        detail text NOT NULL,
        reason text,
        decided_by text,
        decided_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE INDEX core_processes_keyset ON core_processes (user_id, created_at DESC, id DESC)`,
    ],
  },
  {
    version: 1002,
    name: 'embedded identity accounts',
    statements: [
      // The local signer's stand-in for the identity provider's account state (Cognito's
      // AdminDisableUser): a row marks an account disabled there; no row means enabled.
      `CREATE TABLE embedded_identity_accounts (
        email text PRIMARY KEY,
        enabled boolean NOT NULL
      )`,
    ],
  },
  {
    version: 1003,
    name: 'embedded user locales',
    // A preferred language per user (BCP 47), as a Core DB may keep one: the user's e-mails follow it.
    statements: [`CREATE TABLE embedded_user_locales (user_id uuid PRIMARY KEY, locale text NOT NULL)`],
  },
];

/**
 * Applies the migrations not yet recorded, in order, each in one transaction. Safe to run on
 * every start and from several instances at once (an advisory lock serialises them).
 */
export async function runMigrations(db: SqlDatabase, migrations: readonly Migration[]): Promise<number[]> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS support_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`,
  );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(724011)');
      const done = await tx.query('SELECT 1 FROM support_schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (done.rows.length > 0) return;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(
        'INSERT INTO support_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, new Date().toISOString()],
      );
      applied.push(migration.version);
    });
  }
  return applied;
}
