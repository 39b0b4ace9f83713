/**
 * One training epoch of the zoo's VGG-style net (6 conv + BN, width 1) on all 60,000 Fashion-MNIST images, batch 64,
 * SGD with momentum, through hwsweep's real training loop, then evaluation on the 10,000 test images. Prints what
 * ran where and the rate (with --json, one JSON line on stdout and the sentence on stderr): the GPU check
 * (scripts/gpu-check.sh) and a quick look at any backend.
 *
 *   npx tsx scripts/native-epoch.ts [--backend tensorflow-gpu] [--images 60000] [--json]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { checkArg, type HwsweepError } from '../src/errors.js';
import { BACKEND_CHOICES, initBackend, nativeInfo, type BackendChoice } from '../src/nn/backend/index.js';
import { createModel, evaluate, loadDataset, trainModel } from '../src/nn/index.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    images: { type: 'string', default: '60000' },
    batch: { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
  },
});
const backendChoice = values.backend as BackendChoice;
checkArg(BACKEND_CHOICES.includes(backendChoice), 'native-epoch', '--backend', values.backend, BACKEND_CHOICES.join(' | '));
const images = Number(values.images);
const batch = Number(values.batch);
checkArg(Number.isInteger(images) && images >= 64 && images <= 60_000, 'native-epoch', '--images', values.images, 'an integer in [64, 60000]');
checkArg(Number.isInteger(batch) && batch >= 1, 'native-epoch', '--batch', values.batch, 'an integer >= 1');

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const backend = await initBackend(backendChoice, { log }).catch((err: unknown) => {
  const e = err as HwsweepError;
  log(`✖ ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
  process.exit(1);
});
const info = nativeInfo();
const gpuName =
  info?.gpu === true
    ? (spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' })
        .stdout.split('\n')[Number((process.env['CUDA_VISIBLE_DEVICES'] ?? '0').split(',')[0]) || 0]
        ?.trim() ?? 'unknown GPU')
    : undefined;
const data = await loadDataset('fashion-mnist', { trainSubset: images });
const model = createModel({ name: 'vgg', inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
const opts = {
  epochs: 1,
  batchSize: batch,
  optimizer: 'sgd' as const,
  lr: 0.01,
  momentum: 0.9,
  schedule: { kind: 'constant' as const },
  seed: 1,
};
// Warm-up on 8 batches: kernel selection (cuDNN autotuning on a GPU), memory pools.
const warm = { ...data, train: { ...data.train, n: 8 * batch, x: data.train.x.subarray(0, 8 * batch * 784), y: data.train.y.subarray(0, 8 * batch) } };
await trainModel(createModel({ name: 'vgg', inputShape: [28, 28, 1], numClasses: 10, seed: 2 }), warm, opts);
log(`training VGG-style on ${data.train.n} Fashion-MNIST images, batch ${batch} (${backend}) ...`);
const t0 = performance.now();
const { history } = await trainModel(model, data, opts);
const m = history[0]!;
const trainSeconds = (performance.now() - t0) / 1000;
const test = await evaluate(model, data.test, { batchSize: 256 });
const result = {
  backend,
  device: info?.gpu ? 'GPU' : 'CPU',
  gpu: gpuName ?? null,
  tensorflow: info?.tensorflow ?? null,
  source: info?.source ?? null,
  images: data.train.n,
  batch,
  epoch_seconds: Number(trainSeconds.toFixed(2)),
  train_img_per_s: Math.round(data.train.n / trainSeconds),
  loss: Number(m.loss.toFixed(4)),
  test_accuracy: Number(test.accuracy.toFixed(4)),
};
{
  (values.json ? log : console.log)(
    `VGG-style, 1 epoch of ${result.images} images on ${result.device}${gpuName ? ` (${gpuName})` : ''}, ${backend}${
      info ? ` (${info.source === 'hwsweep-build' ? `hwsweep build of TensorFlow ${info.tensorflow}` : info.source})` : ''
    }: ${result.train_img_per_s} images/s, ${result.epoch_seconds} s, loss ${result.loss}, test accuracy ${result.test_accuracy}`,
  );
  if (values.json) console.log(JSON.stringify(result));
}
