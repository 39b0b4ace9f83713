/**
 * KCNN reference convolutions with clustered operands (METHODS §5.2 step 5, AC-8): Mode W
 * (accumulate-then-multiply) and Mode WA (product table). Slow, exact reference code that also counts
 * the multiplications / additions a KCNN datapath performs. Batch 1, NHWC input, HWIO kernel.
 */
import { checkArg } from '../../errors.js';

/** Conv geometry. Padding in pixels (zeros; skipped as zero activations). */
export interface ConvGeometry {
  /** Input `[H, W, C]` of the NHWC `[1, H, W, C]` activation. */
  inH: number;
  inW: number;
  inC: number;
  /** Kernel `[R, S, C, K]` (HWIO). */
  kernelH: number;
  kernelW: number;
  outC: number;
  strideH?: number;
  strideW?: number;
  padTop?: number;
  padBottom?: number;
  padLeft?: number;
  padRight?: number;
}

/** Weights as codes (HWIO order, 0 = zero weight) with one codebook (`layer`) or one per output channel. */
export interface ClusteredKernel {
  codes: ArrayLike<number>;
  /** `codebooks.length` is 1 (per layer) or K (per output channel); code j -> `codebook[j-1]`. */
  codebooks: ArrayLike<number>[];
}

export interface KcnnCounts {
  /** `Ho·Wo·K·R·S·C`. */
  denseMultiplications: number;
  /** Taps with a non-zero weight (padding taps included), summed over outputs. */
  nonZeroWeightMultiplications: number;
  /** `Σ_o |S_o|`: taps with non-zero weight AND non-zero activation. */
  effectualTaps: number;
  /** Mode W: `Σ_o B_o` (non-empty buckets). Mode WA: table products `Σ_groups K_w·K_a`. */
  multiplications: number;
  /** Mode W: bucket additions `Σ|S_o|`; Mode WA: table lookup-adds `Σ|S_o|`. */
  accumulateAdditions: number;
  /** Mode W: `Σ_o B_o` (adds combining the bucket products, §5.2: additions = |S_o| + B_o); Mode WA: 0. */
  combineAdditions: number;
}

export interface KcnnResult {
  /** Output `[Ho, Wo, K]` (NHWC without the batch axis), float64. */
  y: Float64Array;
  outH: number;
  outW: number;
  counts: KcnnCounts;
}

interface Geo {
  H: number;
  W: number;
  C: number;
  R: number;
  S: number;
  K: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  Ho: number;
  Wo: number;
}

function geometry(where: string, g: ConvGeometry): Geo {
  const sh = g.strideH ?? 1;
  const sw = g.strideW ?? 1;
  const pt = g.padTop ?? 0;
  const pb = g.padBottom ?? 0;
  const pl = g.padLeft ?? 0;
  const pr = g.padRight ?? 0;
  for (const [k, v] of Object.entries({
    inH: g.inH,
    inW: g.inW,
    inC: g.inC,
    kernelH: g.kernelH,
    kernelW: g.kernelW,
    outC: g.outC,
    strideH: sh,
    strideW: sw,
  })) {
    checkArg(Number.isInteger(v) && v >= 1, where, k, v, 'an integer >= 1');
  }
  const Ho = Math.floor((g.inH + pt + pb - g.kernelH) / sh) + 1;
  const Wo = Math.floor((g.inW + pl + pr - g.kernelW) / sw) + 1;
  checkArg(Ho >= 1 && Wo >= 1, where, 'output size', `${Ho}x${Wo}`, '>= 1x1 (kernel larger than padded input)');
  return { H: g.inH, W: g.inW, C: g.inC, R: g.kernelH, S: g.kernelW, K: g.outC, sh, sw, pt, pl, Ho, Wo };
}

function checkKernel(where: string, w: ClusteredKernel, G: Geo): void {
  checkArg(
    w.codes.length === G.R * G.S * G.C * G.K,
    where,
    'codes.length',
    w.codes.length,
    `R·S·C·K = ${G.R * G.S * G.C * G.K}`,
  );
  checkArg(
    w.codebooks.length === 1 || w.codebooks.length === G.K,
    where,
    'codebooks.length',
    w.codebooks.length,
    `1 or K = ${G.K}`,
  );
}

/** Visits the taps of output (ho, wo, k): calls f(wCode, xIndex) for in-bounds taps, counts padding taps with w != 0. */
function forTaps(
  G: Geo,
  ho: number,
  wo: number,
  k: number,
  codes: ArrayLike<number>,
  f: (code: number, xi: number) => void,
): number {
  let padNz = 0;
  for (let i = 0; i < G.R; i++) {
    const h = ho * G.sh + i - G.pt;
    for (let j = 0; j < G.S; j++) {
      const w = wo * G.sw + j - G.pl;
      const inside = h >= 0 && h < G.H && w >= 0 && w < G.W;
      for (let c = 0; c < G.C; c++) {
        const code = codes[((i * G.S + j) * G.C + c) * G.K + k] as number;
        if (code === 0) continue;
        if (!inside) {
          padNz++;
          continue;
        }
        f(code, (h * G.W + w) * G.C + c);
      }
    }
  }
  return padNz;
}

