/**
 * Clustered accumulate-then-multiply engine (docs/simulator.md §5.4; METHODS §5.2–5.3). Per output o: |S_o| taps
 * with a non-zero weight (and a non-zero activation on hardware that skips zeros), B_o distinct weight clusters
 * among them. Mode W: |S_o| bucket additions + B_o multiply-adds, cycles max(⌈|S_o|/A⌉, ⌈B_o/m⌉) pipelined (sum
 * otherwise). Mode WA: a k_w×k_a product table per layer (per image when online), then |S_o| lookup-adds.
 * A layer without cluster codes (the uncompressed network, the reference run) runs as plain MACs on the PE's
 * equal-area dense datapath: ⌈|S_o| / denseMacsPerPe⌉ cycles, one multiplication and one addition per MAC.
 */
import { HwsweepError } from '../../errors.js';
import { IRREGULAR, layerWeightBits, tiledTraffic } from '../storage.js';
import type { ClusteredParams } from '../types.js';
import type { EngineContext, EngineResult } from './common.js';
import { popcount32 } from '../mask-stats.js';
import { activationDensity, activationMask, packedOf, ratio } from './common.js';

interface PerOutput {
  /** `[pixels?, outC]` flattened: |S_o| and B_o; pixel-independent when `perPixel` is false. */
  s: Float64Array;
  b: Float64Array;
  perPixel: boolean;
  /** Calibration images the per-pixel counts cover (results are per-image means). */
  images: number;
}

function codeAt(ctx: EngineContext, i: number): number {
  const codes = ctx.comp.weightCodes;
  if (codes) return codes[i] as number;
  const m = ctx.comp.mask;
  return m && !m[i] ? 0 : i + 1; // every weight its own cluster
}

/** Exact per-output counts (with an activation mask) or per-channel counts (density as expectation). */
function outputCounts(ctx: EngineContext): PerOutput {
  const { wl } = ctx;
  const taps = wl.Fh * wl.Fw;
  const K = wl.outC;
  const am = activationMask(ctx);
  if (!am && !ctx.comp.weightCodes) {
    // Unlimited clusters: every kept weight is its own bucket, so B_o = |S_o| = nnz_k·d (closed form).
    const d = activationDensity(ctx);
    const s = new Float64Array(K);
    const p = packedOf(ctx, 'flat');
    if (!p) s.fill(taps * wl.Cg * d);
    else
      for (let k = 0; k < K; k++) {
        let n = 0;
        for (let t = 0; t < p.taps; t++) {
          const base = (t * K + k) * p.wpr;
          for (let w = 0; w < p.wpr; w++) n += popcount32(p.rows[base + w] as number);
        }
        s[k] = n * d;
      }
    return { s, b: s, perPixel: false, images: 1 };
  }
  if (!am || wl.groups !== 1) {
    const d = activationDensity(ctx);
    const s = new Float64Array(K);
    const b = new Float64Array(K);
    const per = new Map<number, number>();
    for (let k = 0; k < K; k++) {
      per.clear();
      for (let t = 0; t < taps; t++)
        for (let c = 0; c < wl.Cg; c++) {
          const code = codeAt(ctx, (t * wl.Cg + c) * K + k);
          if (code !== 0) per.set(code, (per.get(code) ?? 0) + 1);
        }
      let sk = 0;
      let bk = 0;
      for (const n of per.values()) {
        sk += n;
        bk += d === 1 ? 1 : 1 - Math.pow(1 - d, n); // expected non-empty buckets
      }
      s[k] = sk * d;
      b[k] = bk;
    }
    return { s, b, perPixel: false, images: 1 };
  }
  const images = am.length / wl.inputElems;
  if (!Number.isInteger(images) || images < 1)
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `layer ${wl.name}: activationMask.length = ${am.length} is not a multiple of inH*inW*inC = ${wl.inputElems}`,
    );
  const P = wl.M;
  const s = new Float64Array(images * P * K);
  const b = new Float64Array(images * P * K);
  const seen = new Set<number>();
  for (let img = 0; img < images; img++)
    for (let ho = 0; ho < wl.E; ho++)
      for (let wo = 0; wo < wl.F; wo++) {
        const px = img * P + ho * wl.F + wo;
        const a0 = img * wl.inputElems;
        for (let k = 0; k < K; k++) {
          seen.clear();
          let n = 0;
          for (let i = 0; i < wl.Fh; i++)
            for (let j = 0; j < wl.Fw; j++) {
              const h = ho * wl.Sh + i - wl.padTop;
              const w = wo * wl.Sw + j - wl.padLeft;
              if (h < 0 || h >= wl.inH || w < 0 || w >= wl.inW) continue;
              for (let c = 0; c < wl.Cg; c++) {
                if (!am[a0 + (h * wl.inW + w) * wl.inC + c]) continue;
                const code = codeAt(ctx, ((i * wl.Fw + j) * wl.Cg + c) * K + k);
                if (code === 0) continue;
                n++;
                seen.add(code);
              }
            }
          s[px * K + k] = n;
          b[px * K + k] = seen.size;
        }
      }
  return { s, b, perPixel: true, images };
}

