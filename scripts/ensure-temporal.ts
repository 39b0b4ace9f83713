// Finds the Temporal CLI or builds it once with Go into ~/.cache/hwsweep/bin (used by .ci/run and first `up`).
import { ensureTemporalCli } from '../src/services/index.js';

const path = await ensureTemporalCli((m) => console.log(m));
console.log(`temporal CLI: ${path}`);
