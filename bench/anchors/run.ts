/**
 * Runs the PyTorch / Keras anchor rows of `bench:train` (./train_anchor.py) when a Python with torch or
 * TensorFlow is at hand: `HWSWEEP_ANCHORS_PYTHON`, else the venv of scripts/bench-anchors-venv.sh
 * (`~/.cache/hwsweep/anchors-venv`), else `python3`. Each framework x model runs in its own process, one after
 * another, so the rows never share the cores with each other or with hwsweep's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../../src/services/paths.js';

export type AnchorFramework = 'torch' | 'keras';

/** One anchor measurement, as train_anchor.py prints it. */
export interface AnchorRow {
  framework: AnchorFramework;
  version: string;
  model: 'lenet5' | 'vgg';
  batch: number;
  threads: number;
  train_img_per_s: number;
  train_img_per_cpu_s: number;
  infer_img_per_s: number;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'train_anchor.py');
const MODULE: Record<AnchorFramework, string> = { torch: 'torch', keras: 'tensorflow' };

/** The Python to run the anchors with, and which frameworks it can import (none: `python` is undefined). */
export function findAnchorPython(): { python: string | undefined; frameworks: AnchorFramework[]; tried: string[] } {
  const venv = join(cacheDir(), 'anchors-venv', 'bin', 'python');
  const tried = [process.env['HWSWEEP_ANCHORS_PYTHON'], existsSync(venv) ? venv : undefined, 'python3'].filter(
    (p): p is string => p !== undefined,
  );
  for (const python of tried) {
    const frameworks = (['torch', 'keras'] as const).filter(
      (f) => spawnSync(python, ['-c', `import ${MODULE[f]}`], { stdio: 'ignore' }).status === 0,
    );
    if (frameworks.length > 0) return { python, frameworks, tried };
  }
  return { python: undefined, frameworks: [], tried };
}

/**
 * One anchor row. `threads` 0 keeps the framework's default (Keras: all cores, like native TensorFlow in hwsweep);
 * PyTorch is pinned to 1 thread by the caller: with its default 2 threads it ran 20x slower on a loaded 2-core machine.
 */
export function runAnchor(
  python: string,
  framework: AnchorFramework,
  model: 'lenet5' | 'vgg',
  opts: { batch: number; images: number; threads: number },
): AnchorRow {
  const args = [SCRIPT, '--framework', framework, '--model', model, '--batch', String(opts.batch), '--images', String(opts.images), '--threads', String(opts.threads)];
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    throw new Error(`${framework} ${model} anchor failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
  return JSON.parse(line) as AnchorRow;
}
