import { Command } from 'commander';
import { resolve } from 'node:path';
import { HwsweepError } from '../../errors.js';
import { loadSettings } from '../../services/index.js';
import type { TrialConfig } from '../../spec/index.js';
import { getArtifact } from '../../store/artifacts.js';
import { artifactIds } from '../../store/trial-store.js';
import { createDb, type Db } from '../../store/db.js';
import type { ExportManifest } from '../../trial/export.js';
import { table, toJson } from '../format.js';

/**
 * Writes trial `trialId`'s compressed network to `dir` (see `writeExport`), from the bundle its compress stage
 * stored and its architecture (zoo model, or the stored model file). Needs only the database.
 * @throws HwsweepError INVALID_ARGUMENT for an unknown trial or one that has not been compressed yet
 */
export async function exportTrial(db: Db, trialId: string, dir: string): Promise<ExportManifest> {
  const row = await db.trial.findUnique({ where: { id: trialId } });
  if (!row) {
    throw new HwsweepError('INVALID_ARGUMENT', `no trial with id ${trialId}`, {
      hint: 'trial ids are <sweep-id>/<config-hash>: hwsweep sql "select id, label from trials where sweep_id = \'…\'"',
    });
  }
  // The network its compressed stage stored (shared by every trial with that stage); trials that ran before
  // stages existed have theirs under their own id (or their source's, when reused).
  const stage = await db.trialStage.findFirst({ where: { trialId, kind: 'compressed' }, select: { stageKey: true } });
  const bytes = await getArtifact(db, artifactIds.exportBundle(stage?.stageKey ?? row.reusedFrom ?? trialId));
  if (!bytes) {
    throw new HwsweepError(
      'INVALID_ARGUMENT',
      `trial ${trialId} (${row.status}, phase ${row.phase ?? 'none'}) has no compressed network to export`,
      {
        hint: 'a trial can be exported once its compress stage has run (trials compressed by an hwsweep without export must be re-run)',
      },
    );
  }
  const [{ decodeExportBundle, writeExport }, { trialModel }, { DATASET_FACTS }] = await Promise.all([
    import('../../trial/export.js'),
    import('../../trial/data.js'),
    import('../../nn/index.js'),
  ]);
  const t = row.config as unknown as TrialConfig;
  const modelFile = t.modelFile ?? null;
  // The architecture only: its weights are replaced by the bundle's (so a model file needs no seeded init).
  const network = await trialModel(
    { ...t, modelFile: modelFile && { ...modelFile, pretrained: true } },
    { name: t.dataset, ...DATASET_FACTS[t.dataset] },
    (sha) => getArtifact(db, artifactIds.model(sha)),
  );
  try {
    return await writeExport(dir, network, decodeExportBundle(bytes), {
      id: row.id,
      label: row.label,
      model: row.model,
      dataset: row.dataset,
      configHash: row.configHash,
      accuracy: row.accuracy,
      baselineAccuracy: row.baselineAccuracy,
      modelBytes: row.modelBytes,
      compressionRatio: row.compressionRatio,
      config: row.config,
    });
  } finally {
    network.dispose();
  }
}

/**
 * Reloads an export and measures its accuracy on the trial's test images (same subset and seed), with the
 * activation transforms of its manifest: it should equal the stored accuracy.
 */
export async function verifyExport(dir: string): Promise<{ accuracy: number; stored: number | null; images: number }> {
  const [{ loadExport }, { trialDataset }, { evaluate }, { initBackend }] = await Promise.all([
    import('../../trial/export.js'),
    import('../../trial/data.js'),
    import('../../nn/index.js'),
    import('../../nn/backend/index.js'),
  ]);
  await initBackend((process.env['HWSWEEP_BACKEND'] as 'auto' | undefined) ?? 'auto', { log: () => undefined });
  const { model, transforms, manifest } = await loadExport(dir);
  try {
    const data = await trialDataset(manifest.trial.config as TrialConfig);
    const { accuracy } = await evaluate(model, data.test, { transforms });
    return { accuracy, stored: manifest.trial.accuracy, images: data.test.n };
  } finally {
    model.dispose();
  }
}

export function exportCommand(): Command {
  return new Command('export')
    .description("write a trial's compressed network: a tfjs LayersModel, its packed form and a manifest of sizes")
    .argument('<trial-id>', 'the trial (trials.id, e.g. demo-20261202T120000-ab12/3f9c0d1e2a4b5c6d)')
    .requiredOption('--out <dir>', 'output folder (created; files in it are overwritten)')
    .option(
      '--verify',
      "reload the export, evaluate it on the trial's test images and compare with the stored accuracy",
    )
    .option('--json', 'print the manifest (and the verification) as JSON')
    .addHelpText(
      'after',
      `
Writes <dir>/model.json + weights.bin (tfjs LayersModel, logits out, with the masked / quantized / clustered
weights the trial was evaluated with), <dir>/packed.hwcm (codes, codebooks, fixed-point positions, masks) and
<dir>/manifest.json (bytes per layer and in total, equal to the trial's model_bytes). See docs/models.md.

Examples:
  $ hwsweep sql "select id, label, accuracy from trials where status = 'COMPLETED' order by accuracy desc limit 3"
  $ hwsweep export demo-20261202T120000-ab12/3f9c0d1e2a4b5c6d --out exports/best --verify`,
    )
    .action(async (trialId: string, opts: { out: string; verify?: boolean; json?: boolean }) => {
      const db = createDb(loadSettings().databaseUrl);
      let manifest: ExportManifest;
      try {
        manifest = await exportTrial(db, trialId, resolve(opts.out));
      } finally {
        await db.$disconnect();
      }
      const verified = opts.verify ? await verifyExport(resolve(opts.out)) : undefined;
      if (opts.json) {
        console.log(toJson({ out: resolve(opts.out), manifest, ...(verified ? { verify: verified } : {}) }));
      } else {
        console.log(`Exported trial ${manifest.trial.id} (${manifest.trial.label}) to ${resolve(opts.out)}`);
        const rows = manifest.layers.map((l) => ({
          layer: l.name,
          shape: l.shape.join('x'),
          kept: l.kept,
          weights:
            l.weightFormat === 'fixed'
              ? `fixed${l.bits} fl=${l.fractionalLength}`
              : l.weightFormat === 'clustered'
                ? `k=${l.clusters}`
                : 'fp32',
          storage: l.storage.format,
          bytes: l.storageBytes,
        }));
        console.log(table(rows));
        console.log(
          `model bytes ${manifest.modelBytes} (fp32 ${manifest.fp32Bytes}); files: ${Object.entries(manifest.files)
            .map(([f, n]) => `${f} ${n} B`)
            .join(', ')}`,
        );
        if (verified) {
          const same = verified.stored !== null && Math.abs(verified.accuracy - verified.stored) < 1e-9;
          console.log(
            `accuracy: stored ${verified.stored ?? 'none'}, reloaded ${verified.accuracy} on ${verified.images} test images${same ? ' (equal)' : ''}`,
          );
        }
      }
      // One test image of difference can come from another backend's float rounding; more is a real mismatch.
      if (
        verified &&
        (verified.stored === null || Math.abs(verified.accuracy - verified.stored) > 1 / verified.images + 1e-9)
      ) {
        process.exitCode = 1;
      }
    });
}
