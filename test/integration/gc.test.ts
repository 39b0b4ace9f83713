import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpecObject, expandSpec } from '../../src/spec/index.js';
import { createDb } from '../../src/store/db.js';
import { createPrismaTrialStore } from '../../src/store/prisma-store.js';
import { artifactUsage, collectGarbage } from '../../src/store/retention.js';
import { artifactIds } from '../../src/store/trial-store.js';
import { testSettings } from '../helpers/services.js';

const db = createDb(testSettings().databaseUrl);
const store = createPrismaTrialStore(db);
afterAll(async () => {
  await db.$disconnect();
});
const DAY = 86_400_000;

describe('hwsweep gc: artefacts nothing needs, with sizes', () => {
  it('removes leftovers of completed owners, old checkpoints of failed trials and orphans of known kinds; keeps the rest', async () => {
    const sweepId = `gc-${randomUUID()}`;
    const trials = expandSpec(
      parseSpecObject({ name: 'gc', datasets: ['synthetic'], seeds: [4242], pruning: { methods: ['magnitude'], ratios: [0.25, 0.5, 0.75] } }),
    ).trials;
    await store.registerSweep({ id: sweepId, name: 'gc', spec: {}, specHash: 'h', workflowId: `sweep/${sweepId}`, trials, rejected: [] });
    const [done, oldFail, newFail] = await Promise.all([0, 1, 2].map((n) => store.trialByNumber(sweepId, n)));
    for (const t of [done!, oldFail!, newFail!]) await store.startTrial(t.id);
    await store.finishTrial(done!.id, { status: 'COMPLETED' });
    await store.finishTrial(oldFail!.id, { status: 'FAILED', error: 'x' });
    await store.finishTrial(newFail!.id, { status: 'FAILED', error: 'x' });
    await db.trial.update({ where: { id: oldFail!.id }, data: { finishedAt: new Date(Date.now() - 10 * DAY) } });
    const put = (id: string, kind: string, ownerId: string, size: number) => store.putArtifact({ id, kind, ownerId, bytes: new Uint8Array(size) });
    // A checkpoint written after completion (e.g. by a late duplicate attempt): a leftover of a completed trial.
    await put(artifactIds.checkpoint(done!.id, 'retrain'), 'checkpoint', done!.id, 1000);
    await put(artifactIds.weights(done!.id, 'retrained'), 'weights', done!.id, 300); // final: kept
    await put(artifactIds.checkpoint(oldFail!.id, 'retrain'), 'checkpoint', oldFail!.id, 2000); // 10 days old: goes
    await put(artifactIds.weights(oldFail!.id, 'retrain-1'), 'weights', oldFail!.id, 500); // a round of it: goes
    await put(artifactIds.masks(oldFail!.id), 'masks', oldFail!.id, 50); // final masks of a failed trial: kept
    await put(artifactIds.checkpoint(newFail!.id, 'retrain'), 'checkpoint', newFail!.id, 4000); // recent: kept for a retry
    const ghost = `${sweepId}-deleted/abc`;
    await put(artifactIds.weights(ghost, 'retrained'), 'weights', ghost, 700); // owner gone: an orphan
    await put(`stage/${ghost}`, 'stage', ghost, 900); // an unknown kind: never touched
    await db.artifact.updateMany({ where: { ownerId: ghost }, data: { createdAt: new Date(Date.now() - 10 * DAY) } });
    const ours = async () => (await db.artifact.findMany({ where: { ownerId: { startsWith: sweepId } }, select: { id: true } })).map((a) => a.id).sort();
    const before = await ours();

    const dry = await collectGarbage(db, { dryRun: true, olderThanMs: 7 * DAY });
    expect(await ours()).toEqual(before); // a dry run deletes nothing
    const byName = Object.fromEntries(dry.categories.map((c) => [c.name, c]));
    // At least our own rows in each category (other tests' leftovers may add to them).
    expect(byName['completed']!.artifacts).toBeGreaterThanOrEqual(1);
    expect(byName['completed']!.bytes).toBeGreaterThanOrEqual(1000);
    expect(byName['stale-unfinished']!.bytes).toBeGreaterThanOrEqual(2500);
    expect(byName['orphans']!.bytes).toBeGreaterThanOrEqual(700);
    expect(dry.total.bytes).toBe(dry.categories.reduce((a, c) => a + c.bytes, 0));

    const real = await collectGarbage(db, { dryRun: false, olderThanMs: 7 * DAY });
    expect(real.total).toEqual(dry.total); // the dry run reported exactly what the real run deleted
    expect(await ours()).toEqual(
      [
        artifactIds.weights(done!.id, 'retrained'),
        artifactIds.masks(oldFail!.id),
        artifactIds.checkpoint(newFail!.id, 'retrain'),
        `stage/${ghost}`,
      ].sort(),
    );
    expect(real.remaining).toEqual({ artifacts: await db.artifact.count(), bytes: (await artifactUsage(db)).bytes });
    // A second run finds nothing of ours.
    const again = await collectGarbage(db, { dryRun: true, olderThanMs: 7 * DAY });
    expect(again.total.artifacts).toBe(0);
    // Per-sweep usage counts its trials' artefacts only: 300 + 50 + 4000 bytes, checkpoints 4000.
    expect(await artifactUsage(db, sweepId)).toEqual({ artifacts: 3, bytes: 4350, checkpointBytes: 4000 });
  });
});
