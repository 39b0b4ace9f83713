import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const DIRS = ['src', 'activities', 'workflows', 'bench', 'scripts', 'test', 'examples', 'prisma'];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'generated' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|mts|js|mjs|yaml|sql)$/.test(name)) yield p;
  }
}

/** Section numbers that docs/methods.md defines as headings: `## 6. …` -> 6, `### 6.4 …` -> 6.4, `### 7.5b …` -> 7.5b. */
function headings(md: string): Set<string> {
  const out = new Set<string>();
  for (const m of md.matchAll(/^#{2,3} (\d+(?:\.\d+[a-z]?)?)\.? /gm)) if (m[1]) out.add(m[1]);
  return out;
}

describe('"METHODS §x.y" in code resolves to a section of docs/methods.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/methods.md'), 'utf8');
  const sections = headings(doc);

  it('docs/methods.md keeps the numbering code relies on (0-11, with 7.5b)', () => {
    for (const s of [
      '0.3',
      '1.1',
      '1.6',
      '2.3',
      '3.3',
      '3.4',
      '4.3',
      '5.3',
      '6.4',
      '6.5',
      '7.2',
      '7.5b',
      '7.6',
      '8',
      '9',
      '10',
      '11',
    ]) {
      expect(sections.has(s), s).toBe(true);
    }
  });

  it('every METHODS § reference in the sources names an existing section', () => {
    const refs: { where: string; section: string }[] = [];
    for (const dir of DIRS) {
      for (const f of files(join(ROOT, dir))) {
        const text = readFileSync(f, 'utf8');
        for (const m of text.matchAll(/METHODS(?:\.md)?\s*§\s*(\d+(?:\.\d+)?)([a-z])?/g)) {
          refs.push({ where: relative(ROOT, f), section: `${m[1]}${m[2] ?? ''}` });
        }
      }
    }
    expect(refs.length).toBeGreaterThan(50);
    // `§4.3b` is paragraph (b) of §4.3; `§7.5b` is its own heading.
    const missing = refs.filter((r) => !sections.has(r.section) && !sections.has(r.section.replace(/[a-z]$/, '')));
    expect(missing).toEqual([]);
  });

  it('no source points at the design notes outside the repository', () => {
    const outside: string[] = [];
    for (const dir of DIRS) {
      for (const f of files(join(ROOT, dir))) {
        if (/\.\.\/shared\/(METHODS|SIMULATOR|DESIGN|STYLE|ENVIRONMENT)|METHODS\.md/.test(readFileSync(f, 'utf8')))
          outside.push(relative(ROOT, f));
      }
    }
    expect(outside).toEqual([]);
  });
});
