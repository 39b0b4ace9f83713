/**
 * Pareto front of two objectives, both maximised (negate one to minimise it). A point is on the front when no other
 * point is at least as good on both and strictly better on one: the definition of the SQL views
 * `pareto_accuracy_speedup` / `pareto_accuracy_size`, computed here in O(n log n) (the views compare every pair,
 * which takes seconds at 10,000 trials). Equal points are all kept, as in the views.
 *
 * @param points `[x, y]` pairs; non-finite values are never on the front.
 * @returns Indices into `points` of the front, sorted by x ascending.
 */
export function paretoFront(points: readonly (readonly [number, number])[]): number[] {
  const order = points
    .map((p, i) => i)
    .filter((i) => Number.isFinite(points[i]![0]) && Number.isFinite(points[i]![1]))
    .sort((a, b) => points[b]![0] - points[a]![0] || points[b]![1] - points[a]![1]);
  const front: number[] = [];
  let bestY = -Infinity; // best y among points with strictly greater x
  let i = 0;
  while (i < order.length) {
    // Points with the same x: only those with the group's top y can be on the front, and only if it beats bestY.
    const x = points[order[i]!]![0];
    let j = i;
    while (j < order.length && points[order[j]!]![0] === x) j++;
    const topY = points[order[i]!]![1];
    if (topY > bestY) for (let k = i; k < j && points[order[k]!]![1] === topY; k++) front.push(order[k]!);
    bestY = Math.max(bestY, topY);
    i = j;
  }
  return front.sort((a, b) => points[a]![0] - points[b]![0] || a - b);
}
