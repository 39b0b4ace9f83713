import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './exit-codes.js';
import { EXIT_OUTPUT_CLOSED, OutputClosedError, flushStdio, guardStdout } from './output.js';

/**
 * One `hwsweep` sub-command, loaded only when it runs: `--help` and a light command (`sql`, `status`) never import
 * tfjs, the Temporal worker or Prisma. To add a command, add one line below; its module builds the `Command`.
 */
export interface CommandEntry {
  name: string;
  /** One line for the `hwsweep --help` listing (the command's own `.description()` may say more). */
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'up', summary: 'start embedded PostgreSQL and Temporal', load: async () => (await import('./commands/services.js')).upCommand() },
  { name: 'down', summary: 'stop the embedded services (data is kept)', load: async () => (await import('./commands/services.js')).downCommand() },
  { name: 'status', summary: "services health and recent sweeps, or one sweep's progress", load: async () => (await import('./commands/status.js')).statusCommand() },
  { name: 'launch', summary: 'validate a sweep spec and start it', load: async () => (await import('./commands/sweep.js')).launchCommand() },
  { name: 'pause', summary: 'stop starting new trials (running ones finish)', load: async () => (await import('./commands/sweep.js')).pauseCommand() },
  { name: 'resume', summary: 'start trials again after a pause, or run a cancelled sweep\'s unfinished trials', load: async () => (await import('./commands/sweep.js')).resumeCommand() },
  { name: 'cancel', summary: 'cancel running trials and record them as cancelled', load: async () => (await import('./commands/sweep.js')).cancelCommand() },
  { name: 'gc', summary: 'delete artefacts nothing needs (old checkpoints, orphans), with sizes', load: async () => (await import('./commands/gc.js')).gcCommand() },
  { name: 'retry', summary: "re-run a sweep's failed and/or cancelled trials in place", load: async () => (await import('./commands/retry.js')).retryCommand() },
  { name: 'parallelism', summary: 'change how many trials of a running sweep run at once', load: async () => (await import('./commands/sweep.js')).parallelismCommand() },
  { name: 'results', summary: "a sweep's trials: accuracies, compression, speedups", load: async () => (await import('./commands/results.js')).resultsCommand() },
  { name: 'sql', summary: 'read-only SQL over the results', load: async () => (await import('./commands/results.js')).sqlCommand() },
  { name: 'worker', summary: 'run a worker for the orchestration, train and/or sim queues', load: async () => (await import('./commands/worker.js')).workerCommand() },
  { name: 'demo', summary: 'embedded services + workers + a small real sweep', load: async () => (await import('./commands/demo.js')).demoCommand() },
  { name: 'dashboard', summary: 'local web app over the results (Pareto, curves, layers)', load: async () => (await import('./commands/dashboard.js')).dashboardCommand() },
  { name: 'plot', summary: 'the dashboard charts as SVG or PNG files', load: async () => (await import('./commands/plot.js')).plotCommand() },
  { name: 'simulate', summary: 'simulate a network on an accelerator preset or config', load: async () => (await import('./commands/simulate.js')).simulateCommand() },
  { name: 'setup', summary: 'optional set-up: build the native TensorFlow backend', load: async () => (await import('./commands/setup.js')).setupCommand() },
  { name: 'export', summary: "write a trial's compressed network (tfjs model, packed weights, sizes)", load: async () => (await import('./commands/export.js')).exportCommand() },
  { name: 'reproduce', summary: "the seed papers' headline numbers beside the simulator's", load: async () => (await import('./commands/reproduce.js')).reproduceCommand() },
];

/** The sub-command named on the command line (`hwsweep [--debug] <name> …`, `hwsweep help <name>`), if any. */
export function commandNameIn(args: readonly string[]): string | undefined {
  const positional = args.filter((a) => !a.startsWith('-'));
  return positional[0] === 'help' ? positional[1] : positional[0];
}

/**
 * The `hwsweep` command with `wanted` loaded for real and every other command as a summary-only stub (enough for
 * the listing, the "did you mean" suggestion and `help`). Composition root: wires commands, nothing else.
 */
export async function buildProgram(wanted?: string): Promise<Command> {
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
  for (const entry of COMMANDS) {
    const command = entry.name === wanted ? await entry.load() : new Command(entry.name);
    program.addCommand(command.summary(entry.summary).exitOverride());
  }
  return program;
}

/**
 * Runs the CLI; resolves to the exit code once stdout and stderr are handed to the OS (callers exit right after,
 * and a bare process.exit cut piped output at 64 KiB).
 */
export async function main(argv: string[]): Promise<number> {
  guardStdout();
  const code = await run(argv);
  await flushStdio();
  return code;
}

async function run(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(commandNameIn(argv.slice(2)));
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err instanceof OutputClosedError) return EXIT_OUTPUT_CLOSED; // the reader stopped reading (`| head`)
    // Loaded only on failure: it imports Temporal's client to unwrap workflow failures.
    const { reportError } = await import('./errors.js');
    return reportError(err, argv.includes('--debug'));
  }
}

// `tsx src/cli/main.ts …` runs it directly; bin/hwsweep.js imports it and calls main().
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main(process.argv));
}
