import { describe, expect, it } from 'vitest';
import { pointsFromColumns, type TrialPointColumns } from '../../../src/dashboard/point-columns.js';
import { acceptsGzip } from '../../../src/dashboard/server.js';

const COLUMNS: TrialPointColumns = {
  id: ['s/a', 's/b', 's/c'],
  number: [0, 1, 2],
  label: ['mag r=0.5', 'mag r=0.75', 'gbp r=0.5'],
  status: ['COMPLETED', 'COMPLETED', 'FAILED'],
  accuracy: [0.9, 0.8500000000000001, null],
  modelBytes: [4000.5, 2000, null],
  axes: { method: ['magnitude', 'magnitude', 'group-balanced'], prune_ratio: [0.5, 0.75, null] },
  speedup: { 'kang-cx': [1.5, 2.5, null], 'zhu-array': [null, 3, null] },
};

describe('the points payload in columns', () => {
  it('decodes to one point per trial, values exact, an accelerator without a speedup absent (not null)', () => {
    expect(pointsFromColumns(COLUMNS)).toEqual([
      { id: 's/a', number: 0, label: 'mag r=0.5', status: 'COMPLETED', accuracy: 0.9, modelBytes: 4000.5, axes: { method: 'magnitude', prune_ratio: 0.5 }, speedup: { 'kang-cx': 1.5 } },
      { id: 's/b', number: 1, label: 'mag r=0.75', status: 'COMPLETED', accuracy: 0.8500000000000001, modelBytes: 2000, axes: { method: 'magnitude', prune_ratio: 0.75 }, speedup: { 'kang-cx': 2.5, 'zhu-array': 3 } },
      { id: 's/c', number: 2, label: 'gbp r=0.5', status: 'FAILED', accuracy: null, modelBytes: null, axes: { method: 'group-balanced', prune_ratio: null }, speedup: {} },
    ]);
  });

  it('an empty sweep decodes to no points; a column of the wrong length is refused, never misaligned', () => {
    expect(pointsFromColumns({ id: [], number: [], label: [], status: [], accuracy: [], modelBytes: [], axes: {}, speedup: {} })).toEqual([]);
    expect(() => pointsFromColumns({ ...COLUMNS, speedup: { 'kang-cx': [1.5, 2.5] } })).toThrow('speedup.kang-cx has 2 entries, id has 3');
    expect(() => pointsFromColumns({ ...COLUMNS, accuracy: [0.9] })).toThrow('accuracy has 1 entries, id has 3');
  });

  it('is about a third smaller than the objects it stands for (no field name per trial)', () => {
    const n = 1000;
    const many: TrialPointColumns = {
      id: Array.from({ length: n }, (_, i) => `sweep/${i.toString(16).padStart(16, '0')}`),
      number: Array.from({ length: n }, (_, i) => i),
      label: Array.from({ length: n }, (_, i) => `lenet5/synthetic mag r=${(i % 90) / 100} W4A8 s${i % 5}`),
      status: Array.from({ length: n }, () => 'COMPLETED'),
      accuracy: Array.from({ length: n }, (_, i) => 0.9 - i / 1e5),
      modelBytes: Array.from({ length: n }, (_, i) => 4000 + i),
      axes: { prune_ratio: Array.from({ length: n }, (_, i) => (i % 90) / 100), seed: Array.from({ length: n }, (_, i) => i % 5) },
      speedup: { 'kang-cx': Array.from({ length: n }, (_, i) => 1 + i / 1000) },
    };
    const columns = JSON.stringify(many).length;
    const objects = JSON.stringify(pointsFromColumns(many)).length;
    expect(columns / objects).toBeLessThan(0.7);
  });
});

describe('acceptsGzip (Accept-Encoding)', () => {
  it.each([
    ['gzip, deflate, br, zstd', true], // Chromium
    ['gzip, deflate', true], // Node's fetch
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['*', true],
    ['identity', false],
    ['', false],
    [undefined, false],
    ['gzip;q=0', false],
    ['gzip;q=0, *', false], // gzip named and refused: the wildcard does not bring it back
    ['*;q=0, gzip', true],
    ['deflate, br', false],
  ])('%j -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