/** Clustered engine for one layer (codes in the HWIO layout of the weights; code 0 = zero). */
export function clusteredEngine(ctx: EngineContext): EngineResult {
  const { wl, hw, bw, ba } = ctx;
  const cp = hw.clustered as ClusteredParams;
  const K = wl.outC;
  const pixels = wl.M;
  const oc = outputCounts(ctx);
  const am = activationMask(ctx);
  const clustered = ctx.comp.weightCodes !== undefined;
  const cost = (s: number, b: number): number => {
    if (!clustered) return Math.ceil(s / cp.denseMacsPerPe - 1e-9);
    const add = Math.ceil(s / cp.adders - 1e-9);
    const mul = cp.mode === 'W' ? Math.ceil(b / cp.multipliers - 1e-9) : 0;
    return cp.pipelined ? Math.max(add, mul) : add + mul;
  };
  const tiles = Math.ceil(K / cp.pes);
  let compute = 0;
  let sumS = 0;
  let sumB = 0;
  let sumMax = 0;
  let sumMean = 0;
  const nPix = oc.perPixel ? pixels * oc.images : 1;
  for (let px = 0; px < nPix; px++)
    for (let t = 0; t < tiles; t++) {
      let mx = 0;
      let mxS = 0;
      let tot = 0;
      const k1 = Math.min(K, (t + 1) * cp.pes);
      for (let k = t * cp.pes; k < k1; k++) {
        const s = oc.s[px * K + k] as number;
        const b = oc.b[px * K + k] as number;
        mx = Math.max(mx, cost(s, b));
        mxS = Math.max(mxS, s);
        tot += s;
        sumS += s;
        sumB += b;
      }
      compute += mx;
      sumMax += mxS;
      sumMean += tot / (k1 - t * cp.pes);
    }
  const scale = oc.perPixel ? 1 / oc.images : pixels;
  compute *= scale;
  sumS *= scale;
  sumB *= scale;
  const kw = ctx.comp.weightClusters ?? null;
  const ka = ctx.comp.activationClusters ?? null;
  const modeWMult = sumB;
  // Product table: k_w·k_a multiplications per layer (per image when online; batch 1 here).
  const modeWAMult = kw !== null && ka !== null ? kw * ka : null;
  const nnzA = am ? am.reduce((a, v) => a + (v ? 1 : 0), 0) / oc.images : wl.inputElems * activationDensity(ctx);
  const clusterCycles =
    ka !== null && clustered
      ? Math.ceil((nnzA * Math.ceil(Math.log2(Math.max(ka, 2)))) / cp.comparators) + cp.onlineIterations * (nnzA + ka)
      : 0;
  // Unclustered: one multiplication and one addition per MAC. Mode W: bucket adds + one add per product.
  const multiplications = !clustered ? sumS : cp.mode === 'W' ? modeWMult : (modeWAMult ?? sumS);
  const additions = !clustered ? sumS : cp.mode === 'W' ? sumS + sumB : sumS;
  let nnzW = 0;
  if (ctx.comp.weightCodes) for (let i = 0; i < wl.weightElems; i++) nnzW += codeAt(ctx, i) !== 0 ? 1 : 0;
  else nnzW = packedOf(ctx, 'flat')?.nnz ?? wl.weightElems;
  const w = layerWeightBits(ctx, () => IRREGULAR, { nnz: nnzW, mask: ctx.comp.mask }, clustered ? kw : null);
  const codeBits = clustered && kw !== null ? Math.ceil(Math.log2(kw + 1)) : bw;
  const actBits = clustered && ka !== null ? Math.ceil(Math.log2(ka + 1)) : ba;
  const traffic = tiledTraffic(wl, hw, w, cp.pes, actBits);
  return {
    computeCycles: compute + clusterCycles,
    usefulMacs: sumS,
    multiplications,
    additions,
    slots: compute * cp.pes * (clustered ? cp.multipliers : cp.denseMacsPerPe),
    loadImbalance: ratio(sumMax, sumMean),
    imbalance: sumMax > 0 ? 1 - sumMean / sumMax : null,
    packingFactor: 1,
    accesses: { actReads: sumS, wtReads: sumS, idxReads: 0, rowReads: 0, outWrites: pixels * K },
    sramReadBits: { ifmap: sumS * actBits, filter: sumS * codeBits, metadata: 0 },
    sramWriteBits: pixels * K * ba,
    dramBits: { ifmap: traffic.ifmap, filter: traffic.filter, ofmap: traffic.ofmap, metadata: traffic.metadata },
    storageBits: w.data + w.metadata,
    extra: {
      format: w.format,
      mode: clustered ? cp.mode : 'dense MAC',
      modeWMultiplications: modeWMult,
      modeWAMultiplications: modeWAMult,
      bucketAdditions: sumS,
      clusteringCycles: clusterCycles,
      weightClusters: kw,
      activationClusters: ka,
    },
    notes:
      clustered && modeWAMult === null
        ? ['modeWAMultiplications: null because weightClusters/activationClusters are not given']
        : [],
  };
}
