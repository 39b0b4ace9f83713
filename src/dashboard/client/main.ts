/// <reference lib="dom" />
/**
 * The dashboard's browser side: a hash router over four pages (sweeps, one sweep, one trial, compare). Plain DOM,
 * ECharts from its own script tag (global `echarts`), the chart options from src/plot/charts.ts, which
 * `hwsweep plot` renders to files too. Pages of a running sweep refresh every few seconds.
 */
import type * as Echarts from 'echarts';
import { compressionOption, curvesOption, energyOption, layersOption, marginalsOption, paretoCompareOption, paretoOption, parallelOption } from '../../plot/charts.js';
import type { MarginalRow, TrialPoint } from '../../plot/types.js';
import { pointsFromColumns, type TrialPointColumns } from '../point-columns.js';
import type { SweepListRow, SweepSummary, TrialDetail, TrialPage } from '../queries.js';

declare const echarts: typeof Echarts;

const REFRESH_MS = 3000;
const PAGE_SIZE = 50;
const app = document.getElementById('app')!;
const live = document.getElementById('live')!;
let timer: number | undefined;
let charts: Echarts.ECharts[] = [];

async function api<T>(path: string): Promise<T> {
  const r = await fetch(path);
  const body = (await r.json()) as T & { error?: string };
  if (!r.ok) throw new Error(body.error ?? `${r.status} ${r.statusText}`);
  return body;
}

/** A sweep's chart data: sent as columns (compact), drawn as one object per trial. */
async function fetchPoints(path: string): Promise<TrialPoint[]> {
  return pointsFromColumns(await api<TrialPointColumns>(path));
}

