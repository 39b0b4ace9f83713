/**
 * Reproduction report (issue 9, `npm run bench:fidelity`): every headline claim of the five seed papers beside our
 * number (src/reproduce/papers.ts). Usage: `npx tsx bench/fidelity.ts [seed] [--json | --markdown]`, seed = a preset of
 * `hwsweep reproduce --help`. Prints a table (`--markdown`: the table of docs/fidelity.md; `--json`: one JSON object)
 * and the wall time.
 */
import { pathToFileURL } from 'node:url';
import { formatClaims, formatClaimsMarkdown, reproduce } from '../src/reproduce/papers.js';

export function main(argv: string[]): void {
  const json = argv.includes('--json');
  const seed = argv.find((a) => !a.startsWith('--'));
  const t0 = performance.now();
  const rows = reproduce(seed);
  const seconds = (performance.now() - t0) / 1000;
  if (json) {
    process.stdout.write(`${JSON.stringify({ seconds, rows })}\n`);
    return;
  }
  console.log(argv.includes('--markdown') ? formatClaimsMarkdown(rows) : formatClaims(rows));
  console.log(`\n${rows.length} claims in ${seconds.toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
