/**
 * Model-level pruning entry point: layer descriptors + HWIO weights in, masks + achieved-ratio
 * report out. Weights are never modified.
 */
import { HwsweepError, checkArg } from '../../errors.js';
import type { LayerDescriptor } from '../../shared/layer.js';
import { filterMask } from './filter.js';
import { groupBalancedMask } from './group-balanced.js';
import type { GroupShape } from './group-balanced.js';
import { kernelRowMask } from './kernel-row.js';
import { globalMagnitudeMasks, magnitudeMask } from './magnitude.js';
import { countKept, denseMask } from './mask.js';
import { checkRatio, shapeSize } from './params.js';
import { PruneMethods } from './prune-config.js';
import type {
  FilterConfig,
  GroupBalancedConfig,
  KernelRowConfig,
  LayerPruneReport,
  PruneConfig,
  PruneReport,
  PruneResult,
  RatioSummary,
} from './prune-config.js';

/** A network as the pruners see it: descriptors (order = network order) and weights by layer name. */
export interface PrunableModel {
  layers: readonly LayerDescriptor[];
  /** Kernel per layer name in the layout of `LayerDescriptor.weightShape` (HWIO / `[inC, outC]`). */
  weights: ReadonlyMap<string, Float32Array>;
}

type Ctx = { layer: LayerDescriptor; w: Float32Array; prev: Uint8Array | undefined; isLastFc: boolean };
type LayerOutcome = {
  mask: Uint8Array;
  report: Omit<LayerPruneReport, 'name' | 'kind' | 'total' | 'kept' | 'achievedRatio'>;
  keptRows?: Uint32Array;
};

const where = 'pruneModel';

function skipped(w: Float32Array, reason: string): LayerOutcome {
  return { mask: denseMask(w.length), report: { applied: 'none', requestedRatio: null, skipped: reason } };
}

function layerRatio(cfg: PruneConfig, ctx: Ctx, fallback: number): number {
  return cfg.layerRatios?.[ctx.layer.name] ?? fallback;
}

function groupBalanced(cfg: GroupBalancedConfig, ctx: Ctx): LayerOutcome {
  const { layer, w } = ctx;
  const g = cfg.groupSize ?? 16;
  let shape: GroupShape = cfg.groupShape ?? 'vector';
  if (layer.kind === 'depthwise') {
    if ((cfg.depthwisePolicy ?? 'skip') === 'skip') return skipped(w, 'depthwise (depthwisePolicy: skip)');
    shape = 'taps';
  } else if (layer.kind === 'fc') {
    if ((cfg.fcPolicy ?? 'group') === 'dense') return skipped(w, 'fc (fcPolicy: dense)');
    shape = 'vector';
  } else if ((layer.weightShape[2] ?? 0) < g) {
    if ((cfg.firstLayerPolicy ?? 'skip') === 'skip') {
      return skipped(w, `inC = ${layer.weightShape[2]} < groupSize = ${g} (firstLayerPolicy: skip)`);
    }
    shape = 'flat';
  }
  const fcRatio = cfg.fcRatio ?? cfg.ratio;
  const explicit =
    cfg.layerRatios?.[layer.name] ??
    (layer.kind === 'fc' ? (ctx.isLastFc ? (cfg.lastFcRatio ?? cfg.fcRatio) : cfg.fcRatio) : undefined);
  const useKeep = explicit === undefined && cfg.keep !== undefined;
  const ratio = explicit ?? (layer.kind === 'fc' ? fcRatio : cfg.ratio);
  const res = groupBalancedMask(w, layer.weightShape, {
    groupSize: g,
    ...(useKeep ? { keep: cfg.keep } : { ratio }),
    groupShape: shape,
    partial: cfg.partial ?? 'pad',
    ...(ctx.prev ? { prevMask: ctx.prev } : {}),
  });
  return {
    mask: res.mask,
    report: {
      applied: `gbp-${shape}`,
      requestedRatio: useKeep ? null : ratio,
      groupSize: g,
      keepPerFullGroup: res.keepPerFullGroup,
      fullGroupSize: res.fullGroupSize,
    },
  };
}

