/**
 * `hwsweep simulate`: runs the accelerator simulator standalone on a SCALE-Sim topology CSV with a
 * preset, a SCALE-Sim `.cfg` or a JSON hardware config, optionally with per-layer masks.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Command, Option } from 'commander';
import { HwsweepError } from '../../errors.js';
import { integerArg, numberArg } from '../args.js';
import {
  CompatModes,
  EnergyPresetNames,
  formatReportTable,
  parseScaleSimCfg,
  parseTopologyCsv,
  presets,
  resolveHardware,
  simulateNetwork,
} from '../../accel/index.js';
import type { Compat, EnergyPresetName, HardwareConfig, LayerCompression, NetworkReport } from '../../accel/index.js';

export interface SimulateCliOptions {
  topology: string;
  config: string;
  compat?: Compat;
  masks?: string[];
  energy?: EnergyPresetName;
  json?: boolean;
  /** `-i gemm` style topology (`Layer, M, N, K,`); auto-detected from the header otherwise. */
  gemm?: boolean;
  /** Widths and activation density for every layer a masks file does not set (strings as typed, checked here). */
  weightBits?: number;
  activationBits?: number;
  activationDensity?: number;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new HwsweepError('INVALID_ARGUMENT', `${what} ${file} cannot be read: ${(e as Error).message}`, {
      context: { file },
      cause: e,
    });
  }
}

/** Preset name, SCALE-Sim `.cfg` file or JSON hardware config file (`{ base?: preset, ... }`). */
export function loadHardware(config: string): HardwareConfig {
  const ext = extname(config).toLowerCase();
  if (ext === '.cfg') return parseScaleSimCfg(readText(config, 'config'), config);
  if (ext === '.json') {
    let obj: unknown;
    try {
      obj = JSON.parse(readText(config, 'config'));
    } catch (e) {
      if (e instanceof HwsweepError) throw e;
      throw new HwsweepError('SIM_CONFIG_INVALID', `${config}: not valid JSON (${(e as Error).message})`, {
        context: { file: config },
      });
    }
    return resolveHardware(obj as object);
  }
  return resolveHardware(config);
}

function decodeMask(v: unknown, where: string): Uint8Array {
  if (Array.isArray(v)) return Uint8Array.from(v.map((x) => (x ? 1 : 0)));
  if (typeof v === 'string') {
    if (v.startsWith('base64:')) return new Uint8Array(Buffer.from(v.slice(7), 'base64'));
    if (/^[01]*$/.test(v)) return Uint8Array.from(v, (ch) => (ch === '1' ? 1 : 0));
  }
  throw new HwsweepError('INVALID_ARGUMENT', `${where}: mask must be an array of 0/1, a "0101…" string or "base64:…"`, {
    context: { where },
  });
}

/**
 * Reads mask files into per-layer compression entries. `x.json`: `{ "<layer>": { "mask": …, "weightBits"?: …,
 * "activationBits"?: …, "activationDensity"?: … } }`; `x.bin`: raw bytes (0/1, HWIO order) for layer `x`;
 * `layer=file.bin`: raw bytes for `layer`.
 */
export function loadMasks(files: string[]): Map<string, LayerCompression> {
  const out = new Map<string, LayerCompression>();
  for (const spec of files) {
    const eq = spec.indexOf('=');
    const [layerOverride, file] =
      eq > 0 && !spec.slice(0, eq).includes('/') ? [spec.slice(0, eq), spec.slice(eq + 1)] : [null, spec];
    if (extname(file).toLowerCase() === '.json') {
      let obj: unknown;
      try {
        obj = JSON.parse(readText(file, 'masks'));
      } catch (e) {
        if (e instanceof HwsweepError) throw e;
        throw new HwsweepError('INVALID_ARGUMENT', `${file}: not valid JSON (${(e as Error).message})`, {
          context: { file },
        });
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
        throw new HwsweepError('INVALID_ARGUMENT', `${file}: expected an object keyed by layer name`, {
          context: { file },
        });
      for (const [layer, entry] of Object.entries(obj as Record<string, Record<string, unknown>>)) {
        const c: LayerCompression = { ...(out.get(layer) ?? {}) };
        if (entry['mask'] !== undefined) c.mask = decodeMask(entry['mask'], `${file} ${layer}`);
        for (const k of [
          'weightBits',
          'activationBits',
          'activationDensity',
          'weightClusters',
          'activationClusters',
        ] as const)
          if (typeof entry[k] === 'number') c[k] = entry[k];
        out.set(layer, c);
      }
    } else {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new HwsweepError('INVALID_ARGUMENT', `masks ${file} cannot be read: ${(e as Error).message}`, {
          context: { file },
        });
      }
      const layer = layerOverride ?? basename(file, extname(file));
      out.set(layer, { ...(out.get(layer) ?? {}), mask: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) });
    }
  }
  return out;
}

