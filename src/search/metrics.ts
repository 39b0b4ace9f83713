/**
 * What strategies can optimise and compare: trial-level objective metrics (multi-objective samplers and
 * their constraints) and per-epoch metrics (pruners), each with its natural direction and where its value
 * lives in the database. One vocabulary for the spec, the samplers and the orchestrator.
 */
import { z } from 'zod';
import { HwsweepError } from '../errors.js';
import { oneOf, str, typeError } from '../spec/zod-helpers.js';
import { DIRECTIONS, type Direction } from './strategy.js';

/** Final metrics of a trial. `perAccelerator`: the metric is named with `@<accelerator>` (`speedup@kang-cx`). */
export const OBJECTIVE_METRICS = {
  accuracy: { direction: 'maximize', perAccelerator: false, source: 'trials.accuracy (fraction)' },
  accuracyDrop: {
    direction: 'minimize',
    perAccelerator: false,
    source: 'trials.accuracy_drop (baseline accuracy - accuracy, fraction)',
  },
  modelBytes: { direction: 'minimize', perAccelerator: false, source: 'trials.model_bytes (bytes)' },
  compressionRatio: {
    direction: 'maximize',
    perAccelerator: false,
    source: 'trials.compression_ratio (dense fp32 bytes / compressed bytes)',
  },
  speedup: {
    direction: 'maximize',
    perAccelerator: true,
    source: 'simulations.speedup where accelerator = <name> (dense cycles / compressed cycles, same hardware)',
  },
} as const satisfies Record<string, { direction: Direction; perAccelerator: boolean; source: string }>;
export type ObjectiveMetric = keyof typeof OBJECTIVE_METRICS;

/** Per-epoch metrics of retraining (`epoch_metrics` columns) that pruners can watch. */
export const EPOCH_METRICS = {
  valAccuracy: { direction: 'maximize', source: 'epoch_metrics.val_accuracy (test-split accuracy after the epoch)' },
  valLoss: { direction: 'minimize', source: 'epoch_metrics.val_loss' },
  accuracy: { direction: 'maximize', source: 'epoch_metrics.accuracy (training accuracy over the epoch)' },
  loss: { direction: 'minimize', source: 'epoch_metrics.loss (training loss over the epoch)' },
} as const satisfies Record<string, { direction: Direction; source: string }>;
export type EpochMetric = keyof typeof EPOCH_METRICS;

/**
 * Spec options shared by pruners: the per-epoch `metric` to watch (default `valAccuracy`) and its `direction`
 * (default: the metric's natural one, resolved by `watchedMetric`).
 */
export const epochMetricOptions = {
  metric: oneOf(Object.keys(EPOCH_METRICS) as [EpochMetric, ...EpochMetric[]]).default('valAccuracy'),
  direction: oneOf(DIRECTIONS).optional(),
};

/** The metric and the direction a pruner watches, with the metric's natural direction as the default. */
export function watchedMetric(o: { metric: EpochMetric; direction?: Direction | undefined }): {
  metric: EpochMetric;
  direction: Direction;
} {
  return { metric: o.metric, direction: o.direction ?? EPOCH_METRICS[o.metric].direction };
}

/** An objective of a multi-objective sampler; `key` names its value in `FinishedEvent.values`. */
export interface Objective {
  key: string;
  metric: ObjectiveMetric;
  /** Accelerator name of per-accelerator metrics, else null. */
  accelerator: string | null;
  direction: Direction;
}

/** A constraint `metric[@accelerator] <= bound` (or `>=`); a trial that violates it is infeasible. */
export interface Constraint {
  key: string;
  metric: ObjectiveMetric;
  accelerator: string | null;
  op: '<=' | '>=';
  bound: number;
}

const KEY_RE = /^([A-Za-z]+)(?:@([A-Za-z0-9][A-Za-z0-9._-]*))?$/;
const CONSTRAINT_RE = /^\s*(\S+?)\s*(<=|>=)\s*(\S+)\s*$/;

/** `metric` or `metric@accelerator`. */
export function objectiveKey(metric: ObjectiveMetric, accelerator: string | null): string {
  return accelerator === null ? metric : `${metric}@${accelerator}`;
}

/** Parses `metric[@accelerator]`; returns the reason when invalid. */
function parseKey(text: string): { metric: ObjectiveMetric; accelerator: string | null } | string {
  const m = KEY_RE.exec(text.trim());
  const names = Object.keys(OBJECTIVE_METRICS).join(', ');
  if (!m) return `${JSON.stringify(text)} is not a metric name like "accuracy" or "speedup@kang-cx"`;
  const metric = m[1] as string;
  if (!Object.hasOwn(OBJECTIVE_METRICS, metric)) return `${JSON.stringify(metric)} is not one of ${names}`;
  const def = OBJECTIVE_METRICS[metric as ObjectiveMetric];
  const accelerator = m[2] ?? null;
  if (def.perAccelerator && accelerator === null) {
    return `${metric} is measured per accelerator: name one, e.g. "${metric}@kang-cx"`;
  }
  if (!def.perAccelerator && accelerator !== null)
    return `${metric} does not depend on the accelerator: drop "@${accelerator}"`;
  return { metric: metric as ObjectiveMetric, accelerator };
}

/** Parses an objective `metric[@accelerator]`; its direction is the metric's natural one. */
export function parseObjective(text: string): Objective | string {
  const k = parseKey(text);
  if (typeof k === 'string') return k;
  return { key: objectiveKey(k.metric, k.accelerator), ...k, direction: OBJECTIVE_METRICS[k.metric].direction };
}

