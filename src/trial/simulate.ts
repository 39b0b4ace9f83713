import {
  createMaskStatsCache,
  resolveHardware,
  simulateNetwork,
  type LayerCompression,
  type NetworkReport,
} from '../accel/index.js';
import type { AcceleratorSpec } from '../spec/index.js';
import type { SimInput } from './sim-input.js';

/** The simulator's per-layer compression artefacts from a trial's stored SimInput. */
export function layerCompression(s: SimInput): Map<string, LayerCompression> {
  const out = new Map<string, LayerCompression>();
  for (const p of s.perLayer) {
    const mask = s.masks.get(p.name);
    const codes = s.codes.get(p.name);
    out.set(p.name, {
      ...(mask ? { mask } : {}),
      ...(p.weightBits !== null ? { weightBits: p.weightBits } : {}),
      ...(p.activationBits !== null ? { activationBits: p.activationBits } : {}),
      ...(codes && p.weightClusters !== null ? { weightCodes: codes, weightClusters: p.weightClusters } : {}),
      ...(p.activationClusters !== null ? { activationClusters: p.activationClusters } : {}),
      ...(p.activationDensity !== null ? { activationDensity: p.activationDensity } : {}),
    });
  }
  return out;
}

/**
 * Simulates one compressed network on every accelerator, sharing the mask-statistics cache so each further
 * configuration reuses the popcounts of the first. `onReport` runs after each (persist + heartbeat there).
 */
export async function simulateAll(
  s: SimInput,
  accelerators: AcceleratorSpec[],
  onReport: (accelerator: string, report: NetworkReport) => Promise<void>,
): Promise<void> {
  const cache = createMaskStatsCache();
  const compression = layerCompression(s);
  for (const spec of accelerators) {
    const hw = resolveHardware(spec);
    const report = simulateNetwork(s.layers, compression, hw, { cache });
    await onReport(typeof spec === 'string' ? spec : hw.name, report);
  }
}
