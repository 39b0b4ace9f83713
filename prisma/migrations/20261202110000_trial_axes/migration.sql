-- Typed columns for the swept axes that only lived in trials.config (JSON), and the activity attempt.
-- `attempt` now counts trial runs (retries and relaunches add one); `activity_attempt` is the Temporal attempt of
-- the current step's activity (> 1 means that step was retried).
-- No extra indexes: these axes have a handful of values each, and queries filter them together with columns
-- that are indexed already ((sweep_id, status), (method, prune_ratio), (weight_bits, activation_bits)).

-- AlterTable
ALTER TABLE "trials" ADD COLUMN     "activity_attempt" INTEGER,
ADD COLUMN     "cluster_init" TEXT,
ADD COLUMN     "fc_policy" TEXT,
ADD COLUMN     "fc_ratio" DOUBLE PRECISION,
ADD COLUMN     "narrow_convs" TEXT,
ADD COLUMN     "rows_kept" INTEGER,
ADD COLUMN     "schedule" TEXT,
ADD COLUMN     "schedule_steps" INTEGER;

-- Backfill from the stored configuration (JSON null becomes SQL NULL).
UPDATE "trials" SET
  "narrow_convs" = config->>'narrowConvs',
  "schedule" = config->>'schedule',
  "schedule_steps" = (config->>'scheduleSteps')::int,
  "rows_kept" = (config->>'rowsKept')::int,
  "fc_policy" = config->>'fcPolicy',
  "fc_ratio" = (config->>'fcRatio')::float8,
  "cluster_init" = config->>'clusterInit';

-- trial_results gains the new columns at the end (CREATE OR REPLACE VIEW may only append columns).
CREATE OR REPLACE VIEW trial_results AS
SELECT t.id, t.sweep_id, s.name AS sweep_name, t.number, t.label, t.status, t.model, t.width, t.dataset, t.method,
       t.prune_ratio, t.nominal_ratio, t.achieved_ratio, t.group_size, t.group_shape, t.weight_bits, t.activation_bits,
       t.weight_clusters, t.activation_clusters, t.lr_rule, t.retrain_epochs, t.seed,
       t.baseline_accuracy, t.pruned_accuracy, t.retrained_accuracy, t.accuracy, t.accuracy_drop,
       t.weights_kept, t.weights_total, t.model_bytes, t.compression_ratio, t.duration_ms, t.attempt, t.error,
       t.narrow_convs, t.schedule, t.schedule_steps, t.rows_kept, t.fc_policy, t.fc_ratio, t.cluster_init,
       t.threshold, t.rounding, t.phase, t.error_type, t.activity_attempt
FROM trials t JOIN sweeps s ON s.id = t.sweep_id;
