import { Command, CommanderError } from 'commander';
import { downCommand, statusCommand, upCommand } from './commands/services.js';
import { EXIT_USAGE, reportError } from './errors.js';

/** The `hwsweep` command. Composition root: the only place (with the worker entry) that wires everything. */
export function buildProgram(): Command {
  const program = new Command('hwsweep')
    .description('Hardware-aware CNN compression sweeps on Temporal, with every result in PostgreSQL')
    .option('--debug', 'print stack traces on error')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(upCommand());
  program.addCommand(downCommand());
  program.addCommand(statusCommand());
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
