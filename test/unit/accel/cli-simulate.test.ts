import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSimulate, simulateCommand } from '../../../src/cli/commands/simulate.js';

const fx = (f: string) => fileURLToPath(new URL(`../../fixtures/accel/${f}`, import.meta.url));

describe('hwsweep simulate (action function)', () => {
  it('JSON output has layers with name and totalCycles, and network totals', () => {
    let out = '';
    runSimulate(
      { topology: fx('alexnet-conv1.csv'), config: 'scalesim-scale', compat: 'scalesim', json: true },
      (s) => (out += s),
    );
    const j = JSON.parse(out) as { layers: { name: string; totalCycles: number }[]; totals: { totalCycles: number } };
    expect(j.layers[0]).toMatchObject({ name: 'Conv1' });
    expect(j.totals.totalCycles).toBe(j.layers[0]!.totalCycles);
  });

  it('reads a .cfg file, masks from .json and .bin, and prints the compact table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwsweep-sim-'));
    const topo = join(dir, 'net.csv');
    writeFileSync(
      topo,
      'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nc1,4,4,1,1,8,2,1,\nc2,4,4,1,1,8,2,1,\n',
    );
    const cfg = join(dir, 'ws.cfg');
    writeFileSync(
      cfg,
      '[general]\nrun_name = tiny\n[architecture_presets]\nArrayHeight: 4\nArrayWidth: 4\nIfmapSramSzkB: 1\nFilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: ws\n',
    );
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ c1: { mask: '1100101001100011'.split('').map(Number) } }));
    writeFileSync(join(dir, 'c2.bin'), new Uint8Array(16).fill(1));
    let out = '';
    const r = runSimulate(
      { topology: topo, config: cfg, masks: [join(dir, 'm.json'), join(dir, 'c2.bin')] },
      (s) => (out += s),
    );
    expect(r.hardware).toBe('tiny');
    expect(out).toMatch(/^hardware tiny/);
    expect(out).toMatch(/\nc1 +\d/);
    expect(out).toMatch(/TOTAL/);
    expect(r.layers[0]!.usefulMacs).toBe(16 * 8); // 8 of 16 weights kept, 16 pixels
    expect(r.layers[1]!.usefulMacs).toBe(16 * 16);
  });

  it('reads a JSON hardware config and a gemm topology', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwsweep-sim-'));
    writeFileSync(join(dir, 'g.csv'), 'Layer, M, N, K,\ng1,64,32,100,\n');
    writeFileSync(
      join(dir, 'hw.json'),
      JSON.stringify({ base: 'scalesim-scale', name: 'tiny-os', systolic: { rows: 8, cols: 8 } }),
    );
    const r = runSimulate(
      { topology: join(dir, 'g.csv'), config: join(dir, 'hw.json'), compat: 'scalesim', json: true },
      () => {},
    );
    expect(r.hardware).toBe('tiny-os');
    expect(r.layers[0]!.denseMacs).toBe(64 * 32 * 100);
    expect(r.layers[0]!.totalCycles).toBe(8 * 4 * (100 + 8 + 8 - 2) - 1); // OS: ceil(64/8) x ceil(32/8) folds
    writeFileSync(join(dir, 'bad.json'), '{"name": "x", "engine": "systolic", "systolic": {"rows": -1}}');
    expect(() => runSimulate({ topology: join(dir, 'g.csv'), config: join(dir, 'bad.json') }, () => {})).toThrow(
      /hardware x: systolic\.rows = -1 is not an integer/,
    );
  });

  it('rejects masks for unknown layers and unreadable files, naming them', () => {
    expect(() => runSimulate({ topology: fx('nope.csv'), config: 'kang-cx' }, () => {})).toThrow(
      /topology .*nope\.csv cannot be read/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'hwsweep-sim-'));
    writeFileSync(join(dir, 'zz.bin'), new Uint8Array(4));
    expect(() =>
      runSimulate({ topology: fx('alexnet-conv1.csv'), config: 'kang-cx', masks: [join(dir, 'zz.bin')] }, () => {}),
    ).toThrow(/masks: layer "zz" is not in/);
  });

  it('--help shows an example', () => {
    const help = simulateCommand().helpInformation() + '';
    let after = '';
    const cmd = simulateCommand()
      .configureOutput({ writeOut: (s) => (after += s) })
      .exitOverride();
    expect(() => cmd.parse(['--help'], { from: 'user' })).toThrow();
    expect(help).toMatch(/--topology <file>/);
    expect(after).toMatch(/Examples:\n {2}\$ hwsweep simulate --topology/);
  });
});

describe('hwsweep simulate: widths for every layer', () => {
  it('--weight-bits / --activation-bits set every layer; a zhu-array speedup comes from the width only', () => {
    let out = '';
    const r = runSimulate(
      { topology: fx('vgg16.csv'), config: 'zhu-array', weightBits: 8, activationBits: 8, json: true },
      (s) => (out += s),
    );
    expect(JSON.parse(out)).toHaveProperty('speedup.factors.bitWidth');
    expect(r.speedup.factors.bitWidth!).toBeGreaterThan(1.2);
    expect(r.speedup.factors.weightSparsity).toBe(1);
    expect(r.layers.every((l) => l.packingFactor === 2)).toBe(true);
  });
  it('an out-of-range width is rejected by the option parser naming the option', async () => {
    const cmd = simulateCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    await expect(
      cmd.parseAsync(['--topology', fx('vgg16.csv'), '--config', 'zhu-array', '--weight-bits', '1'], { from: 'user' }),
    ).rejects.toThrow(/--weight-bits = 1 is not an integer in \[2, 32\]/);
    await expect(
      cmd.parseAsync(['--topology', 'x', '--config', 'zhu-array', '--activation-density', '1.5'], { from: 'user' }),
    ).rejects.toThrow(/--activation-density = 1.5 is not a number in \[0, 1\]/);
  });
});
