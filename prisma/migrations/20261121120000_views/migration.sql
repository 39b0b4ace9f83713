-- SQL views for the questions people ask of a sweep. Accuracies are fractions in [0, 1] (1 point = 0.01).

-- Every trial with its sweep name and baseline, one row per trial.
CREATE VIEW trial_results AS
SELECT t.id, t.sweep_id, s.name AS sweep_name, t.number, t.label, t.status, t.model, t.width, t.dataset, t.method,
       t.prune_ratio, t.nominal_ratio, t.achieved_ratio, t.group_size, t.group_shape, t.weight_bits, t.activation_bits,
       t.weight_clusters, t.activation_clusters, t.lr_rule, t.retrain_epochs, t.seed,
       t.baseline_accuracy, t.pruned_accuracy, t.retrained_accuracy, t.accuracy, t.accuracy_drop,
       t.weights_kept, t.weights_total, t.model_bytes, t.compression_ratio, t.duration_ms, t.attempt, t.error
FROM trials t JOIN sweeps s ON s.id = t.sweep_id;

-- Best accuracy per (sweep, model, dataset, method) at each achieved pruning ratio (rounded to 0.01).
CREATE VIEW best_accuracy_per_ratio AS
SELECT sweep_id, model, dataset, method, round(achieved_ratio::numeric, 2) AS achieved_ratio,
       max(accuracy) AS best_accuracy, max(compression_ratio) AS best_compression_ratio, count(*) AS trials
FROM trials WHERE status = 'COMPLETED'
GROUP BY sweep_id, model, dataset, method, round(achieved_ratio::numeric, 2);

-- One row per (trial, accelerator) with the trial's accuracy: the base of the Pareto views.
CREATE VIEW trial_simulations AS
SELECT t.id AS trial_id, t.sweep_id, t.label, t.model, t.dataset, t.method, t.achieved_ratio, t.group_size,
       t.weight_bits, t.activation_bits, t.weight_clusters, t.accuracy, t.baseline_accuracy, t.accuracy_drop,
       t.model_bytes, t.compression_ratio, sim.accelerator, sim.total_cycles, sim.dense_cycles, sim.speedup,
       sim.sparsity_factor, sim.packing_factor, sim.utilization, sim.load_imbalance, sim.dram_bytes, sim.energy_pj
FROM trials t JOIN simulations sim ON sim.trial_id = t.id
WHERE t.status = 'COMPLETED';

-- Pareto front of accuracy (higher is better) vs simulated speedup (higher is better), per sweep and accelerator.
CREATE VIEW pareto_accuracy_speedup AS
SELECT a.* FROM trial_simulations a
WHERE a.accuracy IS NOT NULL AND a.speedup IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM trial_simulations b
  WHERE b.sweep_id = a.sweep_id AND b.accelerator = a.accelerator AND b.trial_id <> a.trial_id
    AND b.accuracy >= a.accuracy AND b.speedup >= a.speedup AND (b.accuracy > a.accuracy OR b.speedup > a.speedup));

-- Pareto front of accuracy (higher is better) vs model size in bytes (lower is better), per sweep.
CREATE VIEW pareto_accuracy_size AS
SELECT a.* FROM trials a
WHERE a.status = 'COMPLETED' AND a.accuracy IS NOT NULL AND a.model_bytes IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM trials b
  WHERE b.sweep_id = a.sweep_id AND b.status = 'COMPLETED' AND b.id <> a.id
    AND b.accuracy >= a.accuracy AND b.model_bytes <= a.model_bytes AND (b.accuracy > a.accuracy OR b.model_bytes < a.model_bytes));

-- Per-layer bottlenecks: each layer's share of its network's simulated cycles, ranked within the simulation.
CREATE VIEW layer_bottlenecks AS
SELECT sim.trial_id, t.label, sim.accelerator, ls.layer, ls.layer_index, ls.total_cycles,
       ls.total_cycles / NULLIF(sim.total_cycles, 0) AS cycle_share, ls.utilization, ls.load_imbalance, ls.dram_bytes,
       rank() OVER (PARTITION BY ls.simulation_id ORDER BY ls.total_cycles DESC) AS rank
FROM layer_simulations ls JOIN simulations sim ON sim.id = ls.simulation_id JOIN trials t ON t.id = sim.trial_id;

-- Baseline vs compressed deltas per trial.
CREATE VIEW baseline_deltas AS
SELECT t.id AS trial_id, t.sweep_id, t.label, t.model, t.dataset, t.method, t.achieved_ratio, t.weight_bits,
       b.accuracy AS baseline_accuracy, t.pruned_accuracy, t.retrained_accuracy, t.accuracy,
       t.accuracy - b.accuracy AS accuracy_delta, t.retrained_accuracy - t.pruned_accuracy AS retraining_gain,
       b.weights_total::float8 * 4 AS baseline_bytes, t.model_bytes, t.compression_ratio
FROM trials t JOIN baselines b ON b.key = t.baseline_key
WHERE t.status = 'COMPLETED';
