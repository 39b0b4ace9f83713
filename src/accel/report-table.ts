/** Compact fixed-width text table of a {@link NetworkReport} (one row per layer plus totals). */
import type { NetworkReport } from './types.js';

const fmtInt = (v: number): string => Math.round(v).toLocaleString('en-US');
const fmtPct = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);
const fmtX = (v: number | null, d = 3): string => (v === null ? '-' : v.toFixed(d));
const fmtE = (v: number): string =>
  v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(2)}k` : v.toFixed(1);

/** Renders the report as a table: layer, cycles, stall, util, imbalance, useful MACs, DRAM bytes, energy. */
export function formatReportTable(r: NetworkReport): string {
  const head = ['layer', 'cycles', 'stall', 'speedup', 'util', 'imbal', 'useful MACs', 'DRAM B', `energy`];
  const sp = (ref: number, cyc: number): string => (cyc > 0 ? `${(ref / cyc).toFixed(3)}x` : '-');
  const rows: string[][] = r.layers.map((l) => [
    l.name,
    fmtInt(l.totalCycles),
    fmtInt(l.memoryStallCycles),
    sp(l.referenceCycles, l.totalCycles),
    fmtPct(l.utilization),
    fmtX(l.loadImbalance),
    fmtInt(l.usefulMacs),
    fmtInt(l.dramBytes.total),
    fmtE(l.energyPj.total),
  ]);
  const t = r.totals;
  rows.push([
    'TOTAL',
    fmtInt(t.totalCycles),
    fmtInt(t.memoryStallCycles),
    sp(t.referenceCycles, t.totalCycles),
    fmtPct(t.utilization),
    fmtX(t.loadImbalance),
    fmtInt(t.usefulMacs),
    fmtInt(t.dramBytes),
    fmtE(t.energyPj),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(w[i] as number) : c.padStart(w[i] as number))).join('  ');
  const sep = w.map((n) => '-'.repeat(n)).join('  ');
  const s = r.speedup;
  return [
    `hardware ${r.hardware} (${r.hardwareHash}), ${r.compat} mode, energy ${r.energyModel}`,
    line(head),
    sep,
    ...rows.slice(0, -1).map(line),
    sep,
    line(rows[rows.length - 1] as string[]),
    `speedup ${fmtX(s.speedup)}x vs the same hardware running the uncompressed network ` +
      `(compute ${fmtX(s.computeSpeedup)}x) = bit width ${fmtX(s.factors.bitWidth)} * weight sparsity ` +
      `${fmtX(s.factors.weightSparsity)} * activation skipping ${fmtX(s.factors.activationSkipping)} * clustering ` +
      `${fmtX(s.factors.clustering)} * memory ${fmtX(s.factors.memory)}`,
    `time ${t.timeMs.toFixed(3)} ms, ${t.effectiveGops === null ? '-' : t.effectiveGops.toFixed(1)} GOP/s (dense-equivalent)`,
  ].join('\n');
}
