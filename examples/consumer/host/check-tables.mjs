// Step: the tables the migrate bin should have created exist in DATABASE_URL.
import pg from 'pg';

const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
try {
  const wanted = ['support_sessions', 'support_codes', 'support_audit', 'support_schema_migrations'];
  const { rows } = await client.query(
    'SELECT to_regclass(name)::text AS found FROM unnest($1::text[]) AS name',
    [wanted],
  );
  const missing = wanted.filter((_, i) => rows[i].found === null);
  if (missing.length > 0) {
    console.error(`  FAIL the migrate bin left these tables missing: ${missing.join(', ')}`);
    process.exit(1);
  }
  console.log(`  ok tables exist: ${wanted.join(', ')}`);
} finally {
  await client.end();
}
