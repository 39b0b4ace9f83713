import { arrayElementOid, fieldKind, type FieldKind, type RawRow, type ReadOnlyField, type Value } from '../store/read-only.js';
import pg from 'pg';

/**
 * Text output of the CLI. Two families, kept apart on purpose:
 * - machine formats (CSV, JSON, NDJSON) encode the server's exact text of every value: nothing is rounded,
 *   NULL stays distinct from the empty string (conventions in docs/sql.md, "Output formats");
 * - aligned tables are for people: they may round numbers for display and then say so in their footer.
 */

/** A value the table printer accepts (parsed JS values, as `readOnlyQuery` and Prisma return them). */
export type Cell = Value;

export const OUTPUT_FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const ROUNDED_NOTE = 'numbers rounded for display: --format csv or json prints exact values';

// ---------------------------------------------------------------------------------------------------------------
// Display (tables)

/**
 * A number for a table: integers exact; otherwise 4 decimals from 1 up, 4 significant digits below 1
 * (`4492512.53`, `2.2535`, `0.8474`, `1.235e-7`). Exact when the value has no more digits than that.
 */
export function displayNumber(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  const s = a >= 1 && a < 1e15 ? x.toFixed(4) : x.toPrecision(4);
  return s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
}

interface Shown {
  text: string;
  numeric: boolean;
  rounded: boolean;
}

/** One line per cell: newlines and tabs would break the alignment (display only). */
const oneLine = (s: string): string => s.replace(/\r?\n/g, '↵').replace(/\t/g, ' ');

function showValue(v: Cell): Shown {
  if (v === null || v === undefined) return { text: '', numeric: false, rounded: false };
  if (typeof v === 'number') {
    const text = displayNumber(v);
    return { text, numeric: true, rounded: Number.isFinite(v) && text !== String(v) };
  }
  if (typeof v === 'bigint') return { text: String(v), numeric: true, rounded: false };
  if (v instanceof Date) return { text: v.toISOString(), numeric: false, rounded: false };
  if (Buffer.isBuffer(v)) return { text: `\\x${v.toString('hex')}`, numeric: false, rounded: false };
  if (typeof v === 'object') return { text: oneLine(toJson(v)), numeric: false, rounded: false };
  return { text: oneLine(String(v)), numeric: false, rounded: false };
}

/** A raw server value (exact text) for a table: floats and fractional numerics may be rounded for display. */
function showRaw(text: string | null, kind: FieldKind): Shown {
  if (text === null) return { text: '', numeric: false, rounded: false };
  switch (kind) {
    case 'integer':
      return { text, numeric: true, rounded: false };
    case 'float':
    case 'numeric': {
      const n = Number(text);
      if (!Number.isFinite(n) || (kind === 'numeric' && !/[.eE]/.test(text))) return { text, numeric: true, rounded: false };
      const shown = displayNumber(n);
      const canonical = text.includes('.') && !/[eE]/.test(text) ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
      return { text: shown, numeric: true, rounded: Number(shown) !== n || String(n) !== canonical };
    }
    case 'boolean':
    case 'json':
    case 'timestamptz':
    case 'timestamp':
    case 'array':
    case 'text':
      return { text: oneLine(exactText(text, kind)), numeric: false, rounded: false };
  }
}

function renderTable(columns: string[], cells: Shown[][], extra: string[] = []): string {
  const numeric = columns.map((_, i) => cells.length > 0 && cells.every((r) => r[i]!.numeric || r[i]!.text === ''));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.text.length)));
  const line = (vals: string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const rounded = cells.some((r) => r.some((c) => c.rounded));
  const footer = [`${cells.length} row${cells.length === 1 ? '' : 's'}`, ...extra, ...(rounded ? [ROUNDED_NOTE] : [])];
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map((r) => line(r.map((c) => c.text))), `(${footer.join('; ')})`].join('\n');
}

/** Left-aligned text, right-aligned numbers, a header rule; `(n rows)` at the end like psql, plus notes. */
export function table(rows: Record<string, Cell>[], columns?: string[], notes: string[] = []): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return renderTable(cols, rows.map((r) => cols.map((c) => showValue(r[c]))), notes);
}

/** The same table from raw server rows (exact text per column). */
export function rawTable(fields: ReadOnlyField[], rows: RawRow[], notes: string[] = []): string {
  const kinds = fields.map((f) => fieldKind(f.typeOid));
  return renderTable(fields.map((f) => f.name), rows.map((r) => r.map((v, i) => showRaw(v, kinds[i]!))), notes);
}

