import { Command } from 'commander';
import { openContext } from '../context.js';
import { toJson } from '../format.js';
import { retrySweep, waitWithProgress } from '../sweeps.js';
import { finishedLine } from './sweep.js';

export function retryCommand(): Command {
  return new Command('retry')
    .description("re-run a sweep's failed and/or cancelled trials in place (new attempt; the old outcome stays in trial_attempts)")
    .argument('<sweep-id>')
    .option('--failed', 're-run FAILED trials')
    .option('--cancelled', 're-run CANCELLED trials')
    .option('--wait', 'show a live progress bar until the sweep finishes')
    .option('--json', 'print {sweepId, trials, workflowId} as JSON')
    .addHelpText(
      'after',
      `
Without --failed or --cancelled, both kinds are re-run. Completed trials never run again. A running sweep takes the
trials into its queue; a finished one runs them in a new execution with the options it was launched with.

Examples:
  $ hwsweep retry demo-20261121T120000-ab12 --failed --wait
  $ hwsweep sql "select trial_id, attempt, status, error from trial_attempts order by finished_at desc limit 5"`,
    )
    .action(async (id: string, opts: { failed?: boolean; cancelled?: boolean; wait?: boolean; json?: boolean }) => {
      const states: ('FAILED' | 'CANCELLED')[] = [];
      if (opts.failed || !opts.cancelled) states.push('FAILED');
      if (opts.cancelled || !opts.failed) states.push('CANCELLED');
      const ctx = await openContext();
      try {
        const r = await retrySweep(ctx, id, states);
        const what = states.map((s) => s.toLowerCase()).join(' or ');
        if (opts.json) console.log(toJson({ sweepId: id, states, trials: r.trials, workflowId: r.launched?.workflowId ?? null }));
        else if (!r.launched) console.log(`${id}: no ${what} trial to re-run`);
        else console.log(`${id}: re-running ${r.trials} ${what} trial${r.trials === 1 ? '' : 's'}${r.launched.signalledRunning ? ' (in the running sweep)' : ''}`);
        if (opts.wait && r.launched) {
          const t0 = Date.now();
          const res = await waitWithProgress(ctx, id);
          console.error(finishedLine(res, Date.now() - t0));
        }
      } finally {
        await ctx.close();
      }
    });
}
