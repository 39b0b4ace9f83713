/**
 * Training and inference throughput (issue 3 item 8, `npm run bench:train`): images/s of the zoo's
 * LeNet-5 and VGG-style net on 28×28×1 inputs, per available backend, measured with the real
 * training loop (`trainModel`: forward, backward, SGD-momentum update, per-batch sync) and
 * `evaluate` for inference. Baselines measured in the same run: the pure-JS `cpu` backend (few
 * batches: ~18 LeNet-5 training images/s) and `wasm` with only the missing kernels registered
 * (the package's own scalar-loop kernels for conv input gradients, pooling gradients and transposed
 * matmuls) — the state before hwsweep's replacements.
 *
 * Native TensorFlow rows (`tensorflow`, `tensorflow-gpu`) come first when the machine has the backend
 * (`hwsweep setup native [--gpu]`, or an installed @tensorflow/tfjs-node[-gpu]). Then the anchors, when a Python
 * with torch or TensorFlow is at hand (scripts/bench-anchors-venv.sh): the same two models and training in
 * PyTorch (pinned to 1 thread) and Keras (TensorFlow's default threads), each in its own process
 * (bench/anchors/). The table ends with the ratios of hwsweep's rows to the anchors.
 *
 * Also reports images per CPU-second of the measuring process: on a shared machine wall-clock rates drop
 * with the load, CPU-time rates much less (both are printed; neither is asserted).
 * `--json` prints ONE JSON object on stdout (key `lenet5_train_img_per_s`: wasm, the default CPU
 * backend without a native build) and nothing else; logs go to stderr. `--skip-anchors` leaves the anchors out.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { checkArg } from '../src/errors.js';
import { initBackend, nativeInfo, registerWasmTrainingKernels } from '../src/nn/backend/index.js';
import type { ActiveBackend } from '../src/nn/backend/index.js';
import { createModel, evaluate, makeSynthetic, trainModel } from '../src/nn/index.js';
import type { ModelName } from '../src/nn/index.js';
import { findAnchorPython, runAnchor, type AnchorFramework } from './anchors/run.js';

const SHAPE: [number, number, number] = [28, 28, 1];

interface Row {
  backend: string;
  model: ModelName;
  batchSize: number;
  trainImages: number;
  trainImgPerS: number;
  trainImgPerCpuS: number;
  inferImgPerS: number;
}

/** Wall-clock and process-CPU seconds of `f`. */
async function timed(f: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/**
 * One backend × model measurement: a warm-up epoch of up to 8 batches (skipped for the slow
 * pure-JS backend), then one timed epoch of `images` training images; inference on `images`
 * test images.
 */
async function measure(
  backend: string,
  model: ModelName,
  batchSize: number,
  images: number,
  warmUp: boolean,
): Promise<Row> {
  const data = makeSynthetic({ seed: 1, train: images, test: images, shape: SHAPE, numClasses: 10 });
  // Warm-up: 8 batches (JIT, XNNPACK operator caches, heap growth), capped at the timed size.
  const warmImages = Math.min(images, 8 * batchSize);
  const warm = makeSynthetic({ seed: 2, train: warmImages, test: batchSize, shape: SHAPE, numClasses: 10 });
  const net = createModel({ name: model, inputShape: SHAPE, numClasses: 10, seed: 1 });
  const opts = {
    epochs: 1,
    batchSize,
    optimizer: 'sgd' as const,
    lr: 0.01,
    momentum: 0.9,
    schedule: { kind: 'constant' as const },
    seed: 1,
  };
  try {
    if (warmUp) await trainModel(net, warm, opts); // first-call costs: kernel setup, XNNPACK operator caches
    const train = await timed(async () => {
      await trainModel(net, data, opts);
    });
    if (warmUp) await evaluate(net, warm.test, { batchSize: 256 });
    const infer = await timed(async () => {
      await evaluate(net, data.test, { batchSize: 256 });
    });
    return {
      backend,
      model,
      batchSize,
      trainImages: images,
      trainImgPerS: images / train.wall,
      trainImgPerCpuS: images / train.cpu,
      inferImgPerS: images / infer.wall,
    };
  } finally {
    net.dispose();
  }
}

function table(rows: Row[]): string {
  const head = ['backend', 'model', 'batch', 'train img/s', 'train img/CPU-s', 'infer img/s', 'train × cpu'];
  const cpu = new Map(rows.filter((r) => r.backend === 'cpu').map((r) => [r.model, r.trainImgPerS]));
  const lines = rows.map((r) => {
    const base = cpu.get(r.model);
    return [
      r.backend,
      r.model,
      String(r.batchSize),
      r.trainImgPerS.toFixed(1),
      r.trainImgPerCpuS.toFixed(1),
      r.inferImgPerS.toFixed(1),
      base ? `${(r.trainImgPerS / base).toFixed(0)}×` : '-',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      batch: { type: 'string', default: '64' },
      images: { type: 'string', default: '4096' },
      quick: { type: 'boolean', default: false },
      'skip-anchors': { type: 'boolean', default: false },
    },
  });
  const batch = Number(values.batch);
  const quick = values.quick === true;
  const images = quick ? 4 * batch : Number(values.images);
  checkArg(Number.isInteger(batch) && batch >= 1, 'bench:train', '--batch', values.batch, 'an integer >= 1');
  checkArg(
    Number.isInteger(images) && images >= batch,
    'bench:train',
    '--images',
    values.images,
    `an integer >= --batch (${batch})`,
  );
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  const rows: Row[] = [];
  const run = async (
    label: string,
    backend: ActiveBackend,
    model: ModelName,
    images: number,
    bs = batch,
  ): Promise<void> => {
    await initBackend(backend, { log });
    log(`measuring ${label} ${model} (${images} images, batch ${bs}) ...`);
    rows.push(await measure(label, model, bs, images, backend !== 'cpu'));
  };
  // Native backends, if this machine has them (`hwsweep setup native [--gpu]`; docs/gpu-workers.md).
  const notes: string[] = [];
  for (const native of ['tensorflow-gpu', 'tensorflow'] as const) {
    try {
      await initBackend(native, { log: () => undefined });
    } catch (err) {
      log(`${native}: not available (${(err as Error).message.split(': ').slice(-1)[0] ?? ''})`);
      continue;
    }
    const info = nativeInfo();
    notes.push(`${native}: ${info?.source === 'hwsweep-build' ? `hwsweep build of TensorFlow ${info.tensorflow}` : (info?.source ?? '?')}, ${process.env['TF_NUM_INTRAOP_THREADS'] ?? 'default'} intra-op threads`);
    await run(native, native, 'lenet5', images);
    await run(native, native, 'vgg', images);
    if (native === 'tensorflow-gpu') break; // one process loads one native TensorFlow
  }
  // Anchors: the same training in PyTorch and Keras, in their own processes.
  const anchors = values['skip-anchors'] ? { python: undefined, frameworks: [], tried: [] } : findAnchorPython();
  if (!anchors.python) {
    notes.push(
      values['skip-anchors']
        ? 'anchors: skipped (--skip-anchors)'
        : `anchors: not applicable (no Python with torch or tensorflow: tried ${anchors.tried.join(', ')}; scripts/bench-anchors-venv.sh makes one)`,
    );
  }
  const ANCHOR_LABEL: Record<AnchorFramework, string> = { torch: 'pytorch-1-thread', keras: 'keras' };
  for (const framework of anchors.frameworks) {
    for (const model of ['lenet5', 'vgg'] as const) {
      log(`measuring ${ANCHOR_LABEL[framework]} ${model} (${images} images, batch ${batch}) ...`);
      try {
        const a = runAnchor(anchors.python!, framework, model, { batch, images, threads: framework === 'torch' ? 1 : 0 });
        rows.push({
          backend: ANCHOR_LABEL[framework],
          model,
          batchSize: batch,
          trainImages: images,
          trainImgPerS: a.train_img_per_s,
          trainImgPerCpuS: a.train_img_per_cpu_s,
          inferImgPerS: a.infer_img_per_s,
        });
        if (model === 'vgg') notes.push(`${ANCHOR_LABEL[framework]}: ${framework === 'torch' ? 'PyTorch' : 'TensorFlow (Keras)'} ${a.version}, ${a.threads} thread(s), ${anchors.python}`);
      } catch (err) {
        notes.push(`${ANCHOR_LABEL[framework]} ${model}: ${(err as Error).message}`);
      }
    }
  }
  await run('wasm', 'wasm', 'lenet5', images);
  await run('wasm', 'wasm', 'vgg', Math.max(batch, images / 8));
  registerWasmTrainingKernels({ overrides: false });
  await run('wasm-pkg-kernels', 'wasm', 'lenet5', Math.max(batch, images / 8));
  await run('wasm-pkg-kernels', 'wasm', 'vgg', batch);
  registerWasmTrainingKernels({ overrides: true });
  await run('cpu', 'cpu', 'lenet5', batch);
  await run('cpu', 'cpu', 'vgg', 4, 4);

  const find = (b: string, m: ModelName): Row | undefined => rows.find((r) => r.backend === b && r.model === m);
  const lenet = find('wasm', 'lenet5');
  const vgg = find('wasm', 'vgg');
  const ratios = ratioLines(rows);
  const summary = {
    lenet5_train_img_per_s: lenet?.trainImgPerS ?? null,
    lenet5_train_img_per_cpu_s: lenet?.trainImgPerCpuS ?? null,
    lenet5_infer_img_per_s: lenet?.inferImgPerS ?? null,
    vgg_train_img_per_s: vgg?.trainImgPerS ?? null,
    vgg_infer_img_per_s: vgg?.inferImgPerS ?? null,
    native_vgg_train_img_per_s: (find('tensorflow-gpu', 'vgg') ?? find('tensorflow', 'vgg'))?.trainImgPerS ?? null,
    pytorch_vgg_train_img_per_s: find('pytorch-1-thread', 'vgg')?.trainImgPerS ?? null,
    keras_vgg_train_img_per_s: find('keras', 'vgg')?.trainImgPerS ?? null,
    default_cpu_backend: 'wasm',
    batch_size: batch,
    cores: os.cpus().length,
    load_average_1m: os.loadavg()[0] ?? null,
    tfjs: tf.version_core,
    notes,
    ratios,
    results: rows,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    console.log(table(rows));
    if (ratios.length > 0) console.log(`\nTraining images/s relative to the anchors (same run):\n${ratios.map((l) => `  ${l}`).join('\n')}`);
    console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
    console.log(
      `\n${os.cpus().length} cores, 1-min load average ${(os.loadavg()[0] ?? 0).toFixed(1)} during the run ` +
        `(wall-clock rates fall with the load; img/CPU-s is the measuring process's CPU time).`,
    );
  }
}

/** `model: ours / anchor = 0.62x` for each hwsweep backend and anchor measured on the same model. */
function ratioLines(rows: Row[]): string[] {
  const anchorsOf = new Set(['pytorch-1-thread', 'keras']);
  const lines: string[] = [];
  for (const model of ['lenet5', 'vgg'] as const) {
    const anchors = rows.filter((r) => r.model === model && anchorsOf.has(r.backend));
    const ours = rows.filter((r) => r.model === model && ['tensorflow-gpu', 'tensorflow', 'wasm'].includes(r.backend));
    const parts = ours.flatMap((o) => anchors.map((a) => `${o.backend} / ${a.backend} = ${(o.trainImgPerS / a.trainImgPerS).toFixed(2)}x`));
    if (parts.length > 0) lines.push(`${model}: ${parts.join(', ')}`);
  }
  return lines;
}

await main();
