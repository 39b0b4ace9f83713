import { Command, Option } from 'commander';
import { formatSweepStatus } from '../views.js';
import { openContext, sweepWorkflowId } from '../context.js';
import { duration, toJson } from '../format.js';
import { launchSweep, queuesWithoutWorkers, readSpec, sweepProgress, waitWithProgress } from '../sweeps.js';
import { cancelSignal, pauseSignal, resumeSignal, setParallelismSignal } from '../../../workflows/shared.js';

export function launchCommand(): Command {
  return new Command('launch')
    .description('validate a sweep spec and start it (prints the sweep id and the Temporal UI link)')
    .argument('<spec>', 'sweep spec file (YAML or JSON); see docs/spec.md')
    .option('--wait', 'show a live progress bar until the sweep finishes')
    .option('--id <id>', 'sweep id (default: <name>-<timestamp>-<random>)')
    .option('--json', 'print {sweepId, workflowId, uiUrl} as JSON')
    .option('--dry-run', 'orchestrate and record every trial without training or simulating (checks a deployment)')
    .addOption(new Option('--heartbeat-timeout <ms>', 'heartbeat timeout of training activities').default('120000').hideHelp())
    .addHelpText('after', '\nExamples:\n  $ hwsweep launch examples/demo.yaml --wait\n  $ hwsweep launch my-sweep.yaml --json   # then: hwsweep status <id>\n\nAn invalid spec exits 2 and starts nothing. Workers run trials: `hwsweep worker`.')
    .action(async (file: string, opts: { wait?: boolean; id?: string; json?: boolean; dryRun?: boolean; heartbeatTimeout: string }) => {
      const spec = readSpec(file);
      const ctx = await openContext({ start: true, log: (m) => console.error(m) });
      try {
        const l = await launchSweep(ctx, spec, {
          ...(opts.id ? { id: opts.id } : {}),
          heartbeatTimeoutMs: Number(opts.heartbeatTimeout),
          ...(opts.dryRun ? { dryRun: true } : {}),
        });
        if (opts.json) console.log(toJson(l));
        else {
          console.log(`Sweep ${l.sweepId} started (workflow ${l.workflowId})`);
          if (l.uiUrl) console.log(`Temporal UI: ${l.uiUrl}`);
        }
        const idle = await queuesWithoutWorkers(ctx);
        if (idle.length) console.error(`note: no worker polls the ${idle.join(', ')} queue(s) yet; start one with \`hwsweep worker\``);
        if (opts.wait) {
          const t0 = Date.now();
          const res = await waitWithProgress(ctx, l.sweepId);
          console.error(`finished in ${duration(Date.now() - t0)}: ${res.completed} completed, ${res.failed} failed, ${res.cancelled} cancelled`);
        }
      } finally {
        await ctx.close();
      }
    });
}

export function statusCommand(): Command {
  return new Command('status')
    .description('health of PostgreSQL and Temporal and the recent sweeps, or one sweep\'s progress; exits 1 if a service is unhealthy')
    .argument('[sweep-id]', 'show this sweep\'s progress')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ hwsweep status\n  $ hwsweep status demo-20261121T120000-ab12 --json')
    .action(async (id: string | undefined, opts: { json?: boolean }) => {
      const out = await formatSweepStatus(id, Boolean(opts.json));
      console.log(out.text);
      if (!out.healthy) process.exitCode = 1;
    });
}

const SIGNALS = { pause: pauseSignal, resume: resumeSignal, cancel: cancelSignal } as const;

function signalCommand(name: keyof typeof SIGNALS, description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<sweep-id>')
    .addHelpText('after', `\nExample:\n  $ hwsweep ${name} demo-20261121T120000-ab12`)
    .action(async (id: string) => {
      const ctx = await openContext();
      try {
        const handle = ctx.client.workflow.getHandle(sweepWorkflowId(id));
        await handle.signal(SIGNALS[name]);
        if (name === 'cancel') {
          console.error('cancelling: running trials are being stopped…');
          await handle.result().catch(() => undefined);
        }
        const p = await sweepProgress(ctx, id);
        console.log(`${id}: ${p.status} · ${p.completed} completed · ${p.running} running · ${p.failed} failed · ${p.cancelled} cancelled`);
      } finally {
        await ctx.close();
      }
    });
}

export const pauseCommand = () => signalCommand('pause', 'stop starting new trials (running ones finish)');
export const resumeCommand = () => signalCommand('resume', 'start trials again after a pause');
export const cancelCommand = () => signalCommand('cancel', 'cancel running trials promptly and record them (and pending ones) as cancelled');

export function parallelismCommand(): Command {
  return new Command('parallelism')
    .description('change how many trials of a running sweep run at once')
    .argument('<sweep-id>')
    .argument('<n>', 'new maxParallel', (v) => Number.parseInt(v, 10))
    .addHelpText('after', '\nExample:\n  $ hwsweep parallelism demo-20261121T120000-ab12 8')
    .action(async (id: string, n: number) => {
      const ctx = await openContext();
      try {
        await ctx.client.workflow.getHandle(sweepWorkflowId(id)).signal(setParallelismSignal, n);
        console.log(`${id}: maxParallel = ${n}`);
      } finally {
        await ctx.close();
      }
    });
}
