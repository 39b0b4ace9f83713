import { join } from 'node:path';
import { Command } from 'commander';
import { redactUrl, servicesDown } from '../../services/index.js';
import { applyToThisProcess, planTrainProcesses } from '../../train-processes.js';
import { installRuntime, startWorkers } from '../../worker.js';
import { integerArg } from '../args.js';
import { openContext } from '../context.js';
import { duration, table } from '../format.js';
import { formatSavings, launchSweep, readSpec, stageSavings, waitWithProgress } from '../sweeps.js';
import { resolveSpecModels } from '../models.js';
import { readOnlyQuery } from '../../store/read-only.js';
import { printResults } from './results.js';

import { PACKAGE_ROOT } from '../../shared/package-root.js';

const DEMO_SPEC = join(PACKAGE_ROOT, 'examples', 'demo.yaml');

export const BEST_WITHIN_ONE_POINT_SQL = `
  select t.label, round(t.accuracy::numeric, 4) as accuracy, round(t.baseline_accuracy::numeric, 4) as baseline,
         round(s.speedup::numeric, 3) as speedup, s.accelerator
  from trials t join simulations s on s.trial_id = t.id
  where t.sweep_id = $1 and t.status = 'COMPLETED' and s.accelerator = $2
    and t.accuracy >= t.baseline_accuracy - 0.01
  order by s.speedup desc, t.accuracy desc limit 1`;

export function demoCommand(): Command {
  return new Command('demo')
    .description('start embedded services and workers, run a small real sweep (LeNet-5 on Fashion-MNIST), print results')
    .option('--spec <file>', 'sweep spec to run', DEMO_SPEC)
    .option('--down', 'stop the embedded services at the end')
    .option('--train-processes <n>', 'training processes (this one + n-1 children); default: one per core', integerArg('--train-processes', 1))
    .addHelpText('after', '\nExamples:\n  $ npm run demo\n  $ hwsweep demo --spec examples/kang-aap.yaml\n  $ hwsweep demo --train-processes 1   # train in this process only')
    .action(async (opts: { spec: string; down?: boolean; trainProcesses?: number }) => {
      const spec = await resolveSpecModels(readSpec(opts.spec), opts.spec);
      const plan = planTrainProcesses({ requested: opts.trainProcesses, backend: process.env['HWSWEEP_BACKEND'] ?? 'auto' });
      applyToThisProcess(plan);
      console.error(`[hwsweep] ${plan.reason}`);
      installRuntime();
      const t0 = Date.now();
      const ctx = await openContext({ start: true, log: (m) => console.error(m) });
      const pool = await startWorkers({ settings: ctx.settings, deps: { db: ctx.db }, queues: ['orchestration', 'train', 'sim'], trainProcesses: plan });
      try {
        const l = await launchSweep(ctx, spec);
        console.log(`Sweep ${l.sweepId}: ${spec.name} — ${spec.description}`);
        if (l.uiUrl) console.log(`Temporal UI: ${l.uiUrl}`);
        const res = await waitWithProgress(ctx, l.sweepId);
        console.log(`\n${res.completed} completed, ${res.pruned ? `${res.pruned} stopped early by the pruner, ` : ''}${res.failed} failed, ${res.cancelled} cancelled in ${duration(Date.now() - t0)}`);
        const saved = formatSavings(await stageSavings(ctx, l.sweepId));
        console.log(saved ? `${saved}\n` : '');
        await printResults(l.sweepId, 'table');
        for (const acc of spec.accelerators.filter((a): a is string => typeof a === 'string')) {
          const front = await readOnlyQuery(
            `select label, round(accuracy::numeric, 4) as accuracy, round(speedup::numeric, 3) as speedup, round(model_bytes::numeric) as bytes
             from pareto_accuracy_speedup where sweep_id = $1 and accelerator = $2 order by speedup`,
            30_000,
            [l.sweepId, acc],
          );
          console.log(`\nPareto front on ${acc} (accuracy vs simulated speedup):\n${table(front.rows, front.columns)}`);
          const best = await readOnlyQuery(BEST_WITHIN_ONE_POINT_SQL, 30_000, [l.sweepId, acc]);
          if (best.rows[0]) console.log(`Best speedup within 1 point of baseline on ${acc}: ${String(best.rows[0]['label'])} (${String(best.rows[0]['speedup'])}×)`);
        }
        console.log(`
Data lives in PostgreSQL at ${redactUrl(ctx.settings.databaseUrl)}${ctx.settings.embeddedPostgres ? ` (files under ${ctx.settings.paths.stateDir})` : ''}.
Query it:
  npx hwsweep results ${l.sweepId}
  npx hwsweep sql "select * from pareto_accuracy_speedup where sweep_id = '${l.sweepId}'"
  psql ${redactUrl(ctx.settings.databaseUrl)} -c "select method, weight_bits, max(accuracy) from trials group by 1, 2"
${opts.down ? '' : 'Services keep running for your queries: `npx hwsweep down` stops them.'}`);
        if (!opts.down) console.log(`\nSee it (Pareto fronts, training curves, per-layer cycles):\n  npx hwsweep dashboard --open          # http://127.0.0.1:8400/#/sweep/${encodeURIComponent(l.sweepId)}`);
      } finally {
        await pool.shutdown();
        await ctx.close();
        if (opts.down) await servicesDown(ctx.settings);
      }
    });
}
