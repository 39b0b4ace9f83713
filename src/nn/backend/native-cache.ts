/**
 * Where `hwsweep setup native` keeps the TensorFlow backend it builds, and how to tell whether a build is there.
 * Pure file-system look-ups (no tfjs, no child processes): the backend loader, the setup command, the worker pool
 * and vitest's config all ask this module.
 *
 * Layout of one build (`<cache>/native/<key>/`, the key names every version that went into it):
 * ```
 * lib/napi-v8/tfjs_binding.node   tfjs-node's N-API binding, RUNPATH $ORIGIN/../../deps/lib
 * deps/lib/                       libtensorflow_cc.so.2 + libtensorflow_framework.so.2 from the wheel
 * deps/nvidia/<lib>/lib/          (GPU) the CUDA 12 libraries from PyPI, where TensorFlow's RUNPATH looks
 * build.json                      the manifest below, written last: no manifest, no build
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../services/paths.js';

/** The tfjs-node whose binding source is built (an optional dependency, installed without its install script). */
export const TFJS_NODE_VERSION = '4.22.0';
/** TensorFlow wheel from PyPI whose C API the binding links against. */
export const TENSORFLOW_VERSION = '2.21.0';
/** N-API version the binding is compiled for (tfjs-node's highest; Node >= 18 provides it). */
export const NAPI_VERSION = 8;

/** `cpu`: PyPI's `tensorflow-cpu` wheel. `gpu`: the `tensorflow` wheel (CUDA 12) plus its `and-cuda` libraries. */
export type NativeVariant = 'cpu' | 'gpu';
export const NATIVE_VARIANTS = ['cpu', 'gpu'] as const satisfies readonly NativeVariant[];

/** What `build.json` records about one build. */
export interface NativeManifest {
  variant: NativeVariant;
  tfjsNode: string;
  tensorflow: string;
  /** The wheel files the libraries came from (name only). */
  wheels: string[];
  napiVersion: number;
  /** Binding path relative to the build directory. */
  binding: string;
  /** ISO time the build finished. */
  builtAt: string;
  /** Seconds the build took (download excluded) and the bytes it keeps on disk. */
  buildSeconds: number;
  diskBytes: number;
  /** What the post-build check saw: the TensorFlow version the binding reports and the device it ran a matmul on. */
  check: { tensorflow: string; device: string };
}

/** A build found in the cache. */
export interface NativeBuild {
  dir: string;
  bindingPath: string;
  manifest: NativeManifest;
}

/** `<cache>/native`, or `HWSWEEP_NATIVE_CACHE` when set (tests and shared machines point it elsewhere). */
export function nativeCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['HWSWEEP_NATIVE_CACHE'] ?? join(cacheDir(), 'native');
}

/** Directory name of one build: every version that went into it, so an upgrade never reuses a stale build. */
export function nativeBuildKey(variant: NativeVariant): string {
  return `tfjs-node-${TFJS_NODE_VERSION}-tf-${TENSORFLOW_VERSION}-${variant}-${process.platform}-${process.arch}-napi${NAPI_VERSION}`;
}

export function nativeBuildDir(variant: NativeVariant, root = nativeCacheRoot()): string {
  return join(root, nativeBuildKey(variant));
}

/**
 * The build of `variant` under `root`, or `undefined` when there is none (or only a partial one: the manifest is
 * written last, after the binding loaded and ran an op).
 */
export function findNativeBuild(variant: NativeVariant, root = nativeCacheRoot()): NativeBuild | undefined {
  const dir = nativeBuildDir(variant, root);
  const manifestPath = join(dir, 'build.json');
  if (!existsSync(manifestPath)) return undefined;
  let manifest: NativeManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as NativeManifest;
  } catch {
    return undefined;
  }
  if (manifest.variant !== variant || manifest.tfjsNode !== TFJS_NODE_VERSION || manifest.tensorflow !== TENSORFLOW_VERSION) {
    return undefined;
  }
  const bindingPath = join(dir, manifest.binding);
  return existsSync(bindingPath) ? { dir, bindingPath, manifest } : undefined;
}
