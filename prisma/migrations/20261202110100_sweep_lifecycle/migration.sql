-- Sweeps you can change safely: launch options kept per sweep (retry/resume reuse them), trials that reuse another
-- sweep's completed result (reused_from, looked up by config hash), and the history of every finished trial run.

-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "options" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "trials" ADD COLUMN     "reused_from" TEXT;

-- CreateTable
CREATE TABLE "trial_attempts" (
    "id" SERIAL NOT NULL,
    "trial_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" "RunStatus" NOT NULL,
    "phase" TEXT,
    "error" TEXT,
    "error_type" TEXT,
    "activity_attempt" INTEGER,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trial_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "trial_attempts_trial_id_attempt_key" ON "trial_attempts"("trial_id", "attempt");

-- CreateIndex
CREATE INDEX "trials_config_hash_status_idx" ON "trials"("config_hash", "status");

-- AddForeignKey
ALTER TABLE "trial_attempts" ADD CONSTRAINT "trial_attempts_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Runs that finished before this migration keep their outcome as attempt history.
INSERT INTO "trial_attempts" ("trial_id", "attempt", "status", "phase", "error", "error_type", "started_at", "finished_at")
SELECT "id", GREATEST("attempt", 1), "status", "phase", "error", "error_type", "started_at", COALESCE("finished_at", now())
FROM "trials" WHERE "status" IN ('COMPLETED', 'FAILED', 'CANCELLED');

-- trial_results gains reused_from at the end (CREATE OR REPLACE VIEW may only append columns).
CREATE OR REPLACE VIEW trial_results AS
SELECT t.id, t.sweep_id, s.name AS sweep_name, t.number, t.label, t.status, t.model, t.width, t.dataset, t.method,
       t.prune_ratio, t.nominal_ratio, t.achieved_ratio, t.group_size, t.group_shape, t.weight_bits, t.activation_bits,
       t.weight_clusters, t.activation_clusters, t.lr_rule, t.retrain_epochs, t.seed,
       t.baseline_accuracy, t.pruned_accuracy, t.retrained_accuracy, t.accuracy, t.accuracy_drop,
       t.weights_kept, t.weights_total, t.model_bytes, t.compression_ratio, t.duration_ms, t.attempt, t.error,
       t.narrow_convs, t.schedule, t.schedule_steps, t.rows_kept, t.fc_policy, t.fc_ratio, t.cluster_init,
       t.threshold, t.rounding, t.phase, t.error_type, t.activity_attempt, t.reused_from
FROM trials t JOIN sweeps s ON s.id = t.sweep_id;
