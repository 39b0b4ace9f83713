/**
 * The spec's `strategy` block: a sampler (`type`, with its options) and an optional `pruner` (early stopping),
 * both looked up in the search registry (src/search/registry.ts), whose option schemas validate them. Issues
 * carry precise paths (`strategy.pruner.reductionFactor: 1 is not in [2, 100]`).
 */
import { z } from 'zod';
import { createPruner, pruners, samplers, type PrunerSpec, type StrategySpec } from '../search/registry.js';
import type { PathSeg, RawIssue } from './issues.js';
import type { SweepSpec } from './types.js';
import { describeValue, oneOf, UNKNOWN_KEYS_MARK } from './zod-helpers.js';

interface Definition {
  optionKeys: readonly string[];
  options: z.ZodType<object>;
}

/** `a`, `a and b`, `a, b and c`. */
function enumerate(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/**
 * Validates one block (`{ type, ...options }` or a bare name) against `registry`, reporting issues relative to
 * the block. Options that belong to another entry of the registry are reported as such, not as unknown keys.
 */
function parseBlock(
  value: unknown,
  ctx: z.RefinementCtx,
  registry: Record<string, Definition>,
  what: 'strategy' | 'pruner',
  reserved: readonly string[],
): ({ type: string } & Record<string, unknown>) | undefined {
  const names = Object.keys(registry);
  const v = typeof value === 'string' ? { type: value } : value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a ${what} name (${names.join(', ')}) or a mapping with a type, got ${describeValue(value)}`,
    });
    return undefined;
  }
  const raw = v as Record<string, unknown>;
  const type = oneOf(names as [string, ...string[]]).safeParse(raw['type']);
  if (!type.success) {
    for (const iss of type.error.issues) ctx.addIssue({ code: 'custom', path: ['type'], message: iss.message });
    return undefined;
  }
  const def = registry[type.data] as Definition;
  const options: Record<string, unknown> = {};
  for (const [key, val] of Object.entries(raw)) {
    if (key === 'type' || reserved.includes(key)) continue;
    const users = names.filter((n) => n !== type.data && registry[n]?.optionKeys.includes(key));
    if (!def.optionKeys.includes(key) && users.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `only used by the ${enumerate(users)} ${what}${users.length > 1 ? (what === 'strategy' ? ' types' : 's') : ''}`,
      });
      continue;
    }
    options[key] = val;
  }
  const parsed = def.options.safeParse(options);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      let message = iss.message;
      if (message.startsWith(UNKNOWN_KEYS_MARK)) {
        // Suggest among every key the block accepts, not only the options.
        const info = JSON.parse(message.slice(UNKNOWN_KEYS_MARK.length)) as { keys: string[]; known: string[] };
        message = UNKNOWN_KEYS_MARK + JSON.stringify({ keys: info.keys, known: ['type', ...info.known, ...reserved] });
      }
      ctx.addIssue({ code: 'custom', path: iss.path.filter((p): p is PathSeg => typeof p !== 'symbol'), message });
    }
    return undefined;
  }
  return { type: type.data, ...parsed.data };
}

/**
 * `strategy`: a sampler name, or `{ type, ...sampler options, pruner? }` where `pruner` is a pruner name or
 * `{ type, ...pruner options }`. Omitted or empty: `grid`.
 */
export const strategySchema = z.unknown().transform((value, ctx): StrategySpec => {
  const sampler = parseBlock(value ?? 'grid', ctx, samplers, 'strategy', ['pruner']);
  const rawPruner =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['pruner'] : undefined;
  let pruner: ({ type: string } & Record<string, unknown>) | undefined;
  if (rawPruner !== undefined && rawPruner !== null) {
    const issues: { path: PathSeg[]; message: string }[] = [];
    const sub = {
      addIssue: (i: { path?: PathSeg[]; message?: string }) =>
        issues.push({ path: i.path ?? [], message: i.message ?? '' }),
    } as unknown as z.RefinementCtx;
    pruner = parseBlock(rawPruner, sub, pruners, 'pruner', []);
    for (const i of issues) ctx.addIssue({ code: 'custom', path: ['pruner', ...i.path], message: i.message });
  }
  if (sampler === undefined) return z.NEVER;
  return (pruner === undefined ? sampler : { ...sampler, pruner }) as StrategySpec;
});

/** Accelerator names a spec simulates on: preset names, and the `name` of custom mappings. */
function acceleratorNames(s: SweepSpec): string[] {
  return s.accelerators.flatMap((a) => {
    if (typeof a === 'string') return [a];
    const name = a['name'];
    return typeof name === 'string' ? [name] : [];
  });
}

/**
 * Cross-field rules of the strategy block: metrics named per accelerator must name one of the spec's
 * accelerators, and a pruner needs retraining epochs with at least one checkpoint before the last one.
 */
export function strategyIssues(s: SweepSpec): RawIssue[] {
  const issues: RawIssue[] = [];
  const st = s.strategy;
  if ('objectives' in st) {
    // multi-objective samplers (nsga2, gp)
    const names = acceleratorNames(s);
    for (const [field, list] of [
      ['objectives', st.objectives],
      ['constraints', st.constraints],
    ] as const) {
      list.forEach((o, i) => {
        if (o.accelerator !== null && !names.includes(o.accelerator)) {
          issues.push({
            path: ['strategy', field, i],
            message: `accelerator "${o.accelerator}" is not in accelerators (${names.length ? names.join(', ') : 'none'})`,
          });
        }
      });
    }
  }
  if (st.pruner !== undefined) issues.push(...prunerIssues(s, st.pruner));
  return issues;
}

function prunerIssues(s: SweepSpec, p: PrunerSpec): RawIssue[] {
  const path: PathSeg[] = ['strategy', 'pruner'];
  if (!s.pruning.methods.some((m) => m !== 'none')) {
    return [
      {
        path,
        message: `nothing is retrained (pruning.methods is [${s.pruning.methods.join(', ')}]), so nothing can stop early`,
      },
    ];
  }
  const epochs = s.retraining.epochs;
  if (epochs === 0) return [{ path, message: 'retraining.epochs is 0, so nothing can stop early' }];
  if (createPruner(p).checkpoints(epochs).length === 0) {
    return [
      {
        path,
        message: `${p.type} has no checkpoint before the last retraining epoch (retraining.epochs = ${epochs}): no trial could stop early`,
      },
    ];
  }
  return [];
}
