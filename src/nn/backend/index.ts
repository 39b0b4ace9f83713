/**
 * TensorFlow.js backend selection for hwsweep.
 *
 * ```ts
 * import { initBackend } from './backend/index.js';
 * const name = await initBackend('auto', { log: (m) => logger.info(m) }); // 'wasm' on this machine
 * ```
 *
 * `auto` picks, in order: hwsweep's GPU build (`hwsweep setup native --gpu`) or `@tensorflow/tfjs-node-gpu`
 * (`tensorflow-gpu` when TensorFlow sees a GPU, else `tensorflow` on the CPU), hwsweep's CPU build
 * (`hwsweep setup native`) or `@tensorflow/tfjs-node` (`tensorflow`), `wasm` (XNNPACK, with the training
 * kernels of `./kernels`), then the pure-JS `cpu`. Everything else imports `@tensorflow/tfjs` and runs on
 * whatever this module activated.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { HwsweepError, checkArg } from '../../errors.js';
import { NATIVE_PACKAGES, defaultImporter, installHint, loadNative, loadNativeBuild, nativeInfo } from './native.js';
import type { ModuleImporter, NativeChoice, NativeLoad } from './native.js';
import { findNativeBuild, nativeCacheRoot, type NativeVariant } from './native-cache.js';
import { activateWasm } from './wasm.js';

export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
/** A backend that actually runs (what {@link initBackend} resolves to). */
export type ActiveBackend = Exclude<BackendChoice, 'auto'>;
export const BACKEND_CHOICES = [
  'auto',
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
] as const satisfies readonly BackendChoice[];

export interface InitBackendOptions {
  /** Receives one line naming the backend that runs (and why others were skipped). @default console.error */
  log?: (msg: string) => void;
  /** XNNPACK threads for wasm (honoured only by a threaded wasm build; see ./wasm.ts). */
  threads?: number;
  /** @internal Module loader for the native packages; tests inject fakes. */
  importer?: ModuleImporter;
  /** Where `hwsweep setup native` builds are looked up. @default nativeCacheRoot() (tests point it at an empty dir) */
  nativeCache?: string;
}

/** tfjs's name for each active backend. */
const TF_NAME: Record<ActiveBackend, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

let active: ActiveBackend | undefined;
let pending: Promise<ActiveBackend> | undefined;

/** The backend chosen by the last successful {@link initBackend}, if any. */
export function activeBackend(): ActiveBackend | undefined {
  return active;
}

/**
 * Activates a tfjs backend and returns its name. Idempotent: once a backend is active, a call with
 * `auto` (or the same choice) returns it without reloading anything, re-activating it if tfjs was
 * switched meanwhile; a different explicit choice switches. Concurrent calls are serialised.
 * @param choice `auto` (default) or one backend; an explicit native choice that cannot load throws
 *   HwsweepError `TOOL_MISSING` with an install hint, it never falls back silently.
 * @param opts.threads wasm threads, an integer >= 1.
 */
export async function initBackend(
  choice: BackendChoice = 'auto',
  opts: InitBackendOptions = {},
): Promise<ActiveBackend> {
  checkArg(BACKEND_CHOICES.includes(choice), 'initBackend', 'choice', choice, `one of ${BACKEND_CHOICES.join(', ')}`);
  const { threads } = opts;
  checkArg(
    threads === undefined || (Number.isInteger(threads) && threads >= 1),
    'initBackend',
    'threads',
    threads,
    'an integer >= 1',
  );
  while (pending) await pending.catch(() => undefined);
  const run = (async () => {
    if (active !== undefined && (choice === 'auto' || choice === active)) {
      if (tf.getBackend() !== TF_NAME[active]) await tf.setBackend(TF_NAME[active]);
      return active;
    }
    const log = opts.log ?? ((m: string) => console.error(m));
    const chosen = choice === 'auto' ? await selectAuto(opts, log) : await selectExplicit(choice, opts, log);
    active = chosen;
    return chosen;
  })();
  pending = run;
  try {
    return await run;
  } finally {
    pending = undefined;
  }
}

async function selectAuto(opts: InitBackendOptions, log: (msg: string) => void): Promise<ActiveBackend> {
  const skipped: string[] = [];
  for (const variant of ['gpu', 'cpu'] as const) {
    const r = await loadNativeFor(variant, opts);
    if (r.ok) {
      if (r.gpu) return announce('tensorflow-gpu', log, nativeDetail(r), skipped);
      return announce('tensorflow', log, nativeDetail(r, variant === 'gpu' ? 'loaded but sees no GPU' : ''), skipped);
    }
    skipped.push(r.reason);
  }
  const wasm = await activateWasm(opts.threads);
  if (wasm) return announce('wasm', log, wasmDetail(wasm.simd, wasm.threads), skipped);
  skipped.push('wasm failed to initialise');
  await tf.setBackend('cpu');
  return announce('cpu', log, 'pure JavaScript (slow: ~18 LeNet-5 training images/s)', skipped);
}

/**
 * Loads the native TensorFlow of one variant: hwsweep's cached build when there is one, else the official npm
 * package (`@tensorflow/tfjs-node-gpu` for `gpu`, `@tensorflow/tfjs-node` for `cpu`). The reason of a failure
 * names both.
 */
