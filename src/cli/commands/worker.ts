import { Command } from 'commander';
import { loadSettings } from '../../services/index.js';
import { createDb } from '../../store/db.js';
import { migrate } from '../../store/migrate.js';
import { HwsweepError } from '../../errors.js';
import { TaskQueues, installRuntime, startWorkers, type QueueName } from '../../worker.js';

export function parseQueues(v: string): QueueName[] {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(n in TaskQueues)) {
      throw new HwsweepError('INVALID_ARGUMENT', `--queues: unknown queue "${n}"`, { hint: `choose from ${Object.keys(TaskQueues).join(', ')}` });
    }
  }
  return names as QueueName[];
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('run a worker: orchestration (workflows), train (tfjs training/eval) and/or sim (simulator) queues')
    .option('--queues <list>', 'comma-separated task queues', 'orchestration,train,sim')
    .option('--concurrency <n>', 'activities at once on the train and sim queues', '1')
    .option('--backend <name>', 'tfjs backend: auto | tensorflow-gpu | tensorflow | wasm | cpu', 'auto')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hwsweep worker                                   # everything, on this machine\n  $ hwsweep worker --queues train --concurrency 1    # a GPU machine\n  $ hwsweep worker --queues sim,orchestration --concurrency 2',
    )
    .action(async (opts: { queues: string; concurrency: string; backend: string }) => {
      const queues = parseQueues(opts.queues);
      process.env['HWSWEEP_BACKEND'] = opts.backend;
      const settings = loadSettings();
      await migrate(settings.databaseUrl);
      const db = createDb(settings.databaseUrl);
      installRuntime();
      const pool = await startWorkers({ settings, deps: { db }, queues, concurrency: Number(opts.concurrency) });
      console.error(`worker polling ${queues.map((q) => TaskQueues[q]).join(', ')} on ${settings.temporalAddress} (Ctrl-C to stop)`);
      await pool.done;
      await db.$disconnect();
    });
}
