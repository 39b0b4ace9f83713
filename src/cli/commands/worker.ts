import { Command } from 'commander';
import { loadSettings, requireServices } from '../../services/index.js';
import { createDb } from '../../store/db.js';
import { migrate } from '../../store/migrate.js';
import { HwsweepError } from '../../errors.js';
import { integerArg } from '../args.js';
import { TRAIN_CHILD_ENV, applyToThisProcess, exitWithParent, planTrainProcesses } from '../../train-processes.js';
import { TaskQueues, installRuntime, startWorkers, type QueueName } from '../../worker.js';

export function parseQueues(v: string): QueueName[] {
  const names = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(n in TaskQueues)) {
      throw new HwsweepError('INVALID_ARGUMENT', `--queues: unknown queue "${n}"`, {
        hint: `choose from ${Object.keys(TaskQueues).join(', ')}`,
      });
    }
  }
  return names as QueueName[];
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('run a worker: orchestration (workflows), train (tfjs training/eval) and/or sim (simulator) queues')
    .option('--queues <list>', 'comma-separated task queues', 'orchestration,train,sim')
    .option('--concurrency <n>', 'activities at once on the train and sim queues', integerArg('--concurrency', 1), 1)
    .option('--backend <name>', 'tfjs backend: auto | tensorflow-gpu | tensorflow | wasm | cpu', 'auto')
    .option(
      '--train-processes <n>',
      'training processes (this one + n-1 children polling the train queue); default: one per core, or one per GPU',
      integerArg('--train-processes', 1),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ hwsweep worker                                   # everything, on this machine: one training process per core\n  $ hwsweep worker --queues train                    # a GPU machine: one training process per GPU\n  $ hwsweep worker --queues train --train-processes 1 --backend wasm\n  $ hwsweep worker --queues sim,orchestration --concurrency 2',
    )
    .action(async (opts: { queues: string; concurrency: number; backend: string; trainProcesses?: number }) => {
      const queues = parseQueues(opts.queues);
      const { concurrency, trainProcesses: requested } = opts;
      const child = process.env[TRAIN_CHILD_ENV] !== undefined;
      if (child) exitWithParent();
      process.env['HWSWEEP_BACKEND'] = opts.backend;
      const plan =
        queues.includes('train') && !child ? planTrainProcesses({ requested, backend: opts.backend }) : undefined;
      if (plan) applyToThisProcess(plan);
      const settings = loadSettings();
      if (!child) await requireServices(settings); // one line naming what is down, not a bare ECONNREFUSED
      if (!child) await migrate(settings.databaseUrl); // the parent already migrated
      const db = createDb(settings.databaseUrl);
      installRuntime();
      const pool = await startWorkers({
        settings,
        deps: { db },
        queues,
        concurrency,
        ...(plan ? { trainProcesses: plan } : {}),
      });
      if (!child) {
        console.error(
          `worker polling ${queues.map((q) => TaskQueues[q]).join(', ')} on ${settings.temporalAddress}${plan ? `; ${plan.reason}` : ''} (Ctrl-C to stop)`,
        );
      }
      await pool.done;
      await db.$disconnect();
    });
}
