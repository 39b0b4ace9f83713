/**
 * Round half away from zero, `rna(x) = sign(x)·floor(|x| + 0.5)` (docs/methods.md §0.3): the one rounding of
 * pruning counts, fixed-point codes and the spec's group arithmetic. Not `Math.round` (half up, also for
 * negatives) and not `tf.round` (half to even).
 */
export function rna(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}
