/**
 * The dashboard's reads: every query runs through the read-only role (src/store/read-only.ts), aggregates in
 * PostgreSQL and returns only what a page draws (one page of the trial table, per-value means, compact points).
 * Column names that come from the client (sort, filters) are checked against the columns the schema has.
 */
import { resolveHardware } from '../accel/index.js';
import { HwsweepError } from '../errors.js';
import { RunStatus } from '../generated/prisma/enums.js';
import { loadSettings, workflowUiUrl } from '../services/settings.js';
import { readOnlyQuery, type Value } from '../store/read-only.js';
import type { EpochPoint, LayerCompressionRow, LayerCycles, MarginalRow, TrialPoint } from '../plot/types.js';
import { pointsFromColumns, type TrialPointColumns } from './point-columns.js';

type Row = Record<string, Value>;

const TIMEOUT_MS = 30_000;
const q = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await readOnlyQuery(sql, TIMEOUT_MS, params, { maxRows: 0 })).rows;
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const toNum = (v: Value): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Columns of `trials` that are results or bookkeeping, never swept axes. Every other column is a candidate axis and
 * is shown when it takes more than one value within the sweep, so axes added by later migrations appear unasked.
 */
export const NOT_AXES: ReadonlySet<string> = new Set([
  'id', 'sweep_id', 'number', 'config_hash', 'baseline_key', 'label', 'config', 'status', 'attempt', 'phase',
  'activity_attempt', 'error', 'error_type', 'baseline_accuracy', 'pruned_accuracy', 'retrained_accuracy',
  'accuracy', 'accuracy_drop', 'achieved_ratio', 'weights_kept', 'weights_total', 'model_bytes', 'compression_ratio',
  'duration_ms', 'started_at', 'finished_at', 'created_at', 'updated_at', 'nominal_ratio', 'reused_from',
]);

/** Outcome columns of `trials` the trial table shows and sorts by. */
export const TRIAL_RESULT_COLUMNS = ['accuracy', 'baseline_accuracy', 'accuracy_drop', 'achieved_ratio', 'compression_ratio', 'model_bytes'] as const;

/** Speedup factor columns of `simulations`: `speedup`, `compute_speedup` and every `*_factor`, as the schema has them. */
export function isFactorColumn(name: string): boolean {
  return name === 'speedup' || name === 'compute_speedup' || name.endsWith('_factor');
}

interface Schema {
  trialColumns: Set<string>;
  candidateAxes: string[];
  factorColumns: string[];
  /** Columns of `simulations` the trial page lists (every scalar column: cycles, factors, traffic, energy). */
  simulationColumns: string[];
}

/** Columns of `simulations` that are keys or JSON documents, not numbers to list. */
const SIMULATION_HIDDEN: ReadonlySet<string> = new Set(['id', 'trial_id', 'hardware', 'hardware_hash', 'totals']);

let schema: Promise<Schema> | undefined;
/** The columns of `trials` and `simulations`, read once per process. */
export function readSchema(): Promise<Schema> {
  schema ??= (async () => {
    const rows = await q(
      `select table_name, column_name from information_schema.columns
       where table_schema = current_schema() and table_name in ('trials', 'simulations') order by ordinal_position`,
    );
    const of = (t: string) => rows.filter((r) => r['table_name'] === t).map((r) => String(r['column_name']));
    const trialColumns = of('trials');
    return {
      trialColumns: new Set(trialColumns),
      candidateAxes: trialColumns.filter((c) => !NOT_AXES.has(c)),
      factorColumns: of('simulations').filter(isFactorColumn),
      simulationColumns: of('simulations').filter((c) => !SIMULATION_HIDDEN.has(c)),
    };
  })();
  schema.catch(() => (schema = undefined));
  return schema;
}

export interface SweepListRow {
  id: string;
  name: string;
  status: string;
  trialCount: number;
  counts: Record<string, number>;
  createdAt: string;
  finishedAt: string | null;
  temporalUrl: string | null;
}

/** Every sweep and trial status, in the schema's order (`RunStatus`). */
const STATUSES = Object.values(RunStatus);
const countsSql = (alias: string) => STATUSES.map((s) => `count(*) filter (where ${alias}.status = '${s}')::int as "${s}"`).join(', ');

