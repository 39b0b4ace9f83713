import { Context } from '@temporalio/activity';
import { applyMask, type PruneResult } from '../src/compress/index.js';
import { evaluate, getWeights, layerDescriptors, loadModelBytes, saveModelBytes, setWeights } from '../src/nn/index.js';
import type { TrialConfig } from '../src/spec/index.js';
import { HwsweepError } from '../src/errors.js';
import { artifactIds, type LayerSimulationRow, type SimulationRow, type TrialPatch, type TrialStore } from '../src/store/trial-store.js';
import { compressForTrial } from '../src/trial/compress.js';
import { decodeMasks, encodeMasks, type StoredPruning } from '../src/trial/masks.js';
import { gradualStepConfig, gradualSteps, pruneForTrial } from '../src/trial/prune.js';
import { incrementalPow2, inqPhase } from '../src/trial/inq.js';
import { needsRetrainPhase, retrainTrainOptions } from '../src/trial/retrain.js';
import { decodeSimInput, encodeSimInput } from '../src/trial/sim-input.js';
import { layerSimulationRows, simulateAll, simulationRow } from '../src/trial/simulate.js';
import { loadBaselineModel } from './baseline.js';
import { ensureBackend, trainWithCheckpoints } from './training.js';

export interface TrialStart {
  trialId: string;
  baselineKey: string;
  label: string;
  retrain: boolean;
  /** False when the trial already finished (a re-run of the workflow skips it) or was just completed by reuse. */
  run: boolean;
  /** The trial whose results this one copied (another sweep completed the same configuration). */
  reusedFrom?: string;
}

/** Kernels with the masks applied (never edits the input map). */
function masked(weights: Map<string, Float32Array>, masks: Map<string, Uint8Array>): Map<string, Float32Array> {
  return new Map([...weights].map(([name, w]) => [name, masks.has(name) ? applyMask(w, masks.get(name)!) : w]));
}

