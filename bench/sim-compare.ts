/**
 * The issue-5 "done when" comparison: VGG-16 (conv + fc, 224×224) on a hardware preset (default
 * `kang-cx`): dense vs 70 % group-balanced (g = 16, n = 5, i.e. 68.75 % achieved, METHODS AC-3) vs
 * unstructured at the same density (conv1_1 dense in both, METHODS §8.1). Prints cycles, utilisation,
 * load imbalance, DRAM bytes and energy. Usage: `npx tsx bench/sim-compare.ts [preset] [--json]`.
 */
import { pathToFileURL } from 'node:url';
import { createMaskStatsCache, resolveHardware, simulateNetwork } from '../src/accel/index.js';
import type { NetworkReport } from '../src/accel/index.js';
import { balancedMasks, loadNet, unstructuredMasks } from './sim.js';

export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const preset = argv.find((a) => !a.startsWith('--')) ?? 'kang-cx';
  const hw = resolveHardware(preset);
  const vgg = loadNet('vgg16');
  const cache = createMaskStatsCache();
  const cases: [string, NetworkReport][] = [
    ['dense', simulateNetwork(vgg, new Map(), hw, { cache })],
    ['balanced 16:5 (68.75 %)', simulateNetwork(vgg, balancedMasks(vgg, 16, 5, 1), hw, { cache })],
    [
      'unstructured 68.75 %',
      simulateNetwork(vgg, unstructuredMasks(vgg, 5 / 16, 2, new Set(['conv1_1'])), hw, { cache }),
    ],
  ];
  const dense = cases[0]![1].totals;
  const rows = cases.map(([name, r]) => ({
    case: name,
    cycles: r.totals.totalCycles,
    computeCycles: r.totals.computeCycles,
    speedupVsDense: dense.totalCycles / r.totals.totalCycles,
    computeSpeedupVsDense: dense.computeCycles / r.totals.computeCycles,
    utilization: r.totals.utilization,
    loadImbalance: r.totals.loadImbalance,
    dramBytes: r.totals.dramBytes,
    energyUj: r.totals.energyPj / 1e6,
    usefulMacs: r.totals.usefulMacs,
    stallCycles: r.totals.memoryStallCycles,
  }));
  if (json) {
    process.stdout.write(`${JSON.stringify({ hardware: hw.name, energy: cases[0]![1].energyModel, rows })}\n`);
    return;
  }
  console.log(`VGG-16 on ${hw.name} (${cases[0]![1].hardwareHash}), energy ${cases[0]![1].energyModel}`);
  const head = [
    'case',
    'cycles',
    'vs dense',
    'compute cycles',
    'vs dense',
    'util',
    'imbalance',
    'DRAM MB',
    'energy uJ',
    'stall cyc',
  ];
  const body = rows.map((r) => [
    r.case,
    r.cycles.toLocaleString('en-US'),
    `${r.speedupVsDense.toFixed(2)}x`,
    r.computeCycles.toLocaleString('en-US'),
    `${r.computeSpeedupVsDense.toFixed(2)}x`,
    r.utilization === null ? '-' : `${(100 * r.utilization).toFixed(1)}%`,
    r.loadImbalance === null ? '-' : r.loadImbalance.toFixed(3),
    (r.dramBytes / 1e6).toFixed(2),
    r.energyUj.toFixed(0),
    r.stallCycles.toLocaleString('en-US'),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  console.log(line(head));
  for (const b of body) console.log(line(b));
  console.log(`ideal balanced speedup 16/5 = ${(16 / 5).toFixed(2)}x (1/(1-0.7) = 3.33x)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