function sweepRow(r: Row): SweepListRow {
  const settings = loadSettings();
  return {
    id: String(r['id']),
    name: String(r['name']),
    status: String(r['status']),
    trialCount: Number(r['trial_count']),
    counts: Object.fromEntries(STATUSES.map((s) => [s, Number(r[s] ?? 0)])),
    createdAt: (r['created_at'] as Date).toISOString(),
    finishedAt: r['finished_at'] ? (r['finished_at'] as Date).toISOString() : null,
    temporalUrl: workflowUiUrl(settings, String(r['workflow_id'])) ?? null,
  };
}

const SWEEP_SELECT = `select s.id, s.name, s.status::text as status, s.trial_count, s.workflow_id, s.created_at, s.finished_at, ${countsSql('t')}
  from sweeps s left join trials t on t.sweep_id = s.id`;

/** Every sweep, newest first, with trial counts per status. */
export async function listSweeps(): Promise<SweepListRow[]> {
  return (await q(`${SWEEP_SELECT} group by s.id order by s.created_at desc`)).map(sweepRow);
}

export interface SweepSummary extends SweepListRow {
  /** Axes that vary within the sweep, with their values (sorted). */
  axes: { name: string; values: (string | number)[] }[];
  accelerators: string[];
  factorColumns: string[];
}

/** One sweep: counts, the axes that vary (and their values) and the accelerators it was simulated on. */
export async function sweepSummary(id: string): Promise<SweepSummary> {
  const { candidateAxes, factorColumns } = await readSchema();
  // Three independent reads, at once (the summary is on the critical path of every page load).
  const [rows, distinct, acc] = await Promise.all([
    q(`${SWEEP_SELECT} where s.id = $1 group by s.id`, [id]),
    q(`select ${candidateAxes.map((c) => `json_agg(distinct ${ident(c)}) as ${ident(c)}`).join(', ')} from trials where sweep_id = $1`, [id]),
    q(`select distinct s.accelerator from simulations s join trials t on t.id = s.trial_id where t.sweep_id = $1 order by 1`, [id]),
  ]);
  if (!rows[0]) throw new HwsweepError('INVALID_ARGUMENT', `no sweep with id ${id}`, { context: { sweep: id } });
  const axes = candidateAxes
    .map((name) => ({ name, values: ((distinct[0]?.[name] as (string | number | null)[] | null) ?? []).filter((v): v is string | number => v !== null) }))
    .filter((a) => a.values.length > 1)
    .map((a) => ({ name: a.name, values: a.values.sort((x, y) => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)))) }));
  return { ...sweepRow(rows[0]), axes, accelerators: acc.map((r) => String(r['accelerator'])), factorColumns };
}

/** Filters of the sweep page: status and any swept axis (values compared as text). */
export interface TrialFilter {
  status?: string[];
  axes?: Record<string, string[]>;
}

async function whereClause(sweepId: string, f: TrialFilter): Promise<{ sql: string; params: unknown[] }> {
  const { trialColumns } = await readSchema();
  const params: unknown[] = [sweepId];
  const parts = ['t.sweep_id = $1'];
  if (f.status?.length) {
    params.push(f.status);
    parts.push(`t.status::text = any($${params.length})`);
  }
  for (const [axis, values] of Object.entries(f.axes ?? {})) {
    if (!trialColumns.has(axis) || NOT_AXES.has(axis)) throw new HwsweepError('INVALID_ARGUMENT', `filter: "${axis}" is not a swept axis of trials`, { context: { axis } });
    if (!values.length) continue;
    params.push(values);
    parts.push(`t.${ident(axis)}::text = any($${params.length})`);
  }
  return { sql: parts.join(' and '), params };
}

const SPEEDUPS = `(select json_object_agg(s.accelerator, s.speedup) from simulations s where s.trial_id = t.id and s.speedup is not null) as speedups`;

/** A scalar cell of the trial table. */
export type Cell = string | number | boolean | null;

export interface TrialPage {
  total: number;
  /** Trial columns by name, and the speedup per accelerator (absent when not simulated on it). */
  rows: (Record<string, Cell> & { speedups: Record<string, number> })[];
}

/** The most rows one page of the trial table may have (`size`; 0 = every row, for the CSV download). */
export const TRIAL_PAGE_MAX_SIZE = 10_000;

