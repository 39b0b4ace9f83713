import { Context, heartbeat } from '@temporalio/activity';
import type * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../src/nn/backend/index.js';
import { trainModel } from '../src/nn/index.js';
import type { Dataset, EpochMetrics, Masks, TrainOptions } from '../src/nn/index.js';
import { artifactIds, type TrialStore } from '../src/store/trial-store.js';

/** Details a training activity heartbeats: a retried attempt (or a human in the Web UI) sees where it was. */
export interface TrainHeartbeat {
  phase: string;
  /** Last epoch whose checkpoint is stored, -1 before the first. */
  epoch: number;
}

export async function ensureBackend(): Promise<void> {
  await initBackend((process.env['HWSWEEP_BACKEND'] as BackendChoice | undefined) ?? 'auto');
}

/**
 * Trains with a checkpoint per epoch, resuming from the newest stored checkpoint. After each epoch the epoch's
 * metrics row and the checkpoint are written in ONE transaction, then the activity heartbeats: a killed worker
 * loses at most the epoch in flight, and the stored rows always agree with the stored checkpoint.
 * Heartbeats also go out every few seconds between epochs (training yields between batches), which is how
 * cancellation reaches the loop; cancellation is honoured between batches.
 */
export async function trainWithCheckpoints(args: {
  store: TrialStore;
  owner: string;
  phase: string;
  model: tf.LayersModel;
  data: Dataset;
  options: TrainOptions;
  masks?: Masks;
}): Promise<EpochMetrics[]> {
  const { store, owner, phase } = args;
  const ctx = Context.current();
  const ckptId = artifactIds.checkpoint(owner, phase);
  const resumeFrom = await store.getArtifact(ckptId);
  const details = ctx.info.heartbeatDetails as TrainHeartbeat | undefined;
  let last = details?.epoch ?? -1;
  const beat = (): void => heartbeat({ phase, epoch: last } satisfies TrainHeartbeat);
  const timer = setInterval(beat, 2_000);
  beat();
  try {
    const { history } = await trainModel(args.model, args.data, { ...args.options, ...(args.masks ? { masks: args.masks } : {}) }, {
      ...(resumeFrom ? { resumeFrom } : {}),
      signal: ctx.cancellationSignal,
      onEpochEnd: async (m, checkpoint) => {
        await store.recordEpoch(
          { ownerId: owner, phase, attempt: ctx.info.attempt, ...m },
          { id: ckptId, kind: 'checkpoint', ownerId: owner, bytes: checkpoint() },
        );
        last = m.epoch;
        beat();
      },
    });
    return history;
  } finally {
    clearInterval(timer);
  }
}
