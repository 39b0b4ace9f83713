import type { TrialPoint } from '../plot/types.js';

/**
 * The sweep page's chart data on the wire: {@link TrialPoint}s as columns (one array per field, entry `i` = the
 * `i`-th trial by number) instead of one object per trial. About a third of the bytes at 10,000 trials (field names
 * are not repeated), built by PostgreSQL as one JSON text the server forwards without parsing it
 * (src/dashboard/queries.ts `trialPointColumnsJson`). Pure: the browser and `hwsweep plot` decode it with
 * {@link pointsFromColumns}.
 */
export interface TrialPointColumns {
  id: string[];
  number: number[];
  label: string[];
  status: string[];
  /** Fraction of 1; null when the trial has none (not finished, dry run). */
  accuracy: (number | null)[];
  /** Bytes; null when the trial has none. */
  modelBytes: (number | null)[];
  /** Swept axis (column name) -> its value per trial (only the axes that vary within the sweep). */
  axes: Record<string, (string | number | null)[]>;
  /** Accelerator -> speedup (×) per trial; null where the trial was not simulated on it. */
  speedup: Record<string, (number | null)[]>;
}

/**
 * The points of `c` as objects, in column order.
 * @throws Error when a column's length differs from `id`'s (a malformed payload, never silently misaligned).
 */
export function pointsFromColumns(c: TrialPointColumns): TrialPoint[] {
  const n = c.id.length;
  const columns: [string, unknown[]][] = [
    ['number', c.number],
    ['label', c.label],
    ['status', c.status],
    ['accuracy', c.accuracy],
    ['modelBytes', c.modelBytes],
    ...Object.entries(c.axes).map(([k, v]): [string, unknown[]] => [`axes.${k}`, v]),
    ...Object.entries(c.speedup).map(([k, v]): [string, unknown[]] => [`speedup.${k}`, v]),
  ];
  for (const [name, col] of columns) {
    if (col.length !== n) throw new Error(`trial point columns: ${name} has ${col.length} entries, id has ${n}`);
  }
  const axes = Object.entries(c.axes);
  const speedups = Object.entries(c.speedup);
  const points: TrialPoint[] = new Array<TrialPoint>(n);
  for (let i = 0; i < n; i++) {
    const axisValues: TrialPoint['axes'] = {};
    for (const [name, col] of axes) axisValues[name] = col[i] ?? null;
    const speedup: TrialPoint['speedup'] = {};
    for (const [acc, col] of speedups) {
      const s = col[i];
      if (s !== null && s !== undefined) speedup[acc] = s;
    }
    points[i] = {
      id: c.id[i]!,
      number: c.number[i]!,
      label: c.label[i]!,
      status: c.status[i]!,
      accuracy: c.accuracy[i] ?? null,
      modelBytes: c.modelBytes[i] ?? null,
      axes: axisValues,
      speedup,
    };
  }
  return points;
}
