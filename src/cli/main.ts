import { Command, CommanderError } from 'commander';
import { demoCommand } from './commands/demo.js';
import { resultsCommand, sqlCommand } from './commands/results.js';
import { downCommand, upCommand } from './commands/services.js';
import { cancelCommand, launchCommand, parallelismCommand, pauseCommand, resumeCommand, statusCommand } from './commands/sweep.js';
import { simulateCommand } from './commands/simulate.js';
import { workerCommand } from './commands/worker.js';
import { EXIT_USAGE, reportError } from './errors.js';

/** The `hwsweep` command. Composition root: the only place (with src/worker.ts) that wires everything. */
export function buildProgram(): Command {
  const program = new Command('hwsweep')
    .description('Hardware-aware CNN compression sweeps on Temporal, with every result in PostgreSQL')
    .option('--debug', 'print stack traces on error')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Quick start:
  $ hwsweep demo                                  # embedded services + workers + a 12-trial sweep
  $ hwsweep up && hwsweep worker &                # services, then a worker
  $ hwsweep launch examples/kang-aap.yaml --wait
  $ hwsweep sql "select label, accuracy from trial_results order by accuracy desc limit 5"`,
    );
  for (const c of [
    upCommand(),
    downCommand(),
    statusCommand(),
    launchCommand(),
    pauseCommand(),
    resumeCommand(),
    cancelCommand(),
    parallelismCommand(),
    resultsCommand(),
    sqlCommand(),
    workerCommand(),
    demoCommand(),
    simulateCommand(),
  ]) {
    program.addCommand(c.exitOverride());
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    return reportError(err, argv.includes('--debug'));
  }
}

const isEntry = process.argv[1] && /(main\.ts|hwsweep(\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  const code = await main(process.argv);
  process.exit(code);
}