function kernelRow(cfg: KernelRowConfig, ctx: Ctx): LayerOutcome {
  const { layer, w } = ctx;
  if (layer.kind === 'fc') {
    const fcRatio = cfg.fcRatio ?? cfg.ratio;
    const r = layerRatio(cfg, ctx, ctx.isLastFc ? (cfg.lastFcRatio ?? fcRatio) : fcRatio);
    return {
      mask: magnitudeMask(w, r, ctx.prev ? { prevMask: ctx.prev } : {}),
      report: { applied: 'magnitude', requestedRatio: r },
    };
  }
  if (layer.kind === 'depthwise' && cfg.krpDepthwise === false) return skipped(w, 'depthwise (krpDepthwise: false)');
  if (layer.kernelH < 2) {
    if ((cfg.pointwisePolicy ?? 'dense') === 'dense')
      return skipped(w, `kernelH = ${layer.kernelH} (single row; pointwisePolicy: dense)`);
    const r = layerRatio(cfg, ctx, cfg.pointwiseRatio ?? cfg.ratio);
    return {
      mask: magnitudeMask(w, r, ctx.prev ? { prevMask: ctx.prev } : {}),
      report: { applied: 'magnitude', requestedRatio: r },
    };
  }
  const res = kernelRowMask(w, layer.weightShape, { rowsKept: cfg.rowsKept ?? 1 });
  return {
    mask: res.mask,
    keptRows: res.keptRows,
    report: { applied: 'kernel-row', requestedRatio: null, rowsKept: res.rowsKept },
  };
}

function filter(cfg: FilterConfig, ctx: Ctx): LayerOutcome {
  const { layer, w } = ctx;
  if (layer.kind === 'fc' && ctx.isLastFc) return skipped(w, 'last fc (its output units are the classes)');
  if (layer.kind === 'fc' && cfg.includeFc === false) return skipped(w, 'fc (includeFc: false)');
  if (layer.kind === 'depthwise' && cfg.includeDepthwise !== true)
    return skipped(w, 'depthwise (includeDepthwise: false)');
  const r = layerRatio(cfg, ctx, cfg.ratio);
  const res = filterMask(w, layer.weightShape, r, layer.kind === 'depthwise');
  return { mask: res.mask, report: { applied: 'filter', requestedRatio: r, prunedChannels: res.prunedChannels } };
}

function summary(rows: readonly LayerPruneReport[]): RatioSummary {
  const total = rows.reduce((s, r) => s + r.total, 0);
  const kept = rows.reduce((s, r) => s + r.kept, 0);
  return { total, kept, achievedRatio: total === 0 ? 0 : 1 - kept / total };
}

function validate(model: PrunableModel, cfg: PruneConfig): void {
  checkArg(PruneMethods.includes(cfg.method), where, 'method', cfg.method, `one of ${PruneMethods.join(', ')}`);
  checkRatio(where, cfg.ratio);
  const names = new Set(model.layers.map((l) => l.name));
  for (const l of model.layers) {
    const w = model.weights.get(l.name);
    if (!w || w.length !== shapeSize(l.weightShape)) {
      throw new HwsweepError(
        'SHAPE_MISMATCH',
        `${where}: layer ${l.name} needs weights of length ${shapeSize(l.weightShape)} (shape [${l.weightShape.join(', ')}]), got ${w ? w.length : 'none'}`,
        { context: { layer: l.name } },
      );
    }
  }
  for (const n of cfg.skip ?? []) checkArg(names.has(n), where, 'skip', n, 'a layer name of the model');
  for (const [n, r] of Object.entries(cfg.layerRatios ?? {})) {
    checkArg(names.has(n), where, 'layerRatios', n, 'keyed by layer names of the model');
    checkRatio(where, r, `layerRatios.${n}`);
  }
  for (const n of cfg.prevMasks?.keys() ?? [])
    checkArg(names.has(n), where, 'prevMasks', n, 'keyed by layer names of the model');
  if (cfg.method === 'magnitude' && cfg.scope === 'global') {
    checkArg(cfg.layerRatios === undefined, where, 'layerRatios', 'set', 'undefined with scope global');
  }
  for (const key of ['fcRatio', 'lastFcRatio', 'pointwiseRatio'] as const) {
    const v = (cfg as Partial<Record<typeof key, number>>)[key];
    if (v !== undefined) checkRatio(where, v, key);
  }
}

