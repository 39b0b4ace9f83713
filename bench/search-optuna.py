"""Optuna's NSGAIISampler, TPESampler or GPSampler on the table of bench/search.ts (called by it; reads JSON on stdin).

Input: {"sampler": "nsga2" | "tpe" | "gp", "candidates": [{"method", "ratio", "wbits", "abits", "index"}], "n", "populationSize", "seeds",
"objectives": [{"key", "direction"}], "constraint": {"key", "bound"}, "values": [{key: value} per candidate]}.
The search space is Optuna's own: four categorical parameters (method, ratio, weight bits, activation bits);
kernel-row ignores the ratio, so several parameter sets map to one candidate, and Optuna may evaluate a
candidate more than once (every evaluation counts against n, as in Optuna).
Output: {"optuna": version, "runs": [[candidate index per trial] per seed]}.
"""
import json
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
cfg = json.load(sys.stdin)
lookup = {}
for c in cfg["candidates"]:
    ratios = cfg["ratios"] if c["ratio"] is None else [c["ratio"]]
    for r in ratios:
        lookup[(c["method"], r, c["wbits"], c["abits"])] = c["index"]
methods = sorted({c["method"] for c in cfg["candidates"]})
wbits = sorted({c["wbits"] for c in cfg["candidates"]})
abits = sorted({c["abits"] for c in cfg["candidates"]})
values = cfg["values"]
objectives = cfg["objectives"]
constraint = cfg["constraint"]

runs = []
for seed in cfg["seeds"]:
    chosen = []

    def objective(trial):
        key = (
            trial.suggest_categorical("method", methods),
            trial.suggest_categorical("ratio", cfg["ratios"]),
            trial.suggest_categorical("wbits", wbits),
            trial.suggest_categorical("abits", abits),
        )
        i = lookup[key]
        chosen.append(i)
        v = values[i]
        trial.set_user_attr("constraint", [v[constraint["key"]] - constraint["bound"]])
        return tuple(v[o["key"]] for o in objectives)

    constraints_func = lambda t: t.user_attrs["constraint"]
    if cfg.get("sampler") == "gp":
        # Needs torch and scipy; ImportError goes to the caller, which skips this anchor.
        sampler = optuna.samplers.GPSampler(seed=seed, constraints_func=constraints_func, n_startup_trials=cfg.get("startup", 10))
    elif cfg.get("sampler") == "tpe":
        sampler = optuna.samplers.TPESampler(seed=seed, constraints_func=constraints_func, n_startup_trials=cfg.get("startup", 10))
    else:
        sampler = optuna.samplers.NSGAIISampler(
            population_size=cfg["populationSize"], seed=seed, constraints_func=constraints_func
        )
    study = optuna.create_study(directions=[o["direction"] for o in objectives], sampler=sampler)
    study.optimize(objective, n_trials=cfg["n"])
    runs.append(chosen)
print(json.dumps({"optuna": optuna.__version__, "runs": runs}))
