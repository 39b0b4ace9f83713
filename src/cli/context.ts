import { Client, Connection } from '@temporalio/client';
import {
  loadSettings,
  servicesUp,
  temporalConnectionOptions,
  temporalUnreachable,
  type Settings,
} from '../services/index.js';
import { createDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';

/** What most commands need: settings, a migrated database and a Temporal client. Close it when done. */
export interface CliContext {
  settings: Settings;
  db: Db;
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/**
 * Connects to the services. With `start`, embedded services that are down are started first (external ones are
 * only checked) and migrations are applied, so `launch` and `demo` work on a fresh machine in one command.
 */
export async function openContext(opts: { start?: boolean; log?: (m: string) => void } = {}): Promise<CliContext> {
  let settings = loadSettings();
  if (opts.start) {
    settings = await servicesUp(settings, opts.log);
    await migrate(settings.databaseUrl);
  }
  const db = createDb(settings.databaseUrl);
  const connection = await Connection.connect(temporalConnectionOptions(settings)).catch(async (cause: unknown) => {
    await db.$disconnect();
    throw temporalUnreachable(settings, cause);
  });
  const client = new Client({ connection, namespace: settings.temporalNamespace });
  return {
    settings,
    db,
    client,
    connection,
    async close() {
      await db.$disconnect();
      await connection.close();
    },
  };
}

export { sweepWorkflowId } from './sweep-state.js';
