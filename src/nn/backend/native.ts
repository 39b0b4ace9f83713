/**
 * Native TensorFlow backends. Two sources register tfjs's `tensorflow` backend:
 * - **hwsweep's build** (`hwsweep setup native [--gpu]`): tfjs-node's N-API binding compiled against the C API of
 *   TensorFlow's PyPI wheel, cached outside the clone (./native-cache.ts). Loaded here from the cache: tfjs-node's
 *   JavaScript (its kernels and `NodeJSKernelBackend`) comes from the `@tensorflow/tfjs-node` optional dependency,
 *   the binding from the cache; the binding finds libtensorflow through its RUNPATH, so no environment is needed.
 * - **the official packages** `@tensorflow/tfjs-node[-gpu]`, where their install script could download libtensorflow
 *   (it cannot here: npm installs tfjs-node without its script, see package.json `allowScripts`). They are loaded with
 *   a dynamic `import()` only when their prebuilt binding is present.
 * Only one native backend can be loaded per process (both register the name `tensorflow`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { NativeBuild } from './native-cache.js';
import { registerNativeTrainingKernels, type NodeBackend } from './native-kernels.js';

/** The npm packages that provide the `tensorflow` backend. */
export const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;
export type NativeChoice = keyof typeof NATIVE_PACKAGES;

