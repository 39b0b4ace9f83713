/**
 * ECharts options for every hwsweep chart: one builder per chart, pure functions of the data in ./types.ts. The
 * dashboard (browser, canvas) and `hwsweep plot` (Node, server-side SVG) draw the same options, so a figure in a
 * paper is the chart on screen. No animation, fixed colours and sorted inputs: the same data gives the same SVG.
 */
import type { EChartsOption, SeriesOption } from 'echarts';
import { paretoFront } from './pareto.js';
import type { EpochPoint, LayerCompressionRow, LayerCycles, MarginalRow, TrialPoint } from './types.js';

/** Colour-blind-safe palette (Okabe–Ito), in series order. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

const BASE: EChartsOption = {
  animation: false,
  color: PALETTE,
  textStyle: { fontFamily: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
  backgroundColor: '#ffffff',
};

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)} %`);
const num = (v: number, digits = 3): string => (Number.isInteger(v) ? String(v) : v.toPrecision(digits));

/** Tooltip text for one trial: its label, accuracy, speedups and every swept axis. */
export function trialTooltip(p: TrialPoint): string {
  const lines = [`<b>#${p.number} ${escapeHtml(p.label)}</b>`, `accuracy ${pct(p.accuracy)}`];
  for (const [acc, s] of Object.entries(p.speedup).sort()) lines.push(`speedup on ${escapeHtml(acc)}: ${num(s)}×`);
  if (p.modelBytes !== null) lines.push(`model ${num(p.modelBytes / 1024)} KiB`);
  for (const [axis, v] of Object.entries(p.axes)) lines.push(`${escapeHtml(axis)} = ${escapeHtml(String(v ?? '–'))}`);
  return lines.join('<br>');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface PointDatum {
  value: [number, number];
  name: string;
  trialId: string;
}

/** Tooltip of a series whose data are bare `[x, y]` pairs: `trialsOf[seriesIndex][dataIndex]` is the trial. */
const tooltipOf =
  (trialsOf: readonly (readonly TrialPoint[])[]) =>
  (params: unknown): string => {
    const { seriesIndex, dataIndex } = params as { seriesIndex: number; dataIndex: number };
    const p = trialsOf[seriesIndex]?.[dataIndex];
    return p ? trialTooltip(p) : '';
  };

// Bare [x, y] data and no progressive rendering: 10,000 points draw in one frame instead of 25 (ECharts' default
// draws 400 per frame above 3,000 points), and the 'finished' event means everything is on screen.
const POINTS_SERIES = { progressive: 0, large: true, largeThreshold: 2000 } as const;

/** What the x axis of a Pareto chart is: speedup on one accelerator (maximised) or model size (minimised). */
export type ParetoX = { kind: 'speedup'; accelerator: string } | { kind: 'size' };

/** The trials that have both objectives of `x`, as chart data, and the indices of the Pareto front among them. */
export function paretoData(points: readonly TrialPoint[], x: ParetoX): { data: PointDatum[]; front: number[] } {
  const data: PointDatum[] = [];
  const sorted = [...points].sort((a, b) => a.number - b.number);
  for (const p of sorted) {
    if (p.accuracy === null) continue;
    const xv = x.kind === 'size' ? p.modelBytes : p.speedup[x.accelerator];
    if (xv === null || xv === undefined) continue;
    data.push({ value: [xv, p.accuracy], name: p.label, trialId: p.id });
  }
  // Size is minimised: negate it for the maximising front.
  const front = paretoFront(data.map((d) => [x.kind === 'size' ? -d.value[0] : d.value[0], d.value[1]] as const));
  if (x.kind === 'size') front.reverse(); // ascending size
  return { data, front };
}

/**
 * Accuracy vs speedup (one chart per accelerator) or vs model size: every trial as a dot, the Pareto front as a line
 * with larger dots. Marks: one per trial with both values, plus one per front point.
 */
export function paretoOption(points: readonly TrialPoint[], x: ParetoX, title?: string): EChartsOption {
  const { data, front } = paretoData(points, x);
  const byId = new Map(points.map((p) => [p.id, p]));
  const trialsOf = [data.map((d) => byId.get(d.trialId)!), front.map((i) => byId.get(data[i]!.trialId)!)];
  const xName = x.kind === 'size' ? 'model size (bytes)' : `speedup on ${x.accelerator} (×)`;
  return {
    ...BASE,
    title: { text: title ?? (x.kind === 'size' ? 'Accuracy vs model size' : `Accuracy vs speedup · ${x.accelerator}`), left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item', formatter: tooltipOf(trialsOf) },
    legend: { bottom: 0, itemGap: 28, data: ['trials', 'Pareto front'] },
    grid: { left: 64, right: 24, top: 40, bottom: 64 },
    xAxis: { type: x.kind === 'size' ? 'log' : 'value', name: xName, nameLocation: 'middle', nameGap: 28, scale: true },
    yAxis: { type: 'value', name: 'accuracy', scale: true, axisLabel: { formatter: (v: number) => `${(v * 100).toFixed(0)}%` } },
    series: [
      { id: 'trials', name: 'trials', type: 'scatter', symbolSize: 6, itemStyle: { opacity: 0.45 }, data: data.map((d) => d.value), ...POINTS_SERIES },
      { id: 'front', name: 'Pareto front', type: 'line', symbolSize: 9, data: front.map((i) => data[i]!.value), lineStyle: { width: 2 }, z: 3 },
    ],
  };
}

/** Several Pareto fronts on one chart (compare page, `plot --kind pareto` over several sweeps): one line each. */
export function paretoCompareOption(sets: readonly { name: string; points: readonly TrialPoint[] }[], x: ParetoX): EChartsOption {
  const trialsOf: TrialPoint[][] = [];
  const series: SeriesOption[] = sets.map((s) => {
    const { data, front } = paretoData(s.points, x);
    const byId = new Map(s.points.map((p) => [p.id, p]));
    trialsOf.push(front.map((i) => byId.get(data[i]!.trialId)!));
    return { name: s.name, type: 'line', symbolSize: 8, data: front.map((i) => data[i]!.value) };
  });
  return {
    ...BASE,
    title: { text: x.kind === 'size' ? 'Pareto fronts: accuracy vs model size' : `Pareto fronts: accuracy vs speedup · ${x.accelerator}`, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item', formatter: tooltipOf(trialsOf) },
    legend: { bottom: 0, itemGap: 28 },
    grid: { left: 64, right: 24, top: 40, bottom: 64 },
    xAxis: { type: x.kind === 'size' ? 'log' : 'value', name: x.kind === 'size' ? 'model size (bytes)' : `speedup on ${x.accelerator} (×)`, nameLocation: 'middle', nameGap: 28, scale: true },
    yAxis: { type: 'value', name: 'accuracy', scale: true },
    series,
  };
}

/**
 * Training curves: loss, accuracy (train and validation) and learning rate per epoch, one line per phase (the
 * baseline's epochs, then the trial's retraining). Three stacked panels sharing the epoch axis.
 */
export function curvesOption(epochs: readonly EpochPoint[], title = 'Training curves'): EChartsOption {
  const phases = [...new Set(epochs.map((e) => e.phase))].sort((a, b) => (a === 'baseline' ? -1 : b === 'baseline' ? 1 : a.localeCompare(b)));
  const of = (phase: string) => epochs.filter((e) => e.phase === phase).sort((a, b) => a.epoch - b.epoch);
  const panels = [
    { name: 'loss', top: '8%' },
    { name: 'accuracy', top: '38%' },
    { name: 'learning rate', top: '68%' },
  ];
  const series: SeriesOption[] = [];
  phases.forEach((phase, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const rows = of(phase);
    series.push({ name: `${phase} loss`, type: 'line', xAxisIndex: 0, yAxisIndex: 0, color, data: rows.map((e) => [e.epoch, e.loss]) });
    series.push({ name: `${phase} accuracy`, type: 'line', xAxisIndex: 1, yAxisIndex: 1, color, data: rows.map((e) => [e.epoch, e.accuracy]) });
    series.push({ name: `${phase} val accuracy`, type: 'line', xAxisIndex: 1, yAxisIndex: 1, color, lineStyle: { type: 'dashed' }, data: rows.map((e) => [e.epoch, e.valAccuracy]) });
    series.push({ name: `${phase} lr`, type: 'line', step: 'end', xAxisIndex: 2, yAxisIndex: 2, color, data: rows.map((e) => [e.epoch, e.lr]) });
  });
  return {
    ...BASE,
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, itemGap: 28, type: 'scroll' },
    grid: panels.map((p) => ({ left: 64, right: 24, top: p.top, height: '20%' })),
    xAxis: panels.map((p, i) => ({ type: 'value', gridIndex: i, minInterval: 1, name: i === 2 ? 'epoch' : '', nameLocation: 'middle', nameGap: 24 })),
    yAxis: panels.map((p, i) => ({ type: i === 2 ? 'log' : 'value', gridIndex: i, name: p.name, scale: true })),
    series,
  };
}

/**
 * Per-layer simulated cycles as stacked bars: compute cycles and memory-stall cycles, one stack per accelerator.
 * Marks: layers × accelerators × 2 bars.
 */
export function layersOption(rows: readonly LayerCycles[], title = 'Cycles per layer'): EChartsOption {
  const layers = [...new Map([...rows].sort((a, b) => a.layerIndex - b.layerIndex).map((r) => [r.layer, r.layerIndex])).keys()];
  const accelerators = [...new Set(rows.map((r) => r.accelerator))].sort();
  const series: SeriesOption[] = [];
  accelerators.forEach((acc, k) => {
    const at = (layer: string) => rows.find((r) => r.accelerator === acc && r.layer === layer);
    const color = PALETTE[k % PALETTE.length]!;
    series.push({ name: `${acc} compute`, type: 'bar', stack: acc, color, data: layers.map((l) => at(l)?.computeCycles ?? 0) });
    series.push({ name: `${acc} memory stall`, type: 'bar', stack: acc, color, itemStyle: { opacity: 0.45 }, data: layers.map((l) => at(l)?.memoryStallCycles ?? 0) });
  });
  return {
    ...BASE,
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0, itemGap: 28, type: 'scroll' },
    grid: { left: 80, right: 24, top: 40, bottom: 72 },
    xAxis: { type: 'category', data: layers, axisLabel: { rotate: layers.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', name: 'cycles' },
    series,
  };
}

/** Per-layer compression: kept weights (%) and weight bits; storage in the tooltip. */
export function compressionOption(rows: readonly LayerCompressionRow[], title = 'Compression per layer'): EChartsOption {
  const sorted = [...rows].sort((a, b) => a.layerIndex - b.layerIndex);
  return {
    ...BASE,
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, itemGap: 28 },
    grid: { left: 64, right: 64, top: 40, bottom: 64 },
    xAxis: { type: 'category', data: sorted.map((r) => r.layer) },
    yAxis: [
      { type: 'value', name: 'weights kept', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${(v * 100).toFixed(0)}%` } },
      { type: 'value', name: 'bits', min: 0 },
    ],
    series: [
      { name: 'weights kept', type: 'bar', data: sorted.map((r) => (r.weights > 0 ? r.kept / r.weights : 0)) },
      { name: 'weight bits', type: 'line', yAxisIndex: 1, data: sorted.map((r) => r.weightBits) },
      { name: 'storage (KiB)', type: 'line', yAxisIndex: 1, lineStyle: { opacity: 0 }, itemStyle: { opacity: 0 }, data: sorted.map((r) => r.storageBits / 8192) },
    ],
  };
}

/** One parallel axis: a swept axis (categories or numbers) or an outcome. */
interface ParallelDim {
  name: string;
  values: (p: TrialPoint) => string | number | null;
  categories?: string[];
}

/**
 * Parallel coordinates over the swept axes, then accuracy and speedup per accelerator. One line per trial with an
 * accuracy (marks = those trials).
 */
export function parallelOption(points: readonly TrialPoint[], axes: readonly string[], accelerators: readonly string[], title = 'Swept axes → accuracy / speedup'): EChartsOption {
  const rows = [...points].filter((p) => p.accuracy !== null).sort((a, b) => a.number - b.number);
  const dims: ParallelDim[] = axes.map((axis) => {
    const vals = rows.map((p) => p.axes[axis]);
    const numeric = vals.every((v) => v === null || typeof v === 'number');
    const d: ParallelDim = { name: axis, values: (p) => p.axes[axis] ?? null };
    if (!numeric) d.categories = [...new Set(vals.map((v) => String(v ?? '–')))].sort();
    if (!numeric) d.values = (p) => String(p.axes[axis] ?? '–');
    return d;
  });
  dims.push({ name: 'accuracy', values: (p) => p.accuracy });
  for (const acc of accelerators) dims.push({ name: `speedup ${acc}`, values: (p) => p.speedup[acc] ?? null });
  return {
    ...BASE,
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item' },
    parallel: { left: 48, right: 96, top: 56, bottom: 32 },
    parallelAxis: dims.map((d, i) => (d.categories ? { dim: i, name: d.name, type: 'category', data: d.categories } : { dim: i, name: d.name, type: 'value', scale: true })),
    series: [
      {
        name: 'trials',
        type: 'parallel',
        lineStyle: { width: 1, opacity: rows.length > 500 ? 0.15 : 0.5 },
        progressive: 0,
        data: rows.map((p) => ({ name: `#${p.number} ${p.label}`, value: dims.map((d) => d.values(p)) })),
      },
    ],
  };
}

/** Effect of each axis: mean and best accuracy of the trials at each value, grouped by axis. */
export function marginalsOption(rows: readonly MarginalRow[], title = 'Accuracy by axis value'): EChartsOption {
  const cats = rows.map((r) => `${r.axis}=${r.value}`);
  return {
    ...BASE,
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, itemGap: 28 },
    grid: { left: 64, right: 24, top: 40, bottom: 96 },
    xAxis: { type: 'category', data: cats, axisLabel: { rotate: 30, interval: 0 } },
    yAxis: { type: 'value', name: 'accuracy', scale: true },
    series: [
      { name: 'mean accuracy', type: 'bar', data: rows.map((r) => r.meanAccuracy) },
      { name: 'best accuracy', type: 'scatter', symbolSize: 9, data: rows.map((r) => r.maxAccuracy) },
    ],
  };
}

/** Energy per accelerator split into compute / SRAM / DRAM (pJ), and DRAM traffic (bytes) on a second axis. */
export function energyOption(rows: readonly { accelerator: string; computePj: number; sramPj: number; dramPj: number; dramBytes: number }[], title = 'Energy and DRAM traffic'): EChartsOption {
  const sorted = [...rows].sort((a, b) => a.accelerator.localeCompare(b.accelerator));
  return {
    ...BASE,
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, itemGap: 28 },
    grid: { left: 72, right: 72, top: 40, bottom: 64 },
    xAxis: { type: 'category', data: sorted.map((r) => r.accelerator) },
    yAxis: [
      { type: 'value', name: 'energy (pJ)' },
      { type: 'value', name: 'DRAM bytes' },
    ],
    series: [
      { name: 'compute pJ', type: 'bar', stack: 'e', data: sorted.map((r) => r.computePj) },
      { name: 'SRAM pJ', type: 'bar', stack: 'e', data: sorted.map((r) => r.sramPj) },
      { name: 'DRAM pJ', type: 'bar', stack: 'e', data: sorted.map((r) => r.dramPj) },
      { name: 'DRAM bytes', type: 'scatter', yAxisIndex: 1, symbolSize: 12, data: sorted.map((r) => r.dramBytes) },
    ],
  };
}
