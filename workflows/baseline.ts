import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { TaskQueues, retryPolicy, trainingHeartbeatTimeoutMs, type RetrySettings } from './shared.js';

export interface BaselineInput {
  key: string;
  retry: RetrySettings;
  /** Floor of the training heartbeat timeout (see `trainingHeartbeatTimeoutMs`). */
  heartbeatTimeoutMs: number;
}

/**
 * Trains one baseline. Its workflow id is `baseline/<key>`, so every trial of every sweep that needs the same
 * (model, width, dataset, seed, recipe, data) shares one execution: Temporal refuses a second start.
 */
export async function baselineWorkflow(input: BaselineInput): Promise<{ accuracy: number }> {
  const { estimateEpochMs, markBaselineFailed } = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes' });
  // A dead worker is noticed within about one epoch (of an earlier attempt or a comparable baseline) or the floor.
  const epochMs = await estimateEpochMs({ owner: input.key });
  const { trainBaseline } = proxyActivities<Activities>({
    taskQueue: TaskQueues.train,
    startToCloseTimeout: '24 hours',
    heartbeatTimeout: trainingHeartbeatTimeoutMs(input.heartbeatTimeoutMs, epochMs),
    retry: retryPolicy(input.retry),
  });
  try {
    return await trainBaseline({ key: input.key });
  } catch (err) {
    await markBaselineFailed({ key: input.key });
    throw err;
  }
}
