import {
  OBJECTIVE_METRICS,
  isAdaptive as isAdaptiveSampler,
  buildSpace,
  createPruner,
  createSampler,
  objectiveKey,
  readLog,
  type FinalState,
  type ObjectiveMetric,
  type Pruner,
  type Sampler,
  type SearchEvent,
  type SearchSpace,
} from '../src/search/index.js';
import { expandSpec, type SweepSpec, type TrialConfig } from '../src/spec/index.js';
import { trialIdOf, type LoggedEvent, type SearchAppend, type TrialStore } from '../src/store/trial-store.js';

/**
 * The sweep's strategy in the orchestration: which trial runs next, whether a trial stops at a rung, and the
 * search log (`search_events`) every decision is recorded in. Decisions are made in the store's per-sweep
 * transaction (`decideSearch`), so each sees every earlier event; their results are activity results, recorded
 * in the workflow's history, so a replay of the workflow makes the same decisions.
 */

/** Whether a sweep's strategy keeps a search log: a pruner, or a sampler that decides from results (nsga2, gp). */
export function keepsSearchLog(spec: SweepSpec): boolean {
  return spec.strategy.pruner !== undefined || isAdaptive(spec);
}

/** Whether the sampler chooses configurations as results come in (they are not registered at launch). */
export function isAdaptive(spec: SweepSpec): boolean {
  return isAdaptiveSampler(spec.strategy.type);
}

interface Strategy {
  /** Every valid trial of the spec's grid, in expansion order (the space's candidates). */
  trials: TrialConfig[];
  space: SearchSpace;
  /** configHash -> candidate index. */
  candidateOf: Map<string, number>;
  sampler: Sampler;
  pruner: Pruner | undefined;
}

/** Strategies by spec JSON: building the space expands the grid, so a worker does it once per spec. */
const strategies = new Map<string, Strategy>();

/** The configured strategy of a sweep spec (see src/search/strategy.ts "How an orchestrator drives it"). */
export function strategyOf(spec: SweepSpec): Strategy {
  const id = JSON.stringify(spec);
  let s = strategies.get(id);
  if (!s) {
    const trials = expandSpec({ ...spec, strategy: { type: 'grid' } }).trials;
    const space = buildSpace(trials);
    s = {
      trials,
      space,
      candidateOf: new Map(space.candidates.map((c, i) => [c.configHash, i])),
      sampler: createSampler(spec.strategy, space),
      pruner: spec.strategy.pruner ? createPruner(spec.strategy.pruner) : undefined,
    };
    if (strategies.size >= 16) strategies.delete(strategies.keys().next().value as string);
    strategies.set(id, s);
  }
  return s;
}

/** The search trial number of a sweep trial: its latest proposal (undefined when never proposed). */
function currentProposal(log: LoggedEvent[], trialId: string): number | undefined {
  let trial: number | undefined;
  for (const e of log) if (e.event.kind === 'proposed' && e.trialId === trialId) trial = e.event.trial;
  return trial;
}

function isFinished(log: LoggedEvent[], trial: number): boolean {
  return log.some((e) => e.event.kind === 'finished' && e.event.trial === trial);
}

/** The objective values of a completed trial, keyed as `objectiveKey` (`accuracy`, `speedup@kang-cx`, …). */
export async function objectiveValues(store: TrialStore, trialId: string): Promise<Record<string, number>> {
  const { results, speedups } = await store.trialOutcome(trialId);
  const values: Record<string, number> = {};
  for (const metric of Object.keys(OBJECTIVE_METRICS) as ObjectiveMetric[]) {
    if (OBJECTIVE_METRICS[metric].perAccelerator) continue;
    const v = (results as Record<string, unknown>)[metric];
    if (typeof v === 'number' && Number.isFinite(v)) values[objectiveKey(metric, null)] = v;
  }
  for (const s of speedups) if (s.speedup !== null && Number.isFinite(s.speedup)) values[objectiveKey('speedup', s.accelerator)] = s.speedup;
  return values;
}

