// `prepare` (run by `npm ci` / `npm install`): compiles the sources into dist/ so the `hwsweep` bin starts in
// ~0.1 s instead of compiling TypeScript on every call. Skipped, with a note, where the compiler or the sources are
// absent (`npm ci --omit=dev`, or a Docker layer that installs before copying the sources): bin/hwsweep.js then
// runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

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
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
