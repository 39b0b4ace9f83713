/**
 * `hwsweep reproduce [seed]`: the reproduction report of the seed papers (issue 9; docs/fidelity.md): every headline
 * claim with the paper's number, our setting, our number and the ratio.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SEEDS, formatClaims, reproduce } from '../../reproduce/papers.js';

export interface ReproduceCliOptions {
  json?: boolean;
  randomSeed?: string;
}

/** The command's action: runs the report and prints it (table or one JSON object). */
export function runReproduce(
  seed: string | undefined,
  opts: ReproduceCliOptions,
  write: (s: string) => void = (s) => process.stdout.write(s),
): void {
  const randomSeed = opts.randomSeed === undefined ? 1 : Number(opts.randomSeed);
  const rows = reproduce(seed, randomSeed);
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
      new Option('--random-seed <n>', 'seed of the synthetic weights').default('1').argParser((v) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`--random-seed = ${v} is not a non-negative integer`);
        return v;
      }),
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
