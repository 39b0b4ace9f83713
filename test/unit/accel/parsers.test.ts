import { describe, expect, it } from 'vitest';
import { HwsweepError } from '../../../src/errors.js';
import {
  parseScaleSimCfg,
  parseTopologyCsv,
  presets,
  resolveHardware,
  simulateNetwork,
} from '../../../src/accel/index.js';

const H = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,';

describe('parseTopologyCsv', () => {
  it('reads conv rows, skips blank lines, drops the trailing field, takes a 9th field as column stride', () => {
    const l = parseTopologyCsv(`${H}\n\nc1,10,12,3,3,4,8,1,\n\nc2,10,12,3,1,4,8,2,3,\n`, 'n.csv');
    expect(l.map((x) => [x.name, x.inH, x.inW, x.kernelH, x.kernelW, x.inC, x.outC, x.strideH, x.strideW])).toEqual([
      ['c1', 10, 12, 3, 3, 4, 8, 1, 1],
      ['c2', 10, 12, 3, 1, 4, 8, 2, 3],
    ]);
  });
  it('splits a DP layer into Channels one-channel layers that keep Num Filter filters (v2 quirk)', () => {
    const l = parseTopologyCsv(`${H}\nConvDP1,8,8,3,3,3,5,1,\n`);
    expect(l.map((x) => x.name)).toEqual(['ConvDP1Channel_0', 'ConvDP1Channel_1', 'ConvDP1Channel_2']);
    expect(l.every((x) => x.inC === 1 && x.outC === 5)).toBe(true);
  });
  it('reads -i gemm rows as H = M, W = K, 1 x K filter, 1 channel, N filters', () => {
    const l = parseTopologyCsv('Layer, M, N, K,\ng1,100,64,300,\n', 'g.csv');
    expect(l[0]).toMatchObject({ inH: 100, inW: 300, kernelH: 1, kernelW: 300, inC: 1, outC: 64, strideH: 1 });
    const r = simulateNetwork(l, new Map(), resolveHardware('scalesim-scale'), { compat: 'scalesim' });
    expect(r.layers[0]!.denseMacs).toBe(100 * 64 * 300);
  });
  const bad: [string, string, RegExp][] = [
    ['no trailing comma', `${H}\nc1,10,10,3,3,4,8,1\n`, /^net\.csv:2: row must end with a comma/],
    [
      'empty field (conv_nets/Resnet50.csv style)',
      `${H}\nc1,10,10,3,3,4,8,1,,,\n`,
      /^net\.csv:2: expected 8 or 9 fields/,
    ],
    [
      'non-numeric',
      `${H}\n\nc1,10,ten,3,3,4,8,1,\n`,
      /^net\.csv:3: field 3 \(IFMAP Width\) = "ten" is not a positive integer/,
    ],
    [
      'filter larger than ifmap',
      `${H}\nc1,2,10,3,3,4,8,1,\n`,
      /^net\.csv:2: Filter Height 3 is larger than IFMAP Height 2/,
    ],
    ['zero stride', `${H}\nc1,10,10,3,3,4,8,0,\n`, /field 8 \(Strides\) = "0"/],
    ['no header', '', /^net\.csv:1: the first line must be a header/],
    ['only a header', `${H}\n`, /no layer rows/],
  ];
  for (const [what, text, re] of bad)
    it(`rejects ${what} naming file, line and reason`, () => {
      try {
        parseTopologyCsv(text, 'net.csv');
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(HwsweepError);
        expect((e as HwsweepError).code).toBe('TOPOLOGY_INVALID');
        expect((e as Error).message).toMatch(re);
      }
    });
});

const CFG = `[general]
run_name = GoogleTPU_v1_ws

[architecture_presets]
ArrayHeight:    256
ArrayWidth:     256
IfmapSramSzkB:    6144
FilterSramSzkB:   6144
OfmapSramSzkB:    2048
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Dataflow : ws
Bandwidth : 10
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
`;

