/**
 * The zod schema of a sweep spec (field-level rules and defaults). Cross-field rules live in
 * `cross-checks.ts`; the reference with every field is docs/spec.md.
 */
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import {
  type AcceleratorSpec,
  CLUSTER_INITS,
  DATASETS,
  FC_POLICIES,
  FLOAT_BITS,
  GROUP_SHAPES,
  LR_RULES,
  MODELS,
  NARROW_CONV_POLICIES,
  OPTIMIZERS,
  PARTIAL_POLICIES,
  PRUNE_METHODS,
  PRUNE_SCHEDULES,
  ROUNDINGS,
  THRESHOLDS,
  DEFAULT_INQ_STEPS,
  WEIGHT_FORMATS,
} from './types.js';
import { strategySchema } from './strategy.js';
import { describeValue, duration, listOf, num, oneOf, str, strictObj, typeError, uint32 } from './zod-helpers.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const name = str().superRefine((v, ctx) => {
  if (!NAME_RE.test(v)) {
    ctx.addIssue({
      code: 'custom',
      message: `${describeValue(v)} is not a valid name (1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)`,
    });
  }
});

const retry = strictObj({
  maxAttempts: num({ min: 1, max: 100, int: true }).default(3),
  initialInterval: duration(1, 3_600_000).default(1000),
  backoff: num({ min: 1, max: 100 }).default(2),
  maximumInterval: duration(1, 86_400_000).default(60_000),
});

const data = strictObj({
  trainSubset: num({ min: 1, max: 10_000_000, int: true }).nullable().default(null),
  testSubset: num({ min: 1, max: 10_000_000, int: true }).nullable().default(null),
  path: str(true).nullable().default(null),
});

// Models: a zoo name (`lenet5`, `{ name: vgg, width: 0.5 }`) or a tfjs model file (`{ path: ./model.json }`).

/** Tags a `models` entry with its source: a mapping with `path` is a file, anything else names a zoo model. */
function tagModel(v: unknown): unknown {
  if (typeof v === 'string') return { source: 'zoo', name: v };
  if (typeof v !== 'object' || v === null || Array.isArray(v) || 'source' in v) return v;
  return { ...v, source: 'path' in v ? 'file' : 'zoo' };
}

/** Default label of a model file: the folder of `model.json` (`models/net/model.json` -> `net`), else the file's stem. */
export function defaultModelName(path: string): string {
  const file = basename(path);
  const raw = file === 'model.json' ? basename(dirname(resolve(path))) : file.replace(/\.json$/i, '');
  const cleaned = raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return cleaned === '' ? 'model' : cleaned;
}

const zooModel = strictObj({
  source: z.literal('zoo'),
  name: oneOf(MODELS),
  width: num({ min: 0, max: 16, minOpen: true }).default(1),
}, ['source']).transform(({ name, width }) => ({ name, width }));

const fileModel = strictObj({
  source: z.literal('file'),
  path: str(true),
  name: name.optional(),
  pretrained: z.boolean({ error: typeError('true or false') }).default(false),
  sha256: str()
    .regex(/^[0-9a-f]{64}$/, { error: 'expected a sha256: 64 lowercase hex digits' })
    .nullable()
    .default(null),
}, ['source']).transform((m) => ({ ...m, name: m.name ?? defaultModelName(m.path) }));

const model = z.preprocess(
  tagModel,
  z.discriminatedUnion('source', [zooModel, fileModel], {
    error: (iss) =>
      `expected a zoo model (${MODELS.join(' | ')}, or { name, width }) or a model file ({ path: ./model.json }), got ${describeValue(iss.input)}`,
  }),
);

/**
 * A section mapping whose fields all have defaults: omitted, or empty in YAML (`pruning:` with
 * every line below commented out, which parses as null), it takes its fields' defaults.
 */
function section<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.prefault({} as z.input<T>));
}

const ratio = num({ min: 0, max: 1, maxOpen: true });
const bits = num({ min: 2, max: 16, int: true, also: [FLOAT_BITS] });
const clusters = num({ min: 0, max: 256, int: true });
const rowsKept = num({ min: 1, max: 2, int: true }).transform((v) => v as 1 | 2);

const pruning = strictObj({
  methods: listOf(oneOf(PRUNE_METHODS), 'a pruning method').default(['none']),
  ratios: listOf(ratio, 'a ratio').default([0.5]),
  groupSizes: listOf(num({ min: 1, max: 1024, int: true }), 'a group size').default([8]),
  groupShape: listOf(oneOf(GROUP_SHAPES), 'a group shape').default(['vector']),
  narrowConvs: listOf(oneOf(NARROW_CONV_POLICIES), 'a narrow-conv policy').default(['skip']),
  partial: oneOf(PARTIAL_POLICIES).default('pad'),
  schedule: listOf(oneOf(PRUNE_SCHEDULES), 'a schedule').default(['one-shot']),
  steps: num({ min: 1, max: 20, int: true }).default(3),
  rowsKept: listOf(rowsKept, 'a row count').default([1]),
  fcPolicy: listOf(oneOf(FC_POLICIES), 'an FC policy').default(['prune']),
  fcRatio: listOf(ratio, 'a ratio').default([0.75]),
});