function h(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

const fmt = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};
const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(2)} %` : '');
const running = (s: string) => s === 'RUNNING' || s === 'PENDING' || s === 'PAUSED';

function table(columns: { key: string; title?: string; num?: boolean; cell?: (row: Record<string, unknown>) => Node | string }[], rows: Record<string, unknown>[], attrs: Record<string, string> = {}): HTMLElement {
  const head = h('tr', {}, ...columns.map((c) => h('th', c.num ? { class: 'num' } : {}, c.title ?? c.key)));
  const body = rows.map((r) => h('tr', {}, ...columns.map((c) => h('td', c.num ? { class: 'num' } : {}, c.cell ? c.cell(r) : fmt(r[c.key])))));
  return h('table', attrs, h('thead', {}, head), h('tbody', {}, ...body));
}

/** Draws `option` into a new chart box; `data-marks` counts the drawn data items once rendering has finished. */
function chart(name: string, option: Echarts.EChartsOption, wide = false): HTMLElement {
  const box = h('div', { class: wide ? 'chart wide' : 'chart', 'data-chart': name });
  queueMicrotask(() => {
    const c = echarts.init(box);
    charts.push(c);
    c.on('finished', () => {
      // Marks on this chart's first render only (it renders again on hover, resize and live refresh).
      const first = box.dataset['marks'] === undefined;
      if (first) performance.mark(`hwsweep:chart:${name}`);
      if (first && charts.every((x) => x === c || (x.getDom() as HTMLElement).dataset['marks'] !== undefined)) performance.mark('hwsweep:charts');
      const model = (c as unknown as { getModel(): { getSeries(): { getData(): { count(): number } }[] } }).getModel();
      box.dataset['marks'] = String(model.getSeries().reduce((n, s) => n + s.getData().count(), 0));
    });
    c.setOption(option);
  });
  return box;
}

function clear(): void {
  if (timer !== undefined) window.clearTimeout(timer);
  timer = undefined;
  for (const c of charts) c.dispose();
  charts = [];
  live.textContent = '';
}

function refreshIn(fn: () => void): void {
  live.textContent = `live · refreshes every ${REFRESH_MS / 1000} s`;
  timer = window.setTimeout(fn, REFRESH_MS);
}

function progress(s: SweepListRow): HTMLElement {
  const done = (s.counts['COMPLETED'] ?? 0) + (s.counts['FAILED'] ?? 0) + (s.counts['CANCELLED'] ?? 0);
  const total = Math.max(s.trialCount, done, 1);
  return h('span', {}, h('span', { class: 'progress' }, h('span', { style: `width:${((100 * done) / total).toFixed(1)}%` })), ` ${done}/${s.trialCount}`);
}

// ---------------------------------------------------------------------------------------------------------------- pages

async function sweepsPage(): Promise<void> {
  const sweeps = await api<SweepListRow[]>('/api/sweeps');
  const picked = new Set<string>();
  const compare = h('button', { disabled: '' }, 'compare selected');
  compare.addEventListener('click', () => (location.hash = `#/compare?sweeps=${[...picked].map(encodeURIComponent).join(',')}`));
  app.replaceChildren(
    h('h1', {}, 'Sweeps'),
    sweeps.length === 0 ? h('p', {}, 'No sweeps yet: run `hwsweep demo` or `hwsweep launch spec.yaml`.') : '',
    table(
      [
        {
          key: 'pick',
          title: '',
          cell: (r) => {
            const box = h('input', { type: 'checkbox' }) as HTMLInputElement;
            box.addEventListener('change', () => {
              if (box.checked) picked.add(String(r['id']));
              else picked.delete(String(r['id']));
              compare.toggleAttribute('disabled', picked.size < 2);
            });
            return box;
          },
        },
        { key: 'id', cell: (r) => h('a', { href: `#/sweep/${encodeURIComponent(String(r['id']))}` }, String(r['id'])) },
        { key: 'name' },
        { key: 'status', cell: (r) => h('span', { class: `status-${String(r['status'])}` }, String(r['status'])) },
        { key: 'progress', cell: (r) => progress(r as unknown as SweepListRow) },
        ...['COMPLETED', 'RUNNING', 'FAILED', 'CANCELLED'].map((k) => ({ key: k, title: k.toLowerCase(), num: true, cell: (r: Record<string, unknown>) => String((r['counts'] as Record<string, number>)[k] ?? 0) })),
        { key: 'createdAt', title: 'created' },
        { key: 'temporalUrl', title: 'Temporal', cell: (r) => (r['temporalUrl'] ? h('a', { href: String(r['temporalUrl']), target: '_blank', rel: 'noopener' }, 'workflow') : '') },
      ],
      sweeps as unknown as Record<string, unknown>[],
      { id: 'sweeps' },
    ),
    h('p', {}, compare),
  );
  if (sweeps.some((s) => running(s.status))) refreshIn(() => void route());
}

interface SweepState {
  sort: string;
  desc: boolean;
  page: number;
  status: string[];
  axes: Record<string, string[]>;
}

function query(st: SweepState, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams(extra);
  for (const s of st.status) p.append('status', s);
  for (const [axis, vals] of Object.entries(st.axes)) for (const v of vals) p.append(`f.${axis}`, v);
  return p.toString();
}

