/**
 * The contract of search strategies: **samplers** choose which configuration runs next, **pruners** decide
 * whether a running trial stops at a rung (Optuna's split). Each strategy is one file under `samplers/` or
 * `pruners/`, registered once in `index.ts`; the spec schema and the CLI look names up there.
 *
 * ## Invariants (every implementation keeps them; `test/unit/search/contract.test.ts` checks them)
 * - **Pure given the log.** `Sampler.propose(log)` and `Pruner.decide(log, report)` read nothing but their
 *   options, the search space and the ordered event log (`SearchLog`); they keep no state between calls
 *   that could change an answer (a cache of something that depends only on options and space is fine).
 * - **All randomness from a seeded `Rng`**, derived from the strategy's `seed` and the number of the trial
 *   being decided (`decisionRng`), never from `Math.random` or the clock. So decision k never depends on
 *   how many random draws earlier decisions made.
 * - **Decisions are plain JSON** (`Proposal`, `PruneDecision`), recorded as events (`ProposedEvent`,
 *   `ReportedEvent`). Replaying a log (`replayLog`) recomputes every decision from the events before it
 *   and must find the recorded one.
 *
 * ## How an orchestrator drives it (one event log per sweep, appended in one order)
 * ```ts
 * const space = buildSpace(expandSpec({ ...spec, strategy: { type: 'grid' } }).trials);
 * const sampler = createSampler(spec.strategy, space);
 * const pruner = spec.strategy.pruner ? createPruner(spec.strategy.pruner) : undefined;
 * const log: SearchEvent[] = [];
 * // A slot is free: ask for the next trial (its number is the count of proposals so far).
 * const p = sampler.propose(log); // null: budget spent or space exhausted
 * if (p) log.push({ kind: 'proposed', trial: proposedCount(log), ...p });
 * // Trial 0 finished retraining epoch 3 (a checkpoint of the pruner) with val accuracy 0.81:
 * const d = pruner?.decide(log, { trial: 0, step: 3, value: 0.81 });
 * if (d) log.push({ kind: 'reported', trial: 0, step: 3, value: 0.81, ...d }); // d.stop: stop the trial
 * // Trial 0 ended: its objective values (keys of `objectiveKey`) feed multi-objective samplers.
 * log.push({ kind: 'finished', trial: 0, state: 'completed', values: { accuracy: 0.84, 'speedup@kang-cx': 2.1 } });
 * ```
 */
import { Rng } from '../shared/rng.js';
import type { z } from 'zod';
import type { SearchSpace } from './space.js';

export const DIRECTIONS = ['maximize', 'minimize'] as const;
/** Whether larger (`maximize`) or smaller (`minimize`) values of a metric are better. */
export type Direction = (typeof DIRECTIONS)[number];

/** A sampler chose a candidate for trial number `trial` (trial numbers are 0, 1, 2… in proposal order). */
export interface ProposedEvent {
  kind: 'proposed';
  trial: number;
  /** Index into `SearchSpace.candidates`. */
  candidate: number;
  /** Generation of an evolutionary sampler; null for the others. */
  generation: number | null;
}

/**
 * A running trial reported an intermediate metric and the pruner decided. `step` is the resource spent so far
 * (retraining epochs completed, 1-based: the epoch row with index e gives step e + 1).
 */
export interface ReportedEvent {
  kind: 'reported';
  trial: number;
  step: number;
  /** The pruner's metric at `step`; null when it was not a finite number (NaN: the trial diverged). */
  value: number | null;
  /** true: the trial stops here. */
  stop: boolean;
  /** Rungs (0-based) this report completed, for rung-based pruners; [] otherwise. */
  rungs: number[];
}

export const FINAL_STATES = ['completed', 'stopped', 'failed', 'cancelled'] as const;
/** How a trial ended: `stopped` = stopped early by the pruner. */
export type FinalState = (typeof FINAL_STATES)[number];

/** A trial ended. `values` holds its objective values by `objectiveKey` (completed trials), else null. */
export interface FinishedEvent {
  kind: 'finished';
  trial: number;
  state: FinalState;
  values: Readonly<Record<string, number>> | null;
}

export type SearchEvent = ProposedEvent | ReportedEvent | FinishedEvent;
/** Every event of one sweep in the order the orchestrator recorded them (its sequence number = index). */
export type SearchLog = readonly SearchEvent[];

/** What a sampler decided: run this candidate next. */
export interface Proposal {
  candidate: number;
  generation: number | null;
}

/** An intermediate result a running trial asks the pruner about. */
export interface Report {
  trial: number;
  /** Retraining epochs completed (1-based). */
  step: number;
  /** null = not a finite number. */
  value: number | null;
}

export interface PruneDecision {
  stop: boolean;
  rungs: number[];
}

/** Chooses configurations. Pure given (options, space, log); see the module invariants. */
export interface Sampler {
  readonly name: string;
  /** The most trials it will propose (never more than the space holds). */
  readonly budget: number;
  /**
   * The candidate for the next trial (number `proposedCount(log)`), or null when the budget is spent or
   * every candidate was proposed. Never proposes a candidate twice.
   */
  propose(log: SearchLog): Proposal | null;
}

/** Stops trials early. Pure given (options, log, report); see the module invariants. */
export interface Pruner {
  readonly name: string;
  /** The per-epoch metric it reads (an `EPOCH_METRICS` key) and which way is better. */
  readonly metric: string;
  readonly direction: Direction;
  /**
   * Steps in `[1, maxStep)` at which `decide` may stop a trial of `maxStep` epochs, ascending. The orchestrator
   * must report at least at these steps (reports at other steps never stop a trial and may be skipped).
   */
  checkpoints(maxStep: number): number[];
  /** Whether the reporting trial stops, given every earlier event of the sweep. */
  decide(log: SearchLog, report: Report): PruneDecision;
}

/** What samplers and pruners register alike: a name, docs and their spec options (a zod object schema). */
interface StrategyDefinition<TOptions extends object> {
  readonly name: string;
  /** One line for docs and `launch --dry-run`. */
  readonly summary: string;
  /** Keys of its options in the spec's `strategy` block (besides `type` and `pruner`). */
  readonly optionKeys: readonly string[];
  /** Validates its options (unknown keys rejected) and fills in defaults. */
  readonly options: z.ZodType<TOptions>;
}

/** A sampler, as registered: its name, its spec options and its factory. */
export interface SamplerDefinition<TOptions extends object = object> extends StrategyDefinition<TOptions> {
  create(options: TOptions, space: SearchSpace): Sampler;
  /** Human description of the configured sampler, for the plan. */
  describe(options: TOptions, space: SearchSpace): string;
}

/** A pruner, as registered (see `SamplerDefinition`). */
export interface PrunerDefinition<TOptions extends object = object> extends StrategyDefinition<TOptions> {
  create(options: TOptions): Pruner;
  /** Human description of the configured pruner, for the plan. */
  describe(options: TOptions, maxStep: number): string;
}

/** Number of `proposed` events: the number the next trial gets. */
export function proposedCount(log: SearchLog): number {
  let n = 0;
  for (const e of log) if (e.kind === 'proposed') n++;
  return n;
}

/**
 * The generator of decision `index` of a strategy seeded with `seed`: a mulberry32 stream seeded with a
 * mix of both (murmur3 finalizer), so neighbouring decisions draw unrelated streams.
 */
export function decisionRng(seed: number, index: number): Rng {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return new Rng(h >>> 0);
}

/** `a` is strictly better than `b` in `direction`. */
export function better(a: number, b: number, direction: Direction): boolean {
  return direction === 'maximize' ? a > b : a < b;
}
