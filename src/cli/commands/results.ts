import { Command } from 'commander';
import { HwsweepError } from '../../errors.js';
import { readOnlyQuery } from '../../store/read-only.js';
import { csv, table, toJson, type Cell } from '../format.js';

/** @deprecated import it from src/store/read-only.ts (kept so existing callers keep working while they switch). */
export { readOnlyQuery } from '../../store/read-only.js';

function print(rows: Record<string, Cell>[], columns: string[], fmt: { json?: boolean; csv?: boolean }): void {
  if (fmt.json) console.log(toJson(rows));
  else if (fmt.csv) console.log(csv(rows, columns));
  else console.log(table(rows, columns));
}

export function sqlCommand(): Command {
  return new Command('sql')
    .description('run a read-only SQL query over the results (aligned table, --json or --csv)')
    .argument('<query>', 'one SQL statement')
    .option('--json', 'rows as a JSON array')
    .option('--csv', 'rows as CSV')
    .option('--timeout <ms>', 'statement timeout', '30000')
    .addHelpText(
      'after',
      `
Examples:
  $ hwsweep sql "select method, weight_bits, max(accuracy) from trials group by 1, 2 order by 1, 2"
  $ hwsweep sql "select * from pareto_accuracy_speedup where accelerator = 'kang-cx'" --json`,
    )
    .action(async (query: string, opts: { json?: boolean; csv?: boolean; timeout: string }) => {
      const r = await readOnlyQuery(query, Number(opts.timeout));
      print(r.rows, r.columns, opts);
    });
}

export const RESULTS_SQL = `
  select t.number as "#", t.label, t.status, t.achieved_ratio as pruned, t.baseline_accuracy as base_acc,
         t.retrained_accuracy as retrained_acc, t.accuracy as acc, t.compression_ratio as compression,
         (select string_agg(s.accelerator || '=' || round(s.speedup::numeric, 2), ' ' order by s.accelerator)
            from simulations s where s.trial_id = t.id) as speedups,
         t.error
  from trials t where t.sweep_id = $1 order by t.number`;

export function resultsCommand(): Command {
  return new Command('results')
    .description("a sweep's trials: ratios, accuracies, compression and simulated speedups")
    .argument('<sweep-id>')
    .option('--json', 'rows as a JSON array')
    .option('--csv', 'rows as CSV')
    .addHelpText('after', '\nExamples:\n  $ hwsweep results demo-20261121T120000-ab12\n  $ hwsweep results demo-20261121T120000-ab12 --csv > demo.csv')
    .action(async (id: string, opts: { json?: boolean; csv?: boolean }) => {
      const r = await readOnlyQuery(RESULTS_SQL, 30_000, [id]);
      if (r.rows.length === 0) throw new HwsweepError('INVALID_ARGUMENT', `no trials for sweep ${id}`, { hint: 'list sweeps with `hwsweep status`' });
      print(r.rows, r.columns, opts);
    });
}
