/**
 * Reading a search log: the proposals in trial order, each trial's end and its reports, with the log's
 * consistency checked (a log written by a buggy orchestrator fails loudly instead of steering the search).
 */
import { HwsweepError } from '../errors.js';
import type { FinishedEvent, ProposedEvent, ReportedEvent, SearchLog } from './strategy.js';

export interface LogDigest {
  /** `proposals[k]` is trial k's proposal. */
  proposals: ProposedEvent[];
  /** Trial number -> how it ended. */
  finished: Map<number, FinishedEvent>;
  /** Every report, in log order. */
  reports: ReportedEvent[];
}

function bad(seq: number, message: string): HwsweepError {
  return new HwsweepError('INVALID_ARGUMENT', `search log event ${seq}: ${message}`, { context: { seq } });
}

/**
 * Splits `log` by kind and checks it: proposals number trials 0, 1, 2… in order; reports and ends refer to
 * proposed trials; a trial ends once and reports nothing after its end or after a report that stopped it.
 * @throws HwsweepError INVALID_ARGUMENT naming the first inconsistent event's index
 */
export function readLog(log: SearchLog): LogDigest {
  const proposals: ProposedEvent[] = [];
  const finished = new Map<number, FinishedEvent>();
  const stopped = new Set<number>();
  const reports: ReportedEvent[] = [];
  log.forEach((e, seq) => {
    if (e.kind === 'proposed') {
      if (e.trial !== proposals.length)
        throw bad(seq, `proposal for trial ${e.trial}, expected trial ${proposals.length}`);
      proposals.push(e);
      return;
    }
    if (!Number.isInteger(e.trial) || e.trial < 0 || e.trial >= proposals.length) {
      throw bad(seq, `${e.kind} event for trial ${e.trial}, which was not proposed`);
    }
    if (finished.has(e.trial)) throw bad(seq, `${e.kind} event for trial ${e.trial} after it finished`);
    if (e.kind === 'finished') {
      finished.set(e.trial, e);
      return;
    }
    if (stopped.has(e.trial)) throw bad(seq, `report for trial ${e.trial} after a report stopped it`);
    if (e.stop) stopped.add(e.trial);
    reports.push(e);
  });
  return { proposals, finished, reports };
}