async function loadNativeFor(
  variant: NativeVariant,
  opts: InitBackendOptions,
): Promise<NativeLoad & { source?: string }> {
  const root = opts.nativeCache ?? nativeCacheRoot();
  const build = findNativeBuild(variant, root);
  const pkg = NATIVE_PACKAGES[variant === 'gpu' ? 'tensorflow-gpu' : 'tensorflow'];
  let buildReason = `no hwsweep ${variant} build (hwsweep setup native${variant === 'gpu' ? ' --gpu' : ''})`;
  if (build && variant === 'gpu' && !nvidiaDevicePresent() && findNativeBuild('cpu', root)) {
    // Without a GPU the CPU build does the same work without loading 5 GB of CUDA libraries.
    buildReason = 'hwsweep gpu build not loaded: no NVIDIA device (/dev/nvidiactl)';
  } else if (build) {
    const r = await loadNativeBuild(build);
    if (r.ok) return r;
    buildReason = r.reason;
  }
  const r = await loadNative(pkg, opts.importer ?? defaultImporter);
  return r.ok ? r : { ok: false, reason: `${buildReason}; ${r.reason}` };
}

/** True when the NVIDIA driver exposes a device node (also inside containers run with the NVIDIA runtime). */
function nvidiaDevicePresent(): boolean {
  return existsSync('/dev/nvidiactl') || existsSync('/dev/nvidia0');
}

function nativeDetail(r: { gpu: boolean }, note = ''): string {
  const info = nativeInfo();
  const what = info?.source === 'hwsweep-build' ? `hwsweep build of TensorFlow ${info.tensorflow}` : (info?.source ?? 'native');
  return `TensorFlow on the ${r.gpu ? 'GPU' : 'CPU'} (${what}${note ? `; ${note}` : ''})`;
}

async function selectExplicit(
  choice: ActiveBackend,
  opts: InitBackendOptions,
  log: (msg: string) => void,
): Promise<ActiveBackend> {
  switch (choice) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return selectNative(choice, opts, log);
    case 'wasm': {
      const wasm = await activateWasm(opts.threads);
      if (!wasm) {
        throw new HwsweepError('TOOL_MISSING', 'initBackend: backend wasm failed to initialise', {
          context: { backend: 'wasm' },
          hint: 'check that @tensorflow/tfjs-backend-wasm is installed with its .wasm files (npm ls @tensorflow/tfjs-backend-wasm)',
        });
      }
      return announce('wasm', log, wasmDetail(wasm.simd, wasm.threads));
    }
    case 'cpu':
      await tf.setBackend('cpu');
      return announce('cpu', log, 'pure JavaScript (slow: ~18 LeNet-5 training images/s)');
  }
}

async function selectNative(
  choice: NativeChoice,
  opts: InitBackendOptions,
  log: (msg: string) => void,
): Promise<ActiveBackend> {
  const pkg = NATIVE_PACKAGES[choice];
  const previous = tf.getBackend();
  let r = await loadNativeFor(choice === 'tensorflow-gpu' ? 'gpu' : 'cpu', opts);
  if (!r.ok && choice === 'tensorflow') {
    // A GPU build runs on the CPU too: the `tensorflow` choice accepts it when no CPU build loads.
    const viaGpuBuild = await loadNativeFor('gpu', opts);
    if (viaGpuBuild.ok) r = viaGpuBuild;
  }
  if (!r.ok) {
    throw new HwsweepError('TOOL_MISSING', `initBackend: backend ${choice} is not available: ${r.reason}`, {
      context: { backend: choice, package: pkg },
      hint: installHint(choice),
    });
  }
  if (choice === 'tensorflow-gpu' && !r.gpu) {
    if (previous) await tf.setBackend(previous);
    throw new HwsweepError(
      'TOOL_MISSING',
      `initBackend: backend tensorflow-gpu loaded ${nativeInfo()?.source ?? pkg} but TensorFlow sees no GPU`,
      {
        context: { backend: choice, package: pkg },
        hint: 'check nvidia-smi and the driver (CUDA 12 for the hwsweep build, CUDA 11.x + cuDNN 8 for the npm package; docs/gpu-workers.md), or choose tensorflow / wasm',
      },
    );
  }
  return announce(choice, log, nativeDetail(r));
}

function wasmDetail(simd: boolean, threads: number): string {
  return `WebAssembly/XNNPACK (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}, hwsweep training kernels)`;
}

function announce(
  name: ActiveBackend,
  log: (msg: string) => void,
  detail: string,
  skipped: string[] = [],
): ActiveBackend {
  const why = skipped.length > 0 ? `; skipped: ${skipped.join('; ')}` : '';
  log(`[hwsweep] tfjs backend: ${name}: ${detail}${why}`);
  return name;
}

export { registerWasmTrainingKernels, MISSING_WASM_KERNELS, OVERRIDDEN_WASM_KERNELS } from './kernels/index.js';
export type { ModuleImporter, NativeInfo } from './native.js';
export { nativeInfo } from './native.js';
