import type { Db } from './db.js';

/**
 * Artefact retention: what resuming needs is kept, the rest goes as soon as it is no longer needed.
 *
 * - A trial or baseline that is **running, failed or cancelled** keeps everything (a retry or resume continues
 *   from its newest checkpoint and from the training rounds it finished).
 * - When a trial **completes**, its transient artefacts are deleted at once (`finishTrial`), and those of a
 *   baseline when it completes: every checkpoint (kind `checkpoint`) and the intermediate rounds of gradual pruning
 *   and INQ (`weights|masks/<owner>/retrain-<k>`, `…/inq-<k>`). Final artefacts stay: the baseline's and the
 *   retrained weights, the trial's masks, simulator input and exported model, user model files.
 * - Owners are baselines, trials (before shared stages) and stages (`stages.key`: a retrained model's checkpoints and
 *   rounds, a compressed model's simulator input and export). A stage completing releases its transient artefacts.
 * - `hwsweep gc` ({@link collectGarbage}) removes what is older: transient artefacts left behind by completed
 *   owners, those of failed/cancelled trials and of failed/cancelled/early-stopped stages finished longer ago than a
 *   cutoff, and artefacts of known kinds whose owner no longer exists (deleted sweeps). Kinds it does not know are
 *   never touched.
 */

/** SQL predicate (over `artifacts a`) for transient artefacts: checkpoints and intermediate training rounds. */
export const TRANSIENT = `(a.kind = 'checkpoint' or (a.kind in ('weights', 'masks') and a.id ~ '/(retrain|inq)-[0-9]+$'))`;

/** Artefact kinds the orchestration writes for a trial or baseline (the only kinds `gc` may treat as orphans). */
const OWNED_KINDS = `('checkpoint', 'weights', 'masks', 'sim-input', 'export', 'smoke')`;

/** Deletes an owner's transient artefacts (see the module TSDoc). Returns how many rows went. */
export async function releaseTransientArtifacts(db: Pick<Db, '$executeRawUnsafe'>, ownerId: string): Promise<number> {
  return await db.$executeRawUnsafe(`delete from artifacts a where a.owner_id = $1 and ${TRANSIENT}`, ownerId);
}

export interface GcCategory {
  name: 'completed' | 'stale-unfinished' | 'orphans';
  description: string;
  artifacts: number;
  bytes: number;
}

export interface GcReport {
  dryRun: boolean;
  olderThanMs: number;
  categories: GcCategory[];
  /** What was deleted (or, with dryRun, would be). */
  total: { artifacts: number; bytes: number };
  /** Every artefact left afterwards. */
  remaining: { artifacts: number; bytes: number };
}

/** Candidate artefact ids per category, as SQL selecting `id, size_bytes` (parameter $1 = cutoff timestamp). */
const CATEGORIES: { name: GcCategory['name']; description: string; sql: string }[] = [
  {
    name: 'completed',
    description: 'checkpoints and intermediate rounds of completed trials and baselines',
    sql: `select a.id, a.size_bytes from artifacts a
          where ${TRANSIENT} and (exists (select 1 from trials t where t.id = a.owner_id and t.status = 'COMPLETED')
                               or exists (select 1 from baselines b where b.key = a.owner_id and b.status = 'COMPLETED')
                               or exists (select 1 from stages s where s.key = a.owner_id and s.status = 'completed'))`,
  },
  {
    name: 'stale-unfinished',
    description:
      'checkpoints and rounds of failed or cancelled trials, and of failed, cancelled or early-stopped stages, finished before the cutoff (a retry restarts those phases)',
    sql: `select a.id, a.size_bytes from artifacts a join trials t on t.id = a.owner_id
          where ${TRANSIENT} and t.status in ('FAILED', 'CANCELLED') and t.finished_at < $1
          union all
          select a.id, a.size_bytes from artifacts a join stages s on s.key = a.owner_id
          where ${TRANSIENT} and s.status in ('failed', 'cancelled', 'partial') and s.finished_at < $1`,
  },
  {
    name: 'orphans',
    description: 'artefacts whose trial, baseline or stage no longer exists (e.g. a deleted sweep)',
    sql: `select a.id, a.size_bytes from artifacts a
          where a.kind in ${OWNED_KINDS} and a.created_at < $1
            and not exists (select 1 from trials t where t.id = a.owner_id)
            and not exists (select 1 from baselines b where b.key = a.owner_id)
            and not exists (select 1 from stages s where s.key = a.owner_id)`,
  },
];