async function sweepPage(id: string, st: SweepState): Promise<void> {
  const base = `/api/sweeps/${encodeURIComponent(id)}`;
  const [summary, points, marg, page] = await Promise.all([
    api<SweepSummary>(base),
    fetchPoints(`${base}/points?${query(st)}`),
    api<MarginalRow[]>(`${base}/marginals?${query(st)}`),
    api<TrialPage>(`${base}/trials?${query(st, { sort: st.sort, desc: st.desc ? '1' : '0', page: String(st.page), size: String(PAGE_SIZE) })}`),
  ]);
  performance.mark('hwsweep:data'); // read by bench/dashboard.ts
  const rerender = () => void sweepPage(id, st).catch(showError);
  const axisNames = summary.axes.map((a) => a.name);

  // Filters: status and every varying axis (multi-select; none selected = all).
  const select = (name: string, values: (string | number)[], chosen: string[], onChange: (v: string[]) => void) => {
    const sel = h('select', { multiple: '', size: String(Math.min(4, values.length)), 'data-filter': name }, ...values.map((v) => {
      const o = h('option', { value: String(v) }, String(v)) as HTMLOptionElement;
      o.selected = chosen.includes(String(v));
      return o;
    })) as HTMLSelectElement;
    sel.addEventListener('change', () => {
      onChange(Array.from(sel.selectedOptions, (o) => o.value));
      st.page = 0;
      clear();
      rerender();
    });
    return h('label', {}, name, sel);
  };
  const filters = h(
    'div',
    { class: 'filters' },
    select('status', ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'], st.status, (v) => (st.status = v)),
    ...summary.axes.map((a) => select(a.name, a.values, st.axes[a.name] ?? [], (v) => (st.axes[a.name] = v))),
  );

  // Trial table: sortable headers, pager, CSV of every filtered row.
  const pick = new Set<string>();
  const compare = h('button', { disabled: '' }, 'compare selected trials');
  compare.addEventListener('click', () => (location.hash = `#/compare?trials=${[...pick].map(encodeURIComponent).join(',')}`));
  const sortable = (key: string, title = key, num = true) => {
    const th = h('th', { class: `sortable${num ? ' num' : ''}${st.sort === key ? ` sorted${st.desc ? '' : ' asc'}` : ''}`, 'data-sort': key }, title);
    th.addEventListener('click', () => {
      st.desc = st.sort === key ? !st.desc : true;
      st.sort = key;
      st.page = 0;
      clear();
      rerender();
    });
    return th;
  };
  const cols: { key: string; title: string; num: boolean; cell: (r: TrialPage['rows'][number]) => Node | string }[] = [
    { key: 'number', title: '#', num: true, cell: (r) => fmt(r['number']) },
    { key: 'label', title: 'label', num: false, cell: (r) => h('a', { href: `#/trial/${encodeURIComponent(String(r['id']))}` }, String(r['label'])) },
    { key: 'status', title: 'status', num: false, cell: (r) => h('span', { class: `status-${String(r['status'])}` }, String(r['status'])) },
    ...axisNames.map((a) => ({ key: a, title: a, num: true, cell: (r: TrialPage['rows'][number]) => fmt(r[a]) })),
    { key: 'accuracy', title: 'accuracy', num: true, cell: (r) => pct(r['accuracy']) },
    { key: 'accuracy_drop', title: 'drop', num: true, cell: (r) => pct(r['accuracy_drop']) },
    { key: 'compression_ratio', title: 'compression', num: true, cell: (r) => fmt(r['compression_ratio']) },
    ...summary.accelerators.map((acc) => ({ key: `speedup:${acc}`, title: `speedup ${acc}`, num: true, cell: (r: TrialPage['rows'][number]) => fmt(r.speedups[acc]) })),
  ];
  const trialTable = h(
    'table',
    { id: 'trials' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), ...cols.map((c) => sortable(c.key, c.title, c.num)))),
    h(
      'tbody',
      {},
      ...page.rows.map((r) => {
        const box = h('input', { type: 'checkbox' }) as HTMLInputElement;
        box.addEventListener('change', () => {
          if (box.checked) pick.add(String(r['id']));
          else pick.delete(String(r['id']));
          compare.toggleAttribute('disabled', pick.size < 2);
        });
        return h('tr', {}, h('td', {}, box), ...cols.map((c) => h('td', c.num ? { class: 'num' } : {}, c.cell(r))));
      }),
    ),
  );
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  const pageBtn = (label: string, to: number) => {
    const b = h('button', to < 0 || to >= pages ? { disabled: '' } : {}, label);
    b.addEventListener('click', () => {
      st.page = to;
      clear();
      rerender();
    });
    return b;
  };
  const pager = h(
    'div',
    { class: 'pager' },
    pageBtn('‹ prev', st.page - 1),
    h('span', { id: 'page-info' }, `page ${st.page + 1} of ${pages} · ${page.total} trials`),
    pageBtn('next ›', st.page + 1),
    h('a', { href: `${base}/trials.csv?${query(st, { sort: st.sort, desc: st.desc ? '1' : '0' })}`, download: `${id}.csv`, id: 'csv' }, 'CSV of all filtered rows'),
    compare,
  );

  const cards = h('div', { class: 'cards' }, ...[['status', summary.status], ['trials', String(summary.trialCount)], ...Object.entries(summary.counts).filter(([, n]) => n > 0).map(([k, n]) => [k.toLowerCase(), String(n)])].map(([k, v]) => h('div', { class: 'card' }, h('b', {}, v!), k!)));
  const chartsBox = h(
    'div',
    { class: 'charts' },
    ...summary.accelerators.map((acc) => chart(`pareto-${acc}`, paretoOption(points, { kind: 'speedup', accelerator: acc }))),
    chart('pareto-size', paretoOption(points, { kind: 'size' })),
    axisNames.length ? chart('parallel', parallelOption(points, axisNames, summary.accelerators), true) : '',
    marg.length ? chart('marginals', marginalsOption(marg), true) : '',
  );
  app.replaceChildren(
    h('h1', {}, `Sweep ${summary.id} `, summary.temporalUrl ? h('a', { href: summary.temporalUrl, target: '_blank', rel: 'noopener' }, '(Temporal)') : ''),
    cards,
    h('p', {}, progress(summary)),
    filters,
    chartsBox,
    h('h2', {}, 'Trials'),
    pager,
    trialTable,
  );
  if (running(summary.status)) refreshIn(() => { clear(); rerender(); });
}

