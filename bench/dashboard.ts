/**
 * Dashboard at scale: a 10,000-trial sweep's page in headless Chromium (wall time from navigation until every chart
 * has rendered and the trial table is filled), and each JSON endpoint the page calls (median of 5; bytes of the JSON,
 * and on the wire to a client that accepts gzip, as browsers do).
 *
 *   npm run bench:dashboard                       # table
 *   npm run bench:dashboard -- --trials 20000 --json
 *
 * The sweep is registered through the real activity and store (expandSpec → TrialStore.registerSweep: 10,000 typed
 * trial rows); its results are then filled in bulk with synthetic, seeded values (accuracy, model size, and two
 * accelerators' simulations per trial), as a dry run has none. Uses a database `hwsweep_bench_dashboard` on the
 * embedded PostgreSQL of HWSWEEP_* (started if down; left running).
 */
import { get as httpGet } from 'node:http';
import { chromium } from 'playwright-core';
import pg from 'pg';
import { createSweepActivities } from '../activities/sweep.js';
import { startDashboard } from '../src/dashboard/server.js';
import { loadSettings, servicesUp } from '../src/services/index.js';
import { parseSpecObject } from '../src/spec/index.js';
import { createDb } from '../src/store/db.js';
import { integerArg } from '../src/cli/args.js';
import { migrate } from '../src/store/migrate.js';
import { createPrismaTrialStore } from '../src/store/prisma-store.js';
import { median, progressLog } from './report.js';

const json = process.argv.includes('--json');
const trialsAt = process.argv.indexOf('--trials');
const TRIALS = trialsAt > 0 ? integerArg('--trials', 1)(process.argv[trialsAt + 1] ?? '') : 10_000;
const log = progressLog(json);

const base = await servicesUp(loadSettings(), log);
const admin = new pg.Client({ connectionString: base.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
await admin.connect();
// --reuse keeps a database an earlier run filled (saves the 30 s of registration when only the page changed).
const reuse = process.argv.includes('--reuse') && (await admin.query(`select 1 from pg_database where datname = 'hwsweep_bench_dashboard'`)).rowCount === 1;
if (!reuse) {
  await admin.query('drop database if exists hwsweep_bench_dashboard with (force)');
  await admin.query('create database hwsweep_bench_dashboard');
}
await admin.end();
const databaseUrl = base.databaseUrl.replace(/\/[^/]+$/, '/hwsweep_bench_dashboard');
await migrate(databaseUrl);
process.env['DATABASE_URL'] = databaseUrl; // the dashboard reads this database through its read-only role

// 4 weight widths × 5 seeds × n ratios = TRIALS (magnitude pruning: every ratio is a distinct trial)
const ratioCount = Math.ceil(TRIALS / 20);
const ratios = Array.from({ length: ratioCount }, (_, i) => Number((0.05 + (0.9 * i) / ratioCount).toFixed(6)));
const spec = parseSpecObject({
  name: 'bench-dashboard',
  models: ['lenet5'],
  datasets: ['synthetic'],
  pruning: { methods: ['magnitude'], ratios },
  quantization: { weightBits: [2, 4, 6, 8], activationBits: [8] },
  seeds: [0, 1, 2, 3, 4],
  accelerators: ['kang-cx', 'zhu-array'],
});
const db = createDb(databaseUrl);
const sweepId = `bench-dashboard-${TRIALS}`;
let t0 = performance.now();
const sql = new pg.Client({ connectionString: databaseUrl });
await sql.connect();
const reg = reuse ? { total: Number((await sql.query<{ n: string }>('select count(*) as n from trials where sweep_id = $1', [sweepId])).rows[0]!.n) } : await createSweepActivities(createPrismaTrialStore(db)).registerSweep({ sweepId, workflowId: `sweep/${sweepId}`, spec });
log(`registered ${reg.total} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
t0 = performance.now();
// Synthetic results: a deterministic hash of the trial number drives accuracy; size follows ratio and bits.
if (!reuse) await sql.query(
  `update trials set status = 'COMPLETED', baseline_accuracy = 0.9,
     accuracy = 0.9 - 0.25 * coalesce(prune_ratio, 0) * (9 - weight_bits) / 7 - 0.02 * ((number * 2654435761::bigint) % 1000) / 1000.0,
     model_bytes = 61706 * (1 - coalesce(prune_ratio, 0)) * weight_bits / 32.0 + 64, compression_ratio = 32.0 / weight_bits / (1 - coalesce(prune_ratio, 0)),
     achieved_ratio = prune_ratio, finished_at = now() where sweep_id = $1`,
  [sweepId],
);
if (!reuse) await sql.query(`update trials set accuracy_drop = baseline_accuracy - accuracy where sweep_id = $1`, [sweepId]);
if (!reuse) await sql.query(
  `insert into simulations (trial_id, accelerator, hardware_hash, hardware, total_cycles, speedup, totals)
   select t.id, a.name, a.name, to_jsonb(a.name), 1e6 / s.speedup, s.speedup, '{}'::jsonb
   from trials t cross join (values ('kang-cx', 1.0), ('zhu-array', 0.8)) as a(name, k)
   cross join lateral (select a.k / (1 - 0.9 * coalesce(t.prune_ratio, 0)) * 8.0 / t.weight_bits as speedup) s
   where t.sweep_id = $1`,
  [sweepId],
);
await sql.query(`update sweeps set status = 'COMPLETED', finished_at = now() where id = $1`, [sweepId]);
await sql.query('analyze');
log(`filled results in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const dash = await startDashboard({ port: 0 });
const rows: { measurement: string; ms: number; bytes?: number; gzipBytes?: number }[] = [];
/** Bytes on the wire when the client accepts gzip, as a browser does (fetch() would hide them: it decodes). */
const gzipBytes = (url: string): Promise<number> =>
  new Promise((resolve, reject) =>
    httpGet(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length)).on('end', () => resolve(n));
    }).on('error', reject),
  );
