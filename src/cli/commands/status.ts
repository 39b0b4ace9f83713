import { Command } from 'commander';
import { formatSweepStatus } from '../views.js';

/** `hwsweep status [id]`. Its own module: the sweep commands' imports (Prisma, the Temporal client) would triple its start-up. */
export function statusCommand(): Command {
  return new Command('status')
    .description(
      "health of PostgreSQL and Temporal and the recent sweeps, or one sweep's progress; exits 1 if a service is unhealthy",
    )
    .argument('[sweep-id]', "show this sweep's progress")
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ hwsweep status\n  $ hwsweep status demo-20261121T120000-ab12 --json')
    .action(async (id: string | undefined, opts: { json?: boolean }) => {
      const out = await formatSweepStatus(id, Boolean(opts.json));
      console.log(out.text);
      if (!out.healthy) process.exitCode = 1;
    });
}
