// Runs the Prisma 6.19 CLI (npm alias `prisma6`) offline for migration authoring and drift checks.
// Its WASM schema engine needs no download, but it wants `url` in the datasource block, which Prisma 7
// (our client generator) rejects: so we hand it a temporary copy of schema.prisma with the url added.
// Usage: node scripts/prisma6.mjs migrate diff --from-empty --to-schema-datamodel @schema --script
//        (@schema is replaced by the path of the temporary copy)
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cli = require.resolve('prisma6/build/index.js');
const tmpSchema = join(root, 'prisma', `.schema-prisma6-${process.pid}.prisma`);
const schema = readFileSync(join(root, 'prisma', 'schema.prisma'), 'utf8').replace(
  /datasource db \{\s*provider = "postgresql"/,
  'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")',
);
writeFileSync(tmpSchema, schema);
const args = process.argv.slice(2).map((a) => (a === '@schema' ? tmpSchema : a));
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:25432/hwsweep',
  PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
  PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
try {
  const r = spawnSync(process.execPath, [cli, ...args, '--config', join(root, 'prisma', 'prisma6.config.ts')], {
    stdio: 'inherit',
    env,
    cwd: root,
  });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(tmpSchema, { force: true });
}
