import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** The innermost failure's type and message (ActivityFailure / ChildWorkflowFailure wrap the real cause). */
export function describeFailure(err: unknown): { error: string; errorType: string } {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return { error: e.message, errorType: e.type ?? 'Error' };
  return { error: e instanceof Error ? e.message : String(e), errorType: e instanceof Error ? e.name : 'Error' };
}
