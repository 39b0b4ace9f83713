import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalConnectionOptions } from '../../src/services/index.js';
import { createDb, type Db } from '../../src/store/db.js';
import { TaskQueues, connectWorker, createWorker } from '../../src/worker.js';
import { smokeWorkflow } from '../../workflows/smoke.js';
import { testSettings } from '../helpers/services.js';

describe('end to end: Temporal dev server + worker + Prisma + PostgreSQL', () => {
  const s = testSettings();
  let db: Db;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    db = createDb(s.databaseUrl);
    connection = await Connection.connect(temporalConnectionOptions(s));
    client = new Client({ connection, namespace: s.temporalNamespace });
  });
  afterAll(async () => {
    await db.$disconnect();
    await connection.close();
  });

  it('smokeWorkflow runs its activity on a real worker, which upserts a row that reads back', async () => {
    const workerConn = await connectWorker(s);
    const worker = await createWorker({ connection: workerConn, namespace: s.temporalNamespace, queue: 'orchestration', deps: { db } });
    const id = `smoke-${randomUUID()}`;
    const result = await worker.runUntil(
      client.workflow.execute(smokeWorkflow, { taskQueue: TaskQueues.orchestration, workflowId: id, args: [{ id, message: 'hello sweep' }] }),
    );
    await workerConn.close();
    const row = await db.artifact.findUniqueOrThrow({ where: { id } });
    expect(row.kind).toBe('smoke');
    expect(Buffer.from(row.data ?? new Uint8Array()).toString('utf8')).toBe('hello sweep');
    expect(row.sha256).toBe(result.sha256);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The workflow's history is on the server.
    const desc = await client.workflow.getHandle(id).describe();
    expect(desc.status.name).toBe('COMPLETED');
  });
});