/** The command's action: simulate and print (JSON report or table). Returns the report. */
export function runSimulate(
  opts: SimulateCliOptions,
  write: (s: string) => void = (s) => process.stdout.write(s),
): NetworkReport {
  const layers = parseTopologyCsv(readText(opts.topology, 'topology'), opts.topology, opts.gemm ? 'gemm' : 'auto');
  const hw = loadHardware(opts.config);
  const masks = loadMasks(opts.masks ?? []);
  const names = new Set(layers.map((l) => l.name));
  for (const k of masks.keys())
    if (!names.has(k))
      throw new HwsweepError('INVALID_ARGUMENT', `masks: layer "${k}" is not in ${opts.topology}`, {
        context: { layer: k, topology: opts.topology },
      });
  const defaults: LayerCompression = {
    ...(opts.weightBits !== undefined ? { weightBits: opts.weightBits } : {}),
    ...(opts.activationBits !== undefined ? { activationBits: opts.activationBits } : {}),
    ...(opts.activationDensity !== undefined ? { activationDensity: opts.activationDensity } : {}),
  };
  for (const l of layers) masks.set(l.name, { ...defaults, ...(masks.get(l.name) ?? {}) });
  const report = simulateNetwork(layers, masks, hw, {
    compat: opts.compat ?? 'native',
    energy: opts.energy ?? 'horowitz45',
  });
  write(opts.json ? `${JSON.stringify(report)}\n` : `${formatReportTable(report)}\n`);
  return report;
}

/** `hwsweep simulate --topology net.csv --config <preset | file.cfg | file.json> [--compat scalesim] [--masks …] [--json]`. */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('simulate a network (SCALE-Sim topology CSV) on an accelerator preset or config')
    .requiredOption('--topology <file>', 'SCALE-Sim topology CSV (conv form, or `Layer, M, N, K,` gemm form)')
    .requiredOption('--config <preset|file>', 'preset name, SCALE-Sim .cfg file, or JSON hardware config')
    .addOption(new Option('--compat <mode>', 'shape/word conventions').choices(CompatModes).default('native'))
    .option('--masks <files...>', 'masks: x.json ({layer: {mask, weightBits, ...}}), layer.bin or layer=file.bin')
    .option(
      '--weight-bits <b>',
      'weight width of every layer (a masks file entry overrides)',
      integerArg('--weight-bits', 2, 32),
    )
    .option('--activation-bits <b>', 'activation width of every layer', integerArg('--activation-bits', 1, 32))
    .option(
      '--activation-density <d>',
      'fraction of non-zero input activations of every layer (used only by hardware with skipZeroActivations)',
      numberArg('--activation-density', 0, 1),
    )
    .addOption(new Option('--energy <model>', 'energy table').choices([...EnergyPresetNames]).default('horowitz45'))
    .option('--gemm', 'read the topology as `-i gemm` rows (Layer, M, N, K)')
    .option('--json', 'print the full JSON report (layers[] with name, totalCycles, …, and totals)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ hwsweep simulate --topology resnet50.csv --config scalesim-scale --compat scalesim\n' +
        '  $ hwsweep simulate --topology vgg16.csv --config kang-cx --masks masks.json --json\n' +
        '  $ hwsweep simulate --topology vgg16.csv --config zhu-array --weight-bits 4 --activation-bits 8\n' +
        '  $ hwsweep simulate --topology net.csv --config google.cfg --compat scalesim\n' +
        `presets: ${Object.keys(presets).join(', ')}`,
    )
    .action((opts: SimulateCliOptions) => {
      runSimulate(opts);
    });
}
