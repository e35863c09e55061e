import { defineConfig } from 'drizzle-kit';

// One schema and one migrations folder serve both PostgreSQL and the embedded PGlite database.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
});
