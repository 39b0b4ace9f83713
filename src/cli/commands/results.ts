import { Command, Option } from 'commander';
import { HwsweepError } from '../../errors.js';
import { DEFAULT_TIMEOUT_MS, fieldKind, readOnlyQuery, streamReadOnlyQuery, type RawRow, type ReadOnlyField, type ReadOnlySink, type ReadOnlySummary } from '../../store/read-only.js';
import { OUTPUT_FORMATS, csvRecord, jsonKeys, jsonObject, rawTable, uniqueNames, type OutputFormat } from '../format.js';
import { note, writeOut } from '../output.js';
import { integerArg } from '../args.js';

/** @deprecated import it from src/store/read-only.ts (kept so existing callers keep working while they switch). */
export { readOnlyQuery } from '../../store/read-only.js';

/** Rows a table holds in memory unless `--limit` says otherwise; machine formats stream without a limit. */
export const TABLE_ROW_LIMIT = 10_000;

interface FormatFlags {
  format?: OutputFormat;
  json?: boolean;
  csv?: boolean;
}

/** `--format`, with `--json` / `--csv` as aliases (at most one of the three). */
function formatOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format (machine formats print exact values)').choices(OUTPUT_FORMATS))
    .addOption(new Option('--json', 'same as --format json').conflicts(['format', 'csv']))
    .addOption(new Option('--csv', 'same as --format csv').conflicts(['format', 'json']));
}

function chosenFormat(f: FormatFlags): OutputFormat {
  return f.format ?? (f.json ? 'json' : f.csv ? 'csv' : 'table');
}

const FORMAT_HELP = `
Output formats (docs/sql.md): table (aligned, numbers may be rounded for display, and then it says so),
csv (RFC 4180 quoting; NULL = empty unquoted field, empty string = ""), json (one array), ndjson (one object per
line). Machine formats print every value exactly: floats as the shortest text that reads back to the same double,
int8/numeric with all their digits, timestamps as ISO 8601 UTC with microseconds.`;

export function sqlCommand(): Command {
  return formatOptions(
    new Command('sql')
      .description('run one read-only query over the results (as the reader role; docs/sql.md)')
      .argument('<query>', 'one SELECT (or WITH … SELECT, VALUES, TABLE)'),
  )
    .option('--limit <rows>', `stop after this many rows; 0 = no limit (default: ${TABLE_ROW_LIMIT} for tables, none otherwise)`, integerArg('--limit', 0))
    .option('--timeout <ms>', 'server time the query may use, in ms', integerArg('--timeout', 1), 30_000)
    .addHelpText(
      'after',
      `${FORMAT_HELP}

Examples:
  $ hwsweep sql "select method, weight_bits, max(accuracy) from trials group by 1, 2 order by 1, 2"
  $ hwsweep sql "select * from pareto_accuracy_speedup where accelerator = 'kang-cx'" --format json
  $ hwsweep sql "select * from trial_simulations" --csv > sims.csv`,
    )
    .action(async (query: string, opts: FormatFlags & { limit?: number; timeout: number }) => {
      const format = chosenFormat(opts);
      const limit = opts.limit ?? (format === 'table' ? TABLE_ROW_LIMIT : 0);
      await printRows((sink) => streamReadOnlyQuery(query, sink, { timeoutMs: opts.timeout, maxRows: limit }), {
        format,
        limitFlag: `--limit ${limit}`,
      });
    });
}

/** What a command prints rows with: the format, and a run that streams the rows into a sink. */
export interface RowPrintOptions {
  format: OutputFormat;
  /** How the row limit was set, for the truncation note (`--limit 10000`). */
  limitFlag: string;
}

/**
 * Prints a streamed result in `format`: CSV, JSON and NDJSON are written batch by batch as they arrive (constant
 * memory); a table is aligned once all rows are in. A result cut by the row limit says so (table footer; a note on
 * stderr for machine formats).
 */
