/**
 * Child-process check of a fresh native build (run by ./native-build.ts before the build is published):
 * loads it through the real loader, multiplies [[1,2],[3,4]] by [[5],[6]] and prints ONE JSON line
 * `{ ok, tensorflow, gpu }` (or `{ ok: false, reason }`) on stdout.
 * Usage: `node --import tsx native-probe.ts <build dir> <binding path relative to it> <cpu|gpu>`
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadNativeBuild, nativeInfo } from './native.js';
import { NAPI_VERSION, TENSORFLOW_VERSION, TFJS_NODE_VERSION, type NativeVariant } from './native-cache.js';

const [dir, bindingRel, variant] = process.argv.slice(2) as [string, string, NativeVariant];
const r = await loadNativeBuild({
  dir,
  bindingPath: join(dir, bindingRel),
  manifest: {
    variant,
    tfjsNode: TFJS_NODE_VERSION,
    tensorflow: TENSORFLOW_VERSION,
    wheels: [],
    napiVersion: NAPI_VERSION,
    binding: bindingRel,
    builtAt: '',
    buildSeconds: 0,
    diskBytes: 0,
    check: { tensorflow: '', device: '' },
  },
});
if (!r.ok) {
  console.log(JSON.stringify({ ok: false, reason: r.reason }));
} else {
  const y = Array.from(await tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).data());
  const ok = y.length === 2 && y[0] === 17 && y[1] === 39;
  console.log(
    JSON.stringify(
      ok
        ? { ok, tensorflow: nativeInfo()?.tensorflow, gpu: r.gpu }
        : { ok, reason: `matmul gave [${y.join(', ')}], expected [17, 39]` },
    ),
  );
}
