// `prepare` (run by `npm ci` / `npm install`) and `npm run build`: compiles the sources into dist/ so the `hwsweep`
// bin starts in ~0.1 s instead of compiling TypeScript on every call, and records what it compiled in
// dist/sources.json (start time + sha256 of every source file) so bin/hwsweep.js can tell a stale build from a
// file merely touched later (npm runs Prisma's generate after `prepare`, rewriting identical files).
// Skipped, with a note, where the compiler or the sources are absent (`npm ci --omit=dev`, or a Docker layer that
// installs before copying the sources): the bin then runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

/** Folders the bin compares with the build; keep in sync with SOURCE_DIRS in bin/hwsweep.js. */
const SOURCE_DIRS = ['src', 'workflows', 'activities'];

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
if (!tsc || !existsSync('src/cli/main.ts')) {
  console.error('hwsweep: no TypeScript compiler or no sources here; skipping the CLI build (the bin will use tsx)');
  process.exit(0);
}

// Hash before compiling: a file edited while tsc runs then differs from the record and counts as stale.
const builtAtMs = Date.now();
const files = {};
for (const dir of SOURCE_DIRS) {
  if (!existsSync(dir)) continue;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const path = join(e.parentPath, e.name);
    files[relative('.', path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
}
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync('dist', { recursive: true });
writeFileSync('dist/sources.json', JSON.stringify({ builtAtMs, files }));
