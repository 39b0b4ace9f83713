/**
 * Exact zero-activation skipping for the group engine: per output pixel and tap, lane work =
 * popcount(weight bits & activation bits) of the group (METHODS §7.2, `skipZeroActivations`); padding zeros
 * are skipped too. Cost O(pixels · taps · outC · ⌈C/32⌉); meant for calibration-size layers.
 */
import { HwsweepError } from '../../errors.js';
import { popcount32 } from '../mask-stats.js';
import type { GroupParams } from '../types.js';
import type { EngineContext } from './common.js';
import { packedOf } from './common.js';

function andPopRange(a: Uint32Array, aBase: number, b: Uint32Array, bBase: number, start: number, len: number): number {
  let n = 0;
  let s = start;
  const end = start + len;
  while (s < end) {
    const w = s >>> 5;
    const off = s & 31;
    const take = Math.min(32 - off, end - s);
    const word = (((a[aBase + w] as number) & (b[bBase + w] as number)) >>> off) >>> 0;
    n += popcount32(take === 32 ? word : word & ((1 << take) - 1));
    s += take;
  }
  return n;
}

/**
 * Exact counts averaged over the calibration images in `activationMask` (`[images, inH, inW, inC]`,
 * any number of images ≥ 1): cycles and MACs are per-image means.
 */
export function exactActivationWindows(
  ctx: EngineContext,
  gp: GroupParams,
  M: number,
): { cycles: number; useful: number; sumMax: number; sumMean: number } {
  const { wl } = ctx;
  const all = ctx.comp.activationMask as Uint8Array;
  const images = all.length / wl.inputElems;
  if (!Number.isInteger(images) || images < 1)
    throw new HwsweepError(
      'SHAPE_MISMATCH',
      `layer ${wl.name}: activationMask.length = ${all.length} is not a multiple of inH*inW*inC = ${wl.inputElems}`,
      { context: { layer: wl.name, field: 'activationMask', value: all.length } },
    );
  const acc = { cycles: 0, useful: 0, sumMax: 0, sumMean: 0 };
  for (let i = 0; i < images; i++) {
    const r = oneImage(ctx, gp, M, all.subarray(i * wl.inputElems, (i + 1) * wl.inputElems));
    acc.cycles += r.cycles / images;
    acc.useful += r.useful / images;
    acc.sumMax += r.sumMax / images;
    acc.sumMean += r.sumMean / images;
  }
  return acc;
}

function oneImage(
  ctx: EngineContext,
  gp: GroupParams,
  M: number,
  am: Uint8Array,
): { cycles: number; useful: number; sumMax: number; sumMean: number } {
  const { wl } = ctx;
  if (wl.groups !== 1)
    throw new HwsweepError(
      'INVALID_ARGUMENT',
      `layer ${wl.name}: activationMask with groups = ${wl.groups} is not supported (groups must be 1)`,
    );
  const C = wl.inC;
  const wpr = (C + 31) >>> 5;
  const pos = wl.inH * wl.inW;
  const act = new Uint32Array(pos * wpr);
  for (let p = 0; p < pos; p++)
    for (let c = 0; c < C; c++)
      if (am[p * C + c]) act[p * wpr + (c >>> 5)] = (act[p * wpr + (c >>> 5)] as number) | (1 << (c & 31));
  const packed = packedOf(ctx);
  const outC = wl.outC;
  let wrows: Uint32Array;
  if (packed) wrows = packed.rows;
  else {
    wrows = new Uint32Array(wl.maskTaps * outC * wpr);
    for (let r = 0; r < wl.maskTaps * outC; r++)
      for (let c = 0; c < C; c++) wrows[r * wpr + (c >>> 5)] = (wrows[r * wpr + (c >>> 5)] as number) | (1 << (c & 31));
  }
  const g = gp.g;
  const Q = Math.ceil(C / g);
  const tk = gp.tk;
  const tiles = Math.ceil(outC / tk);
  const laneAcc = new Float64Array(outC);
  let cycles = 0;
  let useful = 0;
  let sumMax = 0;
  let sumMean = 0;
  for (let ho = 0; ho < wl.E; ho++)
    for (let wo = 0; wo < wl.F; wo++) {
      laneAcc.fill(0);
      for (let i = 0; i < wl.Fh; i++)
        for (let j = 0; j < wl.Fw; j++) {
          const t = i * wl.Fw + j;
          const h = ho * wl.Sh + i - wl.padTop;
          const w = wo * wl.Sw + j - wl.padLeft;
          const inside = h >= 0 && h < wl.inH && w >= 0 && w < wl.inW;
          const aBase = (h * wl.inW + w) * wpr;
          for (let tile = 0; tile < tiles; tile++) {
            const k0 = tile * tk;
            const k1 = Math.min(outC, k0 + tk);
            for (let q = 0; q < Q; q++) {
              const len = Math.min(g, C - q * g);
              let mx = 0;
              let s = 0;
              if (inside)
                for (let k = k0; k < k1; k++) {
                  const c = andPopRange(wrows, (t * outC + k) * wpr, act, aBase, q * g, len);
                  s += c;
                  if (c > mx) mx = c;
                  laneAcc[k] = (laneAcc[k] as number) + Math.ceil(c / M);
                }
              if (gp.lockstep) cycles += Math.max(1, Math.ceil(mx / M));
              useful += s;
              sumMax += mx;
              sumMean += s / (k1 - k0);
            }
          }
        }
      if (!gp.lockstep)
        for (let tile = 0; tile < tiles; tile++) {
          let worst = 0;
          for (let k = tile * tk; k < Math.min(outC, (tile + 1) * tk); k++)
            worst = Math.max(worst, laneAcc[k] as number);
          cycles += Math.max(wl.Fh * wl.Fw * Q, worst);
        }
    }
  return { cycles, useful, sumMax, sumMean };
}
