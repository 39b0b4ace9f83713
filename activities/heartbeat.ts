import { Context } from '@temporalio/activity';

/**
 * Keeps the current activity's heartbeat going while a store call waits for the database (outside an activity, or
 * in a local activity, which has no heartbeat, it does nothing). Without it an activity with a heartbeat timeout
 * (awaiting a baseline, training) would be declared dead during a database restart it is patiently riding out.
 */
export function heartbeatWhileWaiting(info: { attempt: number; waitedMs: number }): void {
  try {
    const ctx = Context.current();
    if (!ctx.info.isLocal) ctx.heartbeat({ waitingForDatabaseMs: info.waitedMs, tries: info.attempt });
  } catch {
    // not inside an activity
  }
}
