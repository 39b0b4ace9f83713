import type { Db } from '../src/store/db.js';
import { createBaselineActivities } from './baseline.js';
import { withFailures } from './failure.js';
import { createSmokeActivities } from './smoke.js';
import { createSweepActivities } from './sweep.js';
import { createTrialActivities } from './trial.js';

export interface ActivityDeps {
  db: Db;
}

/** All activities, built from their dependencies (the samples' dependency-injection pattern). */
export function createActivities(deps: ActivityDeps) {
  return withFailures({
    ...createSmokeActivities(deps.db),
    ...createSweepActivities(deps.db),
    ...createBaselineActivities(deps.db),
    ...createTrialActivities(deps.db),
  });
}

export type Activities = ReturnType<typeof createActivities>;
