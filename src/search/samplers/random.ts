/**
 * Random sampler: `n` distinct candidates drawn with a seeded partial Fisher–Yates shuffle (the same draw as
 * `expandSpec`'s random strategy, `sample`), so the first k picks do not depend on `n`.
 */
import type { z } from 'zod';
import { sample } from '../../spec/expand.js';
import { num, strictObj, uint32 } from '../../spec/zod-helpers.js';
import type { SearchSpace } from '../space.js';
import { proposedCount, type Sampler, type SamplerDefinition, type SearchLog } from '../strategy.js';

const randomOptions = strictObj({
  n: num({ min: 1, max: 1_000_000, int: true }).optional(),
  seed: uint32().default(0),
})
  .superRefine((o, ctx) => {
    if (o.n === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['n'],
        message: 'required by the random strategy (number of trials to sample)',
      });
    }
  })
  .transform((o) => ({ n: o.n ?? 1, seed: o.seed }));
export type RandomOptions = z.output<typeof randomOptions>;

/** Proposes the k-th pick of `sample(candidates, min(n, size), seed)` for trial k. */
export function createRandomSampler(options: RandomOptions, space: SearchSpace): Sampler {
  const order = sample(
    space.candidates.map((_, i) => i),
    Math.min(options.n, space.candidates.length),
    options.seed,
  );
  return {
    name: 'random',
    budget: order.length,
    propose(log: SearchLog) {
      const candidate = order[proposedCount(log)];
      return candidate === undefined ? null : { candidate, generation: null };
    },
  };
}

export const random: SamplerDefinition<RandomOptions> = {
  name: 'random',
  summary: '`n` distinct trials drawn uniformly from the grid with a seeded RNG',
  optionKeys: Object.keys(randomOptions.in.shape),
  options: randomOptions,
  create: createRandomSampler,
  describe: (o, space) =>
    `random: ${Math.min(o.n, space.candidates.length)} of the ${space.candidates.length} trials, seed ${o.seed}`,
};
