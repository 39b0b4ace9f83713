/**
 * Rules that involve more than one field, run once every field is valid on its own, and the
 * normalisation of the zod output into a `SweepSpec`.
 */
import type { PathSeg, RawIssue } from './issues.js';
import type { RawParsedSpec } from './schema.js';
import { strategyIssues } from './strategy.js';
import { DATASET_FACTS, FLOAT_BITS, MODELS, type LrSchedule, type PruneMethod, type SweepSpec } from './types.js';
import { describeValue, interval } from './zod-helpers.js';
import { gridPoints } from './expand.js';
import { rejectionReason } from './rules.js';

/** Upper bound on the number of grid points (before collapsing) that a spec may describe. */
export const MAX_GRID_POINTS = 100_000;

function hasKey(raw: unknown, path: readonly string[]): boolean {
  let cur: unknown = raw;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, k)) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}

/** Step milestones default to 50 % and 75 % of the epochs (rounded, deduplicated, inside [1, epochs)). */
export function defaultMilestones(epochs: number): number[] {
  const ms = [Math.round(epochs * 0.5), Math.round(epochs * 0.75)].filter((m) => m >= 1 && m < epochs);
  return [...new Set(ms)];
}

/** Number of grid points before collapsing: the product of every swept list's length. */
export function gridUpperBound(s: SweepSpec): number {
  const p = s.pruning;
  const q = s.quantization;
  const c = s.clustering;
  const lens = [
    s.models.length,
    s.datasets.length,
    p.methods.length,
    p.ratios.length,
    p.groupSizes.length,
    p.groupShape.length,
    p.narrowConvs.length,
    p.schedule.length,
    p.rowsKept.length,
    p.fcPolicy.length,
    p.fcRatio.length,
    q.weightBits.length,
    q.weightFormat.length,
    q.pow2.bits.length,
    q.pow2.signBased.length,
    q.activationBits.length,
    q.threshold.length,
    q.rounding.length,
    c.weightClusters.length,
    c.activationClusters.length,
    c.init.length,
    s.retraining.lrRule.length,
    s.seeds.length,
  ];
  return lens.reduce((a, b) => a * b, 1);
}

/** Turns the zod output into a SweepSpec (fills schedule defaults). */
export function normalize(r: RawParsedSpec): SweepSpec {
  const sch = r.baseline.schedule;
  const schedule: LrSchedule =
    sch.type === 'step'
      ? { type: 'step', milestones: sch.milestones ?? defaultMilestones(r.baseline.epochs), gamma: sch.gamma ?? 0.1 }
      : { type: sch.type };
  return { ...r, baseline: { ...r.baseline, schedule } };
}

/** A file model named like a zoo model, or two models sharing a name. */
function modelNameIssues(s: SweepSpec): RawIssue[] {
  const out: RawIssue[] = [];
  const first = new Map<string, number>();
  s.models.forEach((m, i) => {
    if (m.source === 'file' && (MODELS as readonly string[]).includes(m.name)) {
      out.push({ path: ['models', i, 'name'], message: `"${m.name}" is a zoo model's name; give the model file another name` });
    }
    const at = first.get(m.name);
    if (at === undefined) first.set(m.name, i);
    else if (m.source === 'file' || s.models[at]?.source === 'file') {
      out.push({ path: ['models', i, 'name'], message: `"${m.name}" is also the name of models[${at}]; give each model its own name` });
    }
  });
  return out;
}

const METHODS_USING: Record<string, readonly PruneMethod[]> = {
  ratios: ['magnitude', 'group-balanced', 'filter'],
  groupSizes: ['group-balanced'],
  groupShape: ['group-balanced'],
  narrowConvs: ['group-balanced'],
  partial: ['group-balanced'],
  schedule: ['magnitude', 'group-balanced', 'kernel-row', 'filter'],
  steps: ['magnitude', 'group-balanced', 'kernel-row', 'filter'],
  rowsKept: ['kernel-row'],
  fcPolicy: ['magnitude', 'group-balanced', 'kernel-row', 'filter'],
  fcRatio: ['kernel-row'],
};

