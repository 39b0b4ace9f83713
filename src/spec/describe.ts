/**
 * Short human labels for trials, e.g. `lenet5/fashion-mnist gbp r=0.7→0.75 g=8 W8A8 s0`.
 */
import { FLOAT_BITS, type PruneMethod, type TrialParams } from './types.js';

const METHOD_ABBREV: Record<PruneMethod, string> = {
  none: 'dense',
  magnitude: 'mag',
  'group-balanced': 'gbp',
  'kernel-row': 'krp',
  filter: 'filter',
};

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * One-line label: model(×width)/dataset, method with its parameters (`r=` requested ratio, `→` the
 * nominal ratio when it differs), bit widths (`W8A8`, or `fp32`; `pow2` = power-of-two weights, `pow2-sym`
 * with one exponent range for both signs), cluster counts (`Kw16 Ka8`), then
 * non-default extras (block groups, gradual schedule, KRP rows, threshold, stochastic rounding,
 * LR rule) and the seed. Labels are for people; use `configHash` as the identity.
 */
export function describeTrial(t: TrialParams): string {
  const parts: string[] = [];
  parts.push(`${t.model}${t.width === 1 ? '' : `×${t.width}`}/${t.dataset}`);
  let m = METHOD_ABBREV[t.method];
  if (t.pruneRatio !== null) {
    m += ` r=${t.pruneRatio}`;
    if (t.nominalRatio !== null && round4(t.nominalRatio) !== t.pruneRatio) m += `→${round4(t.nominalRatio)}`;
  }
  if (t.groupSize !== null) m += ` g=${t.groupSize}`;
  if (t.groupShape === 'block') m += ' block';
  if (t.narrowConvs === 'flat') m += ' flat';
  if (t.rowsKept !== null) m += ` rows=${t.rowsKept}`;
  if (t.fcPolicy === 'dense') m += ' fc=dense';
  else if (t.fcRatio !== null) m += ` fc=${t.fcRatio}`;
  if (t.schedule === 'gradual') m += ` gradual×${t.scheduleSteps}`;
  parts.push(m);
  parts.push(
    t.weightBits === FLOAT_BITS && t.activationBits === FLOAT_BITS ? 'fp32' : `W${t.weightBits}A${t.activationBits}`,
  );
  if (t.weightFormat === 'pow2') parts.push(t.pow2SignBased === false ? 'pow2-sym' : 'pow2');
  if (t.threshold !== null && t.threshold !== 'kl')
    parts.push(t.threshold === 'percentile' ? `p${t.percentile}` : t.threshold);
  if (t.rounding === 'stochastic') parts.push('SR');
  if (t.weightClusters > 0) parts.push(`Kw${t.weightClusters}`);
  if (t.activationClusters > 0) parts.push(`Ka${t.activationClusters}`);
  if (t.clusterInit !== null && t.clusterInit !== 'linear') parts.push(t.clusterInit);
  if (t.retrain !== null && t.retrain.lrRule !== 'A') parts.push(`lr:${t.retrain.lrRule}`);
  parts.push(`s${t.seed}`);
  return parts.join(' ');
}
