-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'PAUSED');

-- CreateTable
CREATE TABLE "sweeps" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "spec_hash" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'PENDING',
    "workflow_id" TEXT NOT NULL,
    "trial_count" INTEGER NOT NULL DEFAULT 0,
    "rejected" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,
    "finished_at" TIMESTAMPTZ(6),

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trials" (
    "id" TEXT NOT NULL,
    "sweep_id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "config_hash" TEXT NOT NULL,
    "baseline_key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "width" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "dataset" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "prune_ratio" DOUBLE PRECISION,
    "nominal_ratio" DOUBLE PRECISION,
    "group_size" INTEGER,
    "group_shape" TEXT,
    "weight_bits" INTEGER NOT NULL,
    "activation_bits" INTEGER NOT NULL,
    "threshold" TEXT NOT NULL,
    "rounding" TEXT NOT NULL,
    "weight_clusters" INTEGER NOT NULL DEFAULT 0,
    "activation_clusters" INTEGER NOT NULL DEFAULT 0,
    "lr_rule" TEXT NOT NULL,
    "retrain_epochs" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "phase" TEXT,
    "error" TEXT,
    "error_type" TEXT,
    "baseline_accuracy" DOUBLE PRECISION,
    "pruned_accuracy" DOUBLE PRECISION,
    "retrained_accuracy" DOUBLE PRECISION,
    "accuracy" DOUBLE PRECISION,
    "accuracy_drop" DOUBLE PRECISION,
    "achieved_ratio" DOUBLE PRECISION,
    "weights_kept" INTEGER,
    "weights_total" INTEGER,
    "model_bytes" DOUBLE PRECISION,
    "compression_ratio" DOUBLE PRECISION,
    "duration_ms" DOUBLE PRECISION,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "trials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "baselines" (
    "key" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "width" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "dataset" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "recipe" JSONB NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'PENDING',
    "accuracy" DOUBLE PRECISION,
    "loss" DOUBLE PRECISION,
    "epochs" INTEGER NOT NULL DEFAULT 0,
    "weights_total" INTEGER,
    "artifact_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),

    CONSTRAINT "baselines_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "epoch_metrics" (
    "id" SERIAL NOT NULL,
    "owner_id" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "lr" DOUBLE PRECISION NOT NULL,
    "loss" DOUBLE PRECISION,
    "accuracy" DOUBLE PRECISION,
    "val_loss" DOUBLE PRECISION,
    "val_accuracy" DOUBLE PRECISION,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "runs" INTEGER NOT NULL DEFAULT 1,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "epoch_metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "layer_results" (
    "id" SERIAL NOT NULL,
    "trial_id" TEXT NOT NULL,
    "layer" TEXT NOT NULL,
    "layer_index" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "weight_shape" TEXT NOT NULL,
    "weights" INTEGER NOT NULL,
    "kept" INTEGER NOT NULL,
    "sparsity" DOUBLE PRECISION NOT NULL,
    "weight_bits" INTEGER NOT NULL,
    "activation_bits" INTEGER NOT NULL,
    "fractional_length" INTEGER,
    "weight_clusters" INTEGER,
    "dense_macs" DOUBLE PRECISION NOT NULL,
    "storage_bits" DOUBLE PRECISION NOT NULL,
    "skipped" TEXT,

    CONSTRAINT "layer_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "simulations" (
    "id" SERIAL NOT NULL,
    "trial_id" TEXT NOT NULL,
    "accelerator" TEXT NOT NULL,
    "hardware_hash" TEXT NOT NULL,
    "hardware" JSONB NOT NULL,
    "total_cycles" DOUBLE PRECISION NOT NULL,
    "dense_cycles" DOUBLE PRECISION,
    "speedup" DOUBLE PRECISION,
    "sparsity_factor" DOUBLE PRECISION,
    "packing_factor" DOUBLE PRECISION,
    "utilization" DOUBLE PRECISION,
    "load_imbalance" DOUBLE PRECISION,
    "dense_macs" DOUBLE PRECISION,
    "useful_macs" DOUBLE PRECISION,
    "dram_bytes" DOUBLE PRECISION,
    "sram_bytes" DOUBLE PRECISION,
    "energy_pj" DOUBLE PRECISION,
    "totals" JSONB NOT NULL,

    CONSTRAINT "simulations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "layer_simulations" (
    "id" SERIAL NOT NULL,
    "simulation_id" INTEGER NOT NULL,
    "layer" TEXT NOT NULL,
    "layer_index" INTEGER NOT NULL,
    "total_cycles" DOUBLE PRECISION NOT NULL,
    "utilization" DOUBLE PRECISION,
    "load_imbalance" DOUBLE PRECISION,
    "dense_macs" DOUBLE PRECISION,
    "useful_macs" DOUBLE PRECISION,
    "dram_bytes" DOUBLE PRECISION,
    "sram_bytes" DOUBLE PRECISION,
    "energy_pj" DOUBLE PRECISION,
    "stats" JSONB NOT NULL,

    CONSTRAINT "layer_simulations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "data" BYTEA,
    "uri" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sweeps_name_idx" ON "sweeps"("name");

-- CreateIndex
CREATE INDEX "trials_sweep_id_status_idx" ON "trials"("sweep_id", "status");

-- CreateIndex
CREATE INDEX "trials_model_dataset_idx" ON "trials"("model", "dataset");

-- CreateIndex
CREATE INDEX "trials_method_prune_ratio_idx" ON "trials"("method", "prune_ratio");

-- CreateIndex
CREATE INDEX "trials_weight_bits_activation_bits_idx" ON "trials"("weight_bits", "activation_bits");

-- CreateIndex
CREATE INDEX "trials_baseline_key_idx" ON "trials"("baseline_key");

-- CreateIndex
CREATE UNIQUE INDEX "trials_sweep_id_config_hash_key" ON "trials"("sweep_id", "config_hash");

-- CreateIndex
CREATE UNIQUE INDEX "trials_sweep_id_number_key" ON "trials"("sweep_id", "number");

-- CreateIndex
CREATE INDEX "baselines_model_dataset_seed_idx" ON "baselines"("model", "dataset", "seed");

-- CreateIndex
CREATE UNIQUE INDEX "epoch_metrics_owner_id_phase_epoch_key" ON "epoch_metrics"("owner_id", "phase", "epoch");

-- CreateIndex
CREATE UNIQUE INDEX "layer_results_trial_id_layer_key" ON "layer_results"("trial_id", "layer");

-- CreateIndex
CREATE INDEX "simulations_accelerator_idx" ON "simulations"("accelerator");

-- CreateIndex
CREATE UNIQUE INDEX "simulations_trial_id_hardware_hash_key" ON "simulations"("trial_id", "hardware_hash");

-- CreateIndex
CREATE UNIQUE INDEX "layer_simulations_simulation_id_layer_key" ON "layer_simulations"("simulation_id", "layer");

-- CreateIndex
CREATE INDEX "artifacts_owner_id_kind_idx" ON "artifacts"("owner_id", "kind");

-- AddForeignKey
ALTER TABLE "trials" ADD CONSTRAINT "trials_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "layer_results" ADD CONSTRAINT "layer_results_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "simulations" ADD CONSTRAINT "simulations_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "layer_simulations" ADD CONSTRAINT "layer_simulations_simulation_id_fkey" FOREIGN KEY ("simulation_id") REFERENCES "simulations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

