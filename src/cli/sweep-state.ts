import { HwsweepError } from '../errors.js';
import type { SweepProgress } from '../../workflows/shared.js';

/**
 * A sweep's state with one source of truth, its workflow. Light on purpose (no Temporal client, no Prisma): the
 * same rules serve `hwsweep status` (through src/services/temporal-rpc.ts) and every command that holds a
 * @temporalio/client connection (src/cli/sweeps.ts `sweepState`).
 */

/** Workflow id of a sweep. */
export function sweepWorkflowId(sweepId: string): string {
  return `sweep/${sweepId}`;
}

/** How a sweep's workflow is read; implemented over @temporalio/client and over the light gRPC client. */
export interface SweepWorkflowReader {
  /** The workflow's Temporal status as @temporalio/client names it (`RUNNING`, `COMPLETED`, `CANCELLED`, …), or undefined when Temporal has no such workflow. */
  status(sweepId: string): Promise<string | undefined>;
  /** The running workflow's answer to the progress query (may throw: it is then treated as unanswered). */
  progress(sweepId: string): Promise<SweepProgress>;
}

export interface SweepState {
  status: string;
  /** Where `status` comes from: the workflow (Temporal), or the sweep row when Temporal does not know the sweep. */
  source: 'temporal' | 'database';
  /** The progress query's answer, while the workflow runs and answers. */
  live?: SweepProgress;
}

/**
 * RUNNING / PAUSED / CANCELLING while the workflow runs (the progress query says which), and once closed the
 * final status the workflow itself wrote to the sweep row (COMPLETED or CANCELLED), or Temporal's (FAILED,
 * TERMINATED, TIMED_OUT) when the workflow ended without writing one. Only when Temporal has no history of the
 * sweep (an external cluster's retention expired) does the row (`dbStatus`) speak alone.
 * @throws HwsweepError INVALID_ARGUMENT when neither Temporal nor the database knows the sweep.
 */
export async function readSweepState(
  reader: SweepWorkflowReader,
  sweepId: string,
  dbStatus: string | undefined,
): Promise<SweepState> {
  const wf = await reader.status(sweepId);
  if (wf === undefined) {
    if (dbStatus === undefined)
      throw new HwsweepError('INVALID_ARGUMENT', `no sweep with id ${sweepId}`, {
        hint: 'list sweeps with `hwsweep status`',
      });
    return { status: dbStatus, source: 'database' };
  }
  if (wf === 'RUNNING') {
    const live = await reader.progress(sweepId).catch(() => undefined);
    const status = live?.cancelling ? 'CANCELLING' : live?.paused ? 'PAUSED' : 'RUNNING';
    return live ? { status, source: 'temporal', live } : { status, source: 'temporal' };
  }
  if (wf === 'COMPLETED') return { status: dbStatus === 'CANCELLED' ? 'CANCELLED' : 'COMPLETED', source: 'temporal' };
  return { status: wf === 'CANCELED' ? 'CANCELLED' : wf, source: 'temporal' };
}