/**
 * One page of a sweep's trials, sorted by `sort` (a trials column, or `speedup:<accelerator>`), with the varying axes,
 * the outcomes and the speedup per accelerator. `size` 0 = every row (CSV download).
 */
export async function trialPage(
  sweepId: string,
  opts: { filter?: TrialFilter; sort?: string; desc?: boolean; page?: number; size?: number; axes: string[] },
): Promise<TrialPage> {
  const { trialColumns } = await readSchema();
  const w = await whereClause(sweepId, opts.filter ?? {});
  const params = [...w.params];
  let order = 't.number';
  const sort = opts.sort ?? 'number';
  if (sort.startsWith('speedup:')) {
    params.push(sort.slice('speedup:'.length));
    order = `(select s.speedup from simulations s where s.trial_id = t.id and s.accelerator = $${params.length})`;
  } else if (trialColumns.has(sort)) order = `t.${ident(sort)}`;
  else throw new HwsweepError('INVALID_ARGUMENT', `sort: unknown column "${sort}"`, { context: { sort } });
  const dir = opts.desc ? 'desc nulls last' : 'asc nulls last';
  const size = opts.size ?? 50;
  const page = opts.page ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > TRIAL_PAGE_MAX_SIZE) throw new HwsweepError('INVALID_ARGUMENT', `size: ${size} is not an integer in [0, ${TRIAL_PAGE_MAX_SIZE}]`, { context: { size } });
  if (!Number.isInteger(page) || page < 0) throw new HwsweepError('INVALID_ARGUMENT', `page: ${page} is not an integer ≥ 0`, { context: { page } });
  const limit = size > 0 ? ` limit ${size} offset ${page * size}` : '';
  const cols = ['t.id', 't.number', 't.label', 't.status::text as status', ...opts.axes.filter((a) => trialColumns.has(a)).map((a) => `t.${ident(a)}`), ...TRIAL_RESULT_COLUMNS.map((c) => `t.${c}`), 't.error'];
  const [rows, total] = await Promise.all([
    q(`select ${cols.join(', ')}, ${SPEEDUPS} from trials t where ${w.sql} order by ${order} ${dir}, t.number${limit}`, params),
    q(`select count(*)::int as n from trials t where ${w.sql}`, w.params),
  ]);
  return { total: Number(total[0]?.['n'] ?? 0), rows: rows.map((r) => ({ ...r, speedups: (r['speedups'] as Record<string, number> | null) ?? {} }) as TrialPage['rows'][number]) };
}

/** What the points of a sweep are made of: its varying axes and the accelerators it was simulated on ({@link sweepSummary}). */
export type SweepShape = Pick<SweepSummary, 'id' | 'axes' | 'accelerators'>;

/**
 * Every (filtered) trial as chart data (Pareto fronts, parallel coordinates) in columns ({@link TrialPointColumns}),
 * as the JSON text PostgreSQL builds: one row, so the server neither parses nor re-serialises 10,000 objects and the
 * cursor is fetched once. Trials in `number` order; a trial simulated twice on one accelerator shows its newest run.
 */
export async function trialPointColumnsJson(sweep: SweepShape, filter: TrialFilter = {}): Promise<string> {
  const { trialColumns } = await readSchema();
  const w = await whereClause(sweep.id, filter);
  const params = [...w.params];
  const param = (v: unknown): string => `$${params.push(v)}::text`;
  const axisCols = sweep.axes.map((a) => a.name).filter((a) => trialColumns.has(a) && !NOT_AXES.has(a));
  const column = (expr: string) => `coalesce(json_agg(${expr} order by tr.number), '[]'::json)`;
  // One column per accelerator (a pivot): a dense array per accelerator, null where the trial has no speedup on it.
  const accs = sweep.accelerators.map((name, i) => ({ name: param(name), col: `a${i}` }));
  const sim = accs.length
    ? `, sim as (
         select s.trial_id, ${accs.map((a) => `(array_agg(s.speedup order by s.id desc) filter (where s.accelerator = ${a.name}))[1] as ${a.col}`).join(', ')}
         from simulations s join tr on tr.id = s.trial_id where s.speedup is not null group by s.trial_id)`
    : '';
  const rows = await q(
    `with tr as (
       select t.id, t.number, t.label, t.status::text as status, t.accuracy, t.model_bytes${axisCols.map((a) => `, t.${ident(a)}`).join('')}
       from trials t where ${w.sql})${sim}
     select json_build_object(
       'id', ${column('tr.id')}, 'number', ${column('tr.number')}, 'label', ${column('tr.label')},
       'status', ${column('tr.status')}, 'accuracy', ${column('tr.accuracy')}, 'modelBytes', ${column('tr.model_bytes')},
       'axes', json_build_object(${axisCols.map((a) => `'${a}', ${column(`tr.${ident(a)}`)}`).join(', ')}),
       'speedup', json_build_object(${accs.map((a) => `${a.name}, ${column(`sim.${a.col}`)}`).join(', ')})
     )::text as columns
     from tr${accs.length ? ' left join sim on sim.trial_id = tr.id' : ''}`,
    params,
  );
  return String(rows[0]?.['columns']);
}

