#!/usr/bin/env node
// The `hwsweep` bin. Runs the compiled CLI (dist/, built by `npm ci` / `npm run build`: scripts/build-cli.mjs) when
// it matches the sources; otherwise (no build yet, or sources edited since) runs the TypeScript sources through tsx,
// so a clone always works and edits take effect at once. `--debug` says which on stderr.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
const record = join(root, 'dist', 'sources.json');
/** Keep in sync with SOURCE_DIRS in scripts/build-cli.mjs. */
const SOURCE_DIRS = ['src', 'workflows', 'activities'];

/**
 * Why dist/ cannot be used, or undefined when it can. Only files modified after the build started are hashed
 * (usually none), so the check costs a directory walk: ~5 ms.
 */
function staleReason() {
  if (!existsSync(compiled) || !existsSync(record)) return 'dist/ has no build';
  const { builtAtMs, files } = JSON.parse(readFileSync(record, 'utf8'));
  for (const dir of SOURCE_DIRS) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const e of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.ts')) continue;
      const path = join(e.parentPath ?? e.path, e.name);
      if (statSync(path).mtimeMs < builtAtMs) continue;
      const rel = relative(root, path);
      if (files[rel] !== createHash('sha256').update(readFileSync(path)).digest('hex')) return `${rel} changed since the build (run \`npm run build\`)`;
    }
  }
  return undefined;
}

const why = staleReason();
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
