/**
 * Orchestration overhead: end-to-end no-op trials per second through Temporal + PostgreSQL at maxParallel 1, 10
 * and 100 (each trial = child workflow + startTrial and finishTrial activities with their DB writes), and metric
 * ingestion rows per second (bulk `recordEpochs` vs one upsert per row, the baseline).
 *
 *   npm run bench:orchestration            # table
 *   npm run bench:orchestration -- --json  # one JSON object on stdout
 */
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

const json = process.argv.includes('--json');
const log = (m: string) => (json ? process.stderr.write(`${m}\n`) : console.log(m));

installRuntime('ERROR');
const base = await servicesUp(loadSettings(), log);
const admin = new pg.Client({ connectionString: base.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
await admin.connect();
await admin.query('drop database if exists hwsweep_bench with (force)');
await admin.query('create database hwsweep_bench');
await admin.end();
const settings = { ...base, databaseUrl: base.databaseUrl.replace(/\/[^/]+$/, '/hwsweep_bench') };
await migrate(settings.databaseUrl);
const db = createDb(settings.databaseUrl, { poolSize: 20 });
const connection = await Connection.connect(temporalConnectionOptions(settings));
const client = new Client({ connection, namespace: settings.temporalNamespace });
const pool = await startWorkers({ settings, deps: { db }, queues: ['orchestration'] });
const ctx = { settings, db, client, connection, close: async () => {} };

async function noopTrialsPerSecond(maxParallel: number, trials: number): Promise<number> {
  const ratios = Array.from({ length: trials }, (_, i) => Number(((i + 1) / (trials + 1)).toFixed(6)));
  const spec = parseSpecObject({ name: `bench-p${maxParallel}`, models: ['lenet5'], datasets: ['synthetic'], pruning: { methods: ['magnitude'], ratios } });
  const t0 = performance.now();
  const l = await launchSweep(ctx, spec, { dryRun: true, maxParallel });
  await client.workflow.getHandle(sweepWorkflowId(l.sweepId)).result();
  const s = (performance.now() - t0) / 1000;
  const done = await db.trial.count({ where: { sweepId: l.sweepId, status: 'COMPLETED' } });
  if (done !== trials) throw new Error(`only ${done}/${trials} trials completed`);
  return trials / s;
}

const rows: Record<string, string | number>[] = [];
const result: Record<string, number> = {};
for (const [p, n] of [
  [1, 20],
  [10, 100],
  [100, 400],
] as const) {
  const rate = await noopTrialsPerSecond(p, n);
  result[`noop_trials_per_s_p${p}`] = rate;
  rows.push({ measurement: `no-op trials, maxParallel ${p} (${n} trials)`, value: rate.toFixed(1), unit: 'trials/s' });
  log(`maxParallel ${p}: ${rate.toFixed(1)} trials/s`);
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
