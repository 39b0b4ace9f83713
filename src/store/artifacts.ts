import { createHash } from 'node:crypto';
import { HwsweepError } from '../errors.js';
import type { Db } from './db.js';
import type { ArtifactRef, NewArtifact } from './trial-store.js';

/**
 * Binary artefacts (checkpoints, trained weights, masks, simulator inputs) stored inline in Postgres (`bytea`),
 * keyed by a natural id (`artifactIds` in trial-store.ts): the newest checkpoint overwrites the previous one, at
 * most one per owner and phase. Upserts, so a retried activity never duplicates a row.
 */

export async function putArtifact(db: Db, a: NewArtifact): Promise<ArtifactRef> {
  await artifactUpsert(db, a);
  return { id: a.id, sha256: sha256(a.bytes), sizeBytes: a.bytes.byteLength };
}

/** The upsert of {@link putArtifact} as a promise that can join a `$transaction([...])` batch. */
export function artifactUpsert(db: Db, a: NewArtifact) {
  const row = { kind: a.kind, ownerId: a.ownerId, sha256: sha256(a.bytes), sizeBytes: a.bytes.byteLength, data: new Uint8Array(a.bytes) };
  return db.artifact.upsert({ where: { id: a.id }, create: { id: a.id, ...row }, update: row });
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The artefact's bytes, or undefined when absent. Verifies the checksum (a torn write must never load). */
export async function getArtifact(db: Db, id: string): Promise<Uint8Array | undefined> {
  const row = await db.artifact.findUnique({ where: { id } });
  if (!row?.data) return undefined;
  const sha = sha256(row.data);
  if (sha !== row.sha256) {
    throw new HwsweepError('ARTIFACT_INVALID', `artifact ${id} is corrupt: sha256 ${sha} != recorded ${row.sha256}`, {
      context: { artifact: id },
    });
  }
  return row.data;
}

export async function deleteArtifacts(db: Db, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return (await db.artifact.deleteMany({ where: { id: { in: ids } } })).count;
}
