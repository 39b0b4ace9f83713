import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMMANDS, buildProgram, commandNameIn } from '../../../src/cli/main.js';

/** Runs the CLI from the sources in a child process (the bin itself may pick dist/). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('hwsweep lazy command registry', () => {
  it('commandNameIn finds the sub-command after global options and after `help`', () => {
    expect(commandNameIn(['--debug', 'sql', 'select 1'])).toBe('sql');
    expect(commandNameIn(['help', 'status'])).toBe('status');
    expect(commandNameIn(['--help'])).toBeUndefined();
    expect(commandNameIn([])).toBeUndefined();
  });

  it('every registry entry loads a command of the same name, and names are unique', async () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name(), entry.name).toBe(entry.name);
    }
  });

  it('the program built for one command has that one with its real options and the others as stubs', async () => {
    const program = await buildProgram('sql');
    const sql = program.commands.find((c) => c.name() === 'sql')!;
    expect(sql.options.map((o) => o.long)).toContain('--timeout');
    const worker = program.commands.find((c) => c.name() === 'worker')!;
    expect(worker.options).toHaveLength(0);
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  });

  it('`--help` lists every command with its summary and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    // Commander wraps long summaries at 80 columns when stdout is not a terminal: compare with whitespace collapsed.
    const flat = r.out.replace(/\s+/g, ' ');
    for (const c of COMMANDS) expect(flat, c.name).toContain(` ${c.name} ${c.summary.replace(/\s+/g, ' ')}`);
  });

  it('`help <command>` and `<command> --help` show that command\'s own options', () => {
    expect(cli('help', 'sql').out).toContain('--timeout <ms>');
    expect(cli('sql', '--help').out).toContain('--timeout <ms>');
  });

  it('an unknown command exits 2 and suggests the nearest one', () => {
    const r = cli('stauts');
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'stauts'");
    expect(r.err).toContain('status');
  });
});
