/**
 * `hwsweep plot`: one figure of a sweep from the database, as the dashboard draws it. Reads through the dashboard's
 * queries (read-only role) and renders with ./render.ts.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { EChartsOption } from 'echarts';
import { HwsweepError } from '../errors.js';
import { sweepSummary, trialDetail, trialPoints } from '../dashboard/queries.js';
import { readOnlyQuery } from '../store/read-only.js';
import { curvesOption, layersOption, paretoOption, parallelOption } from './charts.js';
import { renderSvg, svgToPng, type FigureSize } from './render.js';
import type { PlotKind } from './types.js';

export interface FigureRequest extends FigureSize {
  sweepId: string;
  kind: PlotKind;
  /** pareto: accelerator for the speedup axis (default: the sweep's first), or `size` for accuracy vs model size. */
  x?: string;
  /** curves / layers: trial id or number (default: the sweep's most accurate completed trial). */
  trial?: string;
}

async function pickTrial(sweepId: string, trial: string | undefined): Promise<string> {
  const sql = trial
    ? `select id from trials where sweep_id = $1 and (id = $2 or number::text = $2)`
    : `select id from trials where sweep_id = $1 and status = 'COMPLETED' and accuracy is not null order by accuracy desc, number limit 1`;
  const r = await readOnlyQuery(sql, 30_000, trial ? [sweepId, trial] : [sweepId]);
  const id = r.rows[0]?.['id'];
  if (typeof id !== 'string')
    throw new HwsweepError('INVALID_ARGUMENT', trial ? `--trial: no trial "${trial}" in sweep ${sweepId}` : `sweep ${sweepId} has no completed trial to plot`, { context: { sweep: sweepId, ...(trial ? { trial } : {}) } });
  return id;
}

/** The chart option of a figure request (exported for tests). */
export async function figureOption(req: FigureRequest): Promise<EChartsOption> {
  const summary = await sweepSummary(req.sweepId);
  const axes = summary.axes.map((a) => a.name);
  switch (req.kind) {
    case 'pareto': {
      const points = await trialPoints(summary);
      if (req.x === 'size') return paretoOption(points, { kind: 'size' });
      const acc = req.x ?? summary.accelerators[0];
      if (!acc || !summary.accelerators.includes(acc))
        throw new HwsweepError('INVALID_ARGUMENT', `--x: "${req.x ?? ''}" is neither "size" nor an accelerator of sweep ${req.sweepId}`, { context: { accelerators: summary.accelerators.join(', ') || '(none simulated)' } });
      return paretoOption(points, { kind: 'speedup', accelerator: acc });
    }
    case 'parallel':
      return parallelOption(await trialPoints(summary), axes, summary.accelerators);
    case 'curves':
    case 'layers': {
      const d = await trialDetail(await pickTrial(req.sweepId, req.trial));
      const name = `#${String(d.trial['number'])} ${String(d.trial['label'])}`;
      return req.kind === 'curves' ? curvesOption(d.epochs, `Training curves · ${name}`) : layersOption(d.layerCycles, `Cycles per layer · ${name}`);
    }
  }
}

/** Writes the figure to `out` (.svg or .png, by extension); returns the bytes written. */
export async function writeFigure(req: FigureRequest, out: string): Promise<number> {
  const ext = extname(out).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new HwsweepError('INVALID_ARGUMENT', `--out: "${out}" must end in .svg or .png`, { context: { out } });
  const svg = renderSvg(await figureOption(req), req);
  const bytes = ext === '.svg' ? Buffer.from(svg, 'utf8') : svgToPng(svg);
  writeFileSync(out, bytes);
  return bytes.length;
}
