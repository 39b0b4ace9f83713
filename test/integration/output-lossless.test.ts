import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { runCli } from '../helpers/cli.js';
import { testSettings } from '../helpers/services.js';

/**
 * Output of the real CLI process, read through a pipe as another program would: complete however slowly it is read,
 * and exact (every value read back into PostgreSQL equals the stored one).
 */
const s = testSettings();
const env = { DATABASE_URL: s.databaseUrl, HWSWEEP_READER_URL: '' };
const SWEEP = 'output-probe';
const TRIALS = 300;
let admin: pg.Client;

/** Tricky values, one per row and column type; `j` is `json` (its exact text is kept), `nj` is JSON null, not SQL NULL. */
const PROBE_ROWS = `
  (1, 'plain', 1.5, 1.5, 1, '2026-12-02 04:22:07.123456+00', '{"a": [1, 2.50], "b": "x\\ny"}', true),
  (2, '', 1e-300, 12345678901234567890.123456789, 9223372036854775807, '1999-01-01 00:00:00+00', '[]', false),
  (3, null, 4492512.53, 'NaN', -9223372036854775808, 'infinity', 'null', null),
  (4, 'comma, "quote"' || chr(10) || 'newline' || chr(13) || chr(10) || 'crlf', 'NaN', 0.1, 0, '-infinity', null, true),
  (5, 'ünïcödé 漢字 🚀 ' || chr(160), '-Infinity', -0.000000000000000000001, null, '2000-02-29 23:59:59.999999+00', '{"k": 1e400}', false),
  (6, 'NULL', 5e-324, 1e20, 42, null, '"str"', true),
  (7, '\\N', 1.7976931348623157e308, 0, 7, '2026-01-01 00:00:00.5+00', '{}', false),
  (8, ' spaced ', '-0', -1.5, -1, '1970-01-01 00:00:00+00', '1', true),
  (9, '"', 0.30000000000000004, 3.14159265358979323846264338327950288, 3, '2026-12-02 04:22:07+00', '[1,2]', false)`;

async function roundTrips(rows: (string | null)[][]): Promise<void> {
  expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  for (const r of rows) {
    // Each value read back with its column's type must equal the stored one (NaN = NaN in PostgreSQL).
    const q = await admin.query<Record<string, boolean>>(
      `select t is not distinct from $2::text as t, f is not distinct from $3::float8 as f, n is not distinct from $4::numeric as n,
              i is not distinct from $5::int8 as i, ts is not distinct from $6::timestamptz as ts,
              j::text is not distinct from $7::text as j, b is not distinct from $8::bool as b
       from output_probe where id = $1::int`,
      r,
    );
    expect(q.rows[0], `row ${r[0]}: ${JSON.stringify(r)}`).toEqual({ t: true, f: true, n: true, i: true, ts: true, j: true, b: true });
  }
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: s.databaseUrl });
  await admin.connect();
  await admin.query(`drop table if exists output_probe`);
  await admin.query(`create table output_probe (id int primary key, t text, f float8, n numeric, i int8, ts timestamptz, j json, b bool)`);
  await admin.query(`insert into output_probe values ${PROBE_ROWS}`);
  // A sweep of TRIALS trials x 2 accelerators, for `results` (its JSON is several hundred KB).
  await admin.query(`delete from sweeps where id = $1`, [SWEEP]);
  await admin.query(`insert into sweeps (id, name, spec, spec_hash, workflow_id, status, trial_count, updated_at)
    values ($1, 'probe', '{}', 'h', 'sweep/' || $1, 'COMPLETED', $2, now())`, [SWEEP, TRIALS]);
  await admin.query(
    `insert into trials (id, sweep_id, number, config_hash, baseline_key, label, model, dataset, method, prune_ratio, weight_bits,
       activation_bits, threshold, rounding, lr_rule, retrain_epochs, seed, config, status, accuracy, baseline_accuracy, achieved_ratio,
       compression_ratio, error, updated_at)
     select $1 || '/trial-' || g, $1, g, 'c' || g, 'b', case when g = 2 then 'quote " comma, newline' || chr(10) || 'x' else 'trial ' || g end,
       'lenet5', 'synthetic', 'magnitude', 0.5, 8, 8, 'max', 'nearest', 'A', 1, 0, '{}', 'COMPLETED',
       0.8 + g * 1e-9, 0.85, 0.5, 4492512.53 + g, case when g = 3 then 'boom, "bad"' end, now()
     from generate_series(1, $2::int) g`,
    [SWEEP, TRIALS],
  );
  await admin.query(
    `insert into simulations (trial_id, accelerator, hardware_hash, hardware, total_cycles, speedup, energy_pj, totals)
     select t.id, a, a || '-hash', '{}', 1000 + t.number, 1 + t.number / 7.0 + (a = 'zhu-array')::int, 4492512.53, '{}'
     from trials t, unnest(array['kang-cx', 'zhu-array']) a where t.sweep_id = $1`,
    [SWEEP],
  );
  await migrate(s.databaseUrl); // grants the reader SELECT on output_probe
});

