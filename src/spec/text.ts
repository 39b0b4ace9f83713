/**
 * Checks on the raw spec text before the YAML parser sees it: size, binary content, encoding.
 * A spec is a short UTF-8 text file; anything else gets one clear issue instead of a parser message
 * about garbage (or a parser that takes minutes on a hostile input).
 */
import type { SpecIssue } from './types.js';

/** Largest spec text accepted, in UTF-16 code units (≈ bytes for ASCII). The biggest example is under 3 KB. */
export const MAX_SPEC_CHARS = 1 << 20;

/** Deepest nesting of YAML collections accepted; a spec needs 4 (e.g. `baseline.schedule.milestones[0]`). */
export const MAX_SPEC_DEPTH = 16;

/**
 * Limits checked on the text so that the YAML parser (which recurses once per nesting level and overflows the
 * stack somewhere near 800 levels, depending on how deep the caller already is) never sees a document nested
 * deeper than a few hundred levels: unclosed `[` / `{` at any point, and the indentation of a line counting
 * `- `, `? ` and `: ` indicators as indentation (a block level needs at least one more column than its parent,
 * or two for a compact `- - x`). Far beyond any real spec (which nests 4 levels), far below the parser's limit.
 */
export const MAX_FLOW_DEPTH = 64;
export const MAX_INDENT = 128;

/** C0 control characters other than tab, line feed and carriage return; DEL; the UTF-8 decoder's replacement char. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

/** 1-based line and column of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Issues with the text itself, or `[]` when it may go to the YAML parser. A byte-order mark and
 * CRLF line ends are fine (the parser handles both); NUL bytes, other control characters and
 * invalid UTF-8 (decoded as U+FFFD) mean the file is not a text spec.
 */
export function textIssues(text: string): SpecIssue[] {
  if (text.length > MAX_SPEC_CHARS) {
    return [
      {
        path: '(root)',
        message: `the spec is ${text.length} characters long, more than the limit of ${MAX_SPEC_CHARS} (1 MiB); a sweep spec is a short text file`,
      },
    ];
  }
  const m = NOT_TEXT.exec(text);
  if (m === null) return [];
  const at = position(text, m.index);
  const code = m[0].codePointAt(0) ?? 0;
  // UTF-16 files read as UTF-8: a BOM of FF FE / FE FF becomes two U+FFFD, and every ASCII char gets a NUL beside it.
  const utf16 = /^\uFFFD\uFFFD/.test(text) && text.includes('\u0000');
  const what = utf16
    ? 'it looks like UTF-16; save it as UTF-8'
    : code === 0xfffd
      ? 'invalid UTF-8 (is it a binary file?)'
      : `control character U+${code.toString(16).toUpperCase().padStart(4, '0')} (is it a binary file?)`;
  return [
    {
      path: `line ${at.line}, column ${at.column}`,
      message: `not a text spec: ${what}`,
      line: at.line,
      column: at.column,
    },
  ];
}

/**
 * A document nested deeper than the text limits (`MAX_FLOW_DEPTH`, `MAX_INDENT`), as one issue, or `[]`.
 * Quoted strings and comments are skipped; brackets inside plain text only count when unbalanced, so a
 * description with a few brackets is fine.
 */
export function nestingIssues(text: string): SpecIssue[] {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  const issue = (offset: number, message: string): SpecIssue[] => {
    const column = offset - lineStart + 1;
    return [{ path: `line ${line}, column ${column}`, message, line, column }];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (i === lineStart) {
      const indent = /^[ \t]*(?:[-?:][ \t]+)*/.exec(text.slice(i, i + MAX_INDENT + 64))?.[0].length ?? 0;
      if (indent > MAX_INDENT) {
        return issue(
          i,
          `indented more than ${MAX_INDENT} columns: the document is nested too deeply; a sweep spec needs at most 4 levels`,
        );
      }
    }
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '"' || c === "'") {
      // Skip a quoted string (a `"` string ends at an unescaped `"`; in a `'` string `''` is a quote).
      for (i++; i < text.length && text[i] !== c; i++) {
        if (c === '"' && text[i] === '\\') i++;
        if (text[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) {
        return issue(
          i,
          `more than ${MAX_FLOW_DEPTH} unclosed '[' or '{': the document is nested too deeply; a sweep spec needs at most 4 levels`,
        );
      }
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return [];
}

/**
 * Depth of the deepest collection in a parsed value (a scalar is 0, `[1]` is 1), stopping as soon as
 * `limit` is exceeded so that a hostile document costs no more than `limit` levels of recursion.
 */
export function nestingDepth(value: unknown, limit = MAX_SPEC_DEPTH): number {
  const walk = (v: unknown, depth: number): number => {
    if (typeof v !== 'object' || v === null || depth > limit) return depth;
    let max = depth + 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      max = Math.max(max, walk(child, depth + 1));
      if (max > limit) return max;
    }
    return max;
  };
  return walk(value, 0);
}
