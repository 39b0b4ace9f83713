import { createHash } from 'node:crypto';
import type { Db } from '../src/store/db.js';

export function createSmokeActivities(db: Db) {
  return {
    /** Upserts one artefact row keyed by id: running it twice leaves one row. */
    async recordSmoke(input: { id: string; message: string }): Promise<{ id: string; sha256: string }> {
      const data = Buffer.from(input.message, 'utf8');
      const sha256 = createHash('sha256').update(data).digest('hex');
      const row = { kind: 'smoke', ownerId: input.id, sha256, sizeBytes: data.length, data: new Uint8Array(data) };
      await db.artifact.upsert({ where: { id: input.id }, create: { id: input.id, ...row }, update: row });
      return { id: input.id, sha256 };
    },
  };
}
