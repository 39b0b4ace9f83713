import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The hwsweep checkout or package folder (the one holding its package.json). Files that are not compiled (the
 * workflow sources the worker bundles, SQL migrations, examples, the dashboard's static files) are found from here,
 * so the same code works from the TypeScript sources (`src/…`) and from the compiled CLI (`dist/src/…`).
 */
export const PACKAGE_ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    // dist/ has no package.json, so the first one up is the package's own.
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`hwsweep: no package.json above ${from}`);
  }
}
