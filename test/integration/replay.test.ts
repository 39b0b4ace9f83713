import { readFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../src/worker.js';

/**
 * Histories recorded from real runs (scripts/record-histories.ts) replayed against the current workflow code.
 * A failure here means a change would break sweeps already running on a cluster: guard it with `patched()`.
 */
describe('workflow histories replay deterministically', () => {
  // -batch: recorded after the sweep started trials in batches (patched 'batch-trial-starts'); the others before.
  for (const name of ['sweep', 'trial', 'baseline', 'stage', 'sweep-batch', 'trial-batch']) {
    it(`${name} workflow replays its recorded history`, async () => {
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(`test/fixtures/histories/${name}.bin`));
      expect(history.events.length).toBeGreaterThan(5);
      const bundle = await workflowBundle();
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, `${name}-replay`)).resolves.toBeUndefined();
    });
  }
});