/**
 * Cross-field issues of a spec whose fields are individually valid. `raw` is the document as written,
 * used to tell explicitly set fields from defaults: a field set explicitly that no trial can use is an
 * error, like an unknown key (e.g. `pruning.groupSizes` without group-balanced in `pruning.methods`).
 */
export function crossCheck(s: SweepSpec, raw: unknown): RawIssue[] {
  const issues: RawIssue[] = [];
  const add = (path: PathSeg[], message: string): void => {
    issues.push({ path, message });
  };
  const unused = (path: string[], why: string): void => {
    if (hasKey(raw, path)) add(path, `set, but no trial uses it: ${why}`);
  };

  // Models: a file model's label is what SQL groups by, so it must be unambiguous.
  modelNameIssues(s).forEach((i) => add(i.path, i.message));

  // Data.
  const cifar = s.datasets.includes('cifar10');
  if (cifar && s.data.path === null) {
    add(['data', 'path'], 'required when datasets include cifar10 (directory holding the CIFAR-10 binary batches)');
  }
  if (!cifar) unused(['data', 'path'], 'only cifar10 reads data.path and datasets does not include it');
  for (const [key, split] of [
    ['trainSubset', 'train'],
    ['testSubset', 'test'],
  ] as const) {
    const asked = s.data[key];
    if (asked === null) continue;
    const small = s.datasets.filter((d) => DATASET_FACTS[d].images[split] < asked);
    if (small.length > 0) {
      const sizes = small.map((d) => `${d} has ${DATASET_FACTS[d].images[split]}`).join(', ');
      add(
        ['data', key],
        `${asked} is more than the ${split} split holds (${sizes}); use at most ${Math.min(...small.map((d) => DATASET_FACTS[d].images[split]))} or null for all`,
      );
    }
  }

  // Pruning fields that only some methods read.
  const methods = s.pruning.methods;
  const methodList = `[${methods.join(', ')}]`;
  for (const [key, users] of Object.entries(METHODS_USING)) {
    if (!methods.some((m) => users.includes(m))) {
      unused(
        ['pruning', key],
        `only ${users.join(', ')} use${users.length === 1 ? 's' : ''} it and pruning.methods is ${methodList}`,
      );
    }
  }
  if (methods.includes('kernel-row') && !s.pruning.fcPolicy.includes('prune')) {
    unused(['pruning', 'fcRatio'], 'FC layers stay dense (pruning.fcPolicy is [dense])');
  }
  if (methods.some((m) => m !== 'none') && !s.pruning.schedule.includes('gradual')) {
    unused(['pruning', 'steps'], 'only the gradual schedule uses it and pruning.schedule does not include gradual');
  }

  // Quantization fields that only matter when something is quantized to fixed point.
  const q = s.quantization;
  const fixedW = q.weightFormat.includes('fixed');
  const pow2W = q.weightFormat.includes('pow2');
  const actQuant = q.activationBits.some((b) => b !== FLOAT_BITS);
  const fixedPoint = (fixedW && q.weightBits.some((b) => b !== FLOAT_BITS)) || actQuant;
  if (!fixedPoint) {
    const why = pow2W
      ? `power-of-two weights take no threshold or rounding, and ${fixedW ? 'every weightBits and ' : 'every '}activationBits is ${FLOAT_BITS}`
      : `nothing is quantized (every weightBits and activationBits is ${FLOAT_BITS})`;
    for (const key of ['threshold', 'rounding', 'percentile']) unused(['quantization', key], why);
  } else if (!q.threshold.includes('percentile')) {
    unused(
      ['quantization', 'percentile'],
      'only the percentile threshold uses it and quantization.threshold does not include it',
    );
  }
  if (!pow2W)
    unused(['quantization', 'pow2'], 'only weightFormat pow2 uses it and quantization.weightFormat is [fixed]');
  if (!fixedW) {
    unused(
      ['quantization', 'weightBits'],
      'pow2 trials take their width from quantization.pow2.bits and weightFormat is [pow2]',
    );
  }
  if (pow2W && q.pow2.epochsPerStep === 0) {
    unused(
      ['quantization', 'pow2', 'steps'],
      'quantization.pow2.epochsPerStep is 0: every weight becomes a power of two at once, with no retraining between steps',
    );
  }
  if (!actQuant && !s.clustering.activationClusters.some((k) => k > 0)) {
    unused(['quantization', 'calibrationSize'], 'activations are neither quantized nor clustered');
  }
  if (![...s.clustering.weightClusters, ...s.clustering.activationClusters].some((k) => k > 0)) {
    unused(['clustering', 'init'], 'every weightClusters and activationClusters is 0 (clustering off)');
  }

  // Retraining: epochs and lrRule drive the retraining of pruned nets; optimizer, lr, momentum and batchSize are
  // also those of the incremental power-of-two retraining (INQ, constant LR).
  const inq = pow2W && q.pow2.epochsPerStep > 0;
  const inqKeys = new Set(['optimizer', 'lr', 'momentum', 'batchSize']);
  const prunes = methods.some((m) => m !== 'none');
  if (!prunes || s.retraining.epochs === 0) {
    for (const key of Object.keys(s.retraining)) {
      if (inq && inqKeys.has(key)) continue;
      if (prunes && key === 'epochs') continue;
      const why = prunes
        ? 'retraining.epochs is 0'
        : `nothing is pruned (pruning.methods is ${methodList})${inq ? ' and INQ uses only optimizer, lr, momentum and batchSize' : ', so nothing is retrained'}`;
      unused(['retraining', key], why);
    }
  }
  const sch = s.baseline.schedule;
  if (sch.type === 'cosine') {
    s.retraining.lrRule.forEach((rule, i) => {
      if (rule === 'B') {
        add(
          ['retraining', 'lrRule', i],
          'B (tail tracking) keeps the last steps of a step schedule, but baseline.schedule is cosine',
        );
      }
    });
  }

  // Baseline schedule.
  if (sch.type === 'step') {
    const E = s.baseline.epochs;
    sch.milestones.forEach((m, i) => {
      const path = ['baseline', 'schedule', 'milestones', i];
      if (m < 1 || m >= E) add(path, `${m} is not in ${interval(1, E, false, true)}`);
      else if (i > 0 && m <= (sch.milestones[i - 1] ?? 0)) {
        add(path, `${m} is not greater than the previous milestone ${sch.milestones[i - 1]}`);
      }
    });
  }

  // Retry.
  if (s.retry.maximumInterval < s.retry.initialInterval) {
    add(
      ['retry', 'maximumInterval'],
      `${s.retry.maximumInterval} ms is less than retry.initialInterval (${s.retry.initialInterval} ms)`,
    );
  }

  // Accelerators: no repeats (names, or identical mappings).
  const seen = new Map<string, number>();
  s.accelerators.forEach((a, i) => {
    const k = JSON.stringify(a);
    const first = seen.get(k);
    if (first !== undefined) add(['accelerators', i], `${describeValue(a)} is listed twice (also at [${first}])`);
    else seen.set(k, i);
  });

  issues.push(...strategyIssues(s));

  // Size.
  const points = gridUpperBound(s);
  if (points > MAX_GRID_POINTS) {
    add([], `the axes span ${points} grid points, more than the limit of ${MAX_GRID_POINTS}; shorten some lists`);
  } else if (issues.length === 0) {
    const reasons = reasonsIfNothingRuns(s);
    if (reasons !== undefined) {
      const shown = reasons.slice(0, 3).join('; ');
      const more = reasons.length > 3 ? ` (and ${reasons.length - 3} more reasons)` : '';
      add([], `every one of the ${points} grid points is rejected, so the sweep would run nothing: ${shown}${more}`);
    }
  }
  return issues;
}

/**
 * The distinct reasons why no grid point can run, or undefined as soon as one can (usually the first point).
 * Collapsed duplicates never empty a grid (the first of each is kept), so only rejections matter.
 */
function reasonsIfNothingRuns(s: SweepSpec): string[] | undefined {
  const reasons = new Set<string>();
  for (const combo of gridPoints(s)) {
    const reason = rejectionReason(combo);
    if (reason === undefined) return undefined;
    reasons.add(reason);
  }
  return [...reasons];
}
