/**
 * SCALE-Sim v2 `.cfg` reader (INI as Python's configparser reads it: `key: value` or `key = value`,
 * case-insensitive keys, `#`/`;` comment lines). Produces a systolic {@link HardwareConfig}.
 */
import { HwsweepError } from '../errors.js';
import { validateHardware } from './hardware.js';
import { DEFAULT_MACHINE } from './presets.js';
import type { HardwareConfig } from './types.js';

interface Entry {
  value: string;
  line: number;
}

function err(file: string, line: number | null, msg: string, field?: string): never {
  throw new HwsweepError('SIM_CONFIG_INVALID', `${file}${line !== null ? `:${line}` : ''}: ${msg}`, {
    context: { file, ...(line !== null ? { line } : {}), ...(field ? { field } : {}) },
  });
}

/** Parses the INI text into section -> lower-case key -> value (with line numbers). */
function parseIni(text: string, file: string): Map<string, Map<string, Entry>> {
  const secs = new Map<string, Map<string, Entry>>();
  let cur: Map<string, Entry> | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      cur = new Map();
      secs.set((sec[1] as string).trim().toLowerCase(), cur);
      return;
    }
    const m = /^([^:=]+)[:=](.*)$/.exec(line);
    if (!m) err(file, i + 1, `"${line}" is not a "key: value" line`);
    if (!cur) err(file, i + 1, `"${line}" appears before any [section]`);
    (cur as Map<string, Entry>).set((m[1] as string).trim().toLowerCase(), {
      value: (m[2] as string).trim(),
      line: i + 1,
    });
  });
  return secs;
}

/**
 * Reads a SCALE-Sim v2 config into a `systolic` hardware config (CALC/USER both accepted; USER's
 * `Bandwidth` becomes bytes per cycle). Errors name the file, line or key, and the reason.
 */
export function parseScaleSimCfg(text: string, file = '<config>'): HardwareConfig {
  const ini = parseIni(text, file);
  const arch = ini.get('architecture_presets');
  if (!arch) err(file, null, 'missing section [architecture_presets]', 'architecture_presets');
  const get = (key: string, label: string): Entry => {
    const e = arch.get(key);
    if (!e) err(file, null, `missing [architecture_presets] ${label}`, label);
    return e;
  };
  const int = (key: string, label: string, lo: number): number => {
    const e = get(key, label);
    if (!/^\d+$/.test(e.value) || Number(e.value) < lo)
      err(file, e.line, `${label} = "${e.value}" is not an integer >= ${lo}`, label);
    return Number(e.value);
  };
  const rows = int('arrayheight', 'ArrayHeight', 1);
  const cols = int('arraywidth', 'ArrayWidth', 1);
  const ifm = int('ifmapsramszkb', 'IfmapSramSzkB', 1);
  const fil = int('filtersramszkb', 'FilterSramSzkB', 1);
  const ofm = int('ofmapsramszkb', 'OfmapSramSzkB', 1);
  const dfE = get('dataflow', 'Dataflow');
  const df = dfE.value.toLowerCase();
  if (df !== 'os' && df !== 'ws' && df !== 'is')
    err(file, dfE.line, `Dataflow = "${dfE.value}" is not one of os, ws, is`, 'Dataflow');
  const run = ini.get('run_presets')?.get('interfacebandwidth');
  const mode = run ? run.value.toUpperCase() : 'CALC';
  if (run && mode !== 'CALC' && mode !== 'USER')
    err(file, run.line, `InterfaceBandwidth = "${run.value}" is not CALC or USER`, 'InterfaceBandwidth');
  let bpc = 10;
  const bwE = arch.get('bandwidth');
  if (bwE) {
    const first = (bwE.value.split(',')[0] ?? '').trim();
    if (!/^\d+(\.\d+)?$/.test(first) || Number(first) <= 0)
      err(file, bwE.line, `Bandwidth = "${bwE.value}" is not a positive number`, 'Bandwidth');
    bpc = Number(first);
  } else if (mode === 'USER')
    err(file, null, 'missing [architecture_presets] Bandwidth (required in USER mode)', 'Bandwidth');
  const sp = ini.get('sparsity')?.get('sparsitysupport');
  if (sp && sp.value.toLowerCase() === 'true')
    err(
      file,
      sp.line,
      'SparsitySupport = true is not supported (use a systolic.sparse hardware config)',
      'SparsitySupport',
    );
  const name = ini.get('general')?.get('run_name')?.value ?? file;
  return validateHardware({
    name,
    engine: 'systolic',
    ...DEFAULT_MACHINE,
    packing: { ...DEFAULT_MACHINE.packing },
    memory: {
      ifmapSramBytes: ifm * 1024,
      filterSramBytes: fil * 1024,
      ofmapSramBytes: ofm * 1024,
      dramBytesPerCycle: bpc,
      overlap: false,
      doubleBuffered: true,
    },
    systolic: { rows, cols, dataflow: df },
    source: `SCALE-Sim cfg ${file} (InterfaceBandwidth ${mode})`,
  });
}
