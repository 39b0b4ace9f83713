import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepWorkflowId } from '../../src/cli/context.js';
import { SweepHarness } from '../helpers/sweep.js';
import { TEST_ENV } from '../helpers/services.js';

const run = promisify(execFile);

/** A handful of the malformed-spec corpus (test/unit/spec/bad-specs.test.ts runs all of it through the parser). */
const FIXTURES = {
  'range-ratio-above-one.yaml': 'pruning.ratios[1]: 1.3 is not in [0, 1)',
  'binary-png-header.bin': 'line 1, column 1: not a text spec: invalid UTF-8',
  'bomb-billion-laughs.yaml': '(root): YAML error: aliases expand to more than 1000 nodes',
  'grid-all-rejected-clusters.yaml':
    '(root): every one of the 2 grid points is rejected, so the sweep would run nothing',
  'hw-negative-pes.yaml': 'accelerators[0]: hardware neg: group.tk = -4 is not an integer in [1, 65536]',
  'range-trainsubset-too-large.yaml':
    'data.trainSubset: 70000 is more than the train split holds (fashion-mnist has 60000)',
} as const;

/** `hwsweep launch <file> --id <id>` as a real process against the suite's services; never throws. */
async function launch(
  file: string,
  id: string,
  databaseUrl: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(
      process.execPath,
      ['bin/hwsweep.js', 'launch', join('test/fixtures/bad-specs', file), '--id', id],
      {
        env: { ...process.env, ...TEST_ENV, DATABASE_URL: databaseUrl },
        timeout: 120_000,
      },
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('hwsweep launch with a malformed spec (real process, real services)', () => {
  const h = new SweepHarness();
  beforeAll(async () => {
    await h.open([]); // clients only: a launch that started anything would show up in PostgreSQL or Temporal
  });
  afterAll(async () => {
    await h.close();
  });

  it('exits 2 with exactly one stderr line (✖ + the field + the reason), no stack trace, and starts nothing', async () => {
    const sweepsBefore = await h.db.sweep.count();
    const results = await Promise.all(
      Object.keys(FIXTURES).map(async (file, i) => ({
        file,
        id: `bad-spec-${i}`,
        ...(await launch(file, `bad-spec-${i}`, h.settings.databaseUrl)),
      })),
    );
    for (const r of results) {
      const lines = r.stderr.split('\n');
      expect({ file: r.file, code: r.code, stdout: r.stdout }).toEqual({ file: r.file, code: 2, stdout: '' });
      const want = FIXTURES[r.file as keyof typeof FIXTURES];
      expect(lines[0]?.startsWith(`✖ Invalid sweep spec test/fixtures/bad-specs/${r.file}: ${want}`)).toBe(true);
      // Exactly one line (and its newline): no context lines, no hint, no stack frame.
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe('');
      expect(r.stderr).not.toMatch(/^\s+at /m);
      // Nothing started: no sweep row, no sweep workflow under the id.
      expect(await h.db.sweep.findUnique({ where: { id: r.id } })).toBeNull();
      await expect(h.client.workflow.getHandle(sweepWorkflowId(r.id)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    }
    expect(await h.db.sweep.count()).toBe(sweepsBefore);
  });
});
