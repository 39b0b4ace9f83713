#!/usr/bin/env node
// The `hwsweep` bin. Runs the compiled CLI (dist/, built by `npm ci` / `npm run build` through `prepare`) when it is
// at least as new as every source file; otherwise (no build yet, or sources edited since) runs the TypeScript
// sources through tsx, so a clone always works. `--debug` says which on stderr.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
const SOURCE_DIRS = ['src', 'workflows', 'activities'];

/** Newest modification time (ms) of the .ts files under the source folders. */
function newestSourceMs() {
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const entry of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function compiledIsFresh() {
  if (!existsSync(compiled)) return 'dist/ has no build';
  const stale = newestSourceMs() > statSync(compiled).mtimeMs;
  return stale ? 'sources are newer than dist/ (run `npm run build`)' : undefined;
}

const why = compiledIsFresh();
let cli;
if (why === undefined) {
  cli = await import(pathToFileURL(compiled).href);
} else {
  if (process.argv.includes('--debug')) process.stderr.write(`hwsweep: running the TypeScript sources through tsx: ${why}\n`);
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
process.exit(await cli.main(process.argv));
