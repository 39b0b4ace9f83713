import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { TaskQueues, retryPolicy, type RetrySettings } from './shared.js';

export interface BaselineInput {
  key: string;
  retry: RetrySettings;
  heartbeatTimeoutMs: number;
}

/**
 * Trains one baseline. Its workflow id is `baseline/<key>`, so every trial of every sweep that needs the same
 * (model, width, dataset, seed, recipe, data) shares one execution: Temporal refuses a second start.
 */
export async function baselineWorkflow(input: BaselineInput): Promise<{ accuracy: number }> {
  const { trainBaseline } = proxyActivities<Activities>({
    taskQueue: TaskQueues.train,
    startToCloseTimeout: '24 hours',
    heartbeatTimeout: input.heartbeatTimeoutMs,
    retry: retryPolicy(input.retry),
  });
  const { markBaselineFailed } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });
  try {
    return await trainBaseline({ key: input.key });
  } catch (err) {
    await markBaselineFailed({ key: input.key });
    throw err;
  }
}
