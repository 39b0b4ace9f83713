/**
 * Hardware configuration: defaults, validation (errors name the field, value and allowed range),
 * preset resolution and a stable hash for the database row.
 */
import { createHash } from 'node:crypto';
import { HwsweepError } from '../errors.js';
import { DEFAULT_CLUSTERED, DEFAULT_GROUP, DEFAULT_KRP, DEFAULT_MACHINE, DEFAULT_MEMORY, presets } from './presets.js';
import { Dataflows, EngineKinds, GroupShapes, PackingStyles } from './types.js';
import type { HardwareConfig } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(cfg: string, field: string, value: unknown, allowed: string): never {
  throw new HwsweepError(
    'SIM_CONFIG_INVALID',
    `hardware ${cfg}: ${field} = ${JSON.stringify(value) ?? String(value)} is not ${allowed}`,
    { context: { config: cfg, field, value: String(value), allowed } },
  );
}

function deepMerge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(a[k]) ? deepMerge(a[k], v) : v;
  return out;
}

const SECTION_DEFAULTS: Obj = {
  systolic: { rows: 32, cols: 32, dataflow: 'ws' },
  group: { ...DEFAULT_GROUP },
  'aap-lowcplx': { ...DEFAULT_GROUP },
  krp: { ...DEFAULT_KRP },
  subword: { pes: 16, datapathBits: 16, busBits: 32, cMem: 1, tCtrl: 0, ctrlPerMacCycle: 0, outputWords: 'operand' },
  clustered: { ...DEFAULT_CLUSTERED },
};
/** Fields each section accepts (defaults plus optional ones), for the unknown-field check. */
const SECTION_KEYS: Record<string, Set<string>> = {
  systolic: new Set(['rows', 'cols', 'dataflow', 'sparse']),
  group: new Set(Object.keys(DEFAULT_GROUP)),
  krp: new Set(Object.keys(DEFAULT_KRP)),
  subword: new Set(Object.keys(SECTION_DEFAULTS['subword'] as Obj)),
  clustered: new Set(Object.keys(DEFAULT_CLUSTERED)),
};
const SECTION_OF: Record<string, string> = {
  systolic: 'systolic',
  group: 'group',
  'aap-lowcplx': 'group',
  krp: 'krp',
  subword: 'subword',
  clustered: 'clustered',
};
// Own copies of the nested defaults: a resolved custom config never shares an object with a preset.
const TOP_DEFAULTS: Obj = {
  ...DEFAULT_MACHINE,
  packing: { ...DEFAULT_MACHINE.packing },
  memory: { ...DEFAULT_MEMORY },
};
const TOP_KEYS = new Set([
  'name',
  'engine',
  'base',
  'source',
  ...Object.keys(TOP_DEFAULTS),
  'systolic',
  'group',
  'krp',
  'subword',
  'clustered',
]);

/**
 * Resolves a preset name or a custom object (optionally `{ base: '<preset>', ...overrides }`) into a
 * validated {@link HardwareConfig}. Throws SIM_CONFIG_INVALID naming the offending field.
 */
export function resolveHardware(nameOrConfig: string | object): HardwareConfig {
  if (typeof nameOrConfig === 'string') {
    const p = presets[nameOrConfig];
    if (!p) fail(nameOrConfig, 'name', nameOrConfig, `a preset (${Object.keys(presets).join(', ')})`);
    return validateHardware(structuredClone(p));
  }
  if (!isObj(nameOrConfig)) fail('(custom)', 'config', nameOrConfig, 'an object or preset name');
  let raw: Obj = nameOrConfig;
  if (raw['base'] !== undefined) {
    const b = raw['base'];
    const p = typeof b === 'string' ? presets[b] : undefined;
    if (!p) fail(String(raw['name'] ?? '(custom)'), 'base', b, `a preset (${Object.keys(presets).join(', ')})`);
    const { base: _b, ...rest } = raw;
    raw = deepMerge(structuredClone(p) as unknown as Obj, rest);
  }
  const engine = raw['engine'];
  const name = typeof raw['name'] === 'string' ? raw['name'] : '(custom)';
  if (typeof engine !== 'string' || !(EngineKinds as readonly string[]).includes(engine))
    fail(name, 'engine', engine, `one of ${EngineKinds.join(', ')}`);
  const section = SECTION_OF[engine] as string;
  const withDefaults = deepMerge(TOP_DEFAULTS, raw);
  withDefaults[section] = deepMerge(SECTION_DEFAULTS[engine] as Obj, isObj(raw[section]) ? raw[section] : {});
  return validateHardware(withDefaults);
}

/**
 * Why {@link resolveHardware} refuses an accelerator of a spec (its one-line message), or undefined when it
 * resolves: the `validateAccelerator` the spec parser is given.
 */
