// Records one history per workflow shape into test/fixtures/histories/ (run against the test services):
//   HWSWEEP_TEST_KEEP_SERVICES=1 npx tsx scripts/record-histories.ts
// test/integration/replay.test.ts replays them with the current workflow code: a failure means the change is not
// replay-safe for running sweeps, so wrap it in `patched()`.
import { writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { servicesUp } from '../src/services/index.js';
import { migrate } from '../src/store/migrate.js';
import { SweepHarness, tinySpec } from '../test/helpers/sweep.js';
import { installRuntime } from '../src/worker.js';

installRuntime('ERROR');
const h = new SweepHarness();
await servicesUp(h.settings);
await migrate(h.settings.databaseUrl);
await h.open();
const spec = tinySpec({ name: 'replay', pruning: { methods: ['group-balanced'], ratios: [0.5], groupSizes: [4], narrowConvs: 'flat' }, accelerators: ['kang-cx'] });
// reuse: false, so the trial computes (a copy of an earlier recording's trial would record a different shape).
const { sweepId, handle } = await h.launch(spec, { trialsPerRun: 500, reuse: false });
await h.result(sweepId);
const trialKey = (await h.db.trial.findFirstOrThrow({ where: { sweepId } })).baselineKey;
const ids = { sweep: handle.workflowId, trial: `${sweepId}/trial-0`, baseline: `baseline/${trialKey}` };
for (const [name, id] of Object.entries(ids)) {
  const history = await h.client.workflow.getHandle(id).fetchHistory();
  // Binary protobuf: JSON round trips trip over the two protobufjs copies the Temporal packages install.
  writeFileSync(`test/fixtures/histories/${name}.bin`, proto.temporal.api.history.v1.History.encode(history).finish());
  console.log(`${name}: ${history.events?.length} events`);
}
await h.close();
process.exit(0);
