/**
 * Validation issues: zod issues -> `path: reason` lines, source positions, and the INVALID_SPEC error.
 */
import type { z } from 'zod';
import { HwsweepError } from '../errors.js';
import { didYouMean } from './suggest.js';
import type { SpecIssue } from './types.js';
import { UNKNOWN_KEYS_MARK } from './zod-helpers.js';

export type PathSeg = string | number;

/** A problem at a path of the parsed document (positions are filled in later). */
export interface RawIssue {
  path: PathSeg[];
  message: string;
}

/** `['pruning', 'ratios', 2]` -> `pruning.ratios[2]`; the empty path is `(root)`. */
export function formatPath(path: readonly PathSeg[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += (out === '' ? '' : '.') + formatKey(seg);
  }
  return out;
}

/**
 * A key as printed in a path: plain keys as written, others (empty, with dots, spaces or quotes) JSON-quoted, and
 * absurdly long ones (a hostile or pasted key) cut to 60 characters.
 */
function formatKey(key: string): string {
  const cut = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? cut : JSON.stringify(cut);
}

/** Converts zod issues, splitting unknown-key issues into one issue per key with a suggestion. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): RawIssue[] {
  const out: RawIssue[] = [];
  for (const iss of issues) {
    const path = iss.path.filter((p): p is PathSeg => typeof p !== 'symbol');
    if (iss.message.startsWith(UNKNOWN_KEYS_MARK)) {
      const { keys, known } = JSON.parse(iss.message.slice(UNKNOWN_KEYS_MARK.length)) as {
        keys: string[];
        known: string[];
      };
      for (const key of keys) {
        const hint = didYouMean(key, known);
        out.push({
          path: [...path, key],
          message: `unknown key${hint === '' ? ` (allowed: ${known.join(', ')})` : hint}`,
        });
      }
      continue;
    }
    out.push({ path, message: genericMessage(iss) });
  }
  return out;
}

/** Our schemas set every message; this only rewrites zod's defaults if one slips through. */
function genericMessage(iss: z.core.$ZodIssue): string {
  if (!iss.message.startsWith('Invalid input')) return iss.message;
  if (iss.code === 'invalid_type') return `expected ${iss.expected}`;
  return iss.message;
}

/** Locator from a path to a 1-based line/column of the source text, when known. */
export type Locate = (path: readonly PathSeg[]) => { line: number; column: number } | undefined;

export function toSpecIssues(raw: readonly RawIssue[], locate?: Locate): SpecIssue[] {
  return raw.map((r) => {
    const issue: SpecIssue = { path: formatPath(r.path), message: r.message };
    const pos = locate?.(r.path);
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
    return issue;
  });
}

/** Issues listed in an INVALID_SPEC message; the rest are counted (a pasted list of 10,000 bad seeds is one mistake). */
export const MAX_LISTED_ISSUES = 20;

/**
 * The INVALID_SPEC error. One issue: exactly one line, `Invalid sweep spec <file>: <path>: <reason>` (the CLI prints
 * it as its only line). Several: a first line naming the file and the count, then one `  path: reason` line per
 * issue in document order (issues without a position keep their relative order, after positioned ones), at most
 * `MAX_LISTED_ISSUES` of them, and a hint. The message carries everything, so there is no context to print.
 */
export function invalidSpecError(issues: readonly SpecIssue[], file?: string): HwsweepError {
  const where = file === undefined ? 'sweep spec' : `sweep spec ${file}`;
  const n = issues.length;
  const only = issues[0];
  if (n === 1 && only !== undefined)
    return new HwsweepError('INVALID_SPEC', `Invalid ${where}: ${only.path}: ${only.message}`);
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `  ${i.path}: ${i.message}`);
  if (n > MAX_LISTED_ISSUES) lines.push(`  … and ${n - MAX_LISTED_ISSUES} more`);
  return new HwsweepError('INVALID_SPEC', `Invalid ${where} (${n} issues):\n${lines.join('\n')}`, {
    hint: 'Fix the fields listed above; docs/spec.md describes every field, its type and its default.',
  });
}

/** Stable sort by source position (unknown positions last). */
export function sortIssues(issues: SpecIssue[]): SpecIssue[] {
  const key = (i: SpecIssue): number => (i.line === undefined ? Infinity : i.line * 1e6 + (i.column ?? 0));
  return issues
    .map((issue, idx) => ({ issue, idx }))
    .sort((a, b) => key(a.issue) - key(b.issue) || a.idx - b.idx)
    .map((x) => x.issue);
}