/**
 * Prunes a model with one method and reports the achieved ratios (from the masks, never the
 * requested ones).
 * @param model descriptors + weights (HWIO conv `[kh, kw, inC, outC]`, depthwise `[kh, kw, inC, mult]`, dense `[inC, outC]`)
 * @param cfg method configuration; see {@link PruneConfig}
 */
export function pruneModel(model: PrunableModel, cfg: PruneConfig): PruneResult {
  validate(model, cfg);
  const skip = new Set(cfg.skip ?? []);
  const lastFc = [...model.layers].reverse().find((l) => l.kind === 'fc')?.name;
  const outcomes = new Map<string, LayerOutcome>();
  const ctxs = model.layers.map((layer): Ctx => ({
    layer,
    w: model.weights.get(layer.name) as Float32Array,
    prev: cfg.prevMasks?.get(layer.name),
    isLastFc: layer.name === lastFc,
  }));
  if (cfg.method === 'magnitude' && cfg.scope === 'global') {
    const alone = (c: Ctx) => c.isLastFc && cfg.lastFcRatio !== undefined;
    const active = ctxs.filter((c) => !skip.has(c.layer.name) && !alone(c));
    const masks = globalMagnitudeMasks(
      active.map((c) => c.w),
      cfg.ratio,
      active.map((c) => c.prev),
    );
    active.forEach((c, i) =>
      outcomes.set(c.layer.name, {
        mask: masks[i] as Uint8Array,
        report: { applied: 'magnitude-global', requestedRatio: cfg.ratio },
      }),
    );
  }
  const keptRows = new Map<string, Uint32Array>();
  const layers: LayerPruneReport[] = [];
  for (const ctx of ctxs) {
    const { layer, w } = ctx;
    let out = outcomes.get(layer.name);
    if (skip.has(layer.name)) out = skipped(w, 'listed in skip');
    else if (!out) {
      switch (cfg.method) {
        case 'magnitude': {
          const r = layerRatio(cfg, ctx, ctx.isLastFc ? (cfg.lastFcRatio ?? cfg.ratio) : cfg.ratio);
          out = {
            mask: magnitudeMask(w, r, ctx.prev ? { prevMask: ctx.prev } : {}),
            report: { applied: 'magnitude', requestedRatio: r },
          };
          break;
        }
        case 'group-balanced':
          out = groupBalanced(cfg, ctx);
          break;
        case 'kernel-row':
          out = kernelRow(cfg, ctx);
          break;
        case 'filter':
          out = filter(cfg, ctx);
          break;
      }
    }
    outcomes.set(layer.name, out);
    if (out.keptRows) keptRows.set(layer.name, out.keptRows);
    const kept = countKept(out.mask);
    layers.push({
      name: layer.name,
      kind: layer.kind,
      total: w.length,
      kept,
      achievedRatio: w.length ? 1 - kept / w.length : 0,
      ...out.report,
    });
  }
  const report: PruneReport = {
    method: cfg.method,
    requestedRatio: cfg.ratio,
    overall: summary(layers),
    conv: summary(layers.filter((l) => l.kind !== 'fc')),
    fc: summary(layers.filter((l) => l.kind === 'fc')),
    layers,
    skipped: layers.flatMap((l) => (l.skipped !== undefined ? [{ name: l.name, reason: l.skipped }] : [])),
  };
  const masks = new Map<string, Uint8Array>();
  for (const [name, o] of outcomes) masks.set(name, o.mask);
  return { masks, keptRows, report };
}
