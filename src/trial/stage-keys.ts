/**
 * A trial as a path through content-addressed stages: baseline -> pruned and retrained model (`retrained`) ->
 * quantized / clustered and evaluated model (`compressed`) -> one simulation per hardware configuration
 * (`simulation`). Each stage's key hashes exactly the inputs that determine its result, so trials (of any sweep)
 * with equal keys share one computation. One definition of the keys: the activities and the store use these.
 *
 * The keys are built by EXCLUSION: a stage's inputs are every trial parameter except those known to matter only
 * to a later stage. A parameter added to `TrialConfig` later is therefore part of every key until it is listed
 * here: never a wrong reuse, at worst less sharing.
 */
import { hardwareHash, resolveHardware } from '../accel/index.js';
import { shortHash } from '../spec/hash.js';
import type { AcceleratorSpec, TrialConfig } from '../spec/index.js';

export const STAGE_KINDS = ['retrained', 'compressed', 'simulation'] as const;
/** What a stage computes: a retrained model, a compressed (and evaluated) model, a simulation on one hardware. */
export type StageKind = (typeof STAGE_KINDS)[number];

/**
 * Parameters that only the compression stage reads (quantization and clustering): not part of the retrained key,
 * except {@link INQ_FIELDS} for trials with incremental power-of-two retraining (`inq`), which quantizes during
 * retraining.
 */
export const COMPRESSION_FIELDS = [
  'weightBits',
  'weightFormat',
  'pow2SignBased',
  'activationBits',
  'threshold',
  'percentile',
  'rounding',
  'calibrationSize',
  'weightClusters',
  'activationClusters',
  'clusterInit',
] as const satisfies readonly (keyof TrialConfig)[];

/** What INQ (`src/trial/inq.ts`, run inside the retrained stage) reads of the compression parameters. */
export const INQ_FIELDS = ['weightBits', 'weightFormat', 'pow2SignBased'] as const satisfies readonly (typeof COMPRESSION_FIELDS)[number][];

/** Parameters identified by the baseline key (the retrained key holds the key instead of the fields). */
const BASELINE_FIELDS = ['model', 'width', 'modelFile', 'dataset', 'baseline', 'data'] as const satisfies readonly (keyof TrialConfig)[];
/** Read by the simulation stage only (one simulation stage per hardware), or identities rather than inputs. */
const NOT_INPUTS = ['accelerators', 'configHash', 'baselineKey'] as const satisfies readonly (keyof TrialConfig)[];

export interface StageRef {
  kind: StageKind;
  key: string;
  /** What the key hashes (stored with the stage for provenance). */
  inputs: Record<string, unknown>;
}

export interface SimulationStageRef extends StageRef {
  kind: 'simulation';
  /** The accelerator's name in the trial's spec (a preset name, or a custom config's `name`). */
  accelerator: string;
  /** Position of the accelerator in `TrialConfig.accelerators`. */
  index: number;
  hardwareHash: string;
}

/** The stages one trial passes through, in order. */
export interface TrialStages {
  retrained: StageRef;
  compressed: StageRef;
  simulations: SimulationStageRef[];
}

function omit(t: TrialConfig, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (!fields.includes(k)) out[k] = v;
  return out;
}

const keyOf = (kind: StageKind, inputs: Record<string, unknown>): string => shortHash({ kind, ...inputs });

/** The accelerator's name as simulation rows record it: a preset's name, or a custom config's `name`. */
export function acceleratorName(spec: AcceleratorSpec, resolvedName: string): string {
  return typeof spec === 'string' ? spec : resolvedName;
}

/**
 * The stage keys of a trial. `retrained`: baseline key + pruning + retraining recipe (+ INQ and the pow2 width it
 * quantizes to) + seed (every parameter but the compression ones and the accelerators); `compressed`: the retrained key + quantization and clustering;
 * `simulation`: the compressed key + the hardware hash (so two names for one hardware share a simulation).
 */
export function trialStages(t: TrialConfig): TrialStages {
  const compressionOnly = t.inq === null ? COMPRESSION_FIELDS : COMPRESSION_FIELDS.filter((f) => !(INQ_FIELDS as readonly string[]).includes(f));
  const retrainedInputs = { baselineKey: t.baselineKey, ...omit(t, [...compressionOnly, ...BASELINE_FIELDS, ...NOT_INPUTS]) };
  const retrained: StageRef = { kind: 'retrained', key: keyOf('retrained', retrainedInputs), inputs: retrainedInputs };
  const compressedInputs: Record<string, unknown> = { retrained: retrained.key };
  for (const f of COMPRESSION_FIELDS) compressedInputs[f] = t[f];
  const compressed: StageRef = { kind: 'compressed', key: keyOf('compressed', compressedInputs), inputs: compressedInputs };
  const simulations = t.accelerators.map((spec, index): SimulationStageRef => {
    const hw = resolveHardware(spec);
    const inputs = { compressed: compressed.key, hardwareHash: hardwareHash(hw) };
    return { kind: 'simulation', key: keyOf('simulation', inputs), inputs, accelerator: acceleratorName(spec, hw.name), index, hardwareHash: inputs.hardwareHash };
  });
  return { retrained, compressed, simulations };
}