/**
 * Finds (and unless `dryRun`, deletes) artefacts nothing needs any more, in one transaction. `olderThanMs` is the
 * age cutoff for failed/cancelled trials (by finish time) and for orphans (by creation time).
 */
export async function collectGarbage(db: Db, opts: { dryRun: boolean; olderThanMs: number; now?: Date }): Promise<GcReport> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.olderThanMs);
  return await db.$transaction(
    async (tx) => {
      const categories: GcCategory[] = [];
      const seen = new Set<string>();
      for (const c of CATEGORIES) {
        const rows = await tx.$queryRawUnsafe<{ id: string; size_bytes: number }[]>(c.sql, ...(c.sql.includes('$1') ? [cutoff] : []));
        const fresh = rows.filter((r) => !seen.has(r.id));
        for (const r of fresh) seen.add(r.id);
        categories.push({ name: c.name, description: c.description, artifacts: fresh.length, bytes: fresh.reduce((a, r) => a + r.size_bytes, 0) });
      }
      if (!opts.dryRun && seen.size) await tx.artifact.deleteMany({ where: { id: { in: [...seen] } } });
      const [left] = await tx.$queryRaw<{ n: number; bytes: number }[]>`
        select count(*)::int as n, coalesce(sum(size_bytes), 0)::float8 as bytes from artifacts`;
      return {
        dryRun: opts.dryRun,
        olderThanMs: opts.olderThanMs,
        categories,
        total: { artifacts: seen.size, bytes: categories.reduce((a, c) => a + c.bytes, 0) },
        remaining: { artifacts: left?.n ?? 0, bytes: left?.bytes ?? 0 },
      };
    },
    { timeout: 300_000 },
  );
}

export interface ArtifactUsage {
  artifacts: number;
  bytes: number;
  checkpointBytes: number;
}

/**
 * Artefact count and bytes as one SQL query: `$1` a LIKE pattern of owner ids ({@link artifactOwnerPattern}), `$2` a
 * sweep id whose trials' stages also count (shared stages count in every sweep that used them), or null.
 * Exported so `hwsweep status` runs the same query through `pg` (without loading Prisma).
 */
export const ARTIFACT_USAGE_SQL = `select count(*)::int as n, coalesce(sum(size_bytes), 0)::float8 as bytes,
    coalesce(sum(size_bytes) filter (where kind = 'checkpoint'), 0)::float8 as ckpt
  from artifacts where owner_id like $1
    or owner_id in (select ts.stage_key from trial_stages ts join trials t on t.id = ts.trial_id where t.sweep_id = $2::text)`;

/** The owner-id pattern of {@link ARTIFACT_USAGE_SQL}: every artefact, or one sweep's trials' (`<sweepId>/…`). */
export function artifactOwnerPattern(sweepId?: string): string {
  return sweepId === undefined ? '%' : `${sweepId.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
}

/** An {@link ARTIFACT_USAGE_SQL} row as {@link ArtifactUsage}. */
export function toArtifactUsage(r: { n: number; bytes: number; ckpt: number } | undefined): ArtifactUsage {
  return { artifacts: r?.n ?? 0, bytes: r?.bytes ?? 0, checkpointBytes: r?.ckpt ?? 0 };
}

/** Artefact count and bytes, overall or of one sweep: its trials' (owner ids `<sweepId>/…`) and its stages'. */
export async function artifactUsage(db: Db, sweepId?: string): Promise<ArtifactUsage> {
  const [r] = await db.$queryRawUnsafe<{ n: number; bytes: number; ckpt: number }[]>(
    ARTIFACT_USAGE_SQL,
    artifactOwnerPattern(sweepId),
    sweepId ?? null,
  );
  return toArtifactUsage(r);
}