/**
 * Mode W: per output, bucket sums `A_k = Σ_{t∈S_o, code_w(t)=k} x_t`, then `y = Σ_k c_k·A_k`.
 * Equals the dense conv of the clustered weights with the ORIGINAL activations.
 * @param x input activations `[1, H, W, C]` (NHWC, row-major).
 */
export function kcnnConvModeW(x: ArrayLike<number>, w: ClusteredKernel, geo: ConvGeometry): KcnnResult {
  const G = geometry('kcnnConvModeW', geo);
  checkArg(x.length === G.H * G.W * G.C, 'kcnnConvModeW', 'x.length', x.length, `H·W·C = ${G.H * G.W * G.C}`);
  checkKernel('kcnnConvModeW', w, G);
  const y = new Float64Array(G.Ho * G.Wo * G.K);
  const counts = emptyCounts(G);
  const maxCode = Math.max(...w.codebooks.map((b) => b.length));
  const bucket = new Float64Array(maxCode + 1);
  const used = new Uint8Array(maxCode + 1);
  for (let ho = 0; ho < G.Ho; ho++) {
    for (let wo = 0; wo < G.Wo; wo++) {
      for (let k = 0; k < G.K; k++) {
        const book = (w.codebooks.length === 1 ? w.codebooks[0] : w.codebooks[k]) as ArrayLike<number>;
        bucket.fill(0);
        used.fill(0);
        let s = 0;
        let nzw = 0;
        const pad = forTaps(G, ho, wo, k, w.codes, (code, xi) => {
          nzw++;
          const a = x[xi] as number;
          if (a === 0) return;
          s++;
          bucket[code] = (bucket[code] as number) + a;
          used[code] = 1;
        });
        let acc = 0;
        let b = 0;
        for (let code = 1; code <= maxCode; code++) {
          if (!used[code]) continue;
          b++;
          acc += (book[code - 1] as number) * (bucket[code] as number);
        }
        y[(ho * G.Wo + wo) * G.K + k] = acc;
        counts.nonZeroWeightMultiplications += nzw + pad;
        counts.effectualTaps += s;
        counts.multiplications += b;
        counts.accumulateAdditions += s;
        counts.combineAdditions += b;
      }
    }
  }
  return { y, outH: G.Ho, outW: G.Wo, counts };
}

/**
 * Mode WA: table `T[k][l] = c_k·a_l` built once (per codebook), then `y = Σ_{t∈S_o} T[code_w(t)][code_a(t)]`.
 * Equals the dense conv of clustered weights with CLUSTERED activations.
 * @param act activation codes `[1, H, W, C]` (0 = zero) and the ascending activation codebook `[K_a]`.
 */
export function kcnnConvModeWA(
  act: { codes: ArrayLike<number>; centroids: ArrayLike<number> },
  w: ClusteredKernel,
  geo: ConvGeometry,
): KcnnResult & { tables: Float64Array[] } {
  const G = geometry('kcnnConvModeWA', geo);
  checkArg(
    act.codes.length === G.H * G.W * G.C,
    'kcnnConvModeWA',
    'act.codes.length',
    act.codes.length,
    `H·W·C = ${G.H * G.W * G.C}`,
  );
  checkKernel('kcnnConvModeWA', w, G);
  const Ka = act.centroids.length;
  const tables = w.codebooks.map((book) => {
    const t = new Float64Array(book.length * Ka);
    for (let k = 0; k < book.length; k++)
      for (let l = 0; l < Ka; l++) t[k * Ka + l] = (book[k] as number) * (act.centroids[l] as number);
    return t;
  });
  const y = new Float64Array(G.Ho * G.Wo * G.K);
  const counts = emptyCounts(G);
  counts.multiplications = w.codebooks.reduce((s, b) => s + b.length * Ka, 0);
  for (let ho = 0; ho < G.Ho; ho++) {
    for (let wo = 0; wo < G.Wo; wo++) {
      for (let k = 0; k < G.K; k++) {
        const table = (tables.length === 1 ? tables[0] : tables[k]) as Float64Array;
        let acc = 0;
        let s = 0;
        let nzw = 0;
        const pad = forTaps(G, ho, wo, k, w.codes, (code, xi) => {
          nzw++;
          const a = act.codes[xi] as number;
          if (a === 0) return;
          s++;
          acc += table[(code - 1) * Ka + (a - 1)] as number;
        });
        y[(ho * G.Wo + wo) * G.K + k] = acc;
        counts.nonZeroWeightMultiplications += nzw + pad;
        counts.effectualTaps += s;
        counts.accumulateAdditions += s;
      }
    }
  }
  return { y, outH: G.Ho, outW: G.Wo, counts, tables };
}

function emptyCounts(G: Geo): KcnnCounts {
  return {
    denseMultiplications: G.Ho * G.Wo * G.K * G.R * G.S * G.C,
    nonZeroWeightMultiplications: 0,
    effectualTaps: 0,
    multiplications: 0,
    accumulateAdditions: 0,
    combineAdditions: 0,
  };
}
