import { defineConfig } from 'prisma/config';

// Prisma 7 is used for `prisma generate` only (the client runs on @prisma/adapter-pg, no engine binary).
// Migrations are applied by src/store/migrate.ts (offline, Prisma's folder layout and _prisma_migrations table).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:25432/hwsweep' },
});