export function hardwareProblem(spec: unknown): string | undefined {
  try {
    resolveHardware(spec as string | object);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Validates a fully specified config object (every field present); returns it typed. */
export function validateHardware(x: unknown): HardwareConfig {
  if (!isObj(x)) fail('(custom)', 'config', x, 'an object');
  const name = x['name'];
  if (typeof name !== 'string' || name.trim() === '') fail('(custom)', 'name', name, 'a non-empty string');
  for (const k of Object.keys(x)) if (!TOP_KEYS.has(k)) fail(name, k, x[k], 'a known field');
  const engine = x['engine'];
  if (typeof engine !== 'string' || !(EngineKinds as readonly string[]).includes(engine))
    fail(name, 'engine', engine, `one of ${EngineKinds.join(', ')}`);
  const int = (o: Obj, path: string, key: string, lo: number, hi: number): void => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      fail(name, `${path}${key}`, v, `an integer in [${lo}, ${hi}]`);
  };
  const num = (o: Obj, path: string, key: string, lo: number, hi: number): void => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
      fail(name, `${path}${key}`, v, `a number in [${lo}, ${hi}]`);
  };
  const bool = (o: Obj, path: string, key: string): void => {
    if (typeof o[key] !== 'boolean') fail(name, `${path}${key}`, o[key], 'true or false');
  };
  const oneOf = (o: Obj, path: string, key: string, allowed: readonly string[]): void => {
    if (typeof o[key] !== 'string' || !allowed.includes(o[key]))
      fail(name, `${path}${key}`, o[key], `one of ${allowed.join(', ')}`);
  };
  // A section of another engine would be ignored silently (a typo'd engine, or a copy-paste): refuse it.
  for (const key of new Set(Object.values(SECTION_OF))) {
    if (x[key] !== undefined && key !== SECTION_OF[engine]) fail(name, key, x[key], `used by engine ${String(engine)}`);
  }
  const sec = (key: string): Obj => {
    const s = x[key];
    if (!isObj(s)) fail(name, key, s, `an object (required by engine ${String(engine)})`);
    const known = SECTION_KEYS[key];
    if (known) for (const k of Object.keys(s)) if (!known.has(k)) fail(name, `${key}.${k}`, s[k], 'a known field');
    return s;
  };
  num(x, '', 'clockMHz', 1e-3, 1e6);
  int(x, '', 'weightBits', 2, 32);
  int(x, '', 'activationBits', 1, 32);
  int(x, '', 'accumulatorBits', 1, 64);
  bool(x, '', 'skipZeroActivations');
  const pk = sec('packing');
  oneOf(pk, 'packing.', 'style', PackingStyles);
  int(pk, 'packing.', 'multiplierBits', 1, 64);
  int(pk, 'packing.', 'maxFactor', 1, 4096);
  const m = sec('memory');
  for (const k of ['ifmapSramBytes', 'filterSramBytes', 'ofmapSramBytes']) int(m, 'memory.', k, 1, 2 ** 40);
  num(m, 'memory.', 'dramBytesPerCycle', 1e-6, 1e9);
  bool(m, 'memory.', 'overlap');
  bool(m, 'memory.', 'doubleBuffered');
  if (engine === 'systolic') {
    const s = sec('systolic');
    int(s, 'systolic.', 'rows', 1, 65536);
    int(s, 'systolic.', 'cols', 1, 65536);
    oneOf(s, 'systolic.', 'dataflow', Dataflows);
    if (s['sparse'] !== undefined) {
      const sp = s['sparse'];
      if (!isObj(sp)) fail(name, 'systolic.sparse', sp, 'an object { g, n }');
      int(sp, 'systolic.sparse.', 'g', 1, 4096);
      int(sp, 'systolic.sparse.', 'n', 1, sp['g'] as number);
      if (s['dataflow'] !== 'ws')
        fail(name, 'systolic.dataflow', s['dataflow'], "'ws' (sparse rows need weight-stationary)");
    }
  } else if (engine === 'group' || engine === 'aap-lowcplx') {
    const g = sec('group');
    int(g, 'group.', 'tk', 1, 65536);
    int(g, 'group.', 'g', 1, 4096);
    int(g, 'group.', 'm', 1, 65536);
    bool(g, 'group.', 'lockstep');
    bool(g, 'group.', 'alignGroupsToRows');
    oneOf(g, 'group.', 'groupShape', GroupShapes);
    oneOf(g, 'group.', 'windowAxis', ['channel', 'flat']);
    num(g, 'group.', 'fetchWindowsPerCycle', 1, 65536);
    int(g, 'group.', 'layerOverheadCycles', 0, 1e12);
  } else if (engine === 'krp') {
    const k = sec('krp');
    int(k, 'krp.', 'pc', 1, 65536);
    int(k, 'krp.', 'pk', 1, 65536);
    for (const b of ['rowMux', 'shifters', 'weightStationary']) bool(k, 'krp.', b);
  } else if (engine === 'subword') {
    const s = sec('subword');
    int(s, 'subword.', 'pes', 1, 1 << 20);
    int(s, 'subword.', 'datapathBits', 1, 256);
    int(s, 'subword.', 'busBits', 1, 4096);
    num(s, 'subword.', 'cMem', 0, 1e6);
    num(s, 'subword.', 'tCtrl', 0, 1e12);
    num(s, 'subword.', 'ctrlPerMacCycle', 0, 1e6);
    oneOf(s, 'subword.', 'outputWords', ['datapath', 'operand']);
  } else {
    const c = sec('clustered');
    for (const k of ['pes', 'adders', 'multipliers', 'denseMacsPerPe', 'comparators'])
      int(c, 'clustered.', k, 1, 1 << 20);
    oneOf(c, 'clustered.', 'mode', ['W', 'WA']);
    bool(c, 'clustered.', 'pipelined');
    int(c, 'clustered.', 'onlineIterations', 0, 1000);
  }
  return x as unknown as HardwareConfig;
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined && k !== 'source' && k !== 'name')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Stable 16-hex-digit hash of everything that affects results: key order, `name` and `source` text are
 * excluded, so a custom config equal to a preset has the preset's hash.
 */
export function hardwareHash(hw: HardwareConfig): string {
  return createHash('sha256').update(stable(hw)).digest('hex').slice(0, 16);
}

/** Products per multiplier per cycle for operand widths bw, ba (docs/simulator.md §4.4). */
export function packingFactor(hw: HardwareConfig, bw: number, ba: number): number {
  const { style, multiplierBits: B, maxFactor } = hw.packing;
  if (style === 'none') return 1;
  const pf = style === 'dsp' ? Math.floor(B / Math.max(bw, 1)) : Math.floor(B / ba) * Math.floor(B / bw);
  return Math.max(1, Math.min(maxFactor, pf));
}
