import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveSpecModels } from '../../../src/cli/models.js';
import { initBackend } from '../../../src/nn/backend/index.js';
import { readModelFiles } from '../../../src/nn/io/index.js';
import {
  defaultModelName,
  expandSpec,
  parseSpecObject,
  resolveModelFiles,
  validateSpecObject,
  type ModelFileResolver,
  type SweepSpec,
} from '../../../src/spec/index.js';

const base = { name: 'byo', datasets: ['fashion-mnist'], pruning: { methods: ['magnitude'], ratios: [0.5] } };
const spec = (models: unknown[]): SweepSpec => parseSpecObject({ ...base, models });
const fakeResolver =
  (sha: string): ModelFileResolver =>
  () =>
    Promise.resolve({ sha256: sha });
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('models: file entries in a spec', () => {
  it('a mapping with path is a model file; its name defaults to the folder of model.json', () => {
    const s = spec(['lenet5', { path: './nets/tiny/model.json', pretrained: true }, { path: 'other.json' }]);
    expect(s.models).toEqual([
      { name: 'lenet5', width: 1 },
      { source: 'file', name: 'tiny', path: './nets/tiny/model.json', pretrained: true, sha256: null },
      { source: 'file', name: 'other', path: 'other.json', pretrained: false, sha256: null },
    ]);
    expect(defaultModelName('my nets/res net/model.json')).toBe('res-net');
  });

  it('reports bad file entries with their paths', () => {
    const r = validateSpecObject({
      ...base,
      models: [
        { path: 'a/model.json', width: 2 },
        { path: 'b/model.json', name: 'lenet5' },
        { path: '', pretrained: 'yes' },
        { path: 'c/model.json', name: 'same' },
        { path: 'd/model.json', name: 'same' },
        { path: 'e/model.json', sha256: 'abc' },
        42,
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => `${i.path}: ${i.message}`)).toMatchInlineSnapshot(`
      [
        "models[0].width: unknown key (allowed: path, name, pretrained, sha256)",
        "models[2].path: must not be empty",
        "models[2].pretrained: expected true or false, got "yes"",
        "models[5].sha256: expected a sha256: 64 lowercase hex digits",
        "models[6]: expected a zoo model (lenet5 | vgg | resnet8 | resnet20 | mobilenet, or { name, width }) or a model file ({ path: ./model.json }), got 42",
      ]
    `);
    const names = validateSpecObject({
      ...base,
      models: [
        { path: 'b/model.json', name: 'lenet5' },
        { path: 'c/model.json', name: 'same' },
        { path: 'd/model.json', name: 'same' },
      ],
    });
    expect(names.ok ? [] : names.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'models[0].name: "lenet5" is a zoo model\'s name; give the model file another name',
      'models[2].name: "same" is also the name of models[1]; give each model its own name',
    ]);
  });

  it('resolveModelFiles makes paths absolute against the spec file and sets the content hash', async () => {
    const seen: string[] = [];
    const r = await resolveModelFiles(spec(['vgg', { path: 'nets/a/model.json' }, { path: '/abs/b/model.json' }]), {
      specFile: '/work/specs/sweep.yaml',
      resolver: (p) => {
        seen.push(p);
        return Promise.resolve({ sha256: SHA_A });
      },
    });
    expect(seen).toEqual(['/work/specs/nets/a/model.json', '/abs/b/model.json']);
    // Resolved entries (as stored with the sweep) parse to themselves.
    expect(parseSpecObject({ ...base, models: JSON.parse(JSON.stringify(r.models)) as unknown[] }).models).toEqual(
      r.models,
    );
    expect(r.models[1]).toEqual({
      source: 'file',
      name: 'a',
      path: '/work/specs/nets/a/model.json',
      pretrained: false,
      sha256: SHA_A,
    });
  });

  it('a resolver error or a pinned hash that differs is an INVALID_SPEC issue at the model', async () => {
    const s = spec([{ path: 'x/model.json' }, { path: 'y/model.json', sha256: SHA_B }]);
    const resolver: ModelFileResolver = (p) =>
      p.includes('/x/')
        ? Promise.reject(new Error('layer "l" (LSTM) is not supported'))
        : Promise.resolve({ sha256: SHA_A });
    await expect(resolveModelFiles(s, { specFile: '/s/spec.yaml', resolver })).rejects
      .toThrowErrorMatchingInlineSnapshot(`
      [HwsweepError: Invalid sweep spec /s/spec.yaml (2 issues):
        models[0].path: layer "l" (LSTM) is not supported
        models[1].sha256: /s/y/model.json has sha256 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, not the pinned bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb (the file changed)]
    `);
  });

  it('a file model cannot be expanded before it is resolved', () => {
    expect(() => expandSpec(spec([{ path: 'x/model.json' }]))).toThrow(
      /has no content hash: resolve the spec's model files/,
    );
  });
});

describe('model files in trial identity', () => {
  const trialsOf = async (sha: string, model: Record<string, unknown>, specFile = '/s/spec.yaml') =>
    expandSpec(
      await resolveModelFiles(spec([{ path: 'n/model.json', ...model }]), { specFile, resolver: fakeResolver(sha) }),
    ).trials;

  it('the content hash is part of configHash and baselineKey; the path is not', async () => {
    const [a] = await trialsOf(SHA_A, {});
    const [moved] = await trialsOf(SHA_A, {}, '/elsewhere/spec.yaml');
    const [changed] = await trialsOf(SHA_B, {});
    const [pre] = await trialsOf(SHA_A, { pretrained: true });
    expect(a?.modelFile).toEqual({ path: '/s/n/model.json', sha256: SHA_A, pretrained: false });
    expect(moved?.modelFile?.path).toBe('/elsewhere/n/model.json');
    expect(moved?.configHash).toBe(a?.configHash);
    expect(moved?.baselineKey).toBe(a?.baselineKey);
    expect(changed?.configHash).not.toBe(a?.configHash);
    expect(changed?.baselineKey).not.toBe(a?.baselineKey);
    expect(pre?.baselineKey).not.toBe(a?.baselineKey);
    expect(a?.model).toBe('n');
    expect(a?.width).toBe(1);
  });

  it('zoo trials keep modelFile null', () => {
    expect(expandSpec(spec(['lenet5'])).trials[0]?.modelFile).toBeNull();
  });
});

describe('resolveSpecModels (the CLI resolver, real files)', () => {
  it('hashes the fixture and resolves it against the spec file folder', async () => {
    const s = parseSpecObject({ ...base, models: [{ path: 'models/keras-seq/model.json', pretrained: true }] });
    const r = await resolveSpecModels(s, 'test/fixtures/spec.yaml');
    const m = r.models[0];
    expect(m?.source === 'file' && m.sha256).toBe(readModelFiles('test/fixtures/models/keras-seq/model.json').sha256);
    expect(m?.source === 'file' && m.path).toBe(resolve('test/fixtures/models/keras-seq/model.json'));
  });

  it('a model that does not fit a dataset of the spec is refused with both geometries', async () => {
    const s = parseSpecObject({ ...base, datasets: ['synthetic'], models: [{ path: 'models/keras-seq/model.json' }] });
    await expect(resolveSpecModels(s, 'test/fixtures/spec.yaml')).rejects.toThrow(
      /models\[0\]\.path: .*keras-seq\/model\.json: the model takes \[28, 28, 1\] images and predicts 10 classes, but dataset synthetic has \[16, 16, 1\] images and 4 classes/,
    );
  });
});
