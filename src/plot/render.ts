/**
 * Static figures in Node: ECharts' server-side SVG renderer (no DOM, no browser), and PNG from that SVG through
 * resvg (a Rust SVG renderer shipped as a prebuilt npm binary; text uses the system's fonts, DejaVu Sans first).
 * SVG output is deterministic: the same option gives the same bytes (no animation, no random ids).
 */
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

export interface FigureSize {
  /** CSS pixels. @default 900 */
  width?: number;
  /** CSS pixels. @default 560 */
  height?: number;
}

/** Renders one chart option to an SVG document (UTF-8 text). */
export function renderSvg(option: EChartsOption, size: FigureSize = {}): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width ?? 900, height: size.height ?? 560 });
  try {
    chart.setOption(option);
    return stableIds(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/**
 * ZRender names ids and classes with process-wide counters (`zr3-cls-17`, `zr3-c0`): renumber them in order of first
 * appearance so the second figure of a process is byte-identical to the same figure drawn first.
 */
function stableIds(svg: string): string {
  const seen = new Map<string, string>();
  const perKind = new Map<string, number>();
  return svg.replace(/\bzr\d+-([a-z]+-?)(\d+)\b/g, (token, kind: string) => {
    let id = seen.get(token);
    if (id === undefined) {
      const n = perKind.get(kind) ?? 0;
      perKind.set(kind, n + 1);
      id = `zr0-${kind}${n}`;
      seen.set(token, id);
    }
    return id;
  });
}

/** Rasterises an SVG document to PNG at `scale` × its size (2 = print quality for a 900 px figure). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
