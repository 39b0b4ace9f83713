import { Command, Option } from 'commander';
import { collectGarbage } from '../../store/retention.js';
import { durationArg } from '../args.js';
import { openContext } from '../context.js';
import { byteSize, duration, table, toJson } from '../format.js';

const WEEK_MS = 7 * 86_400_000;

export function gcCommand(): Command {
  return new Command('gc')
    .description('delete stored artefacts nothing needs any more (old checkpoints, intermediate rounds, orphans), with sizes')
    .option('--dry-run', 'only report what would be deleted')
    .addOption(
      new Option('--older-than <duration>', 'age before a failed or cancelled trial gives up its checkpoints (a retry restarts those phases)')
        .argParser(durationArg('--older-than', 0, 3650 * 86_400_000))
        .default(WEEK_MS, '7d'),
    )
    .option('--json', 'print the report as JSON (bytes as integers)')
    .addHelpText(
      'after',
      `
Completed trials and baselines give up their checkpoints and intermediate rounds when they finish; gc removes what is
left from before that, checkpoints of failed or cancelled trials older than --older-than, and artefacts of deleted
sweeps. Final results (weights, masks, simulator inputs, exported models, model files) are never touched.

Examples:
  $ hwsweep gc --dry-run
  $ hwsweep gc --older-than 2d --json`,
    )
    .action(async (opts: { dryRun?: boolean; olderThan: number; json?: boolean }) => {
      const ctx = await openContext();
      try {
        const r = await collectGarbage(ctx.db, { dryRun: Boolean(opts.dryRun), olderThanMs: opts.olderThan });
        if (opts.json) {
          console.log(toJson(r));
          return;
        }
        const rows = r.categories.map((c) => ({ category: c.name, artifacts: c.artifacts, size: byteSize(c.bytes), what: c.description }));
        console.log(table(rows, ['category', 'artifacts', 'size', 'what']));
        const verb = r.dryRun ? 'would delete' : 'deleted';
        console.log(
          `${verb} ${r.total.artifacts} artefact${r.total.artifacts === 1 ? '' : 's'} (${byteSize(r.total.bytes)}); cutoff ${r.olderThanMs % 86_400_000 === 0 ? `${r.olderThanMs / 86_400_000}d` : duration(r.olderThanMs)}; ` +
            `${r.remaining.artifacts} artefacts (${byteSize(r.remaining.bytes)}) remain${r.dryRun ? ' before deleting' : ''}`,
        );
      } finally {
        await ctx.close();
      }
    });
}