// ---------------------------------------------------------------------------------------------------------------
// Exact encodings (CSV, JSON)

const TIMESTAMP = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(\+00)?$/;

/**
 * The server's text as printed by machine formats: booleans `true`/`false`; timestamps ISO 8601 with `T` (and `Z`
 * for timestamptz, which the reader's sessions print in UTC), microseconds kept; everything else verbatim
 * (floats are already the shortest text that reads back to the same double).
 */
export function exactText(text: string, kind: FieldKind): string {
  if (kind === 'boolean') return text === 't' ? 'true' : text === 'f' ? 'false' : text;
  if (kind === 'timestamptz' || kind === 'timestamp') {
    const m = TIMESTAMP.exec(text);
    if (m) return `${m[1]}T${m[2]}${m[3] ? 'Z' : ''}`; // infinity, BC dates: left as the server wrote them
  }
  return text;
}

/** One CSV field (RFC 4180 quoting): NULL is an empty unquoted field, the empty string is `""`. */
export function csvField(text: string | null, kind: FieldKind = 'text'): string {
  if (text === null) return '';
  const s = exactText(text, kind);
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record (no line end). */
export function csvRecord(values: readonly (string | null)[], kinds: readonly FieldKind[]): string {
  return values.map((v, i) => csvField(v, kinds[i] ?? 'text')).join(',');
}

/**
 * CSV of parsed rows (as `readOnlyQuery` returns them), with the same conventions as the raw encoder: numbers as the
 * shortest text that reads back to the same double, NULL as an empty unquoted field, `""` for the empty string,
 * Dates in ISO 8601 (a JS Date holds milliseconds: stream raw rows when microseconds matter). No trailing newline.
 */
export function csv(rows: Record<string, Cell>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const text = (v: Cell): string | null => {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return v.toISOString();
    if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
    if (typeof v === 'object') return toJson(v);
    return String(v);
  };
  return [csvRecord(cols, []), ...rows.map((r) => cols.map((c) => csvField(text(r[c]))).join(','))].join('\n');
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * One JSON value from the server's exact text: numbers as number tokens with every digit the server sent (int8 and
 * numeric beyond 2^53 included: your parser decides how to read them); `NaN`, `Infinity`, `-Infinity` as strings
 * (JSON has no such numbers; NULL is `null`); json/jsonb embedded; arrays as JSON arrays; the rest as strings.
 */
export function jsonValue(text: string | null, kind: FieldKind, typeOid = 0): string {
  if (text === null) return 'null';
  switch (kind) {
    case 'integer':
    case 'float':
    case 'numeric':
      return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
    case 'boolean':
      return exactText(text, kind);
    case 'json':
      return text;
    case 'array': {
      const elem = arrayElementOid(typeOid);
      const elemKind = fieldKind(elem);
      const parsed = (pg.types as unknown as { arrayParser: { create(s: string, f: (x: string | null) => unknown): { parse(): unknown } } }).arrayParser
        .create(text, (x) => (x === null ? null : { raw: x }))
        .parse();
      const encode = (v: unknown): string =>
        Array.isArray(v) ? `[${v.map(encode).join(',')}]` : v === null ? 'null' : jsonValue((v as { raw: string }).raw, elemKind, elem);
      return encode(parsed);
    }
    case 'timestamptz':
    case 'timestamp':
    case 'text':
      return JSON.stringify(exactText(text, kind));
  }
}

/** Column names as JSON keys: a repeated name gets `_2`, `_3`… so no value is lost to a duplicate key. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}_${k}`;
  });
}

/** One JSON object from a raw row: `keys` (already JSON-escaped by {@link jsonKeys}) in column order. */
export function jsonObject(keys: readonly string[], fields: readonly ReadOnlyField[], row: RawRow, extra = ''): string {
  const parts = row.map((v, i) => `${keys[i]}:${jsonValue(v, fieldKind(fields[i]!.typeOid), fields[i]!.typeOid)}`);
  return `{${parts.join(',')}${extra && parts.length ? ',' : ''}${extra}}`;
}

export function jsonKeys(fields: readonly ReadOnlyField[]): string[] {
  return uniqueNames(fields.map((f) => f.name)).map((n) => JSON.stringify(n));
}

/** JSON with Dates as ISO strings and bigints as numbers (as strings beyond 2^53, where a number would be rounded). */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : String(x)) : x));
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Bytes for people: `512 B`, `3.4 KiB`, `12.0 MiB`, `1.25 GiB` (binary units; machine output keeps the integer). */
export function byteSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}
