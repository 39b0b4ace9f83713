import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { recordSmoke } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });

export interface SmokeInput {
  id: string;
  message: string;
}

/** End-to-end check of the plumbing: workflow → activity → Postgres upsert → result. */
export async function smokeWorkflow(input: SmokeInput): Promise<{ id: string; sha256: string }> {
  return await recordSmoke(input);
}
