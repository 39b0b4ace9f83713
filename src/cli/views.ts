import { loadSettings, servicesStatus } from '../services/index.js';
import { createDb, type Db } from '../store/db.js';
import { artifactUsage, type ArtifactUsage } from '../store/retention.js';
import { openContext } from './context.js';
import { byteSize, table, toJson, type Cell } from './format.js';
import { sweepProgress, sweepState } from './sweeps.js';

/** `hwsweep status [id]`: services health, recent sweeps, or one sweep's progress. */
export async function formatSweepStatus(id: string | undefined, json: boolean): Promise<{ text: string; healthy: boolean }> {
  const settings = loadSettings();
  const health = await servicesStatus(settings);
  const healthy = health.every((h) => h.healthy);
  if (id) {
    const ctx = await openContext();
    try {
      const p = await sweepProgress(ctx, id);
      const artifacts = await artifactUsage(ctx.db, id);
      if (json) return { text: toJson({ ...p, artifacts }), healthy };
      return {
        text: `${p.sweepId}: ${p.status}${p.statusSource === 'database' ? ' (from the database: Temporal has no history of this sweep)' : ''}\n  ${p.completed + p.failed + p.cancelled}/${p.total} finished · ${p.completed} completed · ${p.running} running · ${p.pending} pending · ${p.failed} failed · ${p.cancelled} cancelled${p.maxParallel ? ` · maxParallel ${p.maxParallel}` : ''}\n  ${usageLine(artifacts)} (its trials; baselines are shared)`,
        healthy,
      };
    } finally {
      await ctx.close();
    }
  }
  let sweeps: Record<string, Cell>[] = [];
  let artifacts: ArtifactUsage | undefined;
  if (health[0]?.healthy) {
    const db = createDb(settings.databaseUrl);
    try {
      sweeps = await recentSweeps(db);
      artifacts = await artifactUsage(db);
    } catch {
      sweeps = []; // not migrated yet
    } finally {
      await db.$disconnect();
    }
  }
  if (sweeps.length && health[1]?.healthy) {
    // The state of each sweep comes from its workflow (one source of truth), not from the row's cached status.
    const ctx = await openContext();
    try {
      for (const r of sweeps) r['status'] = (await sweepState(ctx, String(r['id']), String(r['status']))).status;
    } finally {
      await ctx.close();
    }
  }
  if (json) return { text: toJson({ services: health, sweeps, ...(artifacts ? { artifacts } : {}) }), healthy };
  const lines = health.map((h) => `${h.healthy ? '✔' : '✖'} ${h.name.padEnd(9)} ${h.address}${h.embedded ? '' : ' [external]'}${h.healthy ? '' : ` not reachable: ${unreachableHint(h)}`}`);
  if (artifacts) lines.push(usageLine(artifacts));
  if (sweeps.length) lines.push('', table(sweeps));
  return { text: lines.join('\n'), healthy };
}

function usageLine(a: ArtifactUsage): string {
  return `artifacts: ${a.artifacts} stored, ${byteSize(a.bytes)} (checkpoints ${byteSize(a.checkpointBytes)}); \`hwsweep gc\` removes what is no longer needed`;
}

async function recentSweeps(db: Db): Promise<Record<string, Cell>[]> {
  const rows = await db.$queryRaw<Record<string, Cell>[]>`
    select s.id, s.status::text as status, s.trial_count as trials,
      count(*) filter (where t.status = 'COMPLETED')::int as completed,
      count(*) filter (where t.status = 'FAILED')::int as failed,
      count(*) filter (where t.status = 'RUNNING')::int as running,
      s.created_at as created
    from sweeps s left join trials t on t.sweep_id = s.id
    group by s.id order by s.created_at desc limit 10`;
  return rows;
}

function unreachableHint(h: { name: 'postgres' | 'temporal'; embedded: boolean }): string {
  if (h.embedded) return 'start it with `hwsweep up`';
  return h.name === 'postgres' ? 'is that server up? check DATABASE_URL' : 'is that cluster up? check TEMPORAL_ADDRESS (and TLS settings)';
}
