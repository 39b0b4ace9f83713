import { Context } from '@temporalio/activity';
import { applyMask, type PruneResult } from '../src/compress/index.js';
import { HwsweepError } from '../src/errors.js';
import { evaluate, getWeights, layerDescriptors, loadModelBytes, saveModelBytes, setWeights } from '../src/nn/index.js';
import type { TrialConfig } from '../src/spec/index.js';
import {
  artifactIds,
  type CompressedResult,
  type LayerSimulationRow,
  type RetrainedResult,
  type SimulationResult,
  type SimulationRow,
  type StageClaim,
  type TrialStore,
} from '../src/store/trial-store.js';
import { compressForTrial } from '../src/trial/compress.js';
import { decodeMasks, encodeMasks, type StoredPruning } from '../src/trial/masks.js';
import { gradualStepConfig, gradualSteps, pruneForTrial } from '../src/trial/prune.js';
import { incrementalPow2, inqPhase } from '../src/trial/inq.js';
import { needsRetrainPhase, retrainTrainOptions } from '../src/trial/retrain.js';
import { decodeSimInput, encodeSimInput } from '../src/trial/sim-input.js';
import { layerSimulationRows, simulateAll, simulationRow } from '../src/trial/simulate.js';
import { loadBaselineModel } from './baseline.js';
import { ensureBackend, trainWithCheckpoints } from './training.js';

/** Who asks for a stage: the trial whose configuration it computes from, its sweep, and whether results of other sweeps may serve it. */
export interface StageCaller {
  trialId: string;
  sweepId: string;
  reuse: boolean;
}

export interface RetrainedStageInput extends StageCaller {
  key: string;
  /** Retraining epochs to have done when the call returns (an early-stopping rung, or all of them). */
  until: number;
}

export interface CompressedStageInput extends StageCaller {
  key: string;
  /** The retrained stage it compresses. */
  retrained: string;
}

export interface SimulationStagesInput extends StageCaller {
  /** The compressed stage simulated. */
  compressed: string;
  /** Simulation stages to compute: key and position of the hardware in the trial's `accelerators`. */
  sims: { key: string; index: number }[];
}

/** Kernels with the masks applied (never edits the input map). */
function masked(weights: Map<string, Float32Array>, masks: Map<string, Uint8Array>): Map<string, Float32Array> {
  return new Map([...weights].map(([name, w]) => [name, masks.has(name) ? applyMask(w, masks.get(name)!) : w]));
}

/**
 * The activities that compute stages (src/trial/stage-keys.ts). Each claims its stage first (nothing to do when
 * it is already completed and usable), computes from the asking trial's configuration (equal stage keys mean
 * equal inputs), stores artefacts under the stage key, and completes the stage with its result. Retried or
 * replayed calls redo nothing that is stored.
 */
