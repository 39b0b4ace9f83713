import { heartbeat, sleep } from '@temporalio/activity';
import { HwsweepError } from '../src/errors.js';
import type { StageNeed, TrialStore } from '../src/store/trial-store.js';
import { gradualSteps } from '../src/trial/prune.js';
import { trialStages } from '../src/trial/stage-keys.js';
import { createPruner } from '../src/search/index.js';
import type { SweepSpec } from '../src/spec/index.js';
import { createSearchActivities } from './search.js';

/** A stage of a trial's plan: its key and whether a completed result already serves the trial. */
export interface PlannedStage {
  key: string;
  usable: boolean;
}

/** What a trial workflow runs, decided by `startTrial` from the trial's configuration and the stored stages. */
export interface TrialPlan {
  trialId: string;
  baselineKey: string;
  label: string;
  /** False when the trial already finished (a re-run of the workflow skips it) or was just completed from stored stages. */
  run: boolean;
  /** How a trial that does not run ended: COMPLETED from stage results, REUSED when another trial computed all of them. */
  finished?: 'COMPLETED' | 'REUSED';
  baselineDone: boolean;
  retrained: PlannedStage & {
    /** Retraining epochs of the configuration (0: nothing is retrained) and how many the stage has done. */
    epochs: number;
    epochsDone: number;
    /** Epochs at which the sweep's pruner decides whether the trial goes on (ascending, each < epochs). */
    rungs: number[];
  };
  compressed: PlannedStage;
  /** One per accelerator, in the trial's order; `index` is the accelerator's position. */
  simulations: (PlannedStage & { index: number })[];
}

/** The plan of a trial with no stages (a dry run), and the fields every plan starts from. */
function emptyPlan(row: { id: string; baselineKey: string; label: string }): TrialPlan {
  const none = { key: '', usable: false };
  return {
    trialId: row.id,
    baselineKey: row.baselineKey,
    label: row.label,
    run: false,
    baselineDone: false,
    retrained: { ...none, epochs: 0, epochsDone: 0, rungs: [] },
    compressed: none,
    simulations: [],
  };
}

/** Which trial of which sweep to start; `reuse`: stages computed for other sweeps serve it too. */
export interface StartInput {
  sweepId: string;
  number: number;
  reuse?: boolean;
  dryRun?: boolean;
}

/** A trial of a batch start: ended at once (`settled`, no trial workflow needed) or planned to run. */
export type StartedTrial = { number: number; settled: 'COMPLETED' | 'REUSED' | 'SKIPPED'; plan?: undefined } | { number: number; plan: TrialPlan; settled?: undefined };

