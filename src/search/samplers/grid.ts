/**
 * Grid sampler: every candidate once, in expansion order (the order `expandSpec` lists the trials).
 */
import type { z } from 'zod';
import { strictObj } from '../../spec/zod-helpers.js';
import type { SearchSpace } from '../space.js';
import { proposedCount, type Sampler, type SamplerDefinition, type SearchLog } from '../strategy.js';

const gridOptions = strictObj({});
/** The grid takes no options. */
export type GridOptions = object;

/** Proposes candidate k for trial k until the space is exhausted. */
export function createGridSampler(space: SearchSpace): Sampler {
  const budget = space.candidates.length;
  return {
    name: 'grid',
    budget,
    propose(log: SearchLog) {
      const k = proposedCount(log);
      return k < budget ? { candidate: k, generation: null } : null;
    },
  };
}

export const grid: SamplerDefinition<GridOptions> = {
  name: 'grid',
  summary: 'every valid combination of the axes, once, in expansion order',
  optionKeys: Object.keys(gridOptions.shape),
  options: gridOptions as z.ZodType<GridOptions>,
  create: (_options, space) => createGridSampler(space),
  describe: (_options, space) => `grid: all ${space.candidates.length} trials in expansion order`,
};
