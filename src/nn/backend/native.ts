/**
 * Optional native TensorFlow backends (`@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`).
 * They are not dependencies of hwsweep (their install downloads libtensorflow), so they are loaded
 * with a dynamic `import()` of a string variable: TypeScript compiles without them and a missing
 * package is a normal, reportable outcome. docs/gpu-workers.md explains how a GPU worker installs them.
 */
import * as tf from '@tensorflow/tfjs';

/** The npm packages that provide the `tensorflow` backend. */
export const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;
export type NativeChoice = keyof typeof NATIVE_PACKAGES;

/** Loads a module by specifier; injectable so tests can simulate installed packages. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** The default importer: a real dynamic `import()` (the specifier is a variable on purpose). */
export const defaultImporter: ModuleImporter = (specifier) => import(specifier);

/** What the tfjs-node backends expose about the device they run on (tfjs-node 4.x `NodeJSKernelBackend`). */
interface NodeBackendLike {
  isUsingGpuDevice?: boolean;
}

export type NativeLoad = { ok: true; gpu: boolean } | { ok: false; reason: string };

/** tfjs registers both native packages under this backend name. */
export const NATIVE_TF_NAME = 'tensorflow';

/**
 * Imports `pkg` and activates the `tensorflow` backend it registers in this process's tfjs engine.
 * Never throws: failures come back as `{ ok: false, reason }` (missing package, a package bound to
 * another copy of tfjs-core, libtensorflow failing to initialise). On failure the previously active
 * backend stays active.
 * @returns `gpu: true` when TensorFlow reports a GPU device (only tfjs-node-gpu can).
 */
export async function loadNative(pkg: string, importer: ModuleImporter = defaultImporter): Promise<NativeLoad> {
  try {
    await importer(pkg);
  } catch (err) {
    return { ok: false, reason: `cannot import ${pkg}: ${(err as Error).message.split('\n')[0] ?? ''}` };
  }
  if (!(NATIVE_TF_NAME in tf.engine().registryFactory)) {
    return {
      ok: false,
      reason:
        `${pkg} loaded but registered no '${NATIVE_TF_NAME}' backend with this @tensorflow/tfjs ` +
        `(${tf.version_core}); it must depend on the same @tensorflow/tfjs version`,
    };
  }
  const previous = tf.getBackend();
  let ok = false;
  try {
    ok = await tf.setBackend(NATIVE_TF_NAME);
  } catch (err) {
    return { ok: false, reason: `${pkg}: TensorFlow failed to initialise: ${(err as Error).message}` };
  }
  if (!ok) {
    if (previous) await tf.setBackend(previous);
    return { ok: false, reason: `${pkg}: TensorFlow failed to initialise` };
  }
  const gpu = (tf.backend() as NodeBackendLike).isUsingGpuDevice === true;
  return { ok: true, gpu };
}

/** Install hint printed with a failed explicit native choice. */
export function installHint(choice: NativeChoice): string {
  const pkg = NATIVE_PACKAGES[choice];
  const gpu =
    choice === 'tensorflow-gpu'
      ? ' on a Linux x64 host with an NVIDIA driver, CUDA 11.x and cuDNN 8 on the library path (nvidia-smi must list the GPU)'
      : '';
  return (
    `npm install --no-save ${pkg}@${tf.version_core}${gpu}; the install downloads libtensorflow, so it needs ` +
    `network access and approved install scripts (see docs/gpu-workers.md)`
  );
}
