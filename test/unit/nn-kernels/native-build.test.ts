import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HwsweepError } from '../../../src/errors.js';
import { buildNative, parseCudaRequirements } from '../../../src/nn/backend/native-build.js';
import {
  TENSORFLOW_VERSION,
  TFJS_NODE_VERSION,
  findNativeBuild,
  nativeBuildDir,
  type NativeManifest,
} from '../../../src/nn/backend/native-cache.js';

/** A cache holding a build's manifest and an (empty) binding file: what `findNativeBuild` checks. */
function fakeBuild(root: string, patch: Partial<NativeManifest> = {}, binding = true): string {
  const dir = nativeBuildDir('cpu', root);
  const manifest: NativeManifest = {
    variant: 'cpu',
    tfjsNode: TFJS_NODE_VERSION,
    tensorflow: TENSORFLOW_VERSION,
    wheels: ['tensorflow_cpu.whl'],
    napiVersion: 8,
    binding: 'lib/napi-v8/tfjs_binding.node',
    builtAt: '2026-12-02T00:00:00.000Z',
    buildSeconds: 15,
    diskBytes: 1,
    check: { tensorflow: TENSORFLOW_VERSION, device: 'CPU' },
    ...patch,
  };
  mkdirSync(join(dir, 'lib', 'napi-v8'), { recursive: true });
  writeFileSync(join(dir, 'build.json'), JSON.stringify(manifest));
  if (binding) writeFileSync(join(dir, manifest.binding), '');
  return dir;
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'hwsweep-native-'));

describe('native build cache', () => {
  it('finds a complete build and names every version in its directory', () => {
    const root = tmp();
    const dir = fakeBuild(root);
    expect(dir).toBe(join(root, `tfjs-node-${TFJS_NODE_VERSION}-tf-${TENSORFLOW_VERSION}-cpu-${process.platform}-${process.arch}-napi8`));
    const b = findNativeBuild('cpu', root);
    expect(b?.bindingPath).toBe(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'));
    expect(findNativeBuild('gpu', root)).toBeUndefined();
  });

  it('ignores a partial build (no binding), a manifest of another version, and a directory without a manifest', () => {
    const a = tmp();
    fakeBuild(a, {}, false);
    expect(findNativeBuild('cpu', a)).toBeUndefined();
    const b = tmp();
    fakeBuild(b, { tensorflow: '2.20.0' });
    expect(findNativeBuild('cpu', b)).toBeUndefined();
    const c = tmp();
    mkdirSync(dirname(join(nativeBuildDir('cpu', c), 'lib', 'napi-v8', 'x')), { recursive: true });
    expect(findNativeBuild('cpu', c)).toBeUndefined();
  });

  it('buildNative returns a cached build without running anything', async () => {
    const root = tmp();
    fakeBuild(root);
    // A Python that does not exist proves no tool was looked for.
    const r = await buildNative({ variant: 'cpu', root, python: '/nonexistent/python3' });
    expect(r.alreadyBuilt).toBe(true);
    expect(r.build.manifest.check.device).toBe('CPU');
    expect(r.seconds).toBeLessThan(1);
  });

  it('buildNative without Python and pip fails with TOOL_MISSING and an install hint', async () => {
    const err = await buildNative({ variant: 'cpu', root: tmp(), python: '/nonexistent/python3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HwsweepError);
    expect((err as HwsweepError).code).toBe('TOOL_MISSING');
    expect((err as HwsweepError).message).toBe('setup native: no Python with pip found (tried /nonexistent/python3)');
    expect((err as HwsweepError).hint).toMatch(/apt-get install -y python3-pip.*HWSWEEP_PYTHON/);
  });
});

describe('parseCudaRequirements', () => {
  it("keeps the and-cuda extra's requirements, without markers or spaces", () => {
    const metadata = [
      'Metadata-Version: 2.1',
      'Requires-Dist: numpy>=1.26.0',
      'Requires-Dist: nvidia-cublas-cu12<13.0,>=12.5.3.2; extra == "and-cuda"',
      "Requires-Dist: nvidia-cudnn-cu12 <10.0, >=9.3.0.75 ; extra == 'and-cuda'",
      'Requires-Dist: tensorrt; extra == "tensorrt"',
    ].join('\n');
    expect(parseCudaRequirements(metadata)).toEqual(['nvidia-cublas-cu12<13.0,>=12.5.3.2', 'nvidia-cudnn-cu12<10.0,>=9.3.0.75']);
  });

  it('throws when the wheel names none (a CPU wheel passed as the GPU one)', () => {
    expect(() => parseCudaRequirements('Requires-Dist: numpy')).toThrow('names no and-cuda requirements');
  });
});
