/**
 * `hwsweep setup native [--gpu]`: builds the native TensorFlow backend into the per-user cache
 * (src/nn/backend/native-build.ts), after which `--backend auto` picks it.
 */
import { Command } from 'commander';
import { buildNative } from '../../nn/backend/native-build.js';
import { nativeCacheRoot } from '../../nn/backend/native-cache.js';

function nativeCommand(): Command {
  return new Command('native')
    .description(
      "build tfjs-node's binding against TensorFlow's PyPI wheel (CPU, or CUDA 12 with --gpu) into ~/.cache/hwsweep/native; --backend auto then uses it",
    )
    .option('--gpu', 'the CUDA 12 build: the `tensorflow` wheel and the NVIDIA libraries of its and-cuda extra (several GB)')
    .option('--force', 'rebuild even when the cache holds a build')
    .option('--wheels <dir>', 'use wheels already downloaded into this folder instead of PyPI (offline machines)')
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      `
Needs Python 3 with pip, g++ and make; downloads ~270 MB (CPU) or ~4 GB (GPU) from PyPI once.
Cache: ${nativeCacheRoot()} (HWSWEEP_NATIVE_CACHE moves it). A second run says "already built".

Examples:
  $ npx hwsweep setup native                  # CPU: TensorFlow 2.21 with oneDNN
  $ npx hwsweep setup native --gpu            # on a CUDA 12 machine (docs/gpu-workers.md)
  $ pip download --no-deps --only-binary=:all: --python-version 3.11 --platform manylinux_2_27_x86_64 \\
      -d wheels/ tensorflow-cpu==2.21.0        # on a connected machine; then, offline:
  $ npx hwsweep setup native --wheels wheels/`,
    )
    .action(async (opts: { gpu?: boolean; force?: boolean; wheels?: string; json?: boolean }) => {
      const variant = opts.gpu ? 'gpu' : 'cpu';
      const r = await buildNative({
        variant,
        ...(opts.force ? { force: true } : {}),
        ...(opts.wheels ? { wheelDir: opts.wheels } : {}),
        log: (line) => console.error(line),
      });
      const m = r.build.manifest;
      if (opts.json) {
        console.log(JSON.stringify({ alreadyBuilt: r.alreadyBuilt, seconds: r.seconds, dir: r.build.dir, ...m }));
        return;
      }
      const gb = (m.diskBytes / 1e9).toFixed(1);
      console.log(
        r.alreadyBuilt
          ? `native ${variant} backend already built: TensorFlow ${m.tensorflow} in ${r.build.dir} (${gb} GB, built ${m.builtAt})`
          : `native ${variant} backend built in ${r.seconds.toFixed(0)} s: TensorFlow ${m.check.tensorflow} on the ${m.check.device}, ${r.build.dir} (${gb} GB)`,
      );
      if (!r.alreadyBuilt) console.log('`--backend auto` (the default of worker, demo and launch) now trains on it.');
    });
}

export function setupCommand(): Command {
  return new Command('setup')
    .description('optional set-up steps (the native TensorFlow backend)')
    .addCommand(nativeCommand().exitOverride())
    .addHelpText('after', '\nExamples:\n  $ npx hwsweep setup native\n  $ npx hwsweep setup native --gpu');
}
