import { Command, Option } from 'commander';
import { HwsweepError } from '../../errors.js';
import { integerArg, durationArg } from '../args.js';
import { openContext, sweepWorkflowId, type CliContext } from '../context.js';
import { duration, toJson } from '../format.js';
import { planSweep } from '../../search/index.js';
import {
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  formatSavings,
  stageSavings,
  launchSweep,
  newSweepId,
  planLaunch,
  queuesWithoutWorkers,
  readSpec,
  resumeSweep,
  sweepProgress,
  sweepWorkflowStatus,
  describePlan,
  toRun,
  waitWithProgress,
} from '../sweeps.js';
import { resolveSpecModels } from '../models.js';
import { cancelSignal, pauseSignal, setParallelismSignal } from '../../../workflows/shared.js';
import type { SweepResult } from '../../../workflows/sweep.js';

/** The line `launch --wait` and `retry --wait` end with. */
export function finishedLine(res: SweepResult, ms: number): string {
  const pruned = res.pruned ? `, ${res.pruned} stopped early by the pruner` : '';
  return `finished in ${duration(ms)}: ${res.completed} completed${res.reused ? ` (${res.reused} copied from earlier trials)` : ''}${pruned}, ${res.failed} failed, ${res.cancelled} cancelled`;
}

export function launchCommand(): Command {
  return new Command('launch')
    .description(
      'validate a sweep spec and start it; with the id of an existing sweep, extend it with the configurations it lacks and run its cancelled trials again',
    )
    .argument('<spec>', 'sweep spec file (YAML or JSON); see docs/spec.md')
    .option('--wait', 'show a live progress bar until the sweep finishes')
    .option('--id <id>', 'sweep id (default: <name>-<timestamp>-<random>); an existing id extends that sweep')
    .option('--json', 'print {sweepId, workflowId, uiUrl, plan} as JSON (with --dry-run also search: the search plan)')
    .option('--dry-run', 'print the search plan, then orchestrate and record every trial without training or simulating (checks a deployment)')
    .option('--reuse', 'reuse stage results (retrained and compressed models, simulations) any sweep already computed (the default)')
    .option('--no-reuse', 'recompute stage results other sweeps computed (after changing the code that produces them); trials of this sweep still share theirs')
    .addOption(
      new Option('--heartbeat-timeout <duration>', 'floor of the heartbeat timeout of training activities (the timeout is ~1 measured epoch or this, whichever is longer)')
        .argParser(durationArg('--heartbeat-timeout', 1000, 24 * 3_600_000))
        .default(DEFAULT_HEARTBEAT_TIMEOUT_MS)
        .hideHelp(),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ hwsweep launch examples/demo.yaml --wait
  $ hwsweep launch examples/mo.yaml --dry-run           # the search plan: strategy, pruner, first trials
  $ hwsweep launch my-sweep.yaml --json                 # then: hwsweep status <id>
  $ hwsweep launch bigger-sweep.yaml --id my-sweep-1    # extend my-sweep-1 with the new configurations

An invalid spec exits 2 and starts nothing. Rejected combinations are listed with their reason. Stage results (retrained and compressed models, simulations) that any trial already computed are reused, not
recomputed (--no-reuse: only those computed in this sweep). Workers run trials: \`hwsweep worker\`.`,
    )
    .action(async (file: string, opts: { wait?: boolean; id?: string; json?: boolean; dryRun?: boolean; reuse?: boolean; heartbeatTimeout: number }) => {
      const spec = await resolveSpecModels(readSpec(file), file);
      const planned = opts.dryRun ? planSweep(spec) : undefined;
      const search = planned ? { search: { ...planned.plan, first: planned.trials } } : {};
      if (planned && !opts.json) console.log(planned.lines.join('\n'));
      const ctx = await openContext({ start: true, log: (m) => console.error(m) });
      try {
        const sweepId = opts.id ?? newSweepId(spec);
        const existing = (await ctx.db.sweep.count({ where: { id: sweepId } })) > 0;
        const plan = await planLaunch(ctx, spec, sweepId);
        const running = (await sweepWorkflowStatus(ctx, sweepId)) === 'RUNNING';
        if (existing && !running && toRun(plan) === 0) {
          if (opts.json) console.log(toJson({ sweepId, started: false, plan, ...search }));
          else console.log([`Sweep ${sweepId}: nothing to run`, ...describePlan(plan, existing)].join('\n'));
          return;
        }
        const l = await launchSweep(ctx, spec, {
          id: sweepId,
          heartbeatTimeoutMs: opts.heartbeatTimeout,
          reuse: opts.reuse ?? true,
          ...(opts.dryRun ? { dryRun: true } : {}),
        }, running);
        if (opts.json) console.log(toJson({ ...l, started: true, plan, ...search }));
        else {
          const verb = !existing ? 'started' : l.signalledRunning ? 'extended (its workflow is running)' : 'relaunched';
          console.log([`Sweep ${l.sweepId} ${verb} (workflow ${l.workflowId})`, ...describePlan(plan, existing)].join('\n'));
          if (l.uiUrl) console.log(`Temporal UI: ${l.uiUrl}`);
        }
        const idle = await queuesWithoutWorkers(ctx);
        if (idle.length) console.error(`note: no worker polls the ${idle.join(', ')} queue(s) yet; start one with \`hwsweep worker\``);
        if (opts.wait) {
          const t0 = Date.now();
          console.error(finishedLine(await waitWithProgress(ctx, l.sweepId), Date.now() - t0));
          const saved = formatSavings(await stageSavings(ctx, l.sweepId));
          if (saved) console.error(saved);
        }
      } finally {
        await ctx.close();
      }
    });
}