/** INQ steps: cumulative fractions in (0, 1], strictly increasing, ending at 1 (every weight quantized). */
const inqSteps = listOf(num({ min: 0, max: 1, minOpen: true }), 'a fraction').superRefine((xs, ctx) => {
  xs.forEach((x, i) => {
    const prev = xs[i - 1];
    if (i > 0 && prev !== undefined && x <= prev) {
      ctx.addIssue({ code: 'custom', path: [i], message: `${x} is not greater than the previous step ${prev}` });
    }
  });
  const last = xs[xs.length - 1];
  if (last !== undefined && last !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: [xs.length - 1],
      message: `the last step is ${last}; it must be 1 (every weight a power of two)`,
    });
  }
});

const pow2 = strictObj({
  bits: listOf(num({ min: 2, max: 8, int: true }), 'a bit width').default([4]),
  signBased: listOf(z.boolean({ error: typeError('true or false') }), 'true or false').default([true]),
  steps: inqSteps.default([...DEFAULT_INQ_STEPS]),
  epochsPerStep: num({ min: 0, max: 1000, int: true }).default(1),
});

const quantization = strictObj({
  weightFormat: listOf(oneOf(WEIGHT_FORMATS), 'a weight format').default(['fixed']),
  weightBits: listOf(bits, 'a bit width').default([FLOAT_BITS]),
  activationBits: listOf(bits, 'a bit width').default([FLOAT_BITS]),
  threshold: listOf(oneOf(THRESHOLDS), 'a threshold rule').default(['kl']),
  percentile: num({ min: 0, max: 100, minOpen: true }).default(99.99),
  rounding: listOf(oneOf(ROUNDINGS), 'a rounding mode').default(['nearest']),
  calibrationSize: num({ min: 1, max: 100_000, int: true }).default(500),
  pow2: section(pow2),
});

const clustering = strictObj({
  weightClusters: listOf(clusters, 'a cluster count').default([0]),
  activationClusters: listOf(clusters, 'a cluster count').default([0]),
  init: listOf(oneOf(CLUSTER_INITS), 'an init rule').default(['linear']),
});

const lr = num({ min: 0, max: 10, minOpen: true });
const batchSize = num({ min: 1, max: 65_536, int: true });
const momentum = num({ min: 0, max: 1, maxOpen: true });

const retraining = strictObj({
  epochs: num({ min: 0, max: 1000, int: true }).default(1),
  optimizer: oneOf(OPTIMIZERS).default('sgd'),
  lr: lr.default(0.001),
  momentum: momentum.default(0.9),
  lrRule: listOf(oneOf(LR_RULES), 'an LR rule').default(['A']),
  batchSize: batchSize.default(64),
});

/** `cosine` | `constant` | `step` | `{ type: step, milestones, gamma }`; step milestones default to 50 % and 75 % of the epochs. */
const schedule = z.preprocess(
  (v) => (typeof v === 'string' ? { type: v } : v),
  strictObj({
    type: oneOf(['step', 'cosine', 'constant']),
    milestones: listOf(num({ min: 1, max: 1000, int: true }), 'an epoch').optional(),
    gamma: num({ min: 0, max: 1, minOpen: true }).optional(),
  }).superRefine((s, ctx) => {
    if (s.type === 'step') return;
    for (const k of ['milestones', 'gamma'] as const) {
      if (s[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'only used by the step schedule' });
    }
  }),
);

const baseline = strictObj({
  epochs: num({ min: 1, max: 1000, int: true }).default(4),
  optimizer: oneOf(OPTIMIZERS).default('sgd'),
  lr: lr.default(0.05),
  momentum: momentum.default(0.9),
  schedule: schedule.default({ type: 'step' }),
  batchSize: batchSize.default(64),
  weightDecay: num({ min: 0, max: 1, maxOpen: true }).default(5e-4),
});

/** A preset name or a mapping; deeper checks are delegated to the injected `validateAccelerator`. */
const accelerator = z
  .unknown()
  .superRefine((v, ctx) => {
    const isMapping = typeof v === 'object' && v !== null && !Array.isArray(v);
    if (typeof v === 'string' ? v.length === 0 : !isMapping) {
      ctx.addIssue({ code: 'custom', message: `expected a preset name or a mapping, got ${describeValue(v)}` });
    }
  })
  .transform((v) => v as AcceleratorSpec);

export const DEFAULT_ACCELERATORS = ['kang-cx', 'zhu-array'] as const;

/** Field-level schema. */
export const specSchema = strictObj({
  name,
  description: str().default(''),
  strategy: strategySchema.prefault('grid'),
  maxParallel: num({ min: 1, max: 1000, int: true }).default(4),
  retry: section(retry),
  data: section(data),
  models: listOf(model, 'a model').default([{ name: 'lenet5', width: 1 }]),
  datasets: listOf(oneOf(DATASETS), 'a dataset').default(['fashion-mnist']),
  pruning: section(pruning),
  quantization: section(quantization),
  clustering: section(clustering),
  retraining: section(retraining),
  baseline: section(baseline),
  accelerators: z
    .array(accelerator, { error: (iss) => `expected a list of accelerators, got ${describeValue(iss.input)}` })
    .default([...DEFAULT_ACCELERATORS]),
  seeds: listOf(uint32(), 'a seed').default([0]),
});

export type RawParsedSpec = z.output<typeof specSchema>;