export function createTrialActivities(store: TrialStore) {
  /** Records the phase and this activity's attempt on the trial row (a failed trial keeps both). */
  const enter = async (trialId: string, phase: string): Promise<TrialConfig> => {
    await store.recordTrialPhase(trialId, phase, { activityAttempt: Context.current().info.attempt });
    return (await store.trial(trialId)).config;
  };
  const record = (trialId: string, phase: string, patch: TrialPatch) => store.recordTrialPhase(trialId, phase, patch);

  /** The trial's network at its latest stage: retrained weights if any, else the baseline with masks applied. */
  const stagedModel = async (trialId: string, t: TrialConfig, opts: { applyMasks?: boolean } = {}) => {
    const base = await loadBaselineModel(store, t.baselineKey);
    const maskBytes = await store.getArtifact(artifactIds.masks(trialId));
    const { masks, report } = maskBytes ? decodeMasks(maskBytes) : { masks: new Map<string, Uint8Array>(), report: undefined };
    const retrained = await store.getArtifact(artifactIds.weights(trialId, 'retrained'));
    if (retrained) loadModelBytes(base.model, retrained);
    else if (masks.size && opts.applyMasks !== false) setWeights(base.model, masked(getWeights(base.model), masks));
    return { ...base, masks, report };
  };

  return {
    /** Starts the trial, or completes it at once by copying another sweep's result for the same configuration. */
    async startTrial(input: { sweepId: string; number: number; reuse?: boolean }): Promise<TrialStart> {
      const row = await store.trialByNumber(input.sweepId, input.number);
      const ref = { trialId: row.id, baselineKey: row.baselineKey, label: row.label, retrain: needsRetrainPhase(row.config) };
      if (input.reuse && row.status === 'PENDING') {
        const reusedFrom = await store.reuseCompleted(row.id);
        if (reusedFrom) return { ...ref, run: false, reusedFrom };
      }
      const { run } = await store.startTrial(row.id);
      return { ...ref, run };
    },

    /** Masks from the baseline's weights; stores them and the pruned (not yet retrained) accuracy. */
    async pruneTrial(input: { trialId: string }): Promise<{ achievedRatio: number; prunedAccuracy: number }> {
      const t = await enter(input.trialId, 'prune');
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
        const ratio = pruned?.report.overall.achievedRatio ?? 0;
        await store.putArtifact({ id: artifactIds.masks(input.trialId), kind: 'masks', ownerId: input.trialId, bytes: encodeMasks(masks, pruned?.report) });
        await record(input.trialId, 'prune', {
          baselineAccuracy,
          prunedAccuracy: accuracy,
          achievedRatio: ratio,
          weightsTotal: total,
          weightsKept: pruned?.report.overall.kept ?? total,
        });
        return { achievedRatio: ratio, prunedAccuracy: accuracy };
      } finally {
        model.dispose();
      }
    },

    /**
     * Masked retraining with LR tracking, then (power-of-two trials) the incremental pow2 retraining; checkpoints
     * every epoch and stores every finished round, so a retried attempt resumes where the last one stopped.
     */
    async retrainTrial(input: { trialId: string }): Promise<{ retrainedAccuracy: number }> {
      const t = await enter(input.trialId, 'retrain');
      if (!needsRetrainPhase(t)) throw new HwsweepError('INVALID_ARGUMENT', `trial ${input.trialId} has no retraining configured`);
      const done = await store.trialResults(input.trialId);
      if (typeof done.retrainedAccuracy === 'number' && (await store.getArtifact(artifactIds.weights(input.trialId, 'retrained')))) {
        return { retrainedAccuracy: done.retrainedAccuracy };
      }
      await ensureBackend();
      const steps = gradualSteps(t);
      // The weights INQ starts from (the pruned net after its retraining), kept so that a retry skips that training.
      const inqStart = t.inq ? await store.getArtifact(artifactIds.weights(input.trialId, inqPhase(0))) : undefined;
      // Gradual rounds start from the dense baseline; one-shot retraining from the pruned one.
      const { model, data, masks } = await stagedModel(input.trialId, t, { applyMasks: steps === 1 || inqStart !== undefined });
      let finalMasks = masks;
      try {
        if (inqStart) loadModelBytes(model, inqStart);
        else if (t.retrain && t.retrain.epochs > 0) {
          const options = retrainTrainOptions(t.retrain, t.baseline, t.seed);
          if (steps === 1) {
            await trainWithCheckpoints({ store, owner: input.trialId, phase: 'retrain', model, data, options, ...(masks.size ? { masks } : {}) });
          } else {
            // Gradual: prune to the step's ratio (previous zeros stay), retrain, repeat; each round is stored, so a
            // retried attempt skips finished rounds and resumes the current one from its checkpoint.
            const layers = layerDescriptors(model);
            let prev: StoredPruning | undefined;
            for (let step = 1; step <= steps; step++) {
              const stage = `retrain-${step}`;
              const done = await store.getArtifact(artifactIds.weights(input.trialId, stage));
              const doneMasks = await store.getArtifact(artifactIds.masks(`${input.trialId}/${stage}`));
              if (done && doneMasks) {
                loadModelBytes(model, done);
                prev = decodeMasks(doneMasks);
                continue;
              }
              const cfg = gradualStepConfig(t, step, steps, prev?.masks);
              const result = pruneForTrial(t, layers, getWeights(model), cfg);
              const stepMasks = result?.masks ?? new Map<string, Uint8Array>();
              setWeights(model, masked(getWeights(model), stepMasks));
              await trainWithCheckpoints({ store, owner: input.trialId, phase: stage, model, data, options, masks: stepMasks });
              const bytes = encodeMasks(stepMasks, result?.report);
              await store.putArtifact({ id: artifactIds.masks(`${input.trialId}/${stage}`), kind: 'masks', ownerId: input.trialId, bytes });
              await store.putArtifact({ id: artifactIds.weights(input.trialId, stage), kind: 'weights', ownerId: input.trialId, bytes: saveModelBytes(model) });
              prev = { masks: stepMasks, report: result?.report };
            }
            // The final round's masks and report are the trial's (compression and simulation use them).
            if (prev) {
              const bytes = encodeMasks(prev.masks, prev.report);
              await store.putArtifact({ id: artifactIds.masks(input.trialId), kind: 'masks', ownerId: input.trialId, bytes });
              finalMasks = prev.masks;
            }
          }
        }
        if (t.inq) {
          if (!inqStart) {
            await store.putArtifact({ id: artifactIds.weights(input.trialId, inqPhase(0)), kind: 'weights', ownerId: input.trialId, bytes: saveModelBytes(model) });
          }
          await incrementalPow2(model, t, finalMasks, {
            train: async (step, options) => {
              await trainWithCheckpoints({ store, owner: input.trialId, phase: inqPhase(step), model, data, options, ...(finalMasks.size ? { masks: finalMasks } : {}) });
            },
            restore: async (step) => {
              const w = await store.getArtifact(artifactIds.weights(input.trialId, inqPhase(step)));
              const f = await store.getArtifact(artifactIds.masks(`${input.trialId}/${inqPhase(step)}`));
              if (!w || !f) return undefined;
              loadModelBytes(model, w);
              return decodeMasks(f).masks;
            },
            save: async (step, frozen) => {
              // Frozen maps are 0/1 per weight like masks: the same bit-packed encoding.
              await store.putArtifact({ id: artifactIds.masks(`${input.trialId}/${inqPhase(step)}`), kind: 'masks', ownerId: input.trialId, bytes: encodeMasks(frozen) });
              await store.putArtifact({ id: artifactIds.weights(input.trialId, inqPhase(step)), kind: 'weights', ownerId: input.trialId, bytes: saveModelBytes(model) });
            },
          });
        }
        const { accuracy } = await evaluate(model, data.test);
        await store.putArtifact({
          id: artifactIds.weights(input.trialId, 'retrained'),
          kind: 'weights',
          ownerId: input.trialId,
          bytes: saveModelBytes(model),
        });
        await record(input.trialId, 'retrain', { retrainedAccuracy: accuracy });
        return { retrainedAccuracy: accuracy };
      } finally {
        model.dispose();
      }
    },

    /** Quantize + cluster + measured accuracy + storage; writes per-layer rows and the simulator's input. */
    async compressTrial(input: { trialId: string }): Promise<{ accuracy: number; compressionRatio: number }> {
      const t = await enter(input.trialId, 'compress');
      await ensureBackend();
      const { model, data, masks, report, accuracy: baselineAccuracy } = await stagedModel(input.trialId, t);
      try {
        const layers = layerDescriptors(model);
        // The stored masks and the report pruneTrial (or the last gradual round) wrote with them.
        const pruned = report ? { masks, keptRows: new Map<string, Uint32Array>(), report } : undefined;
        const out = await compressForTrial(t, model, data, layers, pruned);
        await store.recordLayerResults(input.trialId, out.layers);
        await store.putArtifact({ id: artifactIds.simInput(input.trialId), kind: 'sim-input', ownerId: input.trialId, bytes: encodeSimInput(out.sim) });
        await store.putArtifact({ id: artifactIds.exportBundle(input.trialId), kind: 'export', ownerId: input.trialId, bytes: out.exportBundle });
        await record(input.trialId, 'compress', {
          accuracy: out.accuracy,
          accuracyDrop: baselineAccuracy - out.accuracy,
          modelBytes: out.storage.totalBits / 8,
          compressionRatio: out.storage.ratioVsFp32,
        });
        return { accuracy: out.accuracy, compressionRatio: out.storage.ratioVsFp32 };
      } finally {
        model.dispose();
      }
    },

    /** Simulates the compressed network on every accelerator of the trial; one `simulations` row each. */
    async simulateTrial(input: { trialId: string }): Promise<{ accelerators: number }> {
      const t = await enter(input.trialId, 'simulate');
      const bytes = await store.getArtifact(artifactIds.simInput(input.trialId));
      if (!bytes) {
        throw new HwsweepError('MODEL_NOT_FOUND', `trial ${input.trialId} has no simulator input; compressTrial must run first`, {
          context: { trial: input.trialId },
        });
      }
      const sim = decodeSimInput(bytes);
      let n = 0;
      await simulateAll(sim, t.accelerators, async (accelerator, r) => {
        const row = simulationRow(accelerator, r);
        await store.recordSimulation(
          input.trialId,
          { ...row, hardware: row.hardware as SimulationRow['hardware'], totals: row.totals as SimulationRow['totals'] },
          layerSimulationRows(r).map((l) => ({ ...l, stats: l.stats as LayerSimulationRow['stats'] })),
        );
        n++;
        Context.current().heartbeat({ simulated: n });
      });
      return { accelerators: n };
    },

    async finishTrial(input: {
      trialId: string;
      status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
      error?: string;
      errorType?: string;
      phase?: string;
    }): Promise<void> {
      await store.finishTrial(input.trialId, {
        status: input.status,
        ...(input.phase !== undefined ? { phase: input.phase } : {}),
        ...(input.error !== undefined ? { error: input.error } : {}),
        ...(input.errorType !== undefined ? { errorType: input.errorType } : {}),
      });
    },
  };
}

