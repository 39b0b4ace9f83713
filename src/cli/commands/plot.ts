import { Command, Option } from 'commander';
import { integerArg } from '../args.js';
import { PlotKinds, type PlotKind } from '../../plot/types.js';

/** A figure side in pixels, in [100, 10000]. */
const pixels = (name: string) => integerArg(name, 100, 10_000);

export function plotCommand(): Command {
  return new Command('plot')
    .description("write one of the dashboard's charts for a sweep as SVG (deterministic: same data, same bytes) or PNG")
    .argument('<sweep-id>')
    .addOption(new Option('--kind <kind>', 'pareto | curves | layers | parallel').choices([...PlotKinds]).makeOptionMandatory())
    .requiredOption('--out <file>', 'output file: .svg or .png')
    .option('--x <axis>', 'pareto: an accelerator (speedup axis; default the first) or "size" (model bytes)')
    .option('--trial <id|number>', 'curves / layers: the trial (default: the most accurate completed one)')
    .option('--width <px>', 'figure width', pixels('--width'), 900)
    .option('--height <px>', 'figure height', pixels('--height'), 560)
    .addHelpText(
      'after',
      `
Examples:
  $ hwsweep plot demo-20261121T120000-ab12 --kind pareto --x kang-cx --out pareto.svg
  $ hwsweep plot demo-20261121T120000-ab12 --kind pareto --x size --out size.png
  $ hwsweep plot demo-20261121T120000-ab12 --kind curves --trial 3 --out curves.png
  $ hwsweep plot demo-20261121T120000-ab12 --kind parallel --out parallel.svg --width 1400`,
    )
    .action(async (sweepId: string, opts: { kind: PlotKind; out: string; x?: string; trial?: string; width: number; height: number }) => {
      const { writeFigure } = await import('../../plot/figure.js');
      const { closeReadOnly } = await import('../../store/read-only.js');
      try {
        const bytes = await writeFigure({ sweepId, kind: opts.kind, width: opts.width, height: opts.height, ...(opts.x ? { x: opts.x } : {}), ...(opts.trial ? { trial: opts.trial } : {}) }, opts.out);
        console.log(`${opts.out}: ${opts.kind} of ${sweepId}, ${bytes} bytes`);
      } finally {
        await closeReadOnly();
      }
    });
}
