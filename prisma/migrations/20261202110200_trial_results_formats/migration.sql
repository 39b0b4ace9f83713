-- trial_results shows every swept axis with a typed column: the weight format axis (20261202105000_weight_format)
-- joins the view, appended at the end (CREATE OR REPLACE VIEW may only append columns).
CREATE OR REPLACE VIEW trial_results AS
SELECT t.id, t.sweep_id, s.name AS sweep_name, t.number, t.label, t.status, t.model, t.width, t.dataset, t.method,
       t.prune_ratio, t.nominal_ratio, t.achieved_ratio, t.group_size, t.group_shape, t.weight_bits, t.activation_bits,
       t.weight_clusters, t.activation_clusters, t.lr_rule, t.retrain_epochs, t.seed,
       t.baseline_accuracy, t.pruned_accuracy, t.retrained_accuracy, t.accuracy, t.accuracy_drop,
       t.weights_kept, t.weights_total, t.model_bytes, t.compression_ratio, t.duration_ms, t.attempt, t.error,
       t.narrow_convs, t.schedule, t.schedule_steps, t.rows_kept, t.fc_policy, t.fc_ratio, t.cluster_init,
       t.threshold, t.rounding, t.phase, t.error_type, t.activity_attempt, t.reused_from,
       t.weight_format, t.pow2_sign_based
FROM trials t JOIN sweeps s ON s.id = t.sweep_id;
