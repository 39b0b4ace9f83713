import type { Db } from './db.js';

/** Result columns of `trials` a reused trial takes from its source (its own config columns are identical already). */
const TRIAL_RESULTS = [
  'baseline_accuracy',
  'pruned_accuracy',
  'retrained_accuracy',
  'accuracy',
  'accuracy_drop',
  'achieved_ratio',
  'weights_kept',
  'weights_total',
  'model_bytes',
  'compression_ratio',
] as const;

const quote = (c: string): string => `"${c.replace(/"/g, '""')}"`;

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * Columns of a result table except its keys, read from the catalog: tables gain columns as the simulator grows
 * (e.g. new speedup factors), and a copy must carry all of them without this file knowing each one.
 */
async function copyColumns(tx: Tx, table: string, keys: string[]): Promise<string> {
  const rows = await tx.$queryRaw<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`;
  return rows
    .map((r) => r.column_name)
    .filter((c) => !keys.includes(c))
    .map(quote)
    .join(', ');
}

/** See {@link TrialStore.reuseCompleted}. */
export async function reuseCompleted(db: Db, trialId: string): Promise<string | undefined> {
  return await db.$transaction(
    async (tx) => {
      const [t] = await tx.$queryRaw<{ config_hash: string; status: string }[]>`
        select config_hash, status::text from trials where id = ${trialId} for update`;
      if (!t || t.status !== 'PENDING') return undefined;
      // The original computation: completed for real (phase `done`, not a dry run), not itself a copy.
      const [src] = await tx.$queryRaw<{ id: string }[]>`
        select id from trials
        where config_hash = ${t.config_hash} and status = 'COMPLETED' and phase = 'done' and reused_from is null and id <> ${trialId}
        order by finished_at, id limit 1`;
      if (!src) return undefined;
      const set = TRIAL_RESULTS.map((c) => `${quote(c)} = s.${quote(c)}`).join(', ');
      await tx.$executeRawUnsafe(
        `update trials t set ${set}, status = 'COMPLETED', phase = 'reused', reused_from = s.id, attempt = t.attempt + 1,
           started_at = now(), finished_at = now(), duration_ms = 0, error = null, error_type = null, updated_at = now()
         from trials s where t.id = $1 and s.id = $2`,
        trialId,
        src.id,
      );
      const lr = await copyColumns(tx, 'layer_results', ['id', 'trial_id']);
      await tx.$executeRawUnsafe(
        `insert into layer_results (trial_id, ${lr}) select $1, ${lr} from layer_results where trial_id = $2
         on conflict (trial_id, layer) do nothing`,
        trialId,
        src.id,
      );
      const sim = await copyColumns(tx, 'simulations', ['id', 'trial_id']);
      await tx.$executeRawUnsafe(
        `insert into simulations (trial_id, ${sim}) select $1, ${sim} from simulations where trial_id = $2
         on conflict (trial_id, hardware_hash) do nothing`,
        trialId,
        src.id,
      );
      const ls = await copyColumns(tx, 'layer_simulations', ['id', 'simulation_id']);
      const lsFrom = ls
        .split(', ')
        .map((c) => `l.${c}`)
        .join(', ');
      await tx.$executeRawUnsafe(
        `insert into layer_simulations (simulation_id, ${ls})
         select d.id, ${lsFrom} from layer_simulations l
           join simulations s on s.id = l.simulation_id and s.trial_id = $2
           join simulations d on d.trial_id = $1 and d.hardware_hash = s.hardware_hash
         on conflict (simulation_id, layer) do nothing`,
        trialId,
        src.id,
      );
      await tx.$executeRaw`
        insert into trial_attempts (trial_id, attempt, status, phase, started_at, finished_at)
        select id, attempt, status, phase, started_at, finished_at from trials where id = ${trialId}
        on conflict (trial_id, attempt) do nothing`;
      return src.id;
    },
    { timeout: 60_000 },
  );
}
