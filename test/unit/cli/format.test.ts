import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ROUNDED_NOTE, csv, csvField, csvRecord, displayNumber, exactText, jsonObject, jsonKeys, jsonValue, rawTable, table, uniqueNames } from '../../../src/cli/format.js';
import type { FieldKind } from '../../../src/store/read-only.js';

/** csv-parse (an independent RFC 4180 parser) with the NULL convention: an unquoted empty field is NULL. */
function parseCsv(text: string): (string | null)[][] {
  return parse(text, { cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value), relax_column_count: false }) as (string | null)[][];
}

const TRICKY: (string | null)[] = [
  'plain',
  '',
  null,
  'comma, inside',
  'quote " inside',
  '""',
  'line\nbreak',
  'crlf\r\nbreak',
  'lone \r return',
  ' leading and trailing spaces ',
  'unicode: ünïcödé, 漢字, 🚀, \u00a0nbsp',
  'NULL',
  '\\N',
  ',',
  '"',
  '=1+1',
];

describe('csv', () => {
  it('round-trips tricky strings through a real CSV parser, NULL distinct from the empty string', () => {
    const kinds: FieldKind[] = TRICKY.map(() => 'text');
    const text = `${csvRecord(TRICKY.map((_, i) => `c${i}`), [])}\n${csvRecord(TRICKY, kinds)}\n${csvRecord([...TRICKY].reverse(), kinds)}\n`;
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual(TRICKY);
    expect(rows[2]).toEqual([...TRICKY].reverse());
  });

  it('keeps numbers exactly as the server wrote them and formats booleans and timestamps without loss', () => {
    const values = ['4492512.53', '1e-300', '-0', 'NaN', 'Infinity', '12345678901234567890.000000000000000001', '9007199254740993'];
    const rows = parseCsv(`${csvRecord(values, ['float', 'float', 'float', 'float', 'float', 'numeric', 'integer'])}\n`);
    expect(rows[0]).toEqual(values);
    expect(Number(rows[0]![0])).toBe(4492512.53);
    expect(Number(rows[0]![1])).toBe(1e-300);
    expect(Object.is(Number(rows[0]![2]), -0)).toBe(true);
    expect(csvField('t', 'boolean')).toBe('true');
    expect(csvField('f', 'boolean')).toBe('false');
    expect(csvField('2026-12-02 04:22:07.865123+00', 'timestamptz')).toBe('2026-12-02T04:22:07.865123Z');
    expect(csvField('2026-12-02 04:22:07', 'timestamp')).toBe('2026-12-02T04:22:07');
    expect(csvField('infinity', 'timestamptz')).toBe('infinity');
    expect(new Date(csvField('2026-12-02 04:22:07.865123+00', 'timestamptz')).toISOString()).toBe('2026-12-02T04:22:07.865Z');
  });
});

describe('csv of parsed rows (readOnlyQuery, the dashboard)', () => {
  it('round-trips numbers exactly, keeps NULL apart from the empty string, dates in ISO 8601', () => {
    const rows = [
      { a: 4492512.53, b: '', c: null, d: new Date('2026-12-02T04:22:07.865Z'), e: 1e-300, f: 'x, "y"\nz', g: { k: [1, 2] } },
      { a: 0.1 + 0.2, b: 'b', c: undefined, d: null, e: NaN, f: '', g: null },
    ];
    const out = parseCsv(`${csv(rows)}\n`);
    expect(out[0]).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(out[1]).toEqual(['4492512.53', '', null, '2026-12-02T04:22:07.865Z', '1e-300', 'x, "y"\nz', '{"k":[1,2]}']);
    expect(out[2]).toEqual(['0.30000000000000004', 'b', null, null, 'NaN', '', null]);
    expect(Number(out[2]![0])).toBe(0.1 + 0.2);
  });
});

