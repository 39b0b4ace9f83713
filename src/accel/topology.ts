/**
 * SCALE-Sim topology CSV reader (v2 `topology_utils.py` behaviour, docs/simulator.md §1):
 * - conv form `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels,
 *   Num Filter, Strides,` with an optional 9th field = column stride (else = row stride);
 * - gemm form (`-i gemm`) `Layer, M, N, K,` -> H = M, W = K, Fh = 1, Fw = K, Ch = 1, N filters, stride 1;
 * - the first line is a header, blank lines are skipped, every row ends with a comma (the last
 *   field is dropped), a name containing `DP` is split into `Channels` one-channel layers named
 *   `<name>Channel_<i>` that keep `Num Filter` filters each (v2's depthwise quirk).
 * Sizes are taken as already padded (no padding column exists).
 */
import { HwsweepError } from '../errors.js';
import type { LayerDescriptor } from '../shared/layer.js';

const CONV_FIELDS = [
  'IFMAP Height',
  'IFMAP Width',
  'Filter Height',
  'Filter Width',
  'Channels',
  'Num Filter',
  'Strides',
  'Stride width',
];
const GEMM_FIELDS = ['M', 'N', 'K'];

function err(file: string, line: number, msg: string, field?: string): never {
  throw new HwsweepError('TOPOLOGY_INVALID', `${file}:${line}: ${msg}`, {
    context: { file, line, ...(field ? { field } : {}) },
  });
}

/** Builds a batch-1 conv descriptor with `pad` zero pixels on every side (0 = a SCALE-Sim row, already padded). */
export function convDescriptor(
  name: string,
  H: number,
  W: number,
  Fh: number,
  Fw: number,
  C: number,
  N: number,
  Sh: number,
  Sw: number,
  pad = 0,
): LayerDescriptor {
  return {
    name,
    kind: 'conv',
    inH: H,
    inW: W,
    inC: C,
    outC: N,
    kernelH: Fh,
    kernelW: Fw,
    strideH: Sh,
    strideW: Sw,
    padTop: pad,
    padBottom: pad,
    padLeft: pad,
    padRight: pad,
    groups: 1,
    outH: Math.floor((H + 2 * pad - Fh) / Sh) + 1,
    outW: Math.floor((W + 2 * pad - Fw) / Sw) + 1,
    weightShape: [Fh, Fw, C, N],
    hasBias: false,
  };
}

/**
 * Parses a SCALE-Sim topology CSV. `format` defaults to auto: gemm when the header's fields after the
 * name are exactly M, N, K. Throws TOPOLOGY_INVALID with `file:line`, the field and the reason.
 */
export function parseTopologyCsv(
  text: string,
  file = '<topology>',
  format: 'auto' | 'conv' | 'gemm' = 'auto',
): LayerDescriptor[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim();
  if (header === '') err(file, 1, 'the first line must be a header row (SCALE-Sim skips it)');
  const hFields = header
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  const isGemm =
    format === 'gemm' || (format === 'auto' && hFields.length === 4 && hFields.slice(1).join() === 'M,N,K');
  const out: LayerDescriptor[] = [];
  const names = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const row = (lines[i] as string).trim();
    if (row === '') continue;
    if (!row.endsWith(','))
      err(file, lineNo, 'row must end with a comma (SCALE-Sim drops the last field of every row)');
    const elems = row
      .split(',')
      .slice(0, -1)
      .map((s) => s.trim());
    const name = elems[0] ?? '';
    if (name === '') err(file, lineNo, 'field 1 (Layer name) is empty', 'Layer name');
    const fieldNames = isGemm ? GEMM_FIELDS : CONV_FIELDS;
    const nNum = elems.length - 1;
    if (isGemm ? nNum !== 3 : nNum !== 7 && nNum !== 8)
      err(
        file,
        lineNo,
        `expected ${isGemm ? '4 fields (Layer, M, N, K)' : '8 or 9 fields (name, 7 sizes/strides, optional column stride)'} before the trailing comma, got ${elems.length}`,
      );
    const v: number[] = [];
    for (let j = 1; j < elems.length; j++) {
      const s = elems[j] as string;
      const fname = fieldNames[j - 1] as string;
      if (!/^\d+$/.test(s) || Number(s) < 1)
        err(file, lineNo, `field ${j + 1} (${fname}) = "${s}" is not a positive integer`, fname);
      v.push(Number(s));
    }
    if (names.has(name)) err(file, lineNo, `layer name "${name}" is repeated`, 'Layer name');
    names.add(name);
    if (isGemm) {
      const [M, N, K] = v as [number, number, number];
      out.push(convDescriptor(name, M, K, 1, K, 1, N, 1, 1));
      continue;
    }
    const [H, W, Fh, Fw, C, N, Sh] = v as [number, number, number, number, number, number, number];
    const Sw = v[7] ?? Sh;
    if (Fh > H) err(file, lineNo, `Filter Height ${Fh} is larger than IFMAP Height ${H}`, 'Filter Height');
    if (Fw > W) err(file, lineNo, `Filter Width ${Fw} is larger than IFMAP Width ${W}`, 'Filter Width');
    if (name.includes('DP')) {
      for (let c = 0; c < C; c++) out.push(convDescriptor(`${name}Channel_${c}`, H, W, Fh, Fw, 1, N, Sh, Sw));
    } else out.push(convDescriptor(name, H, W, Fh, Fw, C, N, Sh, Sw));
  }
  if (out.length === 0) err(file, lines.length, 'no layer rows after the header');
  return out;
}
