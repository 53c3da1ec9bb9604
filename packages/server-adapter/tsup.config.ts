import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // PGlite, the local signer and the outbox; and the `pg` binding: each behind its own entry
    // so that the main entry loads no driver.
    embedded: 'src/embedded.ts',
    postgres: 'src/postgres.ts',
    'http/node': 'src/http/node.ts',
    'http/lambda': 'src/http/lambda.ts',
    'cli/migrate': 'src/cli/bin.ts',
    // Cognito identity + Lambda notifier (the AWS SDK stays out of the main entry).
    'aws/index': 'src/bindings/aws/index.ts',
    // Trigger handlers + the reference e-mail Lambda only: one small bundle per function.
    'aws/triggers': 'src/bindings/aws/functions.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [
    '@waizant/support-core',
    '@electric-sql/pglite',
    'pg',
    'nodemailer',
    'hono',
    'jose',
    'zod',
    '@aws-sdk/client-cognito-identity-provider',
    '@aws-sdk/client-lambda',
    'aws-jwt-verify',
  ],
});