afterAll(async () => {
  await admin.query(`drop table if exists output_probe`);
  await admin.query(`delete from sweeps where id = $1`, [SWEEP]);
  await admin.end();
});

const parseCsv = (text: string): (string | null)[][] =>
  parse(text, { cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value) }) as (string | null)[][];

describe('sql output is exact in every machine format', () => {
  it('CSV read by a real CSV parser round-trips every value, NULL distinct from the empty string', async () => {
    const r = await runCli(['sql', 'select * from output_probe order by id', '--format', 'csv'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['id', 't', 'f', 'n', 'i', 'ts', 'j', 'b']);
    expect(rows[2]![1]).toBe(''); // the empty string…
    expect(rows[3]![1]).toBeNull(); // …and NULL stay apart
    expect(r.stdout).toContain('4492512.53');
    await roundTrips(rows.slice(1));
  });

  it('JSON and NDJSON round-trip every value; integers beyond 2^53 keep every digit', async () => {
    const [json, ndjson] = await Promise.all([
      runCli(['sql', 'select * from output_probe order by id', '--json'], { env }),
      runCli(['sql', 'select * from output_probe order by id', '--format', 'ndjson'], { env }),
    ]);
    expect([json.code, ndjson.code, json.stderr, ndjson.stderr]).toEqual([0, 0, '', '']);
    const lines = ndjson.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    const objects = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(lines.map((l) => JSON.parse(l))).toEqual(objects);
    expect(json.stdout).toContain('"i":9223372036854775807');
    expect(json.stdout).toContain('"n":12345678901234567890.123456789');
    expect(objects[2]).toMatchObject({ t: null, n: 'NaN', j: null, b: null });
    expect(objects[1]).toMatchObject({ t: '', f: 1e-300, b: false });
    // json columns are embedded as JSON values: compare them as values (JSON null and SQL NULL both print `null`).
    const storedJson = (await admin.query<{ j: string | null }>('select j::text as j from output_probe order by id')).rows.map((x) => x.j);
    expect(objects.map((o) => o['j'])).toEqual(storedJson.map((j) => (j === null ? null : JSON.parse(j))));
    expect(json.stdout).toContain('"j":{"k": 1e400}'); // json text embedded verbatim
    // Everything else back to text for the round trip (numbers through JS's shortest exact form), except the
    // int8 / numeric values beyond doubles, whose every digit was checked on the text above.
    const beyondDoubles: Record<string, [number, string]> = { '2': [3, '12345678901234567890.123456789'], '9': [3, '3.14159265358979323846264338327950288'] };
    const back = objects.map((o, i) => {
      const row = ['id', 't', 'f', 'n', 'i', 'ts', 'j', 'b'].map((k) => (o[k] === null ? null : String(o[k])));
      row[6] = storedJson[i]!;
      const big = beyondDoubles[row[0]!];
      if (big) row[big[0]] = big[1];
      if (row[0] === '2') row[4] = '9223372036854775807';
      if (row[0] === '3') row[4] = '-9223372036854775808';
      return row;
    });
    await roundTrips(back);
    expect(json.stdout).toContain('"i":-9223372036854775808');
  });

  it('a table rounds for display and says so; machine formats never do', async () => {
    const r = await runCli(['sql', 'select 4492512.53::float8 as e, 0.123456789::float8 as a'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4492512.53');
    expect(r.stdout).toContain('0.1235');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('(1 row; numbers rounded for display: --format csv or json prints exact values)');
  });
});

describe('output through a pipe is complete', () => {
  it('20,000 CSV lines through a slow reader arrive whole, with exit code 0', async () => {
    const r = await runCli(['sql', "select g, repeat('x', 50) as pad from generate_series(1, 20000) g", '--csv'], { env, slowMs: 40 });
    expect([r.code, r.signal, r.stderr]).toEqual([0, null, '']);
    const lines = r.stdout.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(20_002);
    expect(lines[0]).toBe('g,pad');
    for (let g = 1; g <= 20_000; g++) if (lines[g] !== `${g},${'x'.repeat(50)}`) expect.fail(`line ${g + 1}: ${lines[g]}`);
  });

  it('results --json of a 300-trial sweep through a slow reader parses, one object per trial with its simulations', async () => {
    const r = await runCli(['results', SWEEP, '--json'], { env, slowMs: 40 });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.length).toBeGreaterThan(200_000);
    const trials = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(trials).toHaveLength(TRIALS);
    const stored = await admin.query<{ id: string; accelerator: string; speedup: number; compression_ratio: number; label: string }>(
      `select t.id, s.accelerator, s.speedup, t.compression_ratio, t.label from trials t join simulations s on s.trial_id = t.id
       where t.sweep_id = $1 order by t.number, s.accelerator`,
      [SWEEP],
    );
    expect(trials.map((t) => t['number'])).toEqual(Array.from({ length: TRIALS }, (_, i) => i + 1));
    for (const [i, t] of trials.entries()) {
      const sims = t['simulations'] as Record<string, unknown>[];
      const want = stored.rows.slice(2 * i, 2 * i + 2);
      expect(t['id']).toBe(want[0]!.id);
      expect(t['label']).toBe(want[0]!.label);
      expect(t['compression_ratio']).toBe(want[0]!.compression_ratio);
      expect(sims.map((x) => [x['accelerator'], x['speedup']])).toEqual(want.map((w) => [w.accelerator, w.speedup]));
      expect(Object.keys(sims[0]!)).toEqual(expect.arrayContaining(['id', 'accelerator', 'hardware_hash', 'total_cycles', 'speedup', 'energy_pj']));
      expect(sims[0]).not.toHaveProperty('trial_id');
      expect(sims[0]).not.toHaveProperty('hardware'); // JSON blobs: `hwsweep sql` has them
    }
    expect(Object.keys(trials[0]!)).toEqual(expect.arrayContaining(['id', 'sweep_id', 'number', 'label', 'status', 'accuracy', 'error', 'simulations']));
    expect(trials[0]).not.toHaveProperty('#');
    expect(trials[2]!['error']).toBe('boom, "bad"');
  });

  it('results as CSV (one row per trial x accelerator), NDJSON and a table agree', async () => {
    const [csv, ndjson, table] = await Promise.all([
      runCli(['results', SWEEP, '--format', 'csv'], { env }),
      runCli(['results', SWEEP, '--format', 'ndjson'], { env }),
      runCli(['results', SWEEP], { env }),
    ]);
    expect([csv.code, ndjson.code, table.code]).toEqual([0, 0, 0]);
    const rows = parseCsv(csv.stdout);
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['id', 'sweep_id', 'sweep_name']);
    expect(header).toEqual(expect.arrayContaining(['simulation_id', 'accelerator', 'speedup', 'energy_pj']));
    expect(rows).toHaveLength(1 + 2 * TRIALS);
    const col = (name: string) => header.indexOf(name);
    expect(rows[3]![col('label')]).toBe('quote " comma, newline\nx');
    expect(rows[1]![col('energy_pj')]).toBe('4492512.53');
    const objects = ndjson.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects).toHaveLength(TRIALS);
    expect(objects.flatMap((o) => (o['simulations'] as Record<string, unknown>[]).map((x) => String(x['speedup'])))).toEqual(
      rows.slice(1).map((r) => r[col('speedup')]),
    );
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^number\s+label\s+status\s+.*speedup\[kang-cx\]\s+speedup\[zhu-array\]\s+error$/);
    expect(lines).toHaveLength(2 + TRIALS + 1);
    expect(lines.at(-1)).toMatch(/^\(300 rows; numbers rounded for display/);
  });

  it('a command that prints more than a pipe holds in one write exits only once a stalled reader has it all', async () => {
    // simulate --json prints its report with one write; 3 x ResNet-50's layers make it ~150 KB, twice a pipe's buffer.
    const rows = readFileSync('test/fixtures/accel/resnet50.csv', 'utf8').trimEnd().split('\n');
    const layers = [0, 1, 2].flatMap((k) => rows.slice(1).map((r) => r.replace(/^([^,]+),/, `$1_${k},`)));
    const dir = mkdtempSync(join(tmpdir(), 'hwsweep-output-'));
    writeFileSync(join(dir, 'net.csv'), [rows[0], ...layers].join('\n'));
    try {
      const r = await runCli(['simulate', '--topology', join(dir, 'net.csv'), '--config', 'kang-cx', '--json'], { env, stallMs: 3000 });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout.length).toBeGreaterThan(128 * 1024);
      const report = JSON.parse(r.stdout) as { layers: unknown[] };
      expect(report.layers).toHaveLength(layers.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reader that stops early (| head) ends the command quietly with exit code 141', async () => {
    const t0 = Date.now();
    const r = await runCli(['sql', 'select g from generate_series(1, 5000000) g', '--csv', '--timeout', '60000'], { env, closeAfterBytes: 1 });
    expect(r.stdout.startsWith('g\n')).toBe(true);
    expect([r.code, r.stderr]).toEqual([141, '']);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('an unknown sweep is an error on stderr, nothing on stdout, exit code 2', async () => {
    const r = await runCli(['results', 'no-such-sweep', '--json'], { env });
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('✖ no trials for sweep no-such-sweep');
  });
});
