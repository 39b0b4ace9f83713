/**
 * Sweep specs: parse and validate (`parseSpec`), expand into trials (`expandSpec`), label them
 * (`describeTrial`). Pure logic: no Temporal, Prisma or tfjs. Reference: docs/spec.md.
 *
 * ```ts
 * const spec = parseSpec(readFileSync('examples/demo.yaml', 'utf8'), { file: 'examples/demo.yaml' });
 * const { trials, rejected } = expandSpec(spec);
 * for (const t of trials) console.log(t.configHash, describeTrial(t));
 * ```
 */
export * from './types.js';
export {
  parseSpec,
  parseSpecObject,
  validateSpec,
  validateSpecObject,
  type ParseOptions,
  type ValidateResult,
} from './parse.js';
export { expandSpec, gridPoints, sample } from './expand.js';
export { describeTrial } from './describe.js';
export { baselineKey, canonicalJson, configHash, shortHash } from './hash.js';
export { gridUpperBound, MAX_GRID_POINTS } from './cross-checks.js';
export { DEFAULT_ACCELERATORS } from './schema.js';
export { nominalRatio, prunedPerGroup } from './rules.js';
export { formatPath } from './issues.js';
export { resolveModelFiles, fileModels, type ModelFileResolver } from './models.js';
export { defaultModelName } from './schema.js';
