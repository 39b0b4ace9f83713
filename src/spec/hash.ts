/**
 * Stable hashes of trial configs: sha256 over canonical JSON (object keys sorted, no whitespace).
 * Runs in activities and the CLI, never in workflow code (node:crypto).
 */
import { createHash } from 'node:crypto';
import { checkArg } from '../errors.js';
import type { TrialParams } from './types.js';

/**
 * JSON with object keys sorted at every depth and no whitespace; arrays keep their order.
 * Rejects values JSON cannot represent faithfully (undefined, functions, non-finite numbers).
 */
export function canonicalJson(value: unknown): string {
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
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/** The trial's identity: every parameter except `data.path` (a location, not part of the data's identity). */
export function configHash(t: TrialParams): string {
  return shortHash({ ...t, data: { ...t.data, path: null } });
}

/** Identity of the shared baseline: (model, width, dataset, seed, baseline recipe, data subsets). */
export function baselineKey(
  t: Pick<TrialParams, 'model' | 'width' | 'dataset' | 'seed' | 'baseline' | 'data'>,
): string {
  return shortHash({
    model: t.model,
    width: t.width,
    dataset: t.dataset,
    seed: t.seed,
    baseline: t.baseline,
    trainSubset: t.data.trainSubset,
    testSubset: t.data.testSubset,
  });
}
