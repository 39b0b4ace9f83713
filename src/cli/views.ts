import pg from 'pg';
import { HwsweepError } from '../errors.js';
import {
  loadSettings,
  servicesStatus,
  temporalConnectionOptions,
  temporalUnreachable,
  unreachableHint,
  type Settings,
} from '../services/index.js';
import { GrpcError } from '../services/grpc/unary.js';
import { TemporalRpc } from '../services/temporal-rpc.js';
import { ARTIFACT_USAGE_SQL, artifactOwnerPattern, toArtifactUsage, type ArtifactUsage } from '../store/retention.js';
import type { SweepProgress } from '../../workflows/shared.js';
import { byteSize, table, toJson, type Cell } from './format.js';
import { readSweepState, sweepWorkflowId, type SweepWorkflowReader } from './sweep-state.js';

/**
 * `hwsweep status [id]`: services health, recent sweeps, or one sweep's progress.
 *
 * Without an id it answers in ~0.1 s: PostgreSQL through `pg` and Temporal through src/services/temporal-rpc.ts,
 * never loading Prisma or @temporalio/client (~0.8 s of imports). One sweep's progress (`status <id>`) loads both.
 */
export async function formatSweepStatus(
  id: string | undefined,
  json: boolean,
): Promise<{ text: string; healthy: boolean }> {
  const settings = loadSettings();
  const health = await servicesStatus(settings);
  const healthy = health.every((h) => h.healthy);
  if (id) return { text: await sweepStatus(id, json), healthy };
  let sweeps: Record<string, Cell>[] = [];
  let artifacts: ArtifactUsage | undefined;
  if (health[0]?.healthy) {
    const client = new pg.Client({ connectionString: settings.databaseUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      sweeps = (await client.query<Record<string, Cell>>(RECENT_SWEEPS_SQL)).rows;
      artifacts = toArtifactUsage(
        (
          await client.query<{ n: number; bytes: number; ckpt: number }>(ARTIFACT_USAGE_SQL, [
            artifactOwnerPattern(),
            null,
          ])
        ).rows[0],
      );
    } catch {
      sweeps = []; // not migrated yet
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (sweeps.length && health[1]?.healthy) {
    // The state of each sweep comes from its workflow (one source of truth), not from the row's cached status.
    const rpc = await openTemporalRpc(settings);
    try {
      const reader = rpcSweepReader(rpc, settings.temporalNamespace);
      await Promise.all(
        sweeps.map(
          async (r) => (r['status'] = (await readSweepState(reader, String(r['id']), String(r['status']))).status),
        ),
      );
    } finally {
      rpc.close();
    }
  }
  if (json) return { text: toJson({ services: health, sweeps, ...(artifacts ? { artifacts } : {}) }), healthy };
  const lines = health.map(
    (h) =>
      `${h.healthy ? '✔' : '✖'} ${h.name.padEnd(9)} ${h.address}${h.embedded ? '' : ' [external]'}${h.healthy ? '' : ` not reachable: ${unreachableHint(h)}`}`,
  );
  if (artifacts) lines.push(usageLine(artifacts));
  if (sweeps.length) lines.push('', table(sweeps));
  return { text: lines.join('\n'), healthy };
}

/** One sweep's progress: counts from the database, state from its workflow (loads Prisma and @temporalio/client). */
async function sweepStatus(id: string, json: boolean): Promise<string> {
  const [{ openContext }, { sweepProgress, stageSavings, formatSavings }, { artifactUsage }] = await Promise.all([
    import('./context.js'),
    import('./sweeps.js'),
    import('../store/retention.js'),
  ]);
  const ctx = await openContext();
  try {
    const p = await sweepProgress(ctx, id);
    const artifacts = await artifactUsage(ctx.db, id);
    const stages = await stageSavings(ctx, id);
    if (json) return toJson({ ...p, artifacts, stages });
    const saved = formatSavings(stages);
    const pruned = p.pruned ? ` · ${p.pruned} stopped early` : '';
    return `${p.sweepId}: ${p.status}${p.statusSource === 'database' ? ' (from the database: Temporal has no history of this sweep)' : ''}\n  ${p.completed + p.failed + p.cancelled + p.pruned}/${p.total} finished · ${p.completed} completed · ${p.running} running · ${p.pending} pending · ${p.failed} failed · ${p.cancelled} cancelled${pruned}${p.maxParallel ? ` · maxParallel ${p.maxParallel}` : ''}${saved ? `\n  ${saved}` : ''}\n  ${usageLine(artifacts)} (its trials and the stages they used; baselines are shared)`;
  } finally {
    await ctx.close();
  }
}

/**
 * How long `status` waits for a describe or a progress query. A running sweep whose worker is down never answers
 * (it then shows as RUNNING); a worker restarted after a crash answers once Temporal gives up on the dead worker's
 * sticky queue (10 s by default), hence 15 s.
 */
const WORKFLOW_CALL_TIMEOUT_MS = 15_000;

async function openTemporalRpc(settings: Settings): Promise<TemporalRpc> {
  try {
    return await TemporalRpc.open(temporalConnectionOptions(settings), 3000);
  } catch (cause) {
    throw temporalUnreachable(settings, cause);
  }
}

/** Sweep workflows read over the light gRPC client. */
function rpcSweepReader(rpc: TemporalRpc, namespace: string): SweepWorkflowReader {
  return {
    status: async (sweepId) => {
      try {
        return await rpc.workflowStatus(namespace, sweepWorkflowId(sweepId), WORKFLOW_CALL_TIMEOUT_MS);
      } catch (cause) {
        if (!(cause instanceof GrpcError)) throw cause;
        throw new HwsweepError(
          'SERVICE_UNAVAILABLE',
          `Temporal could not describe sweep ${sweepId}: ${cause.message}`,
          { cause },
        );
      }
    },
    progress: async (sweepId) => {
      // Loaded only for a running sweep: the query's name comes from its one definition (it imports @temporalio/workflow).
      const { progressQuery } = await import('../../workflows/shared.js');
      return (await rpc.query(
        namespace,
        sweepWorkflowId(sweepId),
        progressQuery.name,
        WORKFLOW_CALL_TIMEOUT_MS,
      )) as SweepProgress;
    },
  };
}

/** The ten newest sweeps with their trial counts (`status` replaces the row's status with the workflow's). */
const RECENT_SWEEPS_SQL = `
    select s.id, s.status::text as status, s.trial_count as trials,
      count(*) filter (where t.status = 'COMPLETED')::int as completed,
      count(*) filter (where t.status = 'FAILED')::int as failed,
      count(*) filter (where t.status = 'CANCELLED')::int as cancelled,
      count(*) filter (where t.status = 'PRUNED')::int as pruned,
      count(*) filter (where t.status = 'RUNNING')::int as running,
      s.created_at as created
    from sweeps s left join trials t on t.sweep_id = s.id
    group by s.id order by s.created_at desc limit 10`;

function usageLine(a: ArtifactUsage): string {
  return `artifacts: ${a.artifacts} stored, ${byteSize(a.bytes)} (checkpoints ${byteSize(a.checkpointBytes)}); \`hwsweep gc\` removes what is no longer needed`;
}
