/**
 * Data-movement kernels that the wasm package implements far slower than a memory copy:
 * - `Tile` (a per-element C++ loop: 67 ms for `[1,1,1,32]` → `[32,28,28,32]`, which every
 *   batch-norm gradient does): here block copies with `copyWithin`, ~0.5 ms.
 * - `Identity` (copies its input): here it aliases the input's data like `Reshape` and the cpu
 *   backend do (tensors are immutable, the backend ref-counts data).
 * - `Slice` (copies the whole input out of the heap with `readSync` before slicing: 3.5 ms CPU
 *   for `[64,28,28,6]`): block copies straight from the heap view.
 * - `Reverse` (a per-element loop, 4.6 ms CPU for a `[3,3,128,128]` filter flipped on axes
 *   `[0, 1]`, which every conv input-gradient composite does): block copies of the contiguous
 *   run after the last reversed axis (microseconds for conv filters).
 */
import * as tf from '@tensorflow/tfjs';
import { heapBackend } from './wasm-heap.js';

interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

function onlyInput(inputs: tf.NamedTensorInfoMap, kernel: string): tf.TensorInfo {
  const x = inputs['x'];
  if (x === undefined) throw new Error(`${kernel}: missing input 'x'`);
  return x;
}

/** Wraps the package's `Tile`: string tensors go to the original. */
export function tileConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = onlyInput(args.inputs, 'Tile');
      if (x.dtype === 'string') return original.kernelFunc(args);
      const reps = (args.attrs?.['reps'] ?? []) as number[];
      const be = heapBackend(args.backend, 'Tile');
      const outShape = x.shape.map((d, i) => d * (reps[i] ?? 1));
      const out = be.makeOutput(outShape, x.dtype);
      tileInto(be.typedArrayFromHeap(x), x.shape, be.typedArrayFromHeap(out), outShape);
      return out;
    },
  };
}

/**
 * Writes `src` (row-major, shape `inShape`) tiled to `outShape` into `dst`. Each axis from the
 * innermost out: place one copy of the block, then replicate it with `copyWithin`.
 */
export function tileInto<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  inShape: number[],
  dst: T,
  outShape: number[],
): void {
  const rank = inShape.length;
  if (rank === 0) {
    dst[0] = src[0] ?? 0;
    return;
  }
  const inStride = new Array<number>(rank).fill(1);
  const outBlock = new Array<number>(rank).fill(1); // elements of dst per index of axis i
  for (let i = rank - 2; i >= 0; i--) {
    inStride[i] = inStride[i + 1]! * inShape[i + 1]!;
    outBlock[i] = outBlock[i + 1]! * outShape[i + 1]!;
  }
  const fill = (axis: number, inOff: number, outOff: number): void => {
    const d = inShape[axis]!;
    const block = outBlock[axis]!;
    if (axis === rank - 1) {
      dst.set(src.subarray(inOff, inOff + d), outOff);
    } else {
      for (let t = 0; t < d; t++) fill(axis + 1, inOff + t * inStride[axis]!, outOff + t * block);
    }
    const span = d * block;
    const reps = outShape[axis]! / d;
    for (let r = 1; r < reps; r++) dst.copyWithin(outOff + r * span, outOff, outOff + span);
  };
  fill(0, 0, 0);
}

/** `Identity` that aliases its input's data (string tensors go to the original). */
export function identityConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = onlyInput(args.inputs, 'Identity');
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}

/** Wraps the package's `Reverse`: block copies when the reversed axes leave a contiguous inner run. */
export function reverseConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = onlyInput(args.inputs, 'Reverse');
      const rank = x.shape.length;
      const raw = args.attrs?.['dims'];
      const dims = (Array.isArray(raw) ? (raw as number[]) : [Number(raw)]).map((d) => (d < 0 ? d + rank : d));
      if (x.dtype === 'string' || rank === 0 || dims.some((d) => !Number.isInteger(d) || d < 0 || d >= rank)) {
        return original.kernelFunc(args);
      }
      const be = heapBackend(args.backend, 'Reverse');
      const out = be.makeOutput(x.shape, x.dtype);
      reverseInto(be.typedArrayFromHeap(x), x.shape, be.typedArrayFromHeap(out), new Set(dims));
      return out;
    },
  };
}

/** `dst = reverse(src, dims)`: recursion over the axes up to the last reversed one, then one block copy. */
function reverseInto<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  shape: number[],
  dst: T,
  dims: Set<number>,
): void {
  const last = Math.max(-1, ...dims);
  if (last < 0) {
    dst.set(src);
    return;
  }
  const block = shape.slice(last + 1).reduce((a, b) => a * b, 1);
  const stride = new Array<number>(last + 1).fill(block);
  for (let i = last - 1; i >= 0; i--) stride[i] = stride[i + 1]! * shape[i + 1]!;
  const walk = (axis: number, from: number, to: number): void => {
    const d = shape[axis]!;
    const s = stride[axis]!;
    const flip = dims.has(axis);
    for (let t = 0; t < d; t++) {
      const f = from + t * s;
      const o = to + (flip ? d - 1 - t : t) * s;
      if (axis === last) dst.set(src.subarray(f, f + block), o);
      else walk(axis + 1, f, o);
    }
  };
  walk(0, 0, 0);
}

/** Wraps the package's `Slice`: block copies from the heap view (string tensors go to the original). */
export function sliceConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = onlyInput(args.inputs, 'Slice');
      if (x.dtype === 'string') return original.kernelFunc(args);
      const [begin = [], size = []] = tf.slice_util.parseSliceParams(
        x as tf.TensorInfo & { rank: number },
        args.attrs?.['begin'] as number | number[],
        args.attrs?.['size'] as number | number[] | undefined,
      );
      const be = heapBackend(args.backend, 'Slice');
      const out = be.makeOutput(size, x.dtype);
      sliceInto(be.typedArrayFromHeap(x), x.shape, be.typedArrayFromHeap(out), begin, size);
      return out;
    },
  };
}

/** `dst = src[begin : begin + size]` (row-major): recursion down to the last axis not taken whole, then block copies. */
function sliceInto<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  shape: number[],
  dst: T,
  begin: number[],
  size: number[],
): void {
  const rank = shape.length;
  let last = rank - 1;
  while (last >= 0 && begin[last] === 0 && size[last] === shape[last]) last--;
  const total = size.reduce((a, b) => a * b, 1);
  if (last < 0) {
    dst.set(src.subarray(0, total));
    return;
  }
  const block = shape.slice(last + 1).reduce((a, b) => a * b, 1);
  const stride = new Array<number>(last + 1).fill(block);
  for (let i = last - 1; i >= 0; i--) stride[i] = stride[i + 1]! * shape[i + 1]!;
  const run = size[last]! * block;
  let o = 0;
  const walk = (axis: number, from: number): void => {
    const f0 = from + begin[axis]! * stride[axis]!;
    if (axis === last) {
      dst.set(src.subarray(f0, f0 + run), o);
      o += run;
      return;
    }
    for (let t = 0; t < size[axis]!; t++) walk(axis + 1, f0 + t * stride[axis]!);
  };
  walk(0, 0);
}
