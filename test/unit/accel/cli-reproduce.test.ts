import { describe, expect, it } from 'vitest';
import { runReproduce } from '../../../src/cli/commands/reproduce.js';
import type { ClaimRow } from '../../../src/reproduce/papers.js';

describe('hwsweep reproduce', () => {
  it('zhu-array: every headline with the paper value, ours and the ratio; the widths within 10 %', () => {
    let out = '';
    runReproduce('zhu-array', { json: true }, (s) => (out += s));
    const rows = JSON.parse(out) as ClaimRow[];
    expect(rows.every((r) => r.paper === 'Zhu et al. 2024')).toBe(true);
    const width = rows.filter((r) => /^speedup, .* width$/.test(r.claim));
    expect(width.map((r) => r.paper_value)).toEqual([1.012, 1.273, 1.556]);
    for (const r of width) expect(Math.abs(r.ratio! - 1)).toBeLessThan(0.1);
    for (const r of rows) if (r.ours === null) expect(r.note).toMatch(/^not reproduced: /);
    let table = '';
    runReproduce('zhu-array', {}, (s) => (table += s));
    expect(table).toMatch(/speedup, lowest width\s+1\.556x/);
  });
  it('an unknown seed is one clear error naming the allowed ones', () => {
    expect(() => runReproduce('eyeriss', {}, () => {})).toThrow(
      /reproduce: seed = eyeriss is not one of lixiao-fpga, zhu-array, kang-cx, kcnn, krp-fpga, kang-lowcplx/,
    );
  });
});
