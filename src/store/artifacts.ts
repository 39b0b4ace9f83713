import { createHash } from 'node:crypto';
import type { Db } from './db.js';

/**
 * Binary artefacts (checkpoints, trained weights, compressed models) stored inline in Postgres (`bytea`), keyed by
 * a natural id such as `ckpt/<owner>/<phase>` (the newest checkpoint overwrites the previous one: at most one per
 * owner and phase) or `weights/<owner>/<stage>`. Upserts, so a retried activity never duplicates a row.
 */
export interface ArtifactRef {
  id: string;
  sha256: string;
  sizeBytes: number;
}

export interface NewArtifact {
  id: string;
  kind: string;
  ownerId: string;
  bytes: Uint8Array;
}

export async function putArtifact(db: Db, a: NewArtifact): Promise<ArtifactRef> {
  await artifactUpsert(db, a);
  return { id: a.id, sha256: sha256(a.bytes), sizeBytes: a.bytes.byteLength };
}

/** The upsert of {@link putArtifact} as a promise that can join a `$transaction([...])` batch. */
export function artifactUpsert(db: Db, a: NewArtifact) {
  const row = { kind: a.kind, ownerId: a.ownerId, sha256: sha256(a.bytes), sizeBytes: a.bytes.byteLength, data: new Uint8Array(a.bytes) };
  return db.artifact.upsert({ where: { id: a.id }, create: { id: a.id, ...row }, update: row });
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The artefact's bytes, or undefined when absent. Verifies the checksum (a torn write must never load). */
export async function getArtifact(db: Db, id: string): Promise<Uint8Array | undefined> {
  const row = await db.artifact.findUnique({ where: { id } });
  if (!row?.data) return undefined;
  const sha = sha256(row.data);
  if (sha !== row.sha256) throw new Error(`artifact ${id} is corrupt: sha256 ${sha} != recorded ${row.sha256}`);
  return row.data;
}

export const artifactIds = {
  checkpoint: (owner: string, phase: string) => `ckpt/${owner}/${phase}`,
  weights: (owner: string, stage: string) => `weights/${owner}/${stage}`,
  masks: (trial: string) => `masks/${trial}`,
  simInput: (trial: string) => `sim/${trial}`,
} as const;
