import { mkdirSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointsFromColumns, type TrialPointColumns } from '../../src/dashboard/point-columns.js';
import type { SweepSummary } from '../../src/dashboard/queries.js';
import { startDashboard, type DashboardServer } from '../../src/dashboard/server.js';
import { writeFigure } from '../../src/plot/figure.js';
import { SweepHarness, tinySpec } from '../helpers/sweep.js';

/** Debian's Chromium (installed by .ci/run), driven by playwright-core, which downloads no browser of its own. */
const CHROMIUM = process.env['HWSWEEP_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = '.vitest-artifacts';

describe('hwsweep dashboard in headless Chromium, on a real sweep', () => {
  const h = new SweepHarness();
  let real = '';
  let dry = '';
  let dash: DashboardServer;
  let browser: Browser;
  let page: Page;
  let db: pg.Client;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await h.open();
    // A real sweep (shared baseline, prune, retrain, quantize, evaluate, simulate on two accelerators) and a dry run.
    real = (await h.launch(tinySpec({ name: 'dash-real' }))).sweepId;
    dry = (await h.launch(tinySpec({ name: 'dash-dry', pruning: { methods: ['magnitude', 'group-balanced'], ratios: [0.5, 0.75], groupSizes: [4], narrowConvs: 'flat' } }), { dryRun: true })).sweepId;
    expect(await h.result(real)).toMatchObject({ completed: 2, failed: 0 });
    expect(await h.result(dry)).toMatchObject({ completed: 4 });
    process.env['DATABASE_URL'] = h.settings.databaseUrl; // the dashboard reads the test database
    dash = await startDashboard({ port: 0 });
    db = new pg.Client({ connectionString: h.settings.databaseUrl });
    await db.connect();
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    await db?.end();
    await h.close();
  });

  const count = async (sql: string, params: unknown[]): Promise<number> => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
  /** Waits for a chart to finish rendering and returns how many data items it drew. */
  const marks = async (chart: string): Promise<number> => {
    const el = page.locator(`[data-chart="${chart}"][data-marks]`);
    await el.waitFor({ timeout: 15_000 });
    return Number(await el.getAttribute('data-marks'));
  };
  const open = async (hash: string) => {
    await page.goto('about:blank'); // a full load each time: a hash change alone would keep the previous page's h1
    await page.goto(`${dash.url}${hash}`);
    await page.locator('main h1').waitFor();
  };

  it('lists both sweeps with their counts and Temporal links', async () => {
    await open('#/');
    const rows = page.locator('#sweeps tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    const text = await page.locator('#sweeps').innerText();
    expect(text).toContain(real);
    expect(text).toContain(dry);
    expect(await page.locator(`#sweeps a[href*="${encodeURIComponent(`sweep/${real}`)}"]`).count()).toBe(1); // Temporal UI link
  });

  it('the sweep page draws the Pareto front per accelerator with one mark per trial and per front point (as the SQL view)', async () => {
    await open(`#/sweep/${encodeURIComponent(real)}`);
    for (const acc of ['kang-cx', 'zhu-array']) {
      const points = await count(`select count(*) as n from trial_simulations where sweep_id = $1 and accelerator = $2 and accuracy is not null and speedup is not null`, [real, acc]);
      const front = await count(`select count(*) as n from pareto_accuracy_speedup where sweep_id = $1 and accelerator = $2`, [real, acc]);
      expect(points).toBe(2);
      expect(await marks(`pareto-${acc}`)).toBe(points + front);
    }
    const sizeFront = await count(`select count(*) as n from pareto_accuracy_size where sweep_id = $1`, [real]);
    expect(await marks('pareto-size')).toBe(2 + sizeFront);
    expect(await marks('parallel')).toBe(2); // method varies: one line per trial
    expect(await page.locator('#trials tbody tr').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-sweep.png'), fullPage: true });
  });

  it('filters by a swept axis and by status, sorts by a column, and downloads the filtered rows as CSV', async () => {
    await open(`#/sweep/${encodeURIComponent(dry)}`);
    await expect.poll(() => page.locator('#trials tbody tr').count()).toBe(4);
    await page.locator('select[data-filter="method"]').selectOption(['group-balanced']);
    await expect.poll(() => page.locator('#page-info').innerText()).toContain('2 trials');
    await expect.poll(() => page.locator('#trials tbody tr').count()).toBe(2);
    for (const label of await page.locator('#trials tbody tr td:nth-child(3)').allInnerTexts()) expect(label).toContain('gbp');
    await page.locator('select[data-filter="status"]').selectOption(['FAILED']);
    await expect.poll(() => page.locator('#page-info').innerText()).toContain('0 trials');
    await page.locator('select[data-filter="status"]').selectOption([]);
    await expect.poll(() => page.locator('#trials tbody tr').count()).toBe(2);

    await page.locator('th[data-sort="prune_ratio"]').click(); // first click: descending
    await expect.poll(() => page.locator('th.sorted').getAttribute('data-sort')).toBe('prune_ratio');
    const ratios = (await page.locator('#trials tbody tr td:nth-child(6)').allInnerTexts()).map(Number);
    expect(ratios).toEqual([0.75, 0.5]);

    const href = await page.locator('#csv').getAttribute('href');
    const body = await (await fetch(new URL(href!, dash.url))).text();
    const lines = body.trim().split('\n');
    expect(lines[0]).toContain('prune_ratio');
    expect(lines).toHaveLength(3); // header + the 2 filtered trials
  });

  it('the trial page draws the training curves, per-layer cycles and stalls per accelerator, energy and the hardware', async () => {
    const best = (await db.query<{ id: string; baseline_key: string }>(`select id, baseline_key from trials where sweep_id = $1 order by accuracy desc limit 1`, [real])).rows[0]!;
    await open(`#/trial/${encodeURIComponent(best.id)}`);
    // 4 lines per phase (loss, accuracy, val accuracy, lr), one point per epoch each.
    const epochs = await count(
      `select count(*) as n from epoch_metrics where (owner_id = $2 and phase = 'baseline')
         or owner_id in (select stage_key from trial_stages where trial_id = $1 and kind = 'retrained')`,
      [best.id, best.baseline_key],
    );
    expect(epochs).toBeGreaterThanOrEqual(3); // 2 baseline + 1 retraining epoch
    expect(await marks('curves')).toBe(4 * epochs);
    // Two stacked bars (compute, memory stall) per layer and accelerator.
    const layerSims = await count(`select count(*) as n from layer_simulations ls join simulations s on s.id = ls.simulation_id where s.trial_id = $1`, [best.id]);
    expect(layerSims).toBeGreaterThan(0);
    expect(await marks('layers')).toBe(2 * layerSims);
    expect(await marks('energy')).toBe(4 * 2); // 3 energy parts + DRAM bytes, per accelerator
    const sims = await page.locator('#simulations').innerText();
    expect(sims).toContain('kang-cx');
    expect(sims).toContain('speedup');
    expect(await page.locator('pre').count()).toBe(2); // the hardware configs
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-trial.png'), fullPage: true });
  });

  it('compares two sweeps (one front each) and two trials side by side', async () => {
    await open(`#/compare?sweeps=${encodeURIComponent(real)},${encodeURIComponent(dry)}`);
    const front = await count(`select count(*) as n from pareto_accuracy_speedup where sweep_id = $1 and accelerator = 'kang-cx'`, [real]);
    expect(await marks('compare-pareto-kang-cx')).toBe(front); // the dry run has no accuracies: an empty front
    const ids = (await db.query<{ id: string }>(`select id from trials where sweep_id = $1 order by number`, [real])).rows.map((r) => r.id);
    await open(`#/compare?trials=${ids.map(encodeURIComponent).join(',')}`);
    expect(await page.locator('#compare-trials thead th').count()).toBe(3); // field + one column per trial
    expect(await marks(`compare-curves-${ids[0]}`)).toBeGreaterThan(0);
  });

  it('the points payload (columns) holds every trial as the database does, read row by row; big bodies go gzipped', async () => {
    for (const id of [real, dry]) {
      const summary = (await (await fetch(new URL(`api/sweeps/${encodeURIComponent(id)}`, dash.url))).json()) as SweepSummary;
      const body = await (await fetch(new URL(`api/sweeps/${encodeURIComponent(id)}/points`, dash.url))).text();
      const axes = summary.axes.map((a) => a.name);
      expect(axes.length, id).toBeGreaterThan(0);
      // The reference: one query per trial for its speedups, values as node-postgres parses them.
      const trials = (await db.query<Record<string, string | number | null>>(`select id, number, label, status::text as status, accuracy, model_bytes, ${axes.map((a) => `"${a}"`).join(', ')} from trials where sweep_id = $1 order by number`, [id])).rows;
      const expected = [];
      for (const t of trials) {
        const sims = (await db.query<{ accelerator: string; speedup: number }>(`select accelerator, speedup from simulations where trial_id = $1 and speedup is not null`, [t['id']])).rows;
        expected.push({
          id: t['id'], number: t['number'], label: t['label'], status: t['status'], accuracy: t['accuracy'], modelBytes: t['model_bytes'],
          axes: Object.fromEntries(axes.map((a) => [a, t[a]])),
          speedup: Object.fromEntries(sims.map((s) => [s.accelerator, s.speedup])),
        });
      }
      expect(pointsFromColumns(JSON.parse(body) as TrialPointColumns), id).toEqual(expected);
    }
    const echartsJs = new URL('vendor/echarts.min.js', dash.url);
    const zipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) =>
      httpGet(echartsJs, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject),
    );
    expect(zipped.encoding).toBe('gzip');
    const plain = Buffer.from(await (await fetch(echartsJs, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
    expect(gunzipSync(zipped.body).equals(plain)).toBe(true);
    expect(zipped.body.length).toBeLessThan(plain.length / 2);
  });

  it('hwsweep plot writes the four kinds as SVG (same bytes twice) and PNG', async () => {
    mkdirSync(join(ARTIFACTS, 'plot'), { recursive: true });
    for (const kind of ['pareto', 'curves', 'layers', 'parallel'] as const) {
      const svg = join(ARTIFACTS, 'plot', `${kind}.svg`);
      await writeFigure({ sweepId: real, kind }, svg);
      const first = readFileSync(svg);
      await writeFigure({ sweepId: real, kind }, svg);
      expect(readFileSync(svg).equals(first), kind).toBe(true);
      expect(first.toString('utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
      const png = join(ARTIFACTS, 'plot', `${kind}.png`);
      await writeFigure({ sweepId: real, kind }, png);
      expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('showed no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