const api = `${dash.url}api/sweeps/${encodeURIComponent(sweepId)}`;
for (const [name, url] of [
  ['summary', api],
  ['points (all trials)', `${api}/points`],
  ['marginals', `${api}/marginals`],
  ['trials page 1 (50 rows)', `${api}/trials?page=0&size=50`],
  ['trials sorted by speedup, page 100', `${api}/trials?sort=speedup:kang-cx&desc=1&page=100&size=50`],
  ['trials filtered (weight_bits=4)', `${api}/trials?f.weight_bits=4`],
] as const) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    const r = await fetch(url);
    bytes = (await r.arrayBuffer()).byteLength;
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    times.push(performance.now() - s);
  }
  rows.push({ measurement: `GET ${name}`, ms: median(times), bytes, gzipBytes: await gzipBytes(url) });
}

const browser = await chromium.launch({
  executablePath: process.env['HWSWEEP_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const loads: number[] = [];
const phases: Record<string, number>[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const charts = 5; // pareto × 2 accelerators, pareto size, parallel, marginals
  for (let i = 0; i < 4; i++) {
    await page.goto('about:blank');
    const s = performance.now();
    await page.goto(`${dash.url}#/sweep/${encodeURIComponent(sweepId)}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-chart][data-marks]').length >= n && document.querySelectorAll('#trials tbody tr').length > 0, charts, { timeout: 60_000 });
    loads.push(performance.now() - s);
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    phases.push(marks);
  }
  rows.push({ measurement: `sweep page in Chromium, ${reg.total} trials (median of 3 after a warm-up)`, ms: median(loads.slice(1)) });
  for (const [mark, what] of [['hwsweep:data', 'in the browser: navigation start until the page had its data'], ['hwsweep:charts', 'in the browser: navigation start until every chart was drawn']] as const)
    rows.push({ measurement: `  ${what}`, ms: median(phases.slice(1).map((p) => p[mark] ?? NaN)) });
  for (const mark of Object.keys(phases[1] ?? {}).filter((m) => m.startsWith('hwsweep:chart:')))
    rows.push({ measurement: `  in the browser: navigation start until chart ${mark.slice('hwsweep:chart:'.length)} was drawn`, ms: median(phases.slice(1).map((p) => p[mark] ?? NaN)) });
} finally {
  await browser.close();
  await dash.close();
  await sql.end();
  await db.$disconnect();
}

const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
if (json) console.log(JSON.stringify({ trials: reg.total, load_average_1m: Number(load), results: rows }));
else {
  console.log(`\nDashboard with ${reg.total} trials (target: sweep page < 2000 ms); 1-minute load average ${load} on ${(await import('node:os')).availableParallelism()} cores`);
  const w = Math.max(...rows.map((r) => r.measurement.length));
  const cell = (n: number | undefined) => (n === undefined ? '' : String(n)).padStart(10);
  console.log(`${'measurement'.padEnd(w)}  ${'ms'.padStart(8)}  ${'bytes'.padStart(10)}  ${'gzip bytes'.padStart(10)}`);
  for (const r of rows) console.log(`${r.measurement.padEnd(w)}  ${r.ms.toFixed(0).padStart(8)}  ${cell(r.bytes)}  ${cell(r.gzipBytes)}`);
}
