/**
 * Filter pruning (output-channel L1; Li et al. 2017 style): the structured baseline. Whole output
 * channels with the smallest L1 norm are masked; biases are never masked (§1.1), so a pruned
 * channel still emits its bias.
 */
import { HwsweepError } from '../../errors.js';
import { checkRatio, checkShape, clamp, rna } from './params.js';

export interface FilterResult {
  /** Same length/layout as the weights, 1 = kept. */
  mask: Uint8Array;
  /** Per output channel: 1 = kept. Conv/dense: `K` entries; depthwise: `C*mult`, index `c*mult + m`. */
  channelMask: Uint8Array;
  /** L1 norm per output channel (same indexing as `channelMask`). */
  l1: Float64Array;
  channels: number;
  prunedChannels: number;
  kept: number;
  total: number;
  achievedRatio: number;
}

/**
 * Prunes `clamp(rna(ratio*channels), 0, channels-1)` output channels with the smallest L1 norm
 * (ties: the lower channel index is kept).
 * @param w conv HWIO `[R, S, C, K]`, dense `[C, K]`, or depthwise `[R, S, C, mult]` (set `depthwise`)
 * @param depthwise treat the last two axes as the output channel (`c*mult + m`)
 */
export function filterMask(w: Float32Array, shape: readonly number[], ratio: number, depthwise = false): FilterResult {
  const where = 'filterMask';
  checkRatio(where, ratio);
  checkShape(where, w.length, shape, depthwise ? [4] : [2, 4]);
  const channels = depthwise ? (shape[2] ?? 1) * (shape[3] ?? 1) : (shape[shape.length - 1] ?? 1);
  const l1 = new Float64Array(channels);
  for (let i = 0, k = 0; i < w.length; i++) {
    const a = Math.abs(w[i] as number);
    if (a !== a) throw new HwsweepError('INVALID_ARGUMENT', `${where}: weights contain NaN (allowed: finite numbers)`);
    l1[k] = (l1[k] as number) + a;
    if (++k === channels) k = 0;
  }
  const prunedChannels = clamp(rna(ratio * channels), 0, channels - 1);
  // Prune order: smallest L1 first; among equal L1 the higher channel index goes first.
  const order = Array.from({ length: channels }, (_, k) => k).sort(
    (a, b) => (l1[a] as number) - (l1[b] as number) || b - a,
  );
  const channelMask = new Uint8Array(channels).fill(1);
  for (let t = 0; t < prunedChannels; t++) channelMask[order[t] as number] = 0;
  const mask = new Uint8Array(w.length);
  for (let i = 0, k = 0; i < w.length; i++) {
    mask[i] = channelMask[k] as number;
    if (++k === channels) k = 0;
  }
  const perChannel = w.length / channels;
  const kept = (channels - prunedChannels) * perChannel;
  return { mask, channelMask, l1, channels, prunedChannels, kept, total: w.length, achievedRatio: 1 - kept / w.length };
}
