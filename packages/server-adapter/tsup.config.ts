import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'http/node': 'src/http/node.ts', 'http/lambda': 'src/http/lambda.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['@waizant/support-core', '@electric-sql/pglite', 'pg', 'nodemailer', 'hono', 'jose', 'zod'],
});
