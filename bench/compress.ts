/**
 * bench:compress — seconds to prune / quantize (KL calibration) / cluster a VGG-16-sized weight set
 * (VGG-16 ImageNet layer shapes, 138.3 M weights, seeded random normal data scaled like He init).
 *
 *   npx tsx bench/compress.ts [--json] [--scale 0.25] [--seed 1] [--skip-baseline]
 *
 * `--scale s` multiplies every layer's output channels by s (quick runs); `--json` prints one JSON
 * object on stdout (progress goes to stderr). Timings are wall-clock of one run each; nothing is asserted.
 * Baselines measured in the same run: a sort-based global magnitude threshold (copy |w|, typed-array
 * sort) versus the radix selection used by `magnitudeMask`/`globalMagnitudeMasks`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { clusterTensor } from '../src/compress/cluster/index.js';
import { magnitudeThreshold, pruneCount, pruneModel } from '../src/compress/prune/index.js';
import type { PruneConfig } from '../src/compress/prune/index.js';
import { planTensor, toCodes } from '../src/compress/quantize/index.js';
import { prunedModelStorage } from '../src/compress/prune-storage.js';
import { fcDescriptor, type LayerDescriptor } from '../src/shared/layer.js';
import { Rng } from '../src/shared/rng.js';

interface Args {
  json: boolean;
  scale: number;
  seed: number;
  skipBaseline: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scale = Number(get('--scale') ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale = ${get('--scale')} is not a number in (0, 1]`);
  return {
    json: argv.includes('--json'),
    scale,
    seed: Number(get('--seed') ?? 1),
    skipBaseline: argv.includes('--skip-baseline'),
  };
}

/** VGG-16 (ImageNet, 224x224) compute layers with output channels scaled by `s`. */
function vgg16(s: number): LayerDescriptor[] {
  const ch = (c: number) => Math.max(1, Math.round(c * s));
  const convs: [string, number, number][] = [
    ['conv1_1', 224, 64],
    ['conv1_2', 224, 64],
    ['conv2_1', 112, 128],
    ['conv2_2', 112, 128],
    ['conv3_1', 56, 256],
    ['conv3_2', 56, 256],
    ['conv3_3', 56, 256],
    ['conv4_1', 28, 512],
    ['conv4_2', 28, 512],
    ['conv4_3', 28, 512],
    ['conv5_1', 14, 512],
    ['conv5_2', 14, 512],
    ['conv5_3', 14, 512],
  ];
  const layers: LayerDescriptor[] = [];
  let inC = 3;
  for (const [name, hw, out] of convs) {
    const outC = ch(out);
    layers.push({
      name,
      kind: 'conv',
      inH: hw,
      inW: hw,
      inC,
      outC,
      kernelH: 3,
      kernelW: 3,
      strideH: 1,
      strideW: 1,
      padTop: 1,
      padBottom: 1,
      padLeft: 1,
      padRight: 1,
      groups: 1,
      outH: hw,
      outW: hw,
      weightShape: [3, 3, inC, outC],
      hasBias: true,
    });
    inC = outC;
  }
  const fcs: [string, number, number][] = [
    ['fc6', 7 * 7 * inC, ch(4096)],
    ['fc7', ch(4096), ch(4096)],
    ['fc8', ch(4096), 1000],
  ];
  for (const [name, i, o] of fcs) {
    layers.push(fcDescriptor(name, i, o));
  }
  return layers;
}

/** Seeded normal weights, std = sqrt(2 / fan_in) (Box–Muller, both outputs used). */
function randomWeights(layers: readonly LayerDescriptor[], seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const l of layers) {
    const n = l.weightShape.reduce((a, b) => a * b, 1);
    const fanIn = n / (l.weightShape[l.weightShape.length - 1] ?? 1);
    const std = Math.sqrt(2 / fanIn);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = std * Math.sqrt(-2 * Math.log(1 - rng.next()));
      const t = 2 * Math.PI * rng.next();
      w[i] = r * Math.cos(t);
      if (i + 1 < n) w[i + 1] = r * Math.sin(t);
    }
    out.set(l.name, w);
  }
  return out;
}

