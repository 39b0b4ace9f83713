/**
 * Stable hashes of trial configs: sha256 over canonical JSON (object keys sorted, no whitespace).
 * Runs in activities and the CLI, never in workflow code (node:crypto).
 */
import { createHash } from 'node:crypto';
import { checkArg } from '../errors.js';
import type { TrialParams } from './types.js';

/** Objects deep-frozen by `freezeDeep`: their canonical JSON cannot change, so it is cached. */
const immutable = new WeakSet<object>();
const frozenCache = new WeakMap<object, string>();

/** Deep-freezes `x` and lets `canonicalJson` cache its serialisation (shared parts of trials are serialised once). */
export function freezeDeep<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) freezeDeep(v);
    Object.freeze(x);
    immutable.add(x);
  }
  return x;
}

/**
 * JSON with object keys sorted at every depth and no whitespace; arrays keep their order.
 * Rejects values JSON cannot represent faithfully (undefined, functions, non-finite numbers).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'object' && value !== null && immutable.has(value)) {
    const hit = frozenCache.get(value);
    if (hit !== undefined) return hit;
    const s = canonicalUncached(value);
    frozenCache.set(value, s);
    return s;
  }
  return canonicalUncached(value);
}

function canonicalUncached(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      checkArg(Number.isFinite(value), 'canonicalJson', 'value', value, 'a finite number');
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      checkArg(false, 'canonicalJson', 'value', typeof value, 'JSON-serialisable');
  }
}

/** First 16 hex chars of sha256(canonicalJson(value)). */
export function shortHash(value: unknown): string {
  return hashCanonical(canonicalJson(value));
}

/**
 * The canonical JSON that `configHash` hashes: every parameter, with `data.path` and `modelFile.path` set to null
 * (locations; a model file is identified by its sha256). Fields added later are left out where they hold nothing
 * new, so older hashes stay valid: a zoo trial's `modelFile: null`, and the weight-format fields unless the weights
 * are powers of two (for fixed and float weights they follow from `weightBits`).
 */
export function configCanonical(t: TrialParams): string {
  const { weightFormat, pow2SignBased, inq, ...rest } = t;
  const pow2 = weightFormat === 'pow2' ? { weightFormat, pow2SignBased, inq } : {};
  const modelFile = t.modelFile ? { ...t.modelFile, path: null } : undefined;
  return canonicalJson({ ...rest, ...pow2, data: { ...t.data, path: null }, modelFile });
}

/** The trial's identity: every parameter except `data.path` and `modelFile.path` (locations, not identity). */
export function configHash(t: TrialParams): string {
  return hashCanonical(configCanonical(t));
}

/** First 16 hex chars of sha256 of an already canonical JSON string. */
export function hashCanonical(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/**
 * Identity of the shared baseline: (model, width, dataset, seed, baseline recipe, data subsets) and, for a model
 * file, its content hash and `pretrained` (a changed file is a different baseline; zoo keys are unchanged).
 */
export function baselineKey(
  t: Pick<TrialParams, 'model' | 'width' | 'dataset' | 'seed' | 'baseline' | 'data'> & {
    modelFile?: TrialParams['modelFile'] | undefined;
  },
): string {
  return shortHash({
    modelFile: t.modelFile ? { sha256: t.modelFile.sha256, pretrained: t.modelFile.pretrained } : undefined,
    model: t.model,
    width: t.width,
    dataset: t.dataset,
    seed: t.seed,
    baseline: t.baseline,
    trainSubset: t.data.trainSubset,
    testSubset: t.data.testSubset,
  });
}
