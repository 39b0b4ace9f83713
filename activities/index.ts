import type { TrialStore } from '../src/store/trial-store.js';
import { createBaselineActivities } from './baseline.js';
import { withFailures } from './failure.js';
import { createSmokeActivities } from './smoke.js';
import { createStageActivities } from './stages.js';
import { createSweepActivities } from './sweep.js';
import { createTrialActivities } from './trial.js';

/** What activities need: the persistence port (no Prisma, no SQL here; src/worker.ts builds it). */
export interface ActivityDeps {
  store: TrialStore;
}

/** All activities, built from their dependencies (the samples' dependency-injection pattern). */
export function createActivities(deps: ActivityDeps) {
  return withFailures({
    ...createSmokeActivities(deps.store),
    ...createSweepActivities(deps.store),
    ...createBaselineActivities(deps.store),
    ...createTrialActivities(deps.store),
    ...createStageActivities(deps.store),
  });
}

export type Activities = ReturnType<typeof createActivities>;