/** Every (filtered) trial as a chart point ({@link trialPointColumnsJson}, decoded): `hwsweep plot`'s data. */
export async function trialPoints(sweep: SweepShape, filter: TrialFilter = {}): Promise<TrialPoint[]> {
  return pointsFromColumns(JSON.parse(await trialPointColumnsJson(sweep, filter)) as TrialPointColumns);
}

/** Numeric axes with more values than this are grouped into this many equal-width bins in the marginals. */
export const MARGINAL_BINS = 12;

/**
 * Per value of each axis: trials, mean and best accuracy of the completed ones (server-side aggregation). A numeric
 * axis with more than {@link MARGINAL_BINS} values is binned (`[lo, hi)` labels, the last bin closed).
 */
export async function marginals(sweepId: string, axes: SweepSummary['axes'], filter: TrialFilter = {}): Promise<MarginalRow[]> {
  const { trialColumns } = await readSchema();
  const cols = axes.filter((a) => trialColumns.has(a.name) && !NOT_AXES.has(a.name));
  if (!cols.length) return [];
  const w = await whereClause(sweepId, filter);
  const group = (a: SweepSummary['axes'][number]): string => {
    const col = `t.${ident(a.name)}`;
    const nums = a.values.filter((v): v is number => typeof v === 'number');
    if (a.values.length <= MARGINAL_BINS || nums.length !== a.values.length) return `${col}::text`;
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    const width = (hi - lo) / MARGINAL_BINS;
    // Bin k covers [lo + k·width, lo + (k+1)·width); width_bucket puts hi in bin MARGINAL_BINS + 1: fold it into the last.
    const k = `least(width_bucket(${col}, ${lo}, ${hi}, ${MARGINAL_BINS}), ${MARGINAL_BINS}) - 1`;
    return `'[' || round((${lo} + (${k}) * ${width})::numeric, 4) || ', ' || round((${lo} + (${k} + 1) * ${width})::numeric, 4) || case when ${k} = ${MARGINAL_BINS - 1} then ']' else ')' end`;
  };
  const rows = await q(
    cols
      .map(
        (a) => `select '${a.name}' as axis, ${group(a)} as value, count(*)::int as trials,
          avg(t.accuracy) filter (where t.status = 'COMPLETED') as mean_accuracy, max(t.accuracy) filter (where t.status = 'COMPLETED') as max_accuracy
        from trials t where ${w.sql} group by 1, 2`,
      )
      .join(' union all ') + ' order by 1, 2',
    w.params,
  );
  const order = new Map(cols.map((c, i) => [c.name, i]));
  return rows
    .map((r) => ({ axis: String(r['axis']), value: String(r['value'] ?? '–'), trials: Number(r['trials']), meanAccuracy: toNum(r['mean_accuracy']), maxAccuracy: toNum(r['max_accuracy']) }))
    .sort((a, b) => order.get(a.axis)! - order.get(b.axis)! || numericFirst(a.value, b.value));
}

function resolvePreset(name: string): Value {
  try {
    return { preset: name, ...resolveHardware(name) } as Value;
  } catch {
    return name; // a preset this version no longer has: show the stored name
  }
}

