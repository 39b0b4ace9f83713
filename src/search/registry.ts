/**
 * The registry: every sampler and pruner by the name a spec's `strategy` block uses, and the factories that
 * turn a validated block into a configured strategy.
 */
import { HwsweepError } from '../errors.js';
import { asha } from './pruners/asha.js';
import { medianRule } from './pruners/median.js';
import { gp } from './samplers/gp.js';
import { grid } from './samplers/grid.js';
import { nsga2 } from './samplers/nsga2.js';
import { random } from './samplers/random.js';
import type { SearchSpace } from './space.js';
import type { Pruner, PrunerDefinition, Sampler, SamplerDefinition } from './strategy.js';

/** Samplers by name (`strategy.type` in a spec). */
export const samplers = { grid, random, nsga2, gp } as const;
/** Pruners by name (`strategy.pruner.type` in a spec). */
export const pruners = { asha, median: medianRule } as const;

export type SamplerName = keyof typeof samplers;
export type PrunerName = keyof typeof pruners;
type OptionsOf<D> = D extends SamplerDefinition<infer O> ? O : D extends PrunerDefinition<infer O> ? O : never;

/** A sampler as the validated spec stores it: its name and its options with defaults filled in. */
export type SamplerSpec = { [K in SamplerName]: { type: K } & OptionsOf<(typeof samplers)[K]> }[SamplerName];
/** A pruner as the validated spec stores it. */
export type PrunerSpec = { [K in PrunerName]: { type: K } & OptionsOf<(typeof pruners)[K]> }[PrunerName];
/** The spec's `strategy` block, validated: a sampler and, optionally, a pruner. */
export type StrategySpec = SamplerSpec & { pruner?: PrunerSpec };

/** Samplers whose whole sequence of proposals is fixed before any trial runs (they need no results). */
export const STATIC_SAMPLERS: readonly SamplerName[] = ['grid', 'random'];

/** Whether a sampler chooses configurations as results come in (its trials are not registered at launch). */
export function isAdaptive(type: SamplerName): boolean {
  return !STATIC_SAMPLERS.includes(type);
}

/** A sampler's definition and its options (the block without `type` and `pruner`). */
function samplerOf(strategy: SamplerSpec): { def: SamplerDefinition; options: Record<string, unknown> } {
  const { type, ...options } = strategy as SamplerSpec & { pruner?: unknown };
  delete options.pruner;
  return { def: definitionOf<SamplerDefinition>(samplers, 'sampler', type), options };
}

function definitionOf<T>(registry: Record<string, T>, kind: string, name: string): T {
  const d = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (d === undefined) {
    throw new HwsweepError(
      'INVALID_ARGUMENT',
      `unknown ${kind} "${name}" (known: ${Object.keys(registry).join(', ')})`,
      {
        context: { kind, name },
      },
    );
  }
  return d;
}

/** The configured sampler of a validated `strategy` block over `space`. */
export function createSampler(strategy: SamplerSpec, space: SearchSpace): Sampler {
  const { def, options } = samplerOf(strategy);
  return def.create(options, space);
}

/** The configured pruner of a validated `strategy.pruner` block. */
export function createPruner(pruner: PrunerSpec): Pruner {
  const { type, ...options } = pruner;
  return definitionOf<PrunerDefinition>(pruners, 'pruner', type).create(options);
}

/** One-line description of the configured sampler (for plans and logs). */
export function describeSampler(strategy: SamplerSpec, space: SearchSpace): string {
  const { def, options } = samplerOf(strategy);
  return def.describe(options, space);
}

/** One-line description of the configured pruner for trials of `maxStep` retraining epochs. */
export function describePruner(pruner: PrunerSpec, maxStep: number): string {
  const { type, ...options } = pruner;
  return definitionOf<PrunerDefinition>(pruners, 'pruner', type).describe(options, maxStep);
}
