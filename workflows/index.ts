// Every workflow type the worker registers. Workflow code is sandboxed and replayed: import types only from
// activities/ and src/, do all I/O in activities.
export { smokeWorkflow } from './smoke.js';
export { sweepWorkflow } from './sweep.js';
export { trialWorkflow } from './trial.js';
export { baselineWorkflow } from './baseline.js';
export { stageWorkflow } from './stage.js';