/** Parses `metric[@accelerator] <= bound` or `>= bound`. */
export function parseConstraint(text: string): Constraint | string {
  const m = CONSTRAINT_RE.exec(text);
  if (!m) return `${JSON.stringify(text)} is not a constraint like "accuracyDrop <= 0.01"`;
  const k = parseKey(m[1] as string);
  if (typeof k === 'string') return k;
  const bound = Number(m[3]);
  if (!Number.isFinite(bound)) return `${JSON.stringify(m[3])} is not a finite number`;
  return { key: objectiveKey(k.metric, k.accelerator), ...k, op: m[2] as '<=' | '>=', bound };
}

/** `constraint` as written in a spec. */
export function formatConstraint(c: Constraint): string {
  return `${c.key} ${c.op} ${c.bound}`;
}

/** zod: a string read by `parse`, which returns the value or, as a string, why it refuses it. */
function parsedString<T extends object>(parse: (v: string) => T | string) {
  return str().transform((v, ctx): T => {
    const r = parse(v);
    if (typeof r === 'string') {
      ctx.addIssue({ code: 'custom', message: r });
      return z.NEVER;
    }
    return r;
  });
}

/** zod: an objective string, parsed. */
export const objectiveSchema = parsedString(parseObjective);

/** zod: a constraint string, parsed. */
export const constraintSchema = parsedString(parseConstraint);

/** `maximize accuracy, minimize modelBytes; subject to accuracyDrop <= 0.02`, for plans. */
export function describeObjectives(objectives: readonly Objective[], constraints: readonly Constraint[]): string {
  const list = objectives.map((x) => `${x.direction} ${x.key}`).join(', ');
  return constraints.length ? `${list}; subject to ${constraints.map(formatConstraint).join(', ')}` : list;
}

/** zod: a list of `schema` values (a single one may be written bare) whose keys are distinct. */
function keyList<T extends { key: string }>(schema: z.ZodType<T, string>, what: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z.array(schema, { error: typeError(`${what} or a list of them`) }).superRefine((xs, ctx) => {
      const seen = new Map<string, number>();
      xs.forEach((x, i) => {
        const first = seen.get(x.key);
        if (first !== undefined)
          ctx.addIssue({ code: 'custom', path: [i], message: `"${x.key}" is listed twice (also at [${first}])` });
        else seen.set(x.key, i);
      });
    }),
  );
}

/**
 * Spec options shared by multi-objective samplers (nsga2, gp): `objectives` (required; checked by
 * `requireObjectives`, so the message names the strategy) and `constraints` (default none).
 */
export const multiObjectiveOptions = {
  objectives: keyList(objectiveSchema, 'a metric name like "accuracy" or "speedup@kang-cx"').optional(),
  constraints: keyList(constraintSchema, 'a constraint like "accuracyDrop <= 0.01"').default([]),
};

/** zod refinement: `objectives` is given and not empty; the issue names `strategy`. */
export function requireObjectives(
  o: { objectives?: readonly Objective[] | undefined },
  ctx: z.RefinementCtx,
  strategy: string,
): void {
  if (o.objectives === undefined || o.objectives.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['objectives'],
      message: `required by the ${strategy} strategy (e.g. [accuracy, speedup@kang-cx, modelBytes])`,
    });
  }
}

/**
 * zod refinement: the trial budget `n` is given and larger than the random warm-up (`warmup`: its option
 * name and value, e.g. nsga2's `populationSize`), else every trial would be a random pick.
 */
export function requireBudget(
  o: { n?: number | undefined },
  ctx: z.RefinementCtx,
  strategy: string,
  warmup: { key: string; value: number; what: string },
): void {
  if (o.n === undefined) {
    ctx.addIssue({ code: 'custom', path: ['n'], message: `required by the ${strategy} strategy (number of trials to run)` });
  } else if (warmup.value >= o.n) {
    ctx.addIssue({
      code: 'custom',
      path: [warmup.key],
      message: `${warmup.value} is not less than n = ${o.n}: every trial would be ${warmup.what}`,
    });
  }
}

/** Signed distance of `value` from the constraint's bound: > 0 outside (by that much), <= 0 inside. */
export function slack(c: Constraint, value: number): number {
  return c.op === '<=' ? value - c.bound : c.bound - value;
}

/** How far `value` is outside the constraint (0 when satisfied). */
export function violation(c: Constraint, value: number): number {
  return Math.max(0, slack(c, value));
}

/**
 * A completed trial's objective vector in the minimisation convention (maximised objectives negated) and its
 * total constraint violation (0 = feasible).
 * @throws HwsweepError INVALID_ARGUMENT naming the trial and the key when a value is missing or not finite
 */
export function score(
  trial: number,
  values: Readonly<Record<string, number>>,
  objectives: readonly Objective[],
  constraints: readonly Constraint[],
): { point: number[]; penalty: number } {
  const get = (key: string): number => {
    const v = values[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new HwsweepError('INVALID_ARGUMENT', `trial ${trial} finished without a finite value for "${key}"`, {
        context: { trial, key, value: String(v) },
        hint: 'a completed trial must report every objective and constraint metric of the strategy',
      });
    }
    return v;
  };
  const point = objectives.map((o) => (o.direction === 'maximize' ? -get(o.key) : get(o.key)));
  const penalty = constraints.reduce((s, c) => s + violation(c, get(c.key)), 0);
  return { point, penalty };
}
