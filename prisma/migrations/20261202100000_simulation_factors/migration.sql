-- Issue 9: one reference rule and an honest speedup split (docs/simulator.md §3, README "Results in SQL").
-- `speedup` is now reference total cycles / total cycles, where the reference is the SAME hardware config running
-- the uncompressed network; `compute_speedup` sits beside it and five factors multiply to `speedup`.
-- Rows simulated before this migration compared against another machine (and counted compute cycles only):
-- their speedup is cleared to NULL (their cycle counts are kept); simulate the trial again to fill the new columns.

DROP VIEW IF EXISTS pareto_accuracy_speedup;
DROP VIEW IF EXISTS trial_simulations;
DROP VIEW IF EXISTS layer_bottlenecks;

-- AlterTable
ALTER TABLE "simulations" RENAME COLUMN "dense_cycles" TO "reference_cycles";
ALTER TABLE "simulations" DROP COLUMN "sparsity_factor",
DROP COLUMN "packing_factor",
ADD COLUMN     "compute_cycles" DOUBLE PRECISION,
ADD COLUMN     "memory_stall_cycles" DOUBLE PRECISION,
ADD COLUMN     "reference_compute_cycles" DOUBLE PRECISION,
ADD COLUMN     "compute_speedup" DOUBLE PRECISION,
ADD COLUMN     "bit_width_factor" DOUBLE PRECISION,
ADD COLUMN     "weight_sparsity_factor" DOUBLE PRECISION,
ADD COLUMN     "activation_skip_factor" DOUBLE PRECISION,
ADD COLUMN     "clustering_factor" DOUBLE PRECISION,
ADD COLUMN     "memory_factor" DOUBLE PRECISION,
ADD COLUMN     "storage_bits" DOUBLE PRECISION;

UPDATE "simulations" SET
  "reference_cycles" = NULL,
  "speedup" = NULL,
  "compute_cycles" = ("totals"->>'computeCycles')::double precision,
  "memory_stall_cycles" = ("totals"->>'memoryStallCycles')::double precision,
  "storage_bits" = ("totals"->>'storageBits')::double precision;

-- AlterTable
ALTER TABLE "layer_simulations" ADD COLUMN     "compute_cycles" DOUBLE PRECISION,
ADD COLUMN     "memory_stall_cycles" DOUBLE PRECISION,
ADD COLUMN     "reference_cycles" DOUBLE PRECISION,
ADD COLUMN     "speedup" DOUBLE PRECISION;

UPDATE "layer_simulations" SET
  "compute_cycles" = ("stats"->>'computeCycles')::double precision,
  "memory_stall_cycles" = ("stats"->>'memoryStallCycles')::double precision;

-- One row per (trial, accelerator) with the trial's accuracy and the speedup split: the base of the Pareto views.
CREATE VIEW trial_simulations AS
SELECT t.id AS trial_id, t.sweep_id, t.label, t.model, t.dataset, t.method, t.achieved_ratio, t.group_size,
       t.weight_bits, t.activation_bits, t.weight_clusters, t.accuracy, t.baseline_accuracy, t.accuracy_drop,
       t.model_bytes, t.compression_ratio, sim.accelerator, sim.total_cycles, sim.compute_cycles,
       sim.memory_stall_cycles, sim.reference_cycles, sim.speedup, sim.compute_speedup, sim.bit_width_factor,
       sim.weight_sparsity_factor, sim.activation_skip_factor, sim.clustering_factor, sim.memory_factor,
       sim.utilization, sim.load_imbalance, sim.dram_bytes, sim.storage_bits, sim.energy_pj
FROM trials t JOIN simulations sim ON sim.trial_id = t.id
WHERE t.status = 'COMPLETED';

-- Pareto front of accuracy (higher is better) vs simulated speedup (higher is better), per sweep and accelerator.
CREATE VIEW pareto_accuracy_speedup AS
SELECT a.* FROM trial_simulations a
WHERE a.accuracy IS NOT NULL AND a.speedup IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM trial_simulations b
  WHERE b.sweep_id = a.sweep_id AND b.accelerator = a.accelerator AND b.trial_id <> a.trial_id
    AND b.accuracy >= a.accuracy AND b.speedup >= a.speedup AND (b.accuracy > a.accuracy OR b.speedup > a.speedup));

-- Per-layer bottlenecks: each layer's share of its network's simulated cycles and its own speedup, ranked.
CREATE VIEW layer_bottlenecks AS
SELECT sim.trial_id, t.label, sim.accelerator, ls.layer, ls.layer_index, ls.total_cycles, ls.compute_cycles,
       ls.memory_stall_cycles, ls.reference_cycles, ls.speedup,
       ls.total_cycles / NULLIF(sim.total_cycles, 0) AS cycle_share, ls.utilization, ls.load_imbalance, ls.dram_bytes,
       rank() OVER (PARTITION BY ls.simulation_id ORDER BY ls.total_cycles DESC) AS rank
FROM layer_simulations ls JOIN simulations sim ON sim.id = ls.simulation_id JOIN trials t ON t.id = sim.trial_id;
