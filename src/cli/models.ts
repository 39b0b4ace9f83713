/**
 * User-supplied model files at launch: checked and hashed against the spec (before any service starts, so a bad
 * file exits 2 like any spec error), then stored in the artifact table under their hash so that every worker,
 * local or remote, loads the same bytes without a shared filesystem. tfjs is imported only when a spec names one.
 */
import { HwsweepError } from '../errors.js';
import { fileModels, resolveModelFiles, type SweepSpec } from '../spec/index.js';
import { putArtifact } from '../store/artifacts.js';
import { artifactIds } from '../store/trial-store.js';
import type { Db } from '../store/db.js';

/** Resolves the spec's model files against the spec file's folder (see `resolveModelFiles`). */
export async function resolveSpecModels(spec: SweepSpec, specFile: string): Promise<SweepSpec> {
  if (!spec.models.some((m) => m.source === 'file')) return spec;
  const { inspectModelFile } = await import('../nn/io/index.js');
  return resolveModelFiles(spec, { specFile, resolver: (path, ctx) => inspectModelFile(path, ctx.datasets) });
}

/**
 * Stores each resolved model file of `spec` as artifact `model/<sha256>` (idempotent: same content, same row).
 * Re-reads the file and refuses it if it changed since the spec was resolved.
 */
export async function uploadSpecModels(db: Db, spec: SweepSpec): Promise<void> {
  const models = fileModels(spec);
  if (models.length === 0) return;
  const { readModelFiles, encodeModelFiles } = await import('../nn/io/index.js');
  for (const m of models) {
    const files = readModelFiles(m.path);
    if (files.sha256 !== m.sha256) {
      throw new HwsweepError(
        'INVALID_SPEC',
        `model file ${m.path} changed while launching (sha256 ${files.sha256}, expected ${m.sha256})`,
        {
          context: { model: m.name, path: m.path },
        },
      );
    }
    await putArtifact(db, {
      id: artifactIds.model(m.sha256),
      kind: 'model',
      ownerId: m.sha256,
      bytes: encodeModelFiles(files),
    });
  }
}
