import { heartbeat, sleep } from '@temporalio/activity';
import { evaluate, getWeights, loadModelBytes, saveModelBytes } from '../src/nn/index.js';
import { HwsweepError } from '../src/errors.js';
import type { BaselineRecipe, DataConfig, DatasetName, ModelFileRef } from '../src/spec/index.js';
import { artifactIds, type BaselineRow, type TrialStore } from '../src/store/trial-store.js';
import { trialDataset, trialModel, type ModelDataRef, type ModelFileSource } from '../src/trial/data.js';
import { baselineTrainOptions } from '../src/trial/retrain.js';
import { ensureBackend, trainWithCheckpoints } from './training.js';

export interface BaselineSummary {
  key: string;
  accuracy: number;
}

function refOf(row: BaselineRow): ModelDataRef & { recipe: BaselineRecipe } {
  const { recipe, data, modelFile } = row.recipe as { recipe: BaselineRecipe; data: DataConfig; modelFile?: ModelFileRef };
  return { model: row.model, width: row.width, dataset: row.dataset as DatasetName, seed: row.seed, data, recipe, modelFile: modelFile ?? null };
}

/** Model files stored at launch, by content hash. */
const modelFileSource = (store: TrialStore): ModelFileSource => (sha256) => store.getArtifact(artifactIds.model(sha256));

/** Loads a finished baseline into a fresh model (caller disposes). */
export async function loadBaselineModel(store: TrialStore, key: string) {
  const row = await store.baseline(key);
  const ref = refOf(row);
  const data = await trialDataset(ref);
  const model = await trialModel(ref, data, modelFileSource(store));
  const bytes = await store.getArtifact(artifactIds.weights(key, 'baseline'));
  if (!bytes) {
    model.dispose();
    throw new HwsweepError('MODEL_NOT_FOUND', `baseline ${key} has no stored weights`, { context: { baseline: key } });
  }
  loadModelBytes(model, bytes);
  return { model, data, ref, accuracy: row.accuracy ?? NaN };
}

export function createBaselineActivities(store: TrialStore) {
  return {
    /**
     * Trains the baseline once (resuming from its newest checkpoint), evaluates it and stores its weights.
     * Idempotent: a finished baseline returns at once.
     */
    async trainBaseline(input: { key: string }): Promise<BaselineSummary> {
      const row = await store.baseline(input.key);
      if (row.status === 'COMPLETED' && row.accuracy !== null) return { key: input.key, accuracy: row.accuracy };
      await ensureBackend();
      await store.markBaselineRunning(input.key);
      const ref = refOf(row);
      const data = await trialDataset(ref);
      const model = await trialModel(ref, data, modelFileSource(store));
      const pretrained = ref.modelFile?.pretrained === true; // a pretrained model file is evaluated, not trained
      try {
        if (!pretrained) {
          await trainWithCheckpoints({ store, owner: input.key, phase: 'baseline', model, data, options: baselineTrainOptions(ref.recipe, ref.seed) });
        }
        const { accuracy, loss } = await evaluate(model, data.test);
        const weights = artifactIds.weights(input.key, 'baseline');
        await store.putArtifact({ id: weights, kind: 'weights', ownerId: input.key, bytes: saveModelBytes(model) });
        const weightsTotal = [...getWeights(model).values()].reduce((a, w) => a + w.length, 0);
        await store.completeBaseline(input.key, { accuracy, loss, epochs: pretrained ? 0 : ref.recipe.epochs, weightsTotal, artifactId: weights });
        return { key: input.key, accuracy };
      } finally {
        model.dispose();
      }
    },

    /** Waits (heartbeating) for a baseline another workflow is training; fails if that training failed. */
    async awaitBaseline(input: { key: string; pollMs?: number }): Promise<BaselineSummary> {
      for (;;) {
        const row = await store.baseline(input.key);
        if (row.status === 'COMPLETED' && row.accuracy !== null) return { key: input.key, accuracy: row.accuracy };
        if (row.status === 'FAILED') {
          throw new HwsweepError('MODEL_NOT_FOUND', `baseline ${input.key} failed to train`, { context: { baseline: input.key } });
        }
        heartbeat();
        await sleep(input.pollMs ?? 1000);
      }
    },

    /** Expected epoch time of an owner's training (ms), from what was measured before; null when nothing was. */
    async estimateEpochMs(input: { owner: string }): Promise<number | null> {
      return await store.epochTimeEstimateMs(input.owner);
    },

    async markBaselineFailed(input: { key: string }): Promise<void> {
      await store.markBaselineFailed(input.key);
    },
  };
}
