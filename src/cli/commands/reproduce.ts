/**
 * `hwsweep reproduce [seed]`: the reproduction report of the seed papers (issue 9; docs/fidelity.md): every headline
 * claim with the paper's number, our setting, our number and the ratio.
 */
import { Command, Option } from 'commander';
import { integerArg } from '../args.js';
import { SEEDS, formatClaims, reproduce } from '../../reproduce/papers.js';

export interface ReproduceCliOptions {
  json?: boolean;
  randomSeed?: number;
}

/** The command's action: runs the report and prints it (table or one JSON object). */
export function runReproduce(
  seed: string | undefined,
  opts: ReproduceCliOptions,
  write: (s: string) => void = (s) => process.stdout.write(s),
): void {
  const rows = reproduce(seed, opts.randomSeed ?? 1);
  write(opts.json ? `${JSON.stringify(rows)}\n` : `${formatClaims(rows)}\n`);
}

export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description(
      "each seed paper's headline claims beside the simulator's and the compression accounting's numbers " +
        '(ImageNet VGG-16 / AlexNet shapes, synthetic weights and masks; about 2 minutes for all five)',
    )
    .argument('[seed]', `one paper by its preset: ${SEEDS.join(', ')} (kang-lowcplx = kang-cx); all when omitted`)
    .addOption(
      new Option('--random-seed <n>', 'seed of the synthetic weights').default(1).argParser(integerArg('--random-seed', 0)),
    )
    .option('--json', 'print the rows as JSON: [{paper, preset, claim, unit, paper_value, setting, ours, ratio, note}]')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hwsweep reproduce                 # all five papers\n' +
        '  $ hwsweep reproduce zhu-array       # Zhu et al. 2024 only\n' +
        '  $ hwsweep reproduce kang-cx --json',
    )
    .action((seed: string | undefined, opts: ReproduceCliOptions) => {
      runReproduce(seed, opts);
    });
}