describe('parseScaleSimCfg', () => {
  it('reads v2 google.cfg into the same machine as the scalesim-google preset', () => {
    const hw = parseScaleSimCfg(CFG, 'google.cfg');
    expect(hw.name).toBe('GoogleTPU_v1_ws');
    expect(hw.systolic).toEqual(presets['scalesim-google']!.systolic);
    expect(hw.memory).toEqual(presets['scalesim-google']!.memory);
  });
  const bad: [string, string, RegExp][] = [
    [
      'a bad dataflow',
      CFG.replace('Dataflow : ws', 'Dataflow : xs'),
      /^google\.cfg:13: Dataflow = "xs" is not one of os, ws, is/,
    ],
    [
      'a missing key',
      CFG.replace('ArrayWidth:     256\n', ''),
      /^google\.cfg: missing \[architecture_presets\] ArrayWidth/,
    ],
    [
      'a non-integer size',
      CFG.replace('OfmapSramSzkB:    2048', 'OfmapSramSzkB: 2k'),
      /^google\.cfg:9: OfmapSramSzkB = "2k" is not an integer >= 1/,
    ],
    [
      'a garbage line',
      CFG.replace('MemoryBanks: 1', 'MemoryBanks 1'),
      /^google\.cfg:15: "MemoryBanks 1" is not a "key: value" line/,
    ],
    ['a bad mode', CFG.replace('CALC', 'FAST'), /InterfaceBandwidth = "FAST" is not CALC or USER/],
  ];
  for (const [what, text, re] of bad)
    it(`rejects ${what} naming file, line/field and reason`, () => {
      expect(() => parseScaleSimCfg(text, 'google.cfg')).toThrow(re);
    });
});

describe('hardware validation', () => {
  it('every preset resolves and validates', () => {
    for (const name of Object.keys(presets)) expect(resolveHardware(name).name).toBe(name);
    expect(Object.keys(presets)).toEqual(
      expect.arrayContaining([
        'kang-cx',
        'kang-lowcplx',
        'lixiao-fpga',
        'zhu-array',
        'kcnn',
        'krp-fpga',
        'scalesim-scale',
        'scalesim-google',
        'scalesim-eyeriss',
      ]),
    );
  });
  const bad: [object | string, RegExp][] = [
    ['nope', /hardware nope: name = "nope" is not a preset/],
    [
      { name: 'x', engine: 'systolic', systolic: { rows: 0 } },
      /hardware x: systolic\.rows = 0 is not an integer in \[1, 65536\]/,
    ],
    [{ name: 'x', engine: 'warp' }, /hardware x: engine = "warp" is not one of systolic/],
    [{ base: 'kang-cx', name: 'x', group: { g: 0 } }, /hardware x: group\.g = 0 is not an integer/],
    [{ base: 'kang-cx', name: 'x', weightBits: 40 }, /hardware x: weightBits = 40 is not an integer in \[2, 32\]/],
    [
      { name: 'x', engine: 'systolic', systolic: { dataflow: 'os', sparse: { g: 4, n: 2 } } },
      /systolic\.dataflow = "os" is not 'ws'/,
    ],
    [
      { name: 'x', engine: 'systolic', systolic: { dataflow: 'ws', sparse: { g: 4, n: 5 } } },
      /systolic\.sparse\.n = 5 is not an integer in \[1, 4\]/,
    ],
    [{ base: 'kang-cx', name: 'x', speed: 3 }, /hardware x: speed = 3 is not a known field/],
    [
      { base: 'kang-cx', name: 'x', group: { groupsPerStep: 'fill' } },
      /group\.groupsPerStep = "fill" is not a known field/,
    ],
    [{ base: 'kang-cx', name: 'x', skipZeroActivations: 'yes' }, /skipZeroActivations = "yes" is not true or false/],
    [{ base: 'kang-cx', name: 'x', memory: { overlap: 'yes' } }, /memory\.overlap = "yes" is not true or false/],
  ];
  for (const [cfg, re] of bad)
    it(`rejects ${JSON.stringify(cfg)} naming the field`, () => {
      try {
        resolveHardware(cfg);
        expect.unreachable();
      } catch (e) {
        expect((e as HwsweepError).code).toBe('SIM_CONFIG_INVALID');
        expect((e as Error).message).toMatch(re);
      }
    });
  it('hash is stable under key order and changes with any parameter', () => {
    const a = simulateNetwork([], new Map(), resolveHardware('kang-cx')).hardwareHash;
    const b = simulateNetwork([], new Map(), resolveHardware({ base: 'kang-cx', name: 'my-cx' })).hardwareHash;
    const c = simulateNetwork(
      [],
      new Map(),
      resolveHardware({ base: 'kang-cx', name: 'kang-cx', group: { m: 8 } }),
    ).hardwareHash;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
  it('a mask of the wrong length is rejected naming the layer', () => {
    const l = parseTopologyCsv(`${H}\nc1,4,4,3,3,4,8,1,\n`);
    expect(() =>
      simulateNetwork(l, new Map([['c1', { mask: new Uint8Array(5) }]]), resolveHardware('kang-cx')),
    ).toThrow(/layer c1: mask\.length = 5 is not the weight count 288/);
  });
});
