import type { SearchEvent } from '../search/strategy.js';
import type { TrialConfig } from '../spec/index.js';
import type { Db, Prisma } from './db.js';
import { baselineRows, trialColumns } from './sweeps.js';
import type { LoggedEvent, SearchAppend, SearchDecision } from './trial-store.js';

/**
 * The search log of a sweep (`search_events`): events in decision order, appended under the sweep row's lock so
 * that every decision sees every earlier event (see {@link TrialStore.decideSearch}).
 */

type Row = {
  seq: number;
  kind: string;
  trial: number;
  trialId: string | null;
  candidate: number | null;
  generation: number | null;
  step: number | null;
  value: number | null;
  stop: boolean | null;
  rungs: number[];
  state: string | null;
  values: Prisma.JsonValue;
};

function toEvent(r: Row): LoggedEvent {
  const base = { seq: r.seq, trialId: r.trialId };
  if (r.kind === 'proposed') return { ...base, event: { kind: 'proposed', trial: r.trial, candidate: r.candidate ?? -1, generation: r.generation } };
  if (r.kind === 'reported') {
    return { ...base, event: { kind: 'reported', trial: r.trial, step: r.step ?? 0, value: r.value, stop: r.stop ?? false, rungs: r.rungs } };
  }
  return {
    ...base,
    event: { kind: 'finished', trial: r.trial, state: r.state as never, values: (r.values ?? null) as Readonly<Record<string, number>> | null },
  };
}

/** The key that makes an append idempotent: a retried activity finds its event instead of deciding twice. */
export function dedupeKey(e: SearchEvent): string {
  return e.kind === 'reported' ? `reported/${e.trial}/${e.step}` : `${e.kind}/${e.trial}`;
}

function columns(e: SearchEvent) {
  switch (e.kind) {
    case 'proposed':
      return { candidate: e.candidate, generation: e.generation };
    case 'reported':
      return { step: e.step, value: e.value !== null && Number.isFinite(e.value) ? e.value : null, stop: e.stop, rungs: e.rungs };
    case 'finished':
      return { state: e.state, values: (e.values ?? undefined) as Prisma.InputJsonValue | undefined };
  }
}

export async function searchLog(db: Db | Prisma.TransactionClient, sweepId: string): Promise<LoggedEvent[]> {
  const rows = await db.searchEvent.findMany({
    where: { sweepId },
    orderBy: { seq: 'asc' },
    select: { seq: true, kind: true, trial: true, trialId: true, candidate: true, generation: true, step: true, value: true, stop: true, rungs: true, state: true, values: true },
  });
  return rows.map(toEvent);
}

/** See {@link TrialStore.decideSearch}. */
export async function decideSearch<T>(db: Db, sweepId: string, decide: (log: LoggedEvent[]) => SearchDecision<T>): Promise<T> {
  return await db.$transaction(
    async (tx) => {
      await tx.$queryRaw`select 1 from sweeps where id = ${sweepId} for update`;
      const log = await searchLog(tx, sweepId);
      const d = decide(log);
      let seq = log.length;
      let next: number | undefined;
      for (const a of d.append) {
        let trialId = a.trialId ?? null;
        if (a.register) {
          next ??= ((await tx.trial.aggregate({ where: { sweepId }, _max: { number: true } }))._max.number ?? -1) + 1;
          trialId = await registerTrial(tx, sweepId, a.register, () => next!++);
        }
        await tx.searchEvent.create({
          data: { sweepId, seq: seq++, kind: a.event.kind, trial: a.event.trial, trialId, dedupe: dedupeKey(a.event), ...columns(a.event) },
        });
      }
      if (next !== undefined) await tx.$executeRaw`update sweeps set trial_count = (select count(*) from trials where sweep_id = ${sweepId}) where id = ${sweepId}`;
      return d.result;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/** Inserts a proposed trial (or finds the sweep's trial with the same configuration) and returns its id. */
async function registerTrial(tx: Prisma.TransactionClient, sweepId: string, t: TrialConfig, nextNumber: () => number): Promise<string> {
  const known = await tx.trial.findUnique({ where: { sweepId_configHash: { sweepId, configHash: t.configHash } }, select: { id: true } });
  if (known) return known.id;
  const row = trialColumns(sweepId, nextNumber(), t);
  await tx.trial.create({ data: row });
  await tx.baseline.createMany({ data: baselineRows([t]), skipDuplicates: true });
  return row.id;
}

export type { SearchAppend };