export function createTrialActivities(store: TrialStore) {
  const search = createSearchActivities(store);
  const sweepStrategy = async (sweepId: string) => ((await store.sweep(sweepId))?.spec as SweepSpec | undefined)?.strategy;

  /**
   * Starts a trial and plans its path through the stages: each stage's key and whether a completed result
   * already serves it (src/trial/stage-keys.ts). With `reuse` and every stage served (and no pruner to ask),
   * the trial is completed at once from those results: the trial-level case of stage reuse.
   */
  async function planTrial(input: StartInput, strategy?: () => Promise<SweepSpec['strategy'] | undefined>): Promise<TrialPlan> {
    const row = await store.trialByNumber(input.sweepId, input.number);
    if (input.dryRun) {
      // Orchestration only: no stage is planned or computed (the cheapest path, what bench:orchestration times).
      const { run } = await store.startTrial(row.id);
      return { ...emptyPlan(row), run };
    }
    const t = row.config;
    const stages = trialStages(t);
    const epochs = t.retrain?.epochs ?? 0;
    const plan: TrialPlan = {
      ...emptyPlan(row),
      retrained: { key: stages.retrained.key, usable: false, epochs, epochsDone: 0, rungs: [] },
      compressed: { key: stages.compressed.key, usable: false },
      simulations: stages.simulations.map((s) => ({ key: s.key, usable: false, index: s.index })),
    };
    const { run } = await store.startTrial(row.id);
    // Already finished: a retried batch start or a re-run workflow; one copied from another trial says so.
    if (!run) return { ...plan, run, ...(row.status === 'COMPLETED' && row.reusedFrom ? { finished: 'REUSED' as const } : {}) };
    const reuse = input.reuse ?? false;
    const needs: StageNeed[] = [
      stages.retrained,
      stages.compressed,
      ...stages.simulations.map((s) => ({ kind: s.kind, key: s.key, inputs: s.inputs, accelerator: s.accelerator })),
    ];
    const states = await store.planStages(row.id, { sweepId: input.sweepId, reuse }, needs);
    const [retrained, compressed, ...sims] = states;
    const pruning = (await (strategy ?? (() => sweepStrategy(input.sweepId)))())?.pruner;
    const pruner = pruning ? createPruner(pruning) : undefined;
    const rungs = pruner && gradualSteps(t) === 1 ? pruner.checkpoints(epochs) : [];
    plan.retrained = { ...plan.retrained, usable: retrained!.usable, epochsDone: retrained!.epochsDone, rungs };
    plan.compressed.usable = compressed!.usable;
    plan.simulations = plan.simulations.map((s, i) => ({ ...s, usable: sims[i]!.usable }));
    if (states.every((s) => s.usable) && rungs.length === 0) {
      const source = compressed!.computedBy;
      const reusedFrom = source !== null && source !== row.id && states.every((s) => s.computedBy !== row.id) ? source : undefined;
      const phase = reusedFrom ? 'reused' : 'done';
      await store.adoptStages(row.id, { keys: states.map((s) => s.key), finish: { status: 'COMPLETED', phase, ...(reusedFrom ? { reusedFrom } : {}) } });
      await search.recordTrialEnd({ trialId: row.id, status: 'COMPLETED' });
      return { ...plan, run: false, finished: reusedFrom ? 'REUSED' : 'COMPLETED' };
    }
    plan.baselineDone = (await store.baseline(row.baselineKey)).status === 'COMPLETED';
    return { ...plan, run: true };
  }

  return {
    ...search,

    /** Starts one trial and plans it (see `planTrial`); trial workflows started without a plan call it. */
    startTrial: (input: StartInput): Promise<TrialPlan> => planTrial(input),

    /**
     * Starts a batch of trials (the sweep workflow's free slots) in one call and plans each (`planTrial`).
     * Trials with nothing to compute end here, without a trial workflow: a dry run is completed at once,
     * a trial that had already finished or was completed from stored stages is reported as such. The others
     * come back with their plan, which the sweep passes to their trial workflows.
     * @returns one entry per number, in order: `settled` for trials that ended here, else `plan` (run: true)
     */
    async startTrials(input: {
      sweepId: string;
      numbers: number[];
      reuse?: boolean;
      dryRun?: boolean;
      /** Dry-run trials come back planned (to run as trial workflows) instead of ending here. */
      dryRunWorkflows?: boolean;
    }): Promise<StartedTrial[]> {
      let strategy: Promise<SweepSpec['strategy'] | undefined> | undefined;
      const once = () => (strategy ??= sweepStrategy(input.sweepId)); // one spec read per batch
      // Concurrently: the store's connection pool bounds how many run at once.
      return await Promise.all(
        input.numbers.map(async (number): Promise<StartedTrial> => {
          const plan = await planTrial({ sweepId: input.sweepId, number, ...(input.reuse ? { reuse: true } : {}), ...(input.dryRun ? { dryRun: true } : {}) }, once);
          if (!plan.run) return { number, settled: plan.finished ?? 'SKIPPED' };
          if (!input.dryRun || input.dryRunWorkflows) return { number, plan };
          await store.finishTrial(plan.trialId, { status: 'COMPLETED', phase: 'dry-run' }); // dry runs keep no search log
          return { number, settled: 'COMPLETED' };
        }),
      );
    },

    /** Copies completed stage results onto the trial's rows (result columns, layers, simulations). */
    async adoptStages(input: { trialId: string; keys: string[] }): Promise<void> {
      await store.adoptStages(input.trialId, { keys: input.keys });
    },

    /**
     * Waits (heartbeating) for stages another workflow computes. `done`: every stage completed (a retrained
     * stage: with at least `until` epochs). Not done: none of them is being computed any more (that run was
     * cancelled or stopped short of `until`), so the caller starts the computation itself.
     * @throws HwsweepError STAGE_FAILED when one of them failed
     */
    async awaitStages(input: { keys: string[]; until?: number; pollMs?: number }): Promise<{ done: boolean }> {
      const poll = input.pollMs ?? 500;
      for (let idle = 0; ; ) {
        const states = await store.stageStates(input.keys);
        const failed = states.find((s) => s.status === 'failed');
        if (failed) {
          throw new HwsweepError('STAGE_FAILED', `stage ${failed.key} (${failed.kind}) failed: ${failed.error ?? 'unknown error'}`, {
            context: { stage: failed.key, kind: failed.kind, ...(failed.computedBy ? { computedBy: failed.computedBy } : {}) },
          });
        }
        const enough = (s: (typeof states)[number]): boolean =>
          s.status === 'completed' || (input.until !== undefined && s.status === 'partial' && s.epochsDone >= input.until);
        if (states.length === input.keys.length && states.every(enough)) return { done: true };
        // Not running: the computing workflow may not have claimed it yet, so look twice before giving up.
        if (states.some((s) => s.status === 'running')) idle = 0;
        else if (++idle >= 2) return { done: false };
        heartbeat();
        await sleep(poll);
      }
    },

    /** Marks stages a stage workflow could not complete as failed (with the error) or cancelled. */
    async failStages(input: { keys: string[]; status: 'failed' | 'cancelled'; error?: string }): Promise<void> {
      await store.failStages(input.keys, input.status, input.error ?? null);
    },

    /**
     * Final state of a trial. COMPLETED copies the stage results listed in `adopt` onto it first (one
     * transaction); a sweep that keeps a search log records the end there (completed with its objective values,
     * or failed; a pruned trial's end is already recorded, a cancelled one runs again).
     */
    async finishTrial(input: {
      trialId: string;
      status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'PRUNED';
      error?: string;
      errorType?: string;
      phase?: string;
      adopt?: string[];
      stoppedEpoch?: number;
      stoppedRung?: number;
      /** Dry runs end in no search log (they have no results). */
      dryRun?: boolean;
    }): Promise<void> {
      const finish = {
        status: input.status,
        ...(input.phase !== undefined ? { phase: input.phase } : {}),
        ...(input.error !== undefined ? { error: input.error } : {}),
        ...(input.errorType !== undefined ? { errorType: input.errorType } : {}),
        ...(input.stoppedEpoch !== undefined ? { stoppedEpoch: input.stoppedEpoch } : {}),
        ...(input.stoppedRung !== undefined ? { stoppedRung: input.stoppedRung } : {}),
      };
      if (input.adopt?.length) await store.adoptStages(input.trialId, { keys: input.adopt, finish });
      else await store.finishTrial(input.trialId, finish);
      if (!input.dryRun && (input.status === 'COMPLETED' || input.status === 'FAILED')) {
        await search.recordTrialEnd({ trialId: input.trialId, status: input.status });
      }
    },
  };
}