export async function printRows(run: (sink: ReadOnlySink) => Promise<ReadOnlySummary>, opts: RowPrintOptions): Promise<ReadOnlySummary> {
  const { format } = opts;
  const held: RawRow[] = [];
  let keys: string[] = [];
  let fields: ReadOnlyField[] = [];
  let first = true;
  const summary = await run({
    fields: async (f) => {
      fields = f;
      keys = jsonKeys(f);
      const renamed = uniqueNames(f.map((x) => x.name)).filter((n, i) => n !== f[i]!.name);
      if (format !== 'csv' && format !== 'table' && renamed.length) note(`repeated column names renamed in JSON: ${renamed.join(', ')}`);
      if (format === 'csv') await writeOut(`${csvRecord(f.map((x) => x.name), [])}\n`);
    },
    rows: async (batch) => {
      if (format === 'table') {
        held.push(...batch);
        return;
      }
      const kinds = fields.map((f) => fieldKind(f.typeOid));
      const lines = batch.map((r) => (format === 'csv' ? csvRecord(r, kinds) : jsonObject(keys, fields, r)));
      if (format === 'json') {
        await writeOut(`${first ? '[\n' : ',\n'}${lines.join(',\n')}`);
        first = false;
      } else await writeOut(`${lines.join('\n')}\n`);
    },
  });
  const cut = `stopped after ${summary.rowCount} rows (${opts.limitFlag}); the result has more`;
  if (format === 'table') await writeOut(`${rawTable(summary.fields, held, summary.truncated ? [cut] : [])}\n`);
  else {
    if (format === 'json') await writeOut(first ? '[]\n' : '\n]\n');
    if (summary.truncated) note(cut);
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------------------------
// results

/** Simulation columns left out of `results` (JSON blobs: query them with `hwsweep sql`) or implied by nesting. */
const SIMULATION_OMITTED = new Set(['trial_id']);

interface ResultsQuery {
  sql: string;
  /** Columns of `trial_results`, in order; then the simulation columns (SQL name, and the CSV name). */
  trialColumns: string[];
  simulationColumns: { name: string; csvName: string }[];
}

/**
 * One row per trial × accelerator (a trial without simulations: one row, simulation columns NULL), every column of
 * the `trial_results` view then every scalar column of `simulations`, discovered from the schema so columns that
 * later migrations add appear without a change here.
 */
async function resultsQuery(): Promise<ResultsQuery> {
  const cols = await readOnlyQuery(
    `select table_name as t, column_name as c, data_type as d from information_schema.columns
     where table_schema = current_schema() and table_name in ('trial_results', 'simulations') order by table_name, ordinal_position`,
  );
  const trialColumns = cols.rows.filter((r) => r['t'] === 'trial_results').map((r) => String(r['c']));
  const simulationColumns = cols.rows
    .filter((r) => r['t'] === 'simulations' && !SIMULATION_OMITTED.has(String(r['c'])) && r['d'] !== 'json' && r['d'] !== 'jsonb')
    .map((r) => String(r['c']))
    .map((name) => ({ name, csvName: trialColumns.includes(name) || name === 'simulations' ? `simulation_${name}` : name }));
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const sql = `select ${[...trialColumns.map((c) => `tr.${q(c)}`), ...simulationColumns.map((c) => `s.${q(c.name)} as ${q(c.csvName)}`)].join(', ')}
    from trial_results tr left join simulations s on s.trial_id = tr.id
    where tr.sweep_id = $1 order by tr.number, s.accelerator, s.id`;
  return { sql, trialColumns, simulationColumns };
}

/** Table columns of `results`: the headline numbers, then one speedup column per accelerator. */
const TABLE_COLUMNS = ['number', 'label', 'status', 'achieved_ratio', 'baseline_accuracy', 'retrained_accuracy', 'accuracy', 'compression_ratio'];

/**
 * Prints a sweep's results. JSON / NDJSON: one object per trial, keys as the `trial_results` columns (`id` is the
 * trial id) plus `simulations: [{ id, accelerator, speedup, … }]` (one object per accelerator, keys as the
 * `simulations` columns). CSV: one row per trial × accelerator. Table: one row per trial with `speedup[<accelerator>]`.
 */
export async function printResults(sweepId: string, format: OutputFormat): Promise<void> {
  const exists = await readOnlyQuery('select exists (select 1 from trials where sweep_id = $1) as e', DEFAULT_TIMEOUT_MS, [sweepId]);
  if (exists.rows[0]?.['e'] !== true) {
    throw new HwsweepError('INVALID_ARGUMENT', `no trials for sweep ${sweepId}`, { hint: 'list sweeps with `hwsweep status`' });
  }
  const rq = await resultsQuery();
  const run = (sink: ReadOnlySink) => streamReadOnlyQuery(rq.sql, sink, { params: [sweepId] });
  if (format === 'csv') {
    await printRows(run, { format, limitFlag: '' });
    return;
  }
  const nTrial = rq.trialColumns.length;
  const idIndex = rq.trialColumns.indexOf('id');
  const trialKeys = rq.trialColumns.map((c) => JSON.stringify(c));
  const simKeys = rq.simulationColumns.map((c) => JSON.stringify(c.name));
  let fields: ReadOnlyField[] = [];
  let trialFields: ReadOnlyField[] = [];
  let simFields: ReadOnlyField[] = [];
  let current: Trial | undefined;
  let trials = 0;
  const held: Trial[] = [];
  const emit = async (t: Trial) => {
    trials++;
    if (format === 'table') return void held.push(t);
    const sims = t.sims.map((s) => jsonObject(simKeys, simFields, s.slice(nTrial))).join(',');
    const line = jsonObject(trialKeys, trialFields, t.trial, `"simulations":[${sims}]`);
    await writeOut(format === 'json' ? `${trials === 1 ? '[\n' : ',\n'}${line}` : `${line}\n`);
  };
  await run({
    fields: (f) => {
      fields = f;
      trialFields = f.slice(0, nTrial);
      simFields = f.slice(nTrial);
    },
    rows: async (batch) => {
      for (const row of batch) {
        const id = row[idIndex] ?? '';
        if (current && current.id !== id) await emit(current);
        if (!current || current.id !== id) current = { id, trial: row.slice(0, nTrial), sims: [] };
        if (row.slice(nTrial).some((v) => v !== null)) current.sims.push(row);
      }
    },
  });
  if (current) await emit(current);
  if (format === 'json') await writeOut(trials === 0 ? '[]\n' : '\n]\n');
  if (format === 'table') await writeOut(`${resultsTable(fields, rq, held)}\n`);
}

/** One trial's row and its simulation rows (full joined rows; simulation columns start at the trial column count). */
interface Trial {
  id: string;
  trial: RawRow;
  sims: RawRow[];
}

function resultsTable(fields: ReadOnlyField[], rq: ResultsQuery, trials: Trial[]): string {
  const nTrial = rq.trialColumns.length;
  const pos = (name: string) => rq.trialColumns.indexOf(name);
  const accIndex = nTrial + rq.simulationColumns.findIndex((c) => c.name === 'accelerator');
  const speedIndex = nTrial + rq.simulationColumns.findIndex((c) => c.name === 'speedup');
  const accelerators = [...new Set(trials.flatMap((t) => t.sims.map((s) => s[accIndex] ?? '')))].sort();
  const hasError = trials.some((t) => t.trial[pos('error')] != null);
  const trialCols = TABLE_COLUMNS.filter((c) => pos(c) >= 0);
  const outFields: ReadOnlyField[] = [
    ...trialCols.map((c) => fields[pos(c)]!),
    ...accelerators.map((a) => ({ name: `speedup[${a}]`, typeOid: fields[speedIndex]!.typeOid })),
    ...(hasError ? [fields[pos('error')]!] : []),
  ];
  const rows = trials.map(({ trial, sims }) => [
    ...trialCols.map((c) => trial[pos(c)] ?? null),
    ...accelerators.map((a) => sims.find((s) => s[accIndex] === a)?.[speedIndex] ?? null),
    // Error messages can be long: the table shows their first line, `--format json` has them whole.
    ...(hasError ? [trial[pos('error')]?.split('\n')[0]?.slice(0, 120) ?? null] : []),
  ]);
  return rawTable(outFields, rows);
}

export function resultsCommand(): Command {
  return formatOptions(
    new Command('results')
      .description("a sweep's trials: configuration, accuracies, compression and simulated speedups per accelerator")
      .argument('<sweep-id>'),
  )
    .addHelpText(
      'after',
      `
JSON / NDJSON: one object per trial, keys as the trial_results view's columns ("id" is the trial id), with
"simulations": [{"id", "accelerator", "speedup", …}] holding one object per accelerator (keys as the simulations
table's columns). CSV: one row per trial × accelerator (a trial without simulations: one row with those columns
empty). Table: one row per trial with a speedup[<accelerator>] column per accelerator.
${FORMAT_HELP}

Examples:
  $ hwsweep results demo-20261121T120000-ab12
  $ hwsweep results demo-20261121T120000-ab12 --format csv > demo.csv
  $ hwsweep results demo-20261121T120000-ab12 --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"`,
    )
    .action(async (id: string, opts: FormatFlags) => {
      await printResults(id, chosenFormat(opts));
    });
}