/**
 * Wall-clock seconds `s` and process CPU seconds `cpu` (user + system, all threads) of one call.
 * On a contended machine `cpu` is the better estimate of the uncontended wall time.
 */
function time<T>(label: string, fn: () => T, log: (s: string) => void): { s: number; cpu: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  log(`  ${label}: ${s.toFixed(2)} s wall, ${cpu.toFixed(2)} s cpu`);
  return { s, cpu, value };
}

/** Baseline: global magnitude threshold by copying |w| of all layers and sorting (typed-array sort). */
function sortThreshold(ws: readonly Float32Array[], count: number): number {
  const total = ws.reduce((a, w) => a + w.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const w of ws) for (let i = 0; i < w.length; i++) all[o++] = Math.abs(w[i] as number);
  all.sort();
  return all[count - 1] as number;
}

interface Timed {
  s: number;
  cpu: number;
  value: number;
}

interface Measured {
  prune: Record<string, { s: number; cpu: number; achievedRatio: number }>;
  storageBits: number;
  radix: Timed;
  sorted: Timed | undefined;
  quant: Timed;
  clus: Timed;
}

const METHODS: [string, PruneConfig][] = [
  ['magnitude-global r=0.9', { method: 'magnitude', ratio: 0.9, scope: 'global' }],
  ['magnitude-layer r=0.9', { method: 'magnitude', ratio: 0.9 }],
  ['gbp vector g=16 r=0.75', { method: 'group-balanced', ratio: 0.75, groupSize: 16 }],
  ['gbp block g=8 r=0.75', { method: 'group-balanced', ratio: 0.75, groupSize: 8, groupShape: 'block' }],
  ['krp rows=1 r_fc=0.9', { method: 'kernel-row', ratio: 0.9 }],
  ['filter L1 r=0.5', { method: 'filter', ratio: 0.5 }],
];

