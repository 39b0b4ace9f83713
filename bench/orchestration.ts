/**
 * Orchestration overhead: end-to-end no-op (dry-run) trials per second through Temporal + PostgreSQL at
 * maxParallel 1, 10 and 100, on both paths a trial can take: ended in its batch start (the sweep workflow's
 * `startTrials` local activity starts, plans and, having nothing to compute, completes it: no trial workflow,
 * as a trial whose stages are all stored) and through a trial workflow (the path of every trial that computes:
 * batch start, then a child workflow that records its end), the same rate for Optuna's RDB storage on the same
 * PostgreSQL when Python can import optuna (the ratios are printed), and metric ingestion rows per second (bulk
 * `recordEpochs` vs one upsert per row, the baseline).
 *
 *   npm run bench:orchestration                                   # table
 *   npm run bench:orchestration -- --json                         # one JSON object on stdout
 *   npm run bench:orchestration -- --python /tmp/venv/bin/python  # Optuna anchor with that interpreter
 *
 * Optuna anchor (Python 3.10+): `python3 -m venv /tmp/venv && /tmp/venv/bin/pip install optuna psycopg2-binary`,
 * then pass `--python /tmp/venv/bin/python` (or set HWSWEEP_PYTHON). Without it the anchor row says why it is missing.
 * Services: the embedded ones of `hwsweep up` (HWSWEEP_PG_PORT etc.), a fresh `hwsweep_bench` database each run.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { launchSweep } from '../src/cli/sweeps.js';
import { loadSettings, servicesUp, temporalConnectionOptions } from '../src/services/index.js';
import { parseSpecObject } from '../src/spec/index.js';
import { createDb } from '../src/store/db.js';
import { recordEpoch, recordEpochs } from '../src/store/metrics.js';
import { migrate } from '../src/store/migrate.js';
import { installRuntime, startWorkers } from '../src/worker.js';
import { Client, Connection } from '@temporalio/client';
import { sweepWorkflowId } from '../src/cli/context.js';
import { progressLog } from './report.js';

const { values: args } = parseArgs({ options: { json: { type: 'boolean' }, python: { type: 'string' } } });
const json = args.json === true;
const log = progressLog(json);

installRuntime('ERROR');
const base = await servicesUp(loadSettings(), log);
const admin = new pg.Client({ connectionString: base.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
await admin.connect();
for (const name of ['hwsweep_bench', 'optuna_bench']) {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
}
await admin.end();
const settings = { ...base, databaseUrl: base.databaseUrl.replace(/\/[^/]+$/, '/hwsweep_bench') };
await migrate(settings.databaseUrl);
const db = createDb(settings.databaseUrl, { poolSize: 20 });
const connection = await Connection.connect(temporalConnectionOptions(settings));
const client = new Client({ connection, namespace: settings.temporalNamespace });
const pool = await startWorkers({ settings, deps: { db }, queues: ['orchestration'] });
const ctx = { settings, db, client, connection, close: async () => {} };

async function noopTrialsPerSecond(maxParallel: number, trials: number, workflows: boolean): Promise<number> {
  const ratios = Array.from({ length: trials }, (_, i) => Number(((i + 1) / (trials + 1)).toFixed(6)));
  const spec = parseSpecObject({ name: `bench-p${maxParallel}${workflows ? '-wf' : ''}`, models: ['lenet5'], datasets: ['synthetic'], pruning: { methods: ['magnitude'], ratios } });
  const t0 = performance.now();
  const l = await launchSweep(ctx, spec, { dryRun: true, maxParallel, ...(workflows ? { dryRunWorkflows: true } : {}) });
  await client.workflow.getHandle(sweepWorkflowId(l.sweepId)).result();
  const s = (performance.now() - t0) / 1000;
  const done = await db.trial.count({ where: { sweepId: l.sweepId, status: 'COMPLETED' } });
  if (done !== trials) throw new Error(`only ${done}/${trials} trials completed`);
  return trials / s;
}

/** Optuna's no-op rate on the same server (bench/orchestration-optuna.py), or why it could not be measured. */
function optunaRate(trials: number): { rate: number; version: string } | { skipped: string } {
  const python = args.python ?? process.env['HWSWEEP_PYTHON'] ?? 'python3';
  const url = base.databaseUrl.replace(/^postgres(ql)?:/, 'postgresql+psycopg2:').replace(/\/[^/]+$/, '/optuna_bench');
  try {
    const out = execFileSync(python, [new URL('./orchestration-optuna.py', import.meta.url).pathname, url, String(trials)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { optuna: string; trials: number; seconds: number };
    return { rate: r.trials / r.seconds, version: r.optuna };
  } catch (err) {
    return { skipped: `${python} cannot run bench/orchestration-optuna.py (${(err as Error).message.split('\n')[0]})` };
  }
}

const rows: Record<string, string | number>[] = [];
const result: Record<string, number> = {};
// Trials per run: enough that launching the sweep (a second or two) is a small part of the time on each path.
const PATHS = [
  { key: '', workflows: false, what: 'no-op trials (ended in their batch start)', runs: [[1, 200], [10, 500], [100, 1000]] },
  { key: '_workflow', workflows: true, what: 'no-op trials through a trial workflow', runs: [[1, 60], [10, 200], [100, 400]] },
] as const;
for (const path of PATHS) {
  for (const [p, n] of path.runs) {
    const rate = await noopTrialsPerSecond(p, n, path.workflows);
    result[`noop_trials_per_s${path.key}_p${p}`] = rate;
    rows.push({ measurement: `${path.what}, maxParallel ${p} (${n} trials)`, value: rate.toFixed(1), unit: 'trials/s' });
    log(`${path.what}, maxParallel ${p}: ${rate.toFixed(1)} trials/s`);
  }
}
const OPTUNA_TRIALS = 300;
const optuna = optunaRate(OPTUNA_TRIALS);
if ('rate' in optuna) {
  result['optuna_noop_trials_per_s'] = optuna.rate;
  rows.push({ measurement: `Optuna ${optuna.version} RDB no-op trials, same PostgreSQL (${OPTUNA_TRIALS} trials, 1 worker)`, value: optuna.rate.toFixed(1), unit: 'trials/s' });
  for (const path of PATHS) {
    for (const p of [1, 100]) {
      const ratio = (result[`noop_trials_per_s${path.key}_p${p}`] as number) / optuna.rate;
      result[`ratio${path.key}_p${p}_vs_optuna`] = ratio;
      rows.push({ measurement: `${path.what}, maxParallel ${p} / Optuna`, value: ratio.toFixed(2), unit: '×' });
    }
  }
  log(`optuna: ${optuna.rate.toFixed(1)} trials/s`);
} else {
  rows.push({ measurement: `Optuna anchor skipped: ${optuna.skipped}`, value: '-', unit: '' });
  log(`optuna anchor skipped: ${optuna.skipped}`);
}

const metric = (i: number) => ({ epoch: i, lr: 0.01, loss: 1 / (i + 1), accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, durationMs: 10 });
let t0 = performance.now();
const SEQ = 1000;
for (let i = 0; i < SEQ; i++) await recordEpoch(db, 'bench-seq', 'retrain', 1, metric(i));
const seqRate = SEQ / ((performance.now() - t0) / 1000);
const BULK = 50_000;
const batch = 5_000;
t0 = performance.now();
for (let o = 0; o < BULK; o += batch) {
  await recordEpochs(db, Array.from({ length: batch }, (_, i) => ({ ownerId: `bench-bulk-${(o + i) % 100}`, phase: 'retrain', attempt: 1, m: metric(Math.floor((o + i) / 100)) })));
}
const bulkRate = BULK / ((performance.now() - t0) / 1000);
if ((await db.epochMetric.count({ where: { ownerId: { startsWith: 'bench-bulk-' } } })) !== BULK) throw new Error('bulk ingest lost rows');
result['metric_rows_per_s'] = bulkRate;
result['metric_rows_per_s_sequential'] = seqRate;
rows.push({ measurement: `metric rows, one upsert each (baseline, ${SEQ} rows)`, value: seqRate.toFixed(0), unit: 'rows/s' });
rows.push({ measurement: `metric rows, bulk recordEpochs (${BULK} rows, batches of ${batch})`, value: bulkRate.toFixed(0), unit: 'rows/s' });
rows.push({ measurement: 'bulk vs baseline', value: (bulkRate / seqRate).toFixed(1), unit: '×' });

await pool.shutdown();
await connection.close();
await db.$disconnect();

if (json) console.log(JSON.stringify(result));
else {
  const w = Math.max(...rows.map((r) => String(r['measurement']).length));
  console.log(`\n${'measurement'.padEnd(w)}  ${'value'.padStart(10)}  unit`);
  for (const r of rows) console.log(`${String(r['measurement']).padEnd(w)}  ${String(r['value']).padStart(10)}  ${r['unit']}`);
}
process.exit(0);
