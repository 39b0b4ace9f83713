import { describe, expect, it } from 'vitest';
import { curvesOption, layersOption, paretoData, paretoOption, parallelOption } from '../../../src/plot/charts.js';
import { renderSvg, svgToPng } from '../../../src/plot/render.js';
import type { TrialPoint } from '../../../src/plot/types.js';

const point = (n: number, accuracy: number | null, speedup: number | undefined, modelBytes: number | null): TrialPoint => ({
  id: `s/${n}`,
  number: n,
  label: `t${n}`,
  status: accuracy === null ? 'FAILED' : 'COMPLETED',
  accuracy,
  modelBytes,
  axes: { method: n % 2 ? 'magnitude' : 'group-balanced', prune_ratio: 0.5 + (n % 3) * 0.125 },
  speedup: speedup === undefined ? {} : { 'kang-cx': speedup },
});

const POINTS = [point(0, 0.9, 1.5, 4000), point(1, 0.8, 2.5, 2000), point(2, 0.85, 2.0, 3000), point(3, null, undefined, null), point(4, 0.7, 2.2, 1000)];

describe('chart options', () => {
  it('paretoData: only trials with both values; front of accuracy vs speedup (hand-computed) and vs size (minimised)', () => {
    const s = paretoData(POINTS, { kind: 'speedup', accelerator: 'kang-cx' });
    expect(s.data.map((d) => d.trialId)).toEqual(['s/0', 's/1', 's/2', 's/4']);
    // (1.5,.9) (2.0,.85) (2.5,.8) are non-dominated; (2.2,.7) is dominated by (2.5,.8).
    expect(s.front.map((i) => s.data[i]!.trialId)).toEqual(['s/0', 's/2', 's/1']);
    const z = paretoData(POINTS, { kind: 'size' });
    // Smaller is better: 1000 B/.7, 2000 B/.8, 3000 B/.85, 4000 B/.9 are all on the front, in ascending size.
    expect(z.front.map((i) => z.data[i]!.value[0])).toEqual([1000, 2000, 3000, 4000]);
  });

  it('paretoOption draws every point and the front as two series', () => {
    const o = paretoOption(POINTS, { kind: 'speedup', accelerator: 'kang-cx' });
    const series = o.series as { data: unknown[] }[];
    expect(series.map((s) => s.data.length)).toEqual([4, 3]);
  });

  it('curves: four lines per phase, baseline first; layers: compute + stall per accelerator', () => {
    const epochs = [0, 1].flatMap((e) => ['retrain', 'baseline'].map((phase) => ({ phase, epoch: e, lr: 0.1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5 })));
    const c = curvesOption(epochs).series as { name: string; data: unknown[] }[];
    expect(c.map((s) => s.name)).toEqual(['baseline loss', 'baseline accuracy', 'baseline val accuracy', 'baseline lr', 'retrain loss', 'retrain accuracy', 'retrain val accuracy', 'retrain lr']);
    expect(c.every((s) => s.data.length === 2)).toBe(true);
    const rows = ['a', 'b'].flatMap((accelerator) => [{ accelerator, layer: 'conv1', layerIndex: 0, computeCycles: 10, memoryStallCycles: 5, totalCycles: 15 }]);
    const l = layersOption(rows).series as { name: string; stack: string; data: number[] }[];
    expect(l.map((s) => [s.name, s.stack, s.data])).toEqual([['a compute', 'a', [10]], ['a memory stall', 'a', [5]], ['b compute', 'b', [10]], ['b memory stall', 'b', [5]]]);
  });

  it('parallel: one axis per swept axis and outcome, one line per trial with an accuracy; categories for text axes', () => {
    const o = parallelOption(POINTS, ['method', 'prune_ratio'], ['kang-cx']);
    const axes = o.parallelAxis as { name: string; type: string; data?: string[] }[];
    expect(axes.map((a) => [a.name, a.type])).toEqual([['method', 'category'], ['prune_ratio', 'value'], ['accuracy', 'value'], ['speedup kang-cx', 'value']]);
    expect(axes[0]!.data).toEqual(['group-balanced', 'magnitude']);
    expect((o.series as { data: unknown[] }[])[0]!.data).toHaveLength(4);
  });

  it('renderSvg gives the same bytes for the same chart, also after other charts in the same process', () => {
    const opt = () => paretoOption(POINTS, { kind: 'speedup', accelerator: 'kang-cx' });
    const first = renderSvg(opt());
    renderSvg(curvesOption([]));
    expect(renderSvg(opt())).toBe(first);
    expect(first).toContain('Accuracy vs speedup');
    const png = svgToPng(first, 1);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(900); // IHDR width at scale 1
  });
});