/** Fails with a clear message unless the sweep's workflow is running (signals only reach a running one). */
async function requireRunning(ctx: CliContext, id: string, action: string, hint: string): Promise<void> {
  const status = await sweepWorkflowStatus(ctx, id);
  if (status === 'RUNNING') return;
  const known = status !== undefined || (await ctx.db.sweep.count({ where: { id } })) > 0;
  if (!known) throw new HwsweepError('INVALID_ARGUMENT', `no sweep with id ${id}`, { hint: 'list sweeps with `hwsweep status`' });
  const p = await sweepProgress(ctx, id);
  throw new HwsweepError('SWEEP_STATE', `sweep ${id} is not running (${p.status}): nothing to ${action}`, { hint });
}

function progressLine(id: string, p: Awaited<ReturnType<typeof sweepProgress>>): string {
  const pruned = p.pruned ? ` · ${p.pruned} stopped early` : '';
  return `${id}: ${p.status} · ${p.completed} completed${pruned} · ${p.running} running · ${p.pending} pending · ${p.failed} failed · ${p.cancelled} cancelled`;
}

export function pauseCommand(): Command {
  return new Command('pause')
    .description('stop starting new trials (running ones finish); `hwsweep resume` starts them again')
    .argument('<sweep-id>')
    .addHelpText('after', '\nExample:\n  $ hwsweep pause demo-20261121T120000-ab12')
    .action(async (id: string) => {
      const ctx = await openContext();
      try {
        await requireRunning(ctx, id, 'pause', `\`hwsweep resume ${id}\` runs its unfinished trials`);
        await ctx.client.workflow.getHandle(sweepWorkflowId(id)).signal(pauseSignal);
        console.log(progressLine(id, await sweepProgress(ctx, id)));
      } finally {
        await ctx.close();
      }
    });
}

export function resumeCommand(): Command {
  return new Command('resume')
    .description('start trials again after a pause; a cancelled or interrupted sweep runs its unfinished trials again')
    .argument('<sweep-id>')
    .addHelpText('after', '\nExamples:\n  $ hwsweep resume demo-20261121T120000-ab12     # after pause, or after cancel')
    .action(async (id: string) => {
      const ctx = await openContext();
      try {
        const r = await resumeSweep(ctx, id);
        const p = await sweepProgress(ctx, id);
        if (!r.unpaused && !r.launched) {
          throw new HwsweepError('SWEEP_STATE', `sweep ${id} has no unfinished trial to resume (${p.completed} completed, ${p.failed} failed)`, {
            hint: p.failed ? `\`hwsweep retry ${id} --failed\` re-runs the failed ones` : 'launch a spec with more configurations under this id to extend it',
          });
        }
        if (r.launched) console.error(`resuming ${r.unfinished} unfinished trial${r.unfinished === 1 ? '' : 's'} in a new execution`);
        console.log(progressLine(id, p));
      } finally {
        await ctx.close();
      }
    });
}

export function cancelCommand(): Command {
  return new Command('cancel')
    .description('cancel running trials promptly and record them (and pending ones) as cancelled; `hwsweep resume` runs them again')
    .argument('<sweep-id>')
    .addHelpText('after', '\nExample:\n  $ hwsweep cancel demo-20261121T120000-ab12')
    .action(async (id: string) => {
      const ctx = await openContext();
      try {
        await requireRunning(ctx, id, 'cancel', 'its trials are not running');
        const handle = ctx.client.workflow.getHandle(sweepWorkflowId(id));
        await handle.signal(cancelSignal);
        console.error('cancelling: running trials are being stopped…');
        await handle.result().catch(() => undefined);
        console.log(progressLine(id, await sweepProgress(ctx, id)));
      } finally {
        await ctx.close();
      }
    });
}

export function parallelismCommand(): Command {
  return new Command('parallelism')
    .description('change how many trials of a running sweep run at once')
    .argument('<sweep-id>')
    .argument('<n>', 'new maxParallel, an integer in [1, 1000]', integerArg('n', 1, 1000))
    .addHelpText('after', '\nExample:\n  $ hwsweep parallelism demo-20261121T120000-ab12 8')
    .action(async (id: string, n: number) => {
      const ctx = await openContext();
      try {
        await requireRunning(ctx, id, 'change', 'the next launch or resume uses the maxParallel of the spec');
        await ctx.client.workflow.getHandle(sweepWorkflowId(id)).signal(setParallelismSignal, n);
        console.log(`${id}: maxParallel = ${n}`);
      } finally {
        await ctx.close();
      }
    });
}