async function trialPage(id: string): Promise<void> {
  const d = await api<TrialDetail>(`/api/trials/${encodeURIComponent(id)}`);
  const t = d.trial;
  const keys = ['label', 'status', 'model', 'dataset', 'method', 'prune_ratio', 'achieved_ratio', 'group_size', 'weight_bits', 'activation_bits', 'weight_clusters', 'activation_clusters', 'lr_rule', 'retrain_epochs', 'baseline_accuracy', 'pruned_accuracy', 'retrained_accuracy', 'accuracy', 'accuracy_drop', 'model_bytes', 'compression_ratio', 'error'];
  const info = table([{ key: 'k', title: 'field' }, { key: 'v', title: 'value' }], keys.filter((k) => t[k] !== null && t[k] !== undefined).map((k) => ({ k, v: fmt(t[k]) })), { id: 'trial-info' });
  const simCols = d.simulations.length ? Object.keys(d.simulations[0]!).filter((k) => k !== 'hardware' && k !== 'hardware_hash') : [];
  app.replaceChildren(
    h('h1', {}, `Trial #${fmt(t['number'])} · ${fmt(t['label'])} `, h('a', { href: `#/sweep/${encodeURIComponent(String(t['sweep_id']))}` }, `(sweep ${String(t['sweep_id'])})`)),
    info,
    h('h2', {}, 'Simulations (speedup factors per accelerator)'),
    h('div', { class: 'scroll' }, table(simCols.map((k) => ({ key: k, num: k !== 'accelerator' })), d.simulations, { id: 'simulations' })),
    h(
      'div',
      { class: 'charts' },
      chart('curves', curvesOption(d.epochs), true),
      chart('layers', layersOption(d.layerCycles), true),
      chart('compression', compressionOption(d.layers)),
      chart('energy', energyOption(d.energy)),
    ),
    h('h2', {}, 'Layers'),
    table(
      [{ key: 'layer' }, { key: 'weights', num: true }, { key: 'kept', num: true }, { key: 'sparsity', num: true }, { key: 'weightBits', title: 'bits', num: true }, { key: 'weightClusters', title: 'clusters', num: true }, { key: 'storageBits', title: 'storage (bits)', num: true }],
      d.layers as unknown as Record<string, unknown>[],
      { id: 'layers' },
    ),
    h('h2', {}, 'Hardware configurations'),
    ...d.simulations.map((s) => h('div', {}, h('b', {}, String(s['accelerator'])), h('pre', {}, JSON.stringify(s['hardware'], null, 2)))),
  );
  if (running(String(t['status']))) refreshIn(() => { clear(); void trialPage(id).catch(showError); });
}

