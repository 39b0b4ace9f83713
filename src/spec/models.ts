/**
 * Model files named in a spec (`models: [{ path: ./model.json }]`): paths resolved against the spec file's
 * folder and each file checked and hashed by an injected resolver (the CLI passes the tfjs one from src/nn/io), so
 * this module stays free of tfjs and file I/O. Runs after `parseSpec`, before anything starts: its problems are
 * INVALID_SPEC issues at `models[i]…`, like every other spec error (launch exits 2).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { HwsweepError } from '../errors.js';
import { invalidSpecError, toSpecIssues, type RawIssue } from './issues.js';
import type { DatasetName, FileModelSpec, SweepSpec } from './types.js';

/**
 * Checks one model file against the spec's datasets and returns its content hash. Throws an Error whose message
 * says what is wrong (missing file, unsupported layer, input shape or classes that do not match a dataset).
 */
export type ModelFileResolver = (
  absPath: string,
  ctx: { datasets: readonly DatasetName[] },
) => Promise<{ sha256: string }>;

/**
 * Resolves every file model of `spec`: `path` becomes absolute (relative paths are read against the folder of
 * `specFile`), `sha256` is set from the resolver (a `sha256` already in the spec must match it). Zoo models pass
 * through. Returns a new spec.
 * @throws HwsweepError INVALID_SPEC listing every model that cannot be used, as `models[i].path: reason`.
 */
export async function resolveModelFiles(
  spec: SweepSpec,
  opts: { specFile?: string; resolver: ModelFileResolver },
): Promise<SweepSpec> {
  const base = opts.specFile !== undefined ? dirname(resolve(opts.specFile)) : process.cwd();
  const issues: RawIssue[] = [];
  const models = await Promise.all(
    spec.models.map(async (m, i): Promise<SweepSpec['models'][number]> => {
      if (m.source !== 'file') return m;
      const path = isAbsolute(m.path) ? m.path : resolve(base, m.path);
      let sha256: string;
      try {
        ({ sha256 } = await opts.resolver(path, { datasets: spec.datasets }));
      } catch (err) {
        issues.push({ path: ['models', i, 'path'], message: err instanceof Error ? err.message : String(err) });
        return m;
      }
      if (m.sha256 !== null && m.sha256 !== sha256) {
        issues.push({
          path: ['models', i, 'sha256'],
          message: `${path} has sha256 ${sha256}, not the pinned ${m.sha256} (the file changed)`,
        });
      }
      return { ...m, path, sha256 } satisfies FileModelSpec;
    }),
  );
  if (issues.length > 0) throw invalidSpecError(toSpecIssues(issues), opts.specFile);
  return { ...spec, models };
}

/** The spec's file models, each with its content hash (after `resolveModelFiles`). */
export function fileModels(spec: SweepSpec): (FileModelSpec & { sha256: string })[] {
  return spec.models.flatMap((m) => {
    if (m.source !== 'file') return [];
    if (m.sha256 === null) {
      throw new HwsweepError('INVALID_SPEC', `model "${m.name}" (${m.path}) was not resolved (resolveModelFiles)`, {
        context: { model: m.name },
      });
    }
    return [{ ...m, sha256: m.sha256 }];
  });
}