export function createStageActivities(store: TrialStore) {
  /** Records the phase and this activity's attempt on the asking trial (a failed trial keeps both). */
  const enter = async (trialId: string, phase: string): Promise<TrialConfig> => {
    await store.recordTrialPhase(trialId, phase, { activityAttempt: Context.current().info.attempt });
    return (await store.trial(trialId)).config;
  };
  const claim = (key: string, c: StageCaller): Promise<StageClaim> => store.claimStage(key, c);

  /** The retrained stage's network: its retrained weights if stored, else the baseline with its masks applied. */
  const retrainedModel = async (key: string, t: TrialConfig, opts: { applyMasks?: boolean } = {}) => {
    const base = await loadBaselineModel(store, t.baselineKey);
    const maskBytes = await store.getArtifact(artifactIds.masks(key));
    const { masks, report } = maskBytes ? decodeMasks(maskBytes) : { masks: new Map<string, Uint8Array>(), report: undefined };
    const retrained = await store.getArtifact(artifactIds.weights(key, 'retrained'));
    if (retrained) loadModelBytes(base.model, retrained);
    else if (masks.size && opts.applyMasks !== false) setWeights(base.model, masked(getWeights(base.model), masks));
    return { ...base, masks, report };
  };

  return {
    /**
     * First half of a retrained stage: masks from the baseline's weights, stored with the pruned (not yet
     * retrained) accuracy. A configuration that retrains nothing completes the stage here.
     * @returns done: the stage was already completed (nothing left for `retrainStage`)
     */
    async pruneStage(input: RetrainedStageInput): Promise<{ done: boolean }> {
      const t = await enter(input.trialId, 'prune');
      if ((await claim(input.key, input)) === 'done') return { done: true };
      const retrains = needsRetrainPhase(t);
      if (!(await store.getArtifact(artifactIds.masks(input.key)))) {
        await ensureBackend();
        const { model, data, accuracy: baselineAccuracy } = await loadBaselineModel(store, t.baselineKey);
        try {
          const layers = layerDescriptors(model);
          const weights = getWeights(model);
          const pruned: PruneResult | undefined = pruneForTrial(t, layers, weights);
          const masks = pruned?.masks ?? new Map<string, Uint8Array>();
          if (masks.size) setWeights(model, masked(weights, masks));
          const { accuracy } = masks.size ? await evaluate(model, data.test) : { accuracy: baselineAccuracy };
          const total = layers.reduce((a, l) => a + l.weightShape.reduce((x, y) => x * y, 1), 0);
          const result: Omit<RetrainedResult, 'retrainedAccuracy'> = {
            baselineAccuracy,
            prunedAccuracy: accuracy,
            achievedRatio: pruned?.report.overall.achievedRatio ?? 0,
            weightsTotal: total,
            weightsKept: pruned?.report.overall.kept ?? total,
          };
          // Result before masks: masks present means the pruning half is done (a retried call skips it).
          await store.recordStageProgress(input.key, { result: { ...result } });
          await store.putArtifact({ id: artifactIds.masks(input.key), kind: 'masks', ownerId: input.key, bytes: encodeMasks(masks, pruned?.report) });
        } finally {
          model.dispose();
        }
      }
      if (!retrains) {
        await store.completeStage(input.key, { retrainedAccuracy: null }, 0);
        return { done: true };
      }
      return { done: false };
    },

    /**
     * Second half of a retrained stage: masked retraining with LR tracking up to `until` epochs (checkpoint every
     * epoch, resuming from the newest). Short of the last epoch the stage is left `partial` (an early-stopping
     * rung: another call may continue it); at the last one (power-of-two trials: after the incremental pow2
     * retraining) the retrained network is evaluated, stored, and the stage completed. Gradual schedules run every
     * round in one call (they have no rungs).
     */
    async retrainStage(input: RetrainedStageInput): Promise<{ epochsDone: number; done: boolean }> {
      const t = await enter(input.trialId, 'retrain');
      if (!needsRetrainPhase(t)) throw new HwsweepError('INVALID_ARGUMENT', `trial ${input.trialId} has no retraining configured`);
      const epochs = t.retrain?.epochs ?? 0;
      if ((await claim(input.key, input)) === 'done') return { epochsDone: epochs, done: true };
      await ensureBackend();
      const steps = gradualSteps(t);
      // The weights INQ starts from (the pruned net after its retraining), kept so that a retry skips that training.
      const inqStart = t.inq ? await store.getArtifact(artifactIds.weights(input.key, inqPhase(0))) : undefined;
      // Gradual rounds start from the dense baseline; one-shot retraining from the pruned one.
      const { model, data, masks } = await retrainedModel(input.key, t, { applyMasks: steps === 1 || inqStart !== undefined });
      let finalMasks = masks;
      try {
        if (inqStart) loadModelBytes(model, inqStart);
        else if (t.retrain && epochs > 0) {
          const options = retrainTrainOptions(t.retrain, t.baseline, t.seed);
          if (steps === 1) {
            const until = Math.min(input.until, epochs);
            const history = await trainWithCheckpoints({ store, owner: input.key, phase: 'retrain', model, data, options, until, ...(masks.size ? { masks } : {}) });
            if (history.length < epochs) {
              await store.recordStageProgress(input.key, { epochsDone: history.length, status: 'partial' });
              return { epochsDone: history.length, done: false };
            }
          } else {
            // Gradual: prune to the step's ratio (previous zeros stay), retrain, repeat; each round is stored, so a
            // retried attempt skips finished rounds and resumes the current one from its checkpoint. No rungs.
            const layers = layerDescriptors(model);
            let prev: StoredPruning | undefined;
            for (let step = 1; step <= steps; step++) {
              const round = `retrain-${step}`;
              const done = await store.getArtifact(artifactIds.weights(input.key, round));
              const doneMasks = await store.getArtifact(artifactIds.masks(`${input.key}/${round}`));
              if (done && doneMasks) {
                loadModelBytes(model, done);
                prev = decodeMasks(doneMasks);
                continue;
              }
              const cfg = gradualStepConfig(t, step, steps, prev?.masks);
              const result = pruneForTrial(t, layers, getWeights(model), cfg);
              const stepMasks = result?.masks ?? new Map<string, Uint8Array>();
              setWeights(model, masked(getWeights(model), stepMasks));
              await trainWithCheckpoints({ store, owner: input.key, phase: round, model, data, options, masks: stepMasks });
              const bytes = encodeMasks(stepMasks, result?.report);
              await store.putArtifact({ id: artifactIds.masks(`${input.key}/${round}`), kind: 'masks', ownerId: input.key, bytes });
              await store.putArtifact({ id: artifactIds.weights(input.key, round), kind: 'weights', ownerId: input.key, bytes: saveModelBytes(model) });
              prev = { masks: stepMasks, report: result?.report };
            }
            // The final round's masks and report are the stage's (compression and simulation use them).
            if (prev) {
              const bytes = encodeMasks(prev.masks, prev.report);
              await store.putArtifact({ id: artifactIds.masks(input.key), kind: 'masks', ownerId: input.key, bytes });
              finalMasks = prev.masks;
            }
          }
        }
        if (t.inq) {
          // Power-of-two weights by incremental retraining (INQ / GSNQ), after the masked retraining.
          if (!inqStart) {
            await store.putArtifact({ id: artifactIds.weights(input.key, inqPhase(0)), kind: 'weights', ownerId: input.key, bytes: saveModelBytes(model) });
          }
          await incrementalPow2(model, t, finalMasks, {
            train: async (step, options) => {
              await trainWithCheckpoints({ store, owner: input.key, phase: inqPhase(step), model, data, options, ...(finalMasks.size ? { masks: finalMasks } : {}) });
            },
            restore: async (step) => {
              const w = await store.getArtifact(artifactIds.weights(input.key, inqPhase(step)));
              const f = await store.getArtifact(artifactIds.masks(`${input.key}/${inqPhase(step)}`));
              if (!w || !f) return undefined;
              loadModelBytes(model, w);
              return decodeMasks(f).masks;
            },
            save: async (step, frozen) => {
              // Frozen maps are 0/1 per weight like masks: the same bit-packed encoding.
              await store.putArtifact({ id: artifactIds.masks(`${input.key}/${inqPhase(step)}`), kind: 'masks', ownerId: input.key, bytes: encodeMasks(frozen) });
              await store.putArtifact({ id: artifactIds.weights(input.key, inqPhase(step)), kind: 'weights', ownerId: input.key, bytes: saveModelBytes(model) });
            },
          });
        }
        const { accuracy } = await evaluate(model, data.test);
        await store.putArtifact({ id: artifactIds.weights(input.key, 'retrained'), kind: 'weights', ownerId: input.key, bytes: saveModelBytes(model) });
        await store.completeStage(input.key, { retrainedAccuracy: accuracy }, epochs);
        return { epochsDone: epochs, done: true };
      } finally {
        model.dispose();
      }
    },

    /** A compressed stage: quantize + cluster the retrained network, measure its accuracy and storage, store the simulator's input. */
    async compressStage(input: CompressedStageInput): Promise<void> {
      const t = await enter(input.trialId, 'compress');
      if ((await claim(input.key, input)) === 'done') return;
      await ensureBackend();
      const { model, data, masks, report, accuracy: baselineAccuracy } = await retrainedModel(input.retrained, t);
      try {
        const layers = layerDescriptors(model);
        // The stored masks and the report pruneStage (or the last gradual round) wrote with them.
        const pruned = report ? { masks, keptRows: new Map<string, Uint32Array>(), report } : undefined;
        const out = await compressForTrial(t, model, data, layers, pruned);
        await store.putArtifact({ id: artifactIds.simInput(input.key), kind: 'sim-input', ownerId: input.key, bytes: encodeSimInput(out.sim) });
        await store.putArtifact({ id: artifactIds.exportBundle(input.key), kind: 'export', ownerId: input.key, bytes: out.exportBundle });
        const result: CompressedResult = {
          accuracy: out.accuracy,
          accuracyDrop: baselineAccuracy - out.accuracy,
          modelBytes: out.storage.totalBits / 8,
          compressionRatio: out.storage.ratioVsFp32,
          layers: out.layers,
        };
        await store.completeStage(input.key, { ...result });
      } finally {
        model.dispose();
      }
    },

    /** Simulation stages of one compressed network, one per hardware (they share the mask-statistics cache). */
    async simulateStages(input: SimulationStagesInput): Promise<{ simulated: number }> {
      const t = await enter(input.trialId, 'simulate');
      const todo: { key: string; index: number }[] = [];
      for (const s of input.sims) if ((await claim(s.key, input)) !== 'done') todo.push(s);
      if (todo.length === 0) return { simulated: 0 };
      const bytes = await store.getArtifact(artifactIds.simInput(input.compressed));
      if (!bytes) {
        throw new HwsweepError('MODEL_NOT_FOUND', `compressed stage ${input.compressed} has no simulator input`, {
          context: { trial: input.trialId, stage: input.compressed },
        });
      }
      const sim = decodeSimInput(bytes);
      const specs = todo.map((s) => {
        const spec = t.accelerators[s.index];
        if (spec === undefined) throw new HwsweepError('INVALID_ARGUMENT', `trial ${input.trialId} has no accelerator #${s.index}`);
        return spec;
      });
      let n = 0;
      await simulateAll(sim, specs, async (accelerator, r) => {
        const row = simulationRow(accelerator, r);
        const result: SimulationResult = {
          simulation: { ...row, hardware: row.hardware as SimulationRow['hardware'], totals: row.totals as SimulationRow['totals'] },
          layers: layerSimulationRows(r).map((l) => ({ ...l, stats: l.stats as LayerSimulationRow['stats'] })),
        };
        await store.completeStage((todo[n] as { key: string }).key, { ...result });
        n++;
        Context.current().heartbeat({ simulated: n });
      });
      return { simulated: n };
    },
  };
}
