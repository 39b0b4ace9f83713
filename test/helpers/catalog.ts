import pg from 'pg';

/**
 * A normalised description of a database's tables, columns, constraints, indexes and enums in schema `public`
 * (views excluded), for comparing two databases.
 */
export async function describeCatalog(url: string): Promise<Record<string, string[]>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string): Promise<string[]> => (await c.query<{ x: string }>(sql)).rows.map((r) => r.x).sort();
    return {
      tables: await q(`select table_name as x from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> '_prisma_migrations'`),
      columns: await q(`select table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
          || coalesce(' p' || datetime_precision, '') || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') as x
        from information_schema.columns where table_schema = 'public' and table_name <> '_prisma_migrations'
          and table_name in (select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE')`),
      constraints: await q(`select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as x
        from pg_constraint where connamespace = 'public'::regnamespace and conrelid::regclass::text <> '_prisma_migrations'`),
      indexes: await q(`select indexdef as x from pg_indexes where schemaname = 'public' and tablename <> '_prisma_migrations'`),
      enums: await q(`select t.typname || ': ' || string_agg(e.enumlabel, ',' order by e.enumsortorder) as x
        from pg_type t join pg_enum e on e.enumtypid = t.oid group by t.typname`),
    };
  } finally {
    await c.end();
  }
}
