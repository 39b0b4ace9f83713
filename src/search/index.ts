/**
 * Search strategies (issue 11): the registry of samplers (what runs next) and pruners (does a running trial
 * stop at this rung), looked up by the name the spec's `strategy` block gives. A new strategy is one file in
 * `samplers/` or `pruners/` implementing the contract of `strategy.ts`, plus one line here.
 *
 * ```ts
 * const spec = parseSpec(readFileSync('examples/mo.yaml', 'utf8'));
 * const space = buildSpace(expandSpec({ ...spec, strategy: { type: 'grid' } }).trials);
 * const sampler = createSampler(spec.strategy, space);
 * sampler.propose([]); // { candidate: 17, generation: 0 }: run space.candidates[17] as trial 0
 * ```
 * Pure library: no Temporal, Prisma or tfjs.
 */
export {
  createPruner,
  createSampler,
  describePruner,
  describeSampler,
  pruners,
  samplers,
  STATIC_SAMPLERS,
  isAdaptive,
  type PrunerName,
  type PrunerSpec,
  type SamplerName,
  type SamplerSpec,
  type StrategySpec,
} from './registry.js';
export * from './strategy.js';
export { buildSpace, nearestCandidate, ordinalOrder, type Axis, type Candidate, type SearchSpace } from './space.js';
export { readLog, type LogDigest } from './log.js';
export { replayLog, type ReplayMismatch } from './replay.js';
export { driveSearch, type DriveResult, type Evaluation } from './drive.js';
export { planSearch, planSweep, formatPlan, type PlannedTrial, type SearchPlan } from './plan.js';
export {
  EPOCH_METRICS,
  OBJECTIVE_METRICS,
  formatConstraint,
  objectiveKey,
  parseConstraint,
  parseObjective,
  score,
  violation,
  type Constraint,
  type EpochMetric,
  type Objective,
  type ObjectiveMetric,
} from './metrics.js';
export {
  constrainedDominates,
  crowdingDistances,
  dominates,
  eliteIndices,
  nonDominatedRanks,
  paretoFront,
} from './pareto.js';
export { dominatedBoxes, hypervolume, hypervolumeImprovement, type Boxes } from './hypervolume.js';
export {
  FRONT_REFERENCE,
  frontMeasure,
  frontReport,
  rangeScale,
  type FrontMeasure,
  type FrontReport,
  type ScoredPoint,
} from './front-share.js';