/** Loads a module by specifier; injectable so tests can simulate installed packages. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const require = createRequire(import.meta.url);

/** Directory of an installed package, or undefined when it does not resolve. */
function packageDir(pkg: string): string | undefined {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

/** True when the package holds a prebuilt binding (`lib/napi-v<N>/tfjs_binding.node`, where node-pre-gyp puts it). */
function hasPackageBinding(dir: string): boolean {
  const lib = join(dir, 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')));
}

/**
 * The default importer: a real dynamic `import()` (the specifier is a variable on purpose), refused up front when
 * the package is installed without its binding (importing it would register its kernels and then throw).
 */
export const defaultImporter: ModuleImporter = async (specifier) => {
  const dir = packageDir(specifier);
  if (dir !== undefined && !hasPackageBinding(dir)) {
    throw new Error(
      `${specifier} is installed without its native binding (its install script did not run); ` +
        '`npx hwsweep setup native` builds one',
    );
  }
  return import(specifier);
};

export type NativeLoad = { ok: true; gpu: boolean } | { ok: false; reason: string };

/** tfjs registers both native packages under this backend name. */
export const NATIVE_TF_NAME = 'tensorflow';

/** Which native TensorFlow this process runs, once one is active. */
export interface NativeInfo {
  /** `hwsweep-build` (the cache) or the npm package name. */
  source: string;
  /** TensorFlow version the binding reports. */
  tensorflow: string;
  gpu: boolean;
}

let loadedNative: NativeInfo | undefined;
/** The native TensorFlow loaded in this process, if any (forgotten when its backend was removed from tfjs). */
export function nativeInfo(): NativeInfo | undefined {
  if (loadedNative && !(NATIVE_TF_NAME in tf.engine().registryFactory)) loadedNative = undefined;
  return loadedNative;
}

/** Activates the registered `tensorflow` backend; restores the previous one on failure. */
async function activate(source: string): Promise<NativeLoad> {
  const previous = tf.getBackend();
  let ok = false;
  try {
    ok = await tf.setBackend(NATIVE_TF_NAME);
  } catch (err) {
    return { ok: false, reason: `${source}: TensorFlow failed to initialise: ${(err as Error).message}` };
  }
  if (!ok) {
    if (previous) await tf.setBackend(previous);
    return { ok: false, reason: `${source}: TensorFlow failed to initialise` };
  }
  return { ok: true, gpu: (tf.backend() as unknown as NodeBackend).isUsingGpuDevice === true };
}

/** Activates the registered backend as `source` and, once active, installs hwsweep's kernels and remembers it. */
async function activateAs(source: string, tensorflow: string): Promise<NativeLoad> {
  const r = await activate(source);
  if (r.ok) {
    registerNativeTrainingKernels(NATIVE_TF_NAME);
    loadedNative = { source, tensorflow, gpu: r.gpu };
  }
  return r;
}

/** Why `source` cannot load: another native TensorFlow already provides the backend in this process. */
const alreadyProvided = (source: string, loaded: NativeInfo): NativeLoad => ({
  ok: false,
  reason: `${source}: ${loaded.source} already provides the tensorflow backend in this process`,
});

/**
 * Imports `pkg` and activates the `tensorflow` backend it registers in this process's tfjs engine.
 * Never throws: failures come back as `{ ok: false, reason }` (missing package, a package bound to
 * another copy of tfjs-core, libtensorflow failing to initialise). On failure the previously active
 * backend stays active.
 * @returns `gpu: true` when TensorFlow reports a GPU device (only tfjs-node-gpu can).
 */
export async function loadNative(pkg: string, importer: ModuleImporter = defaultImporter): Promise<NativeLoad> {
  const loaded = nativeInfo();
  if (loaded && loaded.source !== pkg) return alreadyProvided(pkg, loaded);
  try {
    await importer(pkg);
  } catch (err) {
    return { ok: false, reason: `cannot import ${pkg}: ${firstLine(err)}` };
  }
  if (!(NATIVE_TF_NAME in tf.engine().registryFactory)) {
    return {
      ok: false,
      reason:
        `${pkg} loaded but registered no '${NATIVE_TF_NAME}' backend with this @tensorflow/tfjs ` +
        `(${tf.version_core}); it must depend on the same @tensorflow/tfjs version`,
    };
  }
  return activateAs(pkg, 'libtensorflow of the package');
}

/** tfjs-node's binding as tfjs-node's backend class uses it (only the members read here are typed). */
interface TfjsBinding {
  TF_Version: string;
}

/**
 * Loads hwsweep's cached build (`hwsweep setup native`): tfjs-node's kernels and backend class from the
 * `@tensorflow/tfjs-node` package, the binding from the cache, and activates it. Never throws.
 * TensorFlow's INFO log lines (oneDNN, CPU features) are silenced unless `TF_CPP_MIN_LOG_LEVEL` is set.
 */
export async function loadNativeBuild(build: NativeBuild): Promise<NativeLoad> {
  const source = 'hwsweep-build';
  const loaded = nativeInfo();
  if (loaded) {
    if (loaded.source === source) return activate(source);
    return alreadyProvided(source, loaded);
  }
  process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '1';
  let binding: TfjsBinding;
  let Backend: new (binding: unknown, packageName: string) => tf.KernelBackend;
  try {
    require('@tensorflow/tfjs-node/dist/register_all_kernels.js');
    ({ NodeJSKernelBackend: Backend } = require('@tensorflow/tfjs-node/dist/nodejs_kernel_backend.js') as {
      NodeJSKernelBackend: typeof Backend;
    });
  } catch (err) {
    return {
      ok: false,
      reason: `${source}: cannot load @tensorflow/tfjs-node's JavaScript (npm ci installs it): ${firstLine(err)}`,
    };
  }
  try {
    binding = require(build.bindingPath) as TfjsBinding;
  } catch (err) {
    return { ok: false, reason: `${source}: cannot load ${build.bindingPath}: ${firstLine(err)}` };
  }
  // The GPU package name makes tfjs-node's backend treat the device as a GPU where the binding found one.
  const pkgName = build.manifest.variant === 'gpu' ? NATIVE_PACKAGES['tensorflow-gpu'] : NATIVE_PACKAGES.tensorflow;
  if (NATIVE_TF_NAME in tf.engine().registryFactory) tf.removeBackend(NATIVE_TF_NAME);
  tf.registerBackend(NATIVE_TF_NAME, () => new Backend(binding, pkgName), 0);
  return activateAs(source, binding.TF_Version);
}

function firstLine(err: unknown): string {
  return ((err as Error).message ?? String(err)).split('\n')[0] ?? '';
}

/** Install hint printed with a failed explicit native choice. */
export function installHint(choice: NativeChoice): string {
  const pkg = NATIVE_PACKAGES[choice];
  const gpu = choice === 'tensorflow-gpu';
  return (
    `\`npx hwsweep setup native${gpu ? ' --gpu' : ''}\` builds it from PyPI's TensorFlow ${gpu ? 'wheel and CUDA 12 libraries (needs an NVIDIA driver; nvidia-smi must list the GPU)' : 'CPU wheel'}; ` +
    `or, where storage.googleapis.com is reachable, \`npm install --no-save ${pkg}@${tf.version_core}\` ` +
    `with its install script approved${gpu ? ' (CUDA 11.x and cuDNN 8 on the library path)' : ''} (docs/gpu-workers.md)`
  );
}
