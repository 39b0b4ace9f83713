"""Optuna's no-op trial rate on RDB storage (called by bench/orchestration.ts, on the same PostgreSQL).

Usage: python bench/orchestration-optuna.py <sqlalchemy url> <trials>
Each trial is what Optuna's `study.optimize` does for an objective that suggests nothing and returns 0:
create the trial row, run the (empty) objective, tell the value. One process, one worker (n_jobs=1), as
hwsweep's maxParallel 1. Prints one JSON line: {"optuna": version, "trials": n, "seconds": s}.
Needs `pip install optuna psycopg2-binary` (see the header of bench/orchestration.ts).
"""
import json
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
url, n = sys.argv[1], int(sys.argv[2])
storage = optuna.storages.RDBStorage(url)
study = optuna.create_study(storage=storage, study_name=f"bench-noop-{time.time_ns()}")
study.optimize(lambda trial: 0.0, n_trials=1)  # warm-up: connections, the sampler's first call
t0 = time.perf_counter()
study.optimize(lambda trial: 0.0, n_trials=n)
seconds = time.perf_counter() - t0
done = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
if done != n + 1:
    raise SystemExit(f"only {done - 1}/{n} trials completed")
print(json.dumps({"optuna": optuna.__version__, "trials": n, "seconds": seconds}))
