// Records one history per workflow shape into test/fixtures/histories/ (run against the test services):
//   npx tsx scripts/record-histories.ts [tag [name...]]   (with your HWSWEEP_TEST_* ports exported)
// writes <name><tag>.bin for each name (default: all four, no tag): a workflow change guarded by `patched()`
// keeps the old recordings (its unpatched path) and adds new ones under a tag (its patched path).
// test/integration/replay.test.ts replays them with the current workflow code: a failure means the change is not
// replay-safe for running sweeps, so wrap it in `patched()`.
import { writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import setupTestServices from '../test/integration/global-setup.js';
import { SweepHarness, tinySpec } from '../test/helpers/sweep.js';
import { installRuntime } from '../src/worker.js';

installRuntime('ERROR');
// Fresh services (empty Temporal history, new database, as `npm test` starts them): the trial's history then
// includes training its baseline, the path a first sweep takes.
const stopServices = await setupTestServices();
const h = new SweepHarness();
await h.open();
const spec = tinySpec({ name: 'replay', pruning: { methods: ['group-balanced'], ratios: [0.5], groupSizes: [4], narrowConvs: 'flat' }, accelerators: ['kang-cx'] });
// reuse: false, so the trial computes (a copy of an earlier recording's trial would record a different shape).
const { sweepId, handle } = await h.launch(spec, { trialsPerRun: 500, reuse: false });
await h.result(sweepId);
const trial = await h.db.trial.findFirstOrThrow({ where: { sweepId } });
const retrained = (await h.db.trialStage.findFirstOrThrow({ where: { trialId: trial.id, kind: 'retrained' } })).stageKey;
const ids = { sweep: handle.workflowId, trial: `${sweepId}/trial-0`, baseline: `baseline/${trial.baselineKey}`, stage: `stage/retrained/${retrained}` };
const [tag = '', ...names] = process.argv.slice(2);
for (const [name, id] of Object.entries(ids)) {
  if (names.length > 0 && !names.includes(name)) continue;
  const history = await h.client.workflow.getHandle(id).fetchHistory();
  // Binary protobuf: JSON round trips trip over the two protobufjs copies the Temporal packages install.
  writeFileSync(`test/fixtures/histories/${name}${tag}.bin`, proto.temporal.api.history.v1.History.encode(history).finish());
  console.log(`${name}${tag}: ${history.events?.length} events`);
}
await h.close();
await stopServices();
process.exit(0);
