// Dev-only config for the Prisma 6.19 CLI (npm alias `prisma6`): its WASM schema engine runs offline, so it
// generates migration SQL (`npm run db:diff`) and checks drift. Prisma 7 needs a downloaded engine for that.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma6/config';

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: 'schema.prisma', // overridden by scripts/prisma6.mjs
  migrations: { path: 'migrations' },
  adapter: async () =>
    new PrismaPg({ connectionString: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:25432/hwsweep' }),
});