export function createSearchActivities(store: TrialStore) {
  const specOf = async (sweepId: string): Promise<SweepSpec> => {
    const sweep = await store.sweep(sweepId);
    if (!sweep) throw new Error(`no sweep ${sweepId}`);
    return sweep.spec as SweepSpec;
  };

  return {
    /**
     * The next trials to start, in order. A sweep without a search log pages its PENDING trials by number
     * (`limit` of them after `after`). A sweep with one starts at most `free` trials: PENDING ones first (trials
     * registered at launch, or requeued), each recorded as a proposal unless its current proposal is unfinished
     * (an interrupted or cancelled trial runs again under its number), then, for adaptive samplers, the sampler's
     * proposals (each registered as a new trial). `exhausted`: nothing more will come until the sweep changes.
     */
    async nextTrials(input: { sweepId: string; after: number; limit: number; free: number }): Promise<{ numbers: number[]; exhausted: boolean; searchLog: boolean }> {
      const spec = await specOf(input.sweepId);
      if (!keepsSearchLog(spec)) {
        const numbers = await store.pendingTrials(input.sweepId, input.after, input.limit);
        return { numbers, exhausted: numbers.length < input.limit, searchLog: false };
      }
      const free = Math.max(0, Math.min(input.free, input.limit));
      const pending = await Promise.all(
        (await store.pendingTrials(input.sweepId, input.after, free)).map((n) => store.trialByNumber(input.sweepId, n)),
      );
      const s = strategyOf(spec);
      let samplerDone = !isAdaptive(spec);
      const ids = await store.decideSearch(input.sweepId, (log) => {
        const append: SearchAppend[] = [];
        const events = (): SearchEvent[] => [...log.map((e) => e.event), ...append.map((a) => a.event)];
        let next = readLog(log.map((e) => e.event)).proposals.length;
        const chosen: string[] = [];
        for (const t of pending) {
          const current = currentProposal(log, t.id);
          if (current === undefined || isFinished(log, current)) {
            const previous = current === undefined ? undefined : log.find((e) => e.event.kind === 'proposed' && e.event.trial === current);
            const generation = previous?.event.kind === 'proposed' ? previous.event.generation : null;
            append.push({ event: { kind: 'proposed', trial: next++, candidate: s.candidateOf.get(t.config.configHash) ?? -1, generation }, trialId: t.id });
          }
          chosen.push(t.id);
        }
        while (!samplerDone && chosen.length < free) {
          const p = s.sampler.propose(events());
          if (p === null) {
            samplerDone = true;
            break;
          }
          const config = s.trials[p.candidate] as TrialConfig;
          const id = trialIdOf(input.sweepId, config.configHash);
          append.push({ event: { kind: 'proposed', trial: next++, ...p }, trialId: id, register: config });
          chosen.push(id);
        }
        return { append, result: chosen };
      });
      // Pending trials' numbers are known; only the sampler's newly registered trials are looked up.
      const numberOf = new Map(pending.map((t) => [t.id, t.number]));
      const numbers = await Promise.all(ids.map(async (id) => numberOf.get(id) ?? (await store.trial(id)).number));
      const exhausted = pending.length < free && (samplerDone || !isAdaptive(spec));
      return { numbers, exhausted: exhausted && numbers.length < free, searchLog: true };
    },

    /**
     * A running trial reached an early-stopping checkpoint: its retrained stage has `step` epochs. Reads the
     * pruner's metric at that epoch, asks the pruner and records the decision (and, on stop, the trial's end as
     * `stopped`). A retried call returns the decision already recorded.
     */
    async reportRung(input: { trialId: string; retrained: string; step: number }): Promise<{ stop: boolean; rungs: number[]; value: number | null }> {
      const t = await store.trial(input.trialId);
      const spec = await specOf(t.sweepId);
      const { pruner } = strategyOf(spec);
      if (!pruner) return { stop: false, rungs: [], value: null };
      const epochs = await store.epochMetrics(input.retrained, 'retrain');
      const row = epochs.find((e) => e.epoch === input.step - 1);
      const raw = row ? (row as unknown as Record<string, unknown>)[pruner.metric] : undefined;
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      return await store.decideSearch(t.sweepId, (log) => {
        const trial = currentProposal(log, t.id);
        if (trial === undefined) throw new Error(`trial ${t.id} reports at step ${input.step} but was never proposed`);
        const known = log.find((e) => e.event.kind === 'reported' && e.event.trial === trial && e.event.step === input.step);
        if (known?.event.kind === 'reported') return { append: [], result: { stop: known.event.stop, rungs: known.event.rungs, value: known.event.value } };
        const d = pruner.decide(
          log.map((e) => e.event),
          { trial, step: input.step, value },
        );
        const append: SearchAppend[] = [{ event: { kind: 'reported', trial, step: input.step, value, ...d }, trialId: t.id }];
        if (d.stop) append.push({ event: { kind: 'finished', trial, state: 'stopped', values: null }, trialId: t.id });
        return { append, result: { ...d, value } };
      });
    },

    /**
     * Records a trial's end in its sweep's search log (sweeps that keep one): completed with its objective values
     * (failed when one the strategy needs is missing), or failed. Cancelled trials are not ended: they run again
     * under the same number. No-op when the end is already recorded (a stopped trial's, by `reportRung`).
     */
    async recordTrialEnd(input: { trialId: string; status: 'COMPLETED' | 'FAILED' }): Promise<void> {
      const t = await store.trial(input.trialId);
      const spec = await specOf(t.sweepId);
      if (!keepsSearchLog(spec)) return;
      let state: FinalState = input.status === 'COMPLETED' ? 'completed' : 'failed';
      let values: Record<string, number> | null = state === 'completed' ? await objectiveValues(store, t.id) : null;
      const st = spec.strategy;
      const needed = 'objectives' in st ? [...st.objectives, ...st.constraints].map((o) => o.key) : []; // multi-objective samplers
      if (values && needed.some((k) => !(k in values!))) {
        state = 'failed'; // a completed trial must carry every objective an adaptive sampler scores it by
        values = null;
      }
      await store.decideSearch(t.sweepId, (log) => {
        const trial = currentProposal(log, t.id);
        if (trial === undefined || isFinished(log, trial)) return { append: [], result: undefined };
        return { append: [{ event: { kind: 'finished', trial, state, values }, trialId: t.id }], result: undefined };
      });
    },
  };
}
