import type { TrialStore } from '../src/store/trial-store.js';

export function createSmokeActivities(store: TrialStore) {
  return {
    /** Upserts one artefact row keyed by id: running it twice leaves one row. */
    async recordSmoke(input: { id: string; message: string }): Promise<{ id: string; sha256: string }> {
      const ref = await store.putArtifact({ id: input.id, kind: 'smoke', ownerId: input.id, bytes: new TextEncoder().encode(input.message) });
      return { id: input.id, sha256: ref.sha256 };
    },
  };
}