async function comparePage(params: URLSearchParams): Promise<void> {
  const sweeps = (params.get('sweeps') ?? '').split(',').filter(Boolean);
  const trials = (params.get('trials') ?? '').split(',').filter(Boolean);
  if (sweeps.length) {
    const sets = await Promise.all(sweeps.map(async (id) => ({ name: id, summary: await api<SweepSummary>(`/api/sweeps/${encodeURIComponent(id)}`), points: await fetchPoints(`/api/sweeps/${encodeURIComponent(id)}/points`) })));
    const accs = [...new Set(sets.flatMap((s) => s.summary.accelerators))].sort();
    app.replaceChildren(
      h('h1', {}, `Compare sweeps: ${sweeps.join(' · ')}`),
      table(
        [{ key: 'id' }, { key: 'status' }, { key: 'trialCount', title: 'trials', num: true }, { key: 'best', title: 'best accuracy', num: true }],
        sets.map((s) => ({ id: s.name, status: s.summary.status, trialCount: s.summary.trialCount, best: pct(Math.max(...s.points.map((p) => p.accuracy ?? -Infinity))) })),
        { id: 'compare-sweeps' },
      ),
      h('div', { class: 'charts' }, ...accs.map((acc) => chart(`compare-pareto-${acc}`, paretoCompareOption(sets, { kind: 'speedup', accelerator: acc }))), chart('compare-pareto-size', paretoCompareOption(sets, { kind: 'size' }))),
    );
    return;
  }
  const details = await Promise.all(trials.map((id) => api<TrialDetail>(`/api/trials/${encodeURIComponent(id)}`)));
  const fields = ['label', 'status', 'method', 'prune_ratio', 'achieved_ratio', 'weight_bits', 'activation_bits', 'weight_clusters', 'accuracy', 'accuracy_drop', 'model_bytes', 'compression_ratio'];
  const accs = [...new Set(details.flatMap((d) => d.simulations.map((s) => String(s['accelerator']))))].sort();
  const rows = [
    ...fields.map((f) => ({ field: f, ...Object.fromEntries(details.map((d, i) => [`t${i}`, fmt(d.trial[f])])) })),
    ...accs.map((acc) => ({ field: `speedup ${acc}`, ...Object.fromEntries(details.map((d, i) => [`t${i}`, fmt(d.simulations.find((s) => s['accelerator'] === acc)?.['speedup'])])) })),
  ];
  app.replaceChildren(
    h('h1', {}, 'Compare trials'),
    table([{ key: 'field' }, ...details.map((d, i) => ({ key: `t${i}`, title: `#${fmt(d.trial['number'])} ${fmt(d.trial['label'])}`, num: true }))], rows, { id: 'compare-trials' }),
    h('div', { class: 'charts' }, ...details.map((d) => chart(`compare-curves-${String(d.trial['id'])}`, curvesOption(d.epochs, `#${fmt(d.trial['number'])} ${fmt(d.trial['label'])}`))), ...details.map((d) => chart(`compare-layers-${String(d.trial['id'])}`, layersOption(d.layerCycles, `Cycles per layer · #${fmt(d.trial['number'])}`)))),
  );
}

function showError(err: unknown): void {
  app.replaceChildren(h('p', { class: 'error' }, `✖ ${(err as Error).message}`));
}

const sweepStates = new Map<string, SweepState>();

async function route(): Promise<void> {
  clear();
  const [path, search] = location.hash.replace(/^#/, '').split('?') as [string, string | undefined];
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'sweep' && parts[1]) {
      const st = sweepStates.get(parts[1]) ?? { sort: 'number', desc: false, page: 0, status: [], axes: {} };
      sweepStates.set(parts[1], st);
      await sweepPage(parts[1], st);
    } else if (parts[0] === 'trial' && parts[1]) await trialPage(parts[1]);
    else if (parts[0] === 'compare') await comparePage(new URLSearchParams(search ?? ''));
    else await sweepsPage();
  } catch (err) {
    showError(err);
  }
}

window.addEventListener('hashchange', () => void route());
void route();
