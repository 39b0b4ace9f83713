// How much of a grid sweep's Pareto front multi-objective search sweeps found, from their stored results:
//   npx tsx scripts/compare-fronts.ts --grid <grid-sweep-id> <search-sweep-id>...   (services up: `hwsweep up`)
// Objectives and constraints are the first search sweep's; every sweep is scored on the grid's configurations
// (matched by config hash), normalised by the grid's range, reference 1.1 (src/search/front-share.ts), as
// bench:search does on its cheap objective; "HV feas." normalises by the range of the grid's feasible points
// instead (accuracy then counts as much as the other objectives). Prints one row per sweep (--json: one object).
import { parseArgs } from 'node:util';
import { objectiveValues } from '../activities/search.js';
import { frontReport, score, type Constraint, type Objective } from '../src/search/index.js';
import { loadSettings } from '../src/services/index.js';
import type { SweepSpec } from '../src/spec/index.js';
import { createDb } from '../src/store/db.js';
import { createPrismaTrialStore } from '../src/store/prisma-store.js';

const { values: args, positionals } = parseArgs({ options: { grid: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
if (!args.grid || positionals.length === 0) {
  console.error('usage: npx tsx scripts/compare-fronts.ts --grid <grid-sweep-id> <search-sweep-id>... [--json]');
  process.exit(2);
}
const db = createDb(loadSettings().databaseUrl);
const store = createPrismaTrialStore(db);
const specOf = async (id: string): Promise<SweepSpec> => {
  const row = await db.sweep.findUnique({ where: { id } });
  if (!row) throw new Error(`no sweep ${id}`);
  return row.spec as unknown as SweepSpec;
};
const strategy = (await specOf(positionals[0]!)).strategy as { objectives?: Objective[]; constraints?: Constraint[] };
if (!strategy.objectives) throw new Error(`sweep ${positionals[0]} has no multi-objective strategy`);
const { objectives, constraints = [] } = strategy;

const completed = (sweepId: string) => db.trial.findMany({ where: { sweepId, status: 'COMPLETED' }, select: { id: true, configHash: true }, orderBy: { number: 'asc' } });
const grid = await completed(args.grid);
const index = new Map(grid.map((t, i) => [t.configHash, i]));
const universe = await Promise.all(grid.map(async (t, i) => score(i, await objectiveValues(store, t.id), objectives, constraints)));
const measure = frontReport(universe);
const gridM = measure(grid.map((_, i) => i));

const rows = [];
for (const id of [args.grid, ...positionals]) {
  const trials = await completed(id);
  const ids = trials.map((t) => index.get(t.configHash)).filter((i): i is number => i !== undefined);
  const m = measure(ids);
  const s = (await specOf(id)).strategy as { type: string; seed?: number };
  rows.push({
    sweep: id,
    strategy: id === args.grid ? 'grid' : `${s.type}${s.seed !== undefined ? ` seed ${s.seed}` : ''}`,
    completed: trials.length,
    notInGrid: trials.length - ids.length,
    feasible: ids.filter((i) => (universe[i]?.penalty ?? 1) <= 0).length,
    hvShare: m.hv / gridM.hv,
    hvShare2d: m.hv2 / gridM.hv2,
    hvShareFeasibleRange: m.hvFeasibleRange / gridM.hvFeasibleRange,
    gridFrontFound: [...gridM.front].filter((i) => ids.includes(i)).length, // grid front points the sweep ran
    gridFront: gridM.front.size,
  });
}
await db.$disconnect();
if (args.json) console.log(JSON.stringify({ objectives: objectives.map((o) => o.key), constraints: constraints.map((c) => c.key), rows }));
else {
  console.log(`objectives ${objectives.map((o) => `${o.direction} ${o.key}`).join(', ')}; ${constraints.length} constraint(s); hypervolume / grid's`);
  console.log('sweep'.padEnd(44) + 'strategy'.padEnd(16) + 'trials'.padStart(7) + 'feasible'.padStart(9) + 'HV'.padStart(9) + '2-D HV'.padStart(9) + 'HV feas.'.padStart(10) + 'grid front'.padStart(12));
  for (const r of rows) {
    console.log(
      r.sweep.padEnd(44) + r.strategy.padEnd(16) + String(r.completed).padStart(7) + String(r.feasible).padStart(9) +
        `${(100 * r.hvShare).toFixed(1)} %`.padStart(9) + `${(100 * r.hvShare2d).toFixed(1)} %`.padStart(9) + `${(100 * r.hvShareFeasibleRange).toFixed(1)} %`.padStart(10) + `${r.gridFrontFound}/${r.gridFront}`.padStart(12),
    );
  }
}
