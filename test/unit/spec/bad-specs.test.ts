import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareProblem } from '../../../src/accel/hardware.js';
import { HwsweepError } from '../../../src/errors.js';
import { parseSpec, validateSpec } from '../../../src/spec/index.js';
import { MAX_SPEC_CHARS } from '../../../src/spec/text.js';

/**
 * The malformed-spec corpus: every file under test/fixtures/bad-specs/ with its expected issue in cases.json
 * (`path` = the field the one issue names, null where it is a position that depends on the parser; `message` = a
 * fragment of the reason). Files are read as `hwsweep launch` reads them (UTF-8 text), and validated with the
 * simulator's own accelerator resolver.
 */
const dir = join(import.meta.dirname, '../../fixtures/bad-specs');
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Record<
  string,
  { path: string | null; message: string }
>;
const accepted = readdirSync(dir).filter((f) => f.startsWith('accepted-'));

/** The simulator's own resolver, as `hwsweep launch` injects it. */
const validateAccelerator = hardwareProblem;

const read = (file: string): string => readFileSync(join(dir, file), 'utf8');

describe('malformed-spec corpus (test/fixtures/bad-specs)', () => {
  it('has at least 40 cases and every fixture file is listed (no stray, no missing file)', () => {
    const files = readdirSync(dir).filter((f) => f !== 'cases.json' && !f.startsWith('accepted-'));
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(40);
    expect(files.sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.entries(cases))('%s is refused with one issue naming its field', (file, want) => {
    const r = validateSpec(read(file), { validateAccelerator });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    const issue = r.issues[0]!;
    if (want.path !== null) expect(issue.path).toBe(want.path);
    expect(issue.message).toContain(want.message);
  });

  it.each(Object.keys(cases))('%s: parseSpec throws INVALID_SPEC, one line, no stack trace in the message', (file) => {
    let thrown: unknown;
    try {
      parseSpec(read(file), { file: `bad-specs/${file}`, validateAccelerator });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HwsweepError);
    const e = thrown as HwsweepError;
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).toMatch(new RegExp(`^Invalid sweep spec bad-specs/${file.replace(/\./g, '\\.')}: .+: .+`));
    expect(e.message).not.toMatch(/\bat .+:\d+:\d+/); // no stack frame leaked into the message
    expect(e.message.length).toBeLessThan(1000); // long values are cut, not echoed
  });

  it.each(accepted)('%s (a byte-order mark and CRLF line ends, otherwise valid) is accepted', (file) => {
    const spec = parseSpec(read(file), { validateAccelerator });
    expect(spec.name).toBe('bom-crlf');
    expect(spec.pruning.methods).toEqual(['magnitude']);
    expect(spec.seeds).toEqual([1, 2]);
  });

  it('a spec longer than 1 MiB is refused before parsing, with its length', () => {
    const text = `name: t\ndescription: "${'x'.repeat(MAX_SPEC_CHARS)}"\n`;
    expect(() => parseSpec(text)).toThrow(
      `Invalid sweep spec: (root): the spec is ${text.length} characters long, more than the limit of ${MAX_SPEC_CHARS} (1 MiB)`,
    );
  });

  it('a spec with many bad entries lists the first 20 and counts the rest', () => {
    const seeds = Array.from({ length: 30 }, (_, i) => `"s${i}"`).join(', ');
    let message = '';
    try {
      parseSpec(`name: t\nseeds: [${seeds}]\n`);
    } catch (err) {
      message = (err as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('Invalid sweep spec (30 issues):');
    expect(lines[1]).toBe('  seeds[0]: expected an integer, got "s0"');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe('  … and 10 more');
  });
});