describe('json', () => {
  it('writes number tokens with every digit, non-finite numbers as strings, NULL as null', () => {
    expect(JSON.parse(jsonValue('4492512.53', 'float'))).toBe(4492512.53);
    expect(JSON.parse(jsonValue('1e-300', 'float'))).toBe(1e-300);
    expect(JSON.parse(jsonValue('1e+300', 'float'))).toBe(1e300);
    expect(jsonValue('12345678901234567890.5', 'numeric')).toBe('12345678901234567890.5');
    expect(jsonValue('9007199254740993', 'integer')).toBe('9007199254740993');
    expect(jsonValue('NaN', 'float')).toBe('"NaN"');
    expect(jsonValue('-Infinity', 'numeric')).toBe('"-Infinity"');
    expect(jsonValue(null, 'float')).toBe('null');
    expect(jsonValue('', 'text')).toBe('""');
    expect(jsonValue('t', 'boolean')).toBe('true');
  });

  it('embeds json columns, decodes arrays element by element, escapes strings', () => {
    expect(JSON.parse(jsonValue('{"a": [1, 2.50], "b": null}', 'json'))).toEqual({ a: [1, 2.5], b: null });
    expect(JSON.parse(jsonValue('{1.5,NULL,NaN,1e-300}', 'array', 1022))).toEqual([1.5, null, 'NaN', 1e-300]);
    expect(JSON.parse(jsonValue('{{1,2},{3,4}}', 'array', 1007))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(JSON.parse(jsonValue('{"a,b","c\\"d",NULL,"NULL"}', 'array', 1009))).toEqual(['a,b', 'c"d', null, 'NULL']);
    expect(JSON.parse(jsonValue('{"2026-12-02 04:22:07.865123+00"}', 'array', 1185))).toEqual(['2026-12-02T04:22:07.865123Z']);
    for (const s of TRICKY.filter((x): x is string => x !== null)) expect(JSON.parse(jsonValue(s, 'text'))).toBe(s);
  });

  it('objects keep column order and rename repeated column names instead of dropping a value', () => {
    const fields = [
      { name: 'a', typeOid: 23 },
      { name: 'a', typeOid: 25 },
      { name: 'q"uote', typeOid: 701 },
    ];
    expect(uniqueNames(['a', 'a', 'b', 'a'])).toEqual(['a', 'a_2', 'b', 'a_3']);
    const o = jsonObject(jsonKeys(fields), fields, ['1', 'x', '0.1']);
    expect(o).toBe('{"a":1,"a_2":"x","q\\"uote":0.1}');
    expect(JSON.parse(o)).toEqual({ a: 1, a_2: 'x', 'q"uote': 0.1 });
  });
});

describe('tables', () => {
  it('displayNumber rounds to 4 decimals (4 significant digits below 1) and never to exponent form for ordinary magnitudes', () => {
    const cases: [number, string][] = [
      [4492512.53, '4492512.53'],
      [2.25345678, '2.2535'],
      [0.84739999, '0.8474'],
      [0.000123456, '0.0001235'],
      [1e-300, '1e-300'],
      [42, '42'],
      [-3.5, '-3.5'],
      [1e21, '1e+21'],
      [NaN, 'NaN'],
    ];
    for (const [x, s] of cases) expect(displayNumber(x), String(x)).toBe(s);
  });

  it('says when it rounded a number for display, and only then', () => {
    const exact = table([{ a: 1.5, b: 'x' }]);
    expect(exact).not.toContain(ROUNDED_NOTE);
    expect(exact.split('\n').at(-1)).toBe('(1 row)');
    const rounded = table([{ a: 0.123456789 }, { a: 2 }]);
    expect(rounded.split('\n')).toEqual(['     a', '──────', '0.1235', '     2', `(2 rows; ${ROUNDED_NOTE})`]);
    const raw = rawTable([{ name: 'e', typeOid: 701 }, { name: 'n', typeOid: 1700 }], [['4492512.53', '2.500']]);
    expect(raw).not.toContain(ROUNDED_NOTE); // 2.500 is 2.5 exactly
    expect(rawTable([{ name: 'n', typeOid: 1700 }], [['1.000000001']])).toContain(ROUNDED_NOTE);
    expect(rawTable([{ name: 'n', typeOid: 1700 }], [['12345678901234567890']])).toContain('12345678901234567890');
  });

  it('keeps one line per row (newlines shown as ↵) and NULL as an empty cell', () => {
    const t = rawTable([{ name: 's', typeOid: 25 }, { name: 'b', typeOid: 16 }], [['a\nb', 't'], [null, 'f']]);
    expect(t.split('\n')).toEqual(['s    b', '───  ─────', 'a↵b  true', '     false', '(2 rows)']);
  });

  it('exactText leaves text it does not recognise untouched', () => {
    expect(exactText('2026-12-02 04:22:07+05:30', 'timestamptz')).toBe('2026-12-02 04:22:07+05:30');
    expect(exactText('0001-01-01 00:00:00+00 BC', 'timestamptz')).toBe('0001-01-01 00:00:00+00 BC');
  });
});
