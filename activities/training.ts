import { Context, heartbeat } from '@temporalio/activity';
import type * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../src/nn/backend/index.js';
import { HwsweepError } from '../src/errors.js';
import { artifactProblem, trainModel } from '../src/nn/index.js';
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
  /** Stop after this many epochs in all (an early-stopping rung); a later call resumes from the checkpoint. */
  until?: number;
}): Promise<EpochMetrics[]> {
  const { store, owner, phase } = args;
  const ctx = Context.current();
  const ckptId = artifactIds.checkpoint(owner, phase);
  const resumeFrom = await loadableCheckpoint(store, ckptId, args.model);
  const details = ctx.info.heartbeatDetails as TrainHeartbeat | undefined;
  let last = details?.epoch ?? -1;
  const beat = (): void => heartbeat({ phase, epoch: last } satisfies TrainHeartbeat);
  const timer = setInterval(beat, 2_000);
  beat();
  try {
    const { history } = await trainModel(args.model, args.data, { ...args.options, ...(args.masks ? { masks: args.masks } : {}) }, {
      ...(resumeFrom ? { resumeFrom } : {}),
      ...(args.until !== undefined ? { until: args.until } : {}),
      signal: ctx.cancellationSignal,
      onEpochEnd: async (m, checkpoint) => {
        // A diverged run would store non-finite weights and then a meaningless result: stop it here, for good.
        if (!Number.isFinite(m.loss)) {
          throw new HwsweepError('TRAINING_DIVERGED', `${phase} of ${owner} diverged: loss ${m.loss} after epoch ${m.epoch} (lr ${m.lr})`, {
            context: { owner, phase, epoch: m.epoch, lr: m.lr },
            hint: 'a lower learning rate or another LR rule may train; retrying the same recipe would diverge again',
          });
        }
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

/**
 * The newest checkpoint if it can be resumed from, else undefined (training starts the phase over): a checkpoint
 * whose checksum fails, whose floats are not finite or whose shapes do not fit the model is deleted and never
 * loaded, so a corrupt file costs the epochs it held, never a wrong stored result.
 */
async function loadableCheckpoint(store: TrialStore, id: string, model: tf.LayersModel): Promise<Uint8Array | undefined> {
  let bytes: Uint8Array | undefined;
  let problem: string | undefined;
  try {
    bytes = await store.getArtifact(id);
    problem = bytes && artifactProblem(model, bytes, 'checkpoint');
  } catch (err) {
    if (!(err instanceof HwsweepError && err.code === 'ARTIFACT_INVALID')) throw err;
    problem = err.message;
  }
  if (problem === undefined) return bytes;
  Context.current().log.warn(`checkpoint ${id} is not loadable (${problem}): deleted, training this phase from its start`);
  await store.deleteArtifacts([id]);
  return undefined;
}