/** Runs every operation once on `layers`/`weights` and times it. */
function measure(
  layers: LayerDescriptor[],
  weights: Map<string, Float32Array>,
  args: Args,
  log: (s: string) => void,
): Measured {
  const model = { layers, weights };
  const ws = layers.map((l) => weights.get(l.name) as Float32Array);
  const params = ws.reduce((a, w) => a + w.length, 0);
  const prune: Measured['prune'] = {};
  let storageBits = 0;
  for (const [label, cfg] of METHODS) {
    const r = time(`prune ${label}`, () => pruneModel(model, cfg), log);
    prune[label] = { s: r.s, cpu: r.cpu, achievedRatio: r.value.report.overall.achievedRatio };
    if (cfg.method === 'group-balanced' && cfg.groupShape === undefined) {
      storageBits = prunedModelStorage(layers, r.value, { kind: 'fixed', bits: 8 }).totalBits;
    }
  }
  const count = pruneCount(0.9, params);
  const radix = time('threshold: radix selection (ours)', () => magnitudeThreshold(ws, count), log);
  const sorted = args.skipBaseline
    ? undefined
    : time('threshold: copy + sort (baseline)', () => sortThreshold(ws, count), log);
  if (sorted && sorted.value !== radix.value)
    throw new Error(`threshold mismatch: sort ${sorted.value} vs radix ${radix.value}`);
  const rng = new Rng(args.seed + 1);
  const quant = time(
    'quantize W8: KL threshold + FL search + SR codes, per layer',
    () => {
      let fl = 0;
      for (const l of layers) {
        const w = weights.get(l.name) as Float32Array;
        const plan = planTensor(w, { bits: 8, threshold: 'kl' }, 'weights', rng);
        toCodes(w, { bits: 8, fl: plan.fl }, { rounding: 'sr', rng });
        fl += plan.fl;
      }
      return fl;
    },
    log,
  );
  const clus = time(
    'cluster K=16 per layer (linear init, Lloyd)',
    () => {
      let iters = 0;
      for (const l of layers)
        iters += clusterTensor(weights.get(l.name) as Float32Array, l.weightShape, 16).iterations[0] ?? 0;
      return iters;
    },
    log,
  );
  return { prune, storageBits, radix, sorted, quant, clus };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => (args.json ? process.stderr : process.stdout).write(`${s}\n`);
  // JIT warm-up on a 1/20-width copy (not reported), so the timed run measures steady-state code.
  const small = vgg16(0.05);
  measure(small, randomWeights(small, args.seed), args, () => {});
  const layers = vgg16(args.scale);
  const params = layers.reduce((a, l) => a + l.weightShape.reduce((x, y) => x * y, 1), 0);
  log(
    `bench:compress  VGG-16 shapes x${args.scale}: ${(params / 1e6).toFixed(1)} M weights, ${availableParallelism()} cores (shared machine)`,
  );
  const gen = time('generate random weights (not part of any operation)', () => randomWeights(layers, args.seed), log);
  const { prune, storageBits, radix, sorted, quant, clus } = measure(layers, gen.value, args, log);
  const pruneHeadline = prune['magnitude-global r=0.9']?.s ?? NaN;
  const result = {
    params,
    scale: args.scale,
    cores: availableParallelism(),
    prune_s: pruneHeadline,
    quantize_s: quant.s,
    cluster_s: clus.s,
    prune_cpu_s: prune['magnitude-global r=0.9']?.cpu ?? NaN,
    quantize_cpu_s: quant.cpu,
    cluster_cpu_s: clus.cpu,
    prune_methods_s: Object.fromEntries(Object.entries(prune).map(([k, v]) => [k, v.s])),
    prune_methods_cpu_s: Object.fromEntries(Object.entries(prune).map(([k, v]) => [k, v.cpu])),
    achieved_ratio: Object.fromEntries(Object.entries(prune).map(([k, v]) => [k, Number(v.achievedRatio.toFixed(4))])),
    threshold_radix_s: radix.s,
    threshold_radix_cpu_s: radix.cpu,
    threshold_sort_baseline_s: sorted?.s ?? null,
    threshold_sort_baseline_cpu_s: sorted?.cpu ?? null,
    speedup_vs_sort: sorted ? sorted.s / radix.s : null,
    gbp16_w8_storage_ratio_vs_fp32: storageBits > 0 ? (32 * params) / storageBits : null,
    generate_s: gen.s,
    cluster_lloyd_iterations: clus.value,
    load_average_1m: loadavg()[0],
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const row = (label: string, t: { s: number; cpu: number } | undefined, note = ''): string =>
    `| ${label} | ${t ? t.s.toFixed(2) : 'skipped'} | ${t ? t.cpu.toFixed(2) : ''} | ${note} |`;
  log('');
  log('| operation | wall s | cpu s | note |\n|---|---|---|---|');
  for (const [k, v] of Object.entries(prune))
    log(row(`prune ${k}`, v, `achieved ${(100 * v.achievedRatio).toFixed(2)} %`));
  log(row('global threshold, radix select (ours)', radix));
  log(
    row(
      'global threshold, copy + sort (baseline)',
      sorted,
      sorted ? `ours ${(sorted.cpu / radix.cpu).toFixed(1)}x less cpu` : '',
    ),
  );
  log(row('quantize W8 (KL + FL search + SR)', quant));
  log(row('cluster K=16 per layer', clus, `${clus.value} Lloyd iterations in total`));
  log(`\nload average (1 min) at the end: ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
  log(
    `target: each of prune / quantize / cluster < 10 s on 2 cores; this machine is shared, so real numbers are lower.`,
  );
}

main();
