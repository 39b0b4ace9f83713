import { Command } from 'commander';
import pg from 'pg';
import { loadSettings } from '../../services/index.js';
import { HwsweepError } from '../../errors.js';
import { csv, table, toJson, type Cell } from '../format.js';

/**
 * Runs one SQL statement in a READ ONLY transaction with a statement timeout: `hwsweep sql` can never modify
 * results, and a runaway query cannot hold the database.
 */
export async function readOnlyQuery(sql: string, timeoutMs = 30_000, params: unknown[] = []): Promise<{ rows: Record<string, Cell>[]; columns: string[] }> {
  const client = new pg.Client({ connectionString: loadSettings().databaseUrl });
  await client.connect();
  try {
    await client.query('begin read only');
    await client.query(`set local statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    const r = await client.query<Record<string, Cell>>(sql, params);
    await client.query('rollback');
    return { rows: r.rows, columns: r.fields.map((f) => f.name) };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    const e = err as { message: string; position?: string };
    throw new HwsweepError('INVALID_ARGUMENT', `SQL error: ${e.message}${e.position ? ` (at character ${e.position})` : ''}`, {
      hint: 'tables: sweeps, trials, baselines, epoch_metrics, layer_results, simulations, layer_simulations; views: trial_results, trial_simulations, best_accuracy_per_ratio, pareto_accuracy_speedup, pareto_accuracy_size, layer_bottlenecks, baseline_deltas',
    });
  } finally {
    await client.end();
  }
}

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
