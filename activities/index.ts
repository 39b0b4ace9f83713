import type { Db } from '../src/store/db.js';
import { createSmokeActivities } from './smoke.js';

export interface ActivityDeps {
  db: Db;
}

/** All activities, built from their dependencies (the samples' dependency-injection pattern). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSmokeActivities(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
