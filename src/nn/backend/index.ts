/**
 * TensorFlow.js backend selection for hwsweep.
 *
 * ```ts
 * import { initBackend } from './backend/index.js';
 * const name = await initBackend('auto', { log: (m) => logger.info(m) }); // 'wasm' on this machine
 * ```
 *
 * `auto` picks, in order: `tensorflow-gpu` (`@tensorflow/tfjs-node-gpu`, if it loads and TensorFlow
 * sees a GPU), `tensorflow` (`@tensorflow/tfjs-node`), `wasm` (XNNPACK, with the training kernels of
 * `./kernels`), then the pure-JS `cpu`. Everything else imports `@tensorflow/tfjs` and runs on
 * whatever this module activated.
 */
import * as tf from '@tensorflow/tfjs';
import { HwsweepError, checkArg } from '../../errors.js';
import { NATIVE_PACKAGES, defaultImporter, installHint, loadNative } from './native.js';
import type { ModuleImporter, NativeChoice } from './native.js';
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
  const importer = opts.importer ?? defaultImporter;
  const skipped: string[] = [];
  const gpu = await loadNative(NATIVE_PACKAGES['tensorflow-gpu'], importer);
  if (gpu.ok) {
    if (gpu.gpu) return announce('tensorflow-gpu', log, 'TensorFlow on the GPU (@tensorflow/tfjs-node-gpu)');
    return announce('tensorflow', log, 'TensorFlow on the CPU (@tensorflow/tfjs-node-gpu loaded but sees no GPU)');
  }
  skipped.push(gpu.reason);
  const cpuNative = await loadNative(NATIVE_PACKAGES.tensorflow, importer);
  if (cpuNative.ok) return announce('tensorflow', log, 'TensorFlow on the CPU (@tensorflow/tfjs-node)', skipped);
  skipped.push(cpuNative.reason);
  const wasm = await activateWasm(opts.threads);
  if (wasm) return announce('wasm', log, wasmDetail(wasm.simd, wasm.threads), skipped);
  skipped.push('wasm failed to initialise');
  await tf.setBackend('cpu');
  return announce('cpu', log, 'pure JavaScript (slow: ~18 LeNet-5 training images/s)', skipped);
}

async function selectExplicit(
  choice: ActiveBackend,
  opts: InitBackendOptions,
  log: (msg: string) => void,
): Promise<ActiveBackend> {
  switch (choice) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return selectNative(choice, opts.importer ?? defaultImporter, log);
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
  importer: ModuleImporter,
  log: (msg: string) => void,
): Promise<ActiveBackend> {
  const pkg = NATIVE_PACKAGES[choice];
  const previous = tf.getBackend();
  const r = await loadNative(pkg, importer);
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
      `initBackend: backend tensorflow-gpu loaded ${pkg} but TensorFlow sees no GPU`,
      {
        context: { backend: choice, package: pkg },
        hint: 'check nvidia-smi, CUDA 11.x and cuDNN 8 on LD_LIBRARY_PATH (docs/gpu-workers.md), or choose tensorflow / wasm',
      },
    );
  }
  return announce(
    choice,
    log,
    choice === 'tensorflow-gpu' ? `TensorFlow on the GPU (${pkg})` : `TensorFlow on the CPU (${pkg})`,
  );
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
export type { ModuleImporter } from './native.js';