function numericFirst(a: string, b: string): number {
  const x = Number(a.replace(/^\[/, '').split(',')[0]); // a bin sorts by its lower edge
  const y = Number(b.replace(/^\[/, '').split(',')[0]);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}

export interface TrialDetail {
  trial: Row;
  simulations: Row[];
  epochs: EpochPoint[];
  layers: LayerCompressionRow[];
  layerCycles: LayerCycles[];
  energy: { accelerator: string; computePj: number; sramPj: number; dramPj: number; dramBytes: number }[];
}

/** Everything the trial page draws: the row, its simulations (factor columns, hardware), curves and per-layer data. */
export async function trialDetail(id: string): Promise<TrialDetail> {
  const { simulationColumns } = await readSchema();
  const trials = await q(`select t.*, t.status::text as status from trials t where t.id = $1`, [id]);
  const trial = trials[0];
  if (!trial) throw new HwsweepError('INVALID_ARGUMENT', `no trial with id ${id}`, { context: { trial: id } });
  const [simulations, epochs, layers, layerCycles, energy] = await Promise.all([
    q(
      `select ${simulationColumns.map((c) => `s.${ident(c)}`).join(', ')}, s.hardware from simulations s where s.trial_id = $1 order by s.accelerator`,
      [id],
    ),
    q(
      `select phase, epoch, lr, loss, accuracy, val_loss, val_accuracy from epoch_metrics
       where (owner_id = $2 and phase = 'baseline') or owner_id = $1
          or owner_id in (select stage_key from trial_stages where trial_id = $1 and kind = 'retrained')
       order by phase = 'baseline' desc, phase, epoch`,
      [id, trial['baseline_key']],
    ),
    q(`select layer, layer_index, weights, kept, sparsity, weight_bits, weight_clusters, storage_bits from layer_results where trial_id = $1 order by layer_index`, [id]),
    q(
      `select s.accelerator, ls.layer, ls.layer_index, ls.total_cycles,
         coalesce(ls.compute_cycles, (ls.stats->>'computeCycles')::float8) as compute_cycles,
         coalesce(ls.memory_stall_cycles, (ls.stats->>'memoryStallCycles')::float8) as stall_cycles
       from layer_simulations ls join simulations s on s.id = ls.simulation_id where s.trial_id = $1 order by s.accelerator, ls.layer_index`,
      [id],
    ),
    q(
      `select s.accelerator, sum((ls.stats->'energyPj'->>'compute')::float8) as compute_pj, sum((ls.stats->'energyPj'->>'sram')::float8) as sram_pj,
         sum((ls.stats->'energyPj'->>'dram')::float8) as dram_pj, max(s.dram_bytes) as dram_bytes
       from simulations s left join layer_simulations ls on ls.simulation_id = s.id where s.trial_id = $1 group by s.accelerator order by s.accelerator`,
      [id],
    ),
  ]);
  return {
    trial,
    // A preset is stored by name: show the configuration it stands for (what the simulator ran).
    simulations: simulations.map((s) => ({ ...s, hardware: typeof s['hardware'] === 'string' ? resolvePreset(s['hardware']) : s['hardware'] })),
    epochs: epochs.map((e) => ({
      phase: String(e['phase']),
      epoch: Number(e['epoch']),
      lr: Number(e['lr']),
      loss: toNum(e['loss']),
      accuracy: toNum(e['accuracy']),
      valLoss: toNum(e['val_loss']),
      valAccuracy: toNum(e['val_accuracy']),
    })),
    layers: layers.map((l) => ({
      layer: String(l['layer']),
      layerIndex: Number(l['layer_index']),
      weights: Number(l['weights']),
      kept: Number(l['kept']),
      sparsity: Number(l['sparsity']),
      weightBits: Number(l['weight_bits']),
      weightClusters: toNum(l['weight_clusters']),
      storageBits: Number(l['storage_bits']),
    })),
    layerCycles: layerCycles.map((l) => {
      const total = Number(l['total_cycles']);
      const stall = toNum(l['stall_cycles']) ?? 0;
      return {
        accelerator: String(l['accelerator']),
        layer: String(l['layer']),
        layerIndex: Number(l['layer_index']),
        totalCycles: total,
        memoryStallCycles: stall,
        computeCycles: toNum(l['compute_cycles']) ?? total - stall,
      };
    }),
    energy: energy.map((e) => ({
      accelerator: String(e['accelerator']),
      computePj: toNum(e['compute_pj']) ?? 0,
      sramPj: toNum(e['sram_pj']) ?? 0,
      dramPj: toNum(e['dram_pj']) ?? 0,
      dramBytes: toNum(e['dram_bytes']) ?? 0,
    })),
  };
}
