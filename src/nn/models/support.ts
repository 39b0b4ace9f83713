import type * as tf from '@tensorflow/tfjs';
import { HwsweepError } from '../../errors.js';

/**
 * What hwsweep does with each layer class of a user-supplied model (Keras / tfjs class names). Compute layers
 * (Conv2D, DepthwiseConv2D, Dense) become `LayerDescriptor`s and are pruned, quantized, clustered and simulated;
 * the others carry no prunable weights and only shape the activations between them. Anything else is refused.
 */
export const SUPPORTED_LAYERS = {
  InputLayer: 'the network input; needs a fixed [h, w, c] shape',
  Conv2D: 'compute layer (conv): pruned, quantized, clustered, simulated',
  DepthwiseConv2D: 'compute layer (depthwise): pruned, quantized, clustered, simulated',
  Dense: 'compute layer (fc); its input must be flat ([batch, units])',
  BatchNormalization: 'trained; gamma, beta and moving statistics stay float32',
  MaxPooling2D: 'no weights',
  AveragePooling2D: 'no weights',
  GlobalAveragePooling2D: 'no weights',
  GlobalMaxPooling2D: 'no weights',
  Add: 'merge (residual connections)',
  Concatenate: 'merge along channels',
  Flatten: 'reshape',
  Reshape: 'reshape',
  ZeroPadding2D: 'explicit padding (the next conv sees the padded input)',
  Activation: 'activation function',
  ReLU: 'ReLU (max_value allowed, no negative slope or threshold)',
  Softmax: 'only as the output layer (removed: hwsweep works on logits)',
  Dropout: 'identity at evaluation',
  Rescaling: 'input scaling',
} as const satisfies Record<string, string>;

/** Activation functions accepted in `activation` configs (softmax only on the output layer). */
export const SUPPORTED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'] as const;

/** One layer of a Keras / tfjs `modelTopology` (snake_case config keys, as in model.json). */
interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
}

interface TopologyView {
  className: string;
  layers: LayerJson[];
  inputs: number;
  outputs: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(where: string, message: string): HwsweepError {
  return new HwsweepError('INVALID_ARGUMENT', `${where}: ${message}`, { context: { model: where } });
}

/** The model config inside a `modelTopology` (the converter wraps it in `model_config`). */
function modelConfig(topology: unknown, where: string): Record<string, unknown> {
  const t = isRecord(topology) && isRecord(topology['model_config']) ? topology['model_config'] : topology;
  if (!isRecord(t) || typeof t['class_name'] !== 'string') {
    throw bad(where, 'modelTopology is not a Keras / tfjs model config (no class_name)');
  }
  return t;
}

function view(topology: unknown, where: string): TopologyView {
  const t = modelConfig(topology, where);
  const className = t['class_name'] as string;
  const cfg = t['config'];
  const layers = (Array.isArray(cfg) ? cfg : isRecord(cfg) ? cfg['layers'] : undefined) as unknown;
  if (!Array.isArray(layers) || !layers.every((l) => isRecord(l) && typeof l['class_name'] === 'string')) {
    throw bad(where, `modelTopology (${className}) has no list of layers`);
  }
  const ls = layers as LayerJson[];
  const nameOf = (l: LayerJson): string => String(l.config['name'] ?? l.name ?? '?');
  if (className === 'Sequential') {
    const last = ls[ls.length - 1];
    return { className, layers: ls, inputs: 1, outputs: last ? [nameOf(last)] : [] };
  }
  const c = cfg as Record<string, unknown>;
  const refs = (v: unknown): string[] => (Array.isArray(v) ? v.map((r) => String(Array.isArray(r) ? r[0] : r)) : []);
  return { className, layers: ls, inputs: refs(c['input_layers']).length, outputs: refs(c['output_layers']) };
}

const layerName = (l: LayerJson): string => String(l.config['name'] ?? l.name ?? '?');
const label = (l: LayerJson): string => `"${layerName(l)}" (${l.class_name})`;
const ones = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) ? v.every((x) => x === 1) : v === 1);
const lastAxis = (v: unknown): boolean => {
  const a = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return a === undefined || a === -1 || a === 3;
};
const channelsLast = (v: unknown): boolean => v === undefined || v === null || v === 'channels_last';

/** Problems with one layer's config (empty when fine). */
function configProblems(l: LayerJson, isOutput: boolean): string[] {
  const c = l.config;
  const out: string[] = [];
  const act = c['activation'];
  if (act !== undefined) {
    if (typeof act !== 'string' || !(SUPPORTED_ACTIVATIONS as readonly string[]).includes(act)) {
      out.push(`${label(l)} has activation ${JSON.stringify(act)} (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`);
    } else if (act === 'softmax' && !isOutput) {
      out.push(`${label(l)} applies softmax inside the network (only the output layer may)`);
    }
  }
  switch (l.class_name) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
      if (!ones(c['dilation_rate']))
        out.push(`${label(l)} has dilation_rate ${JSON.stringify(c['dilation_rate'])} (only 1)`);
      if (!ones(c['groups'])) out.push(`${label(l)} has groups = ${JSON.stringify(c['groups'])} (only 1)`);
      if (!channelsLast(c['data_format'])) out.push(`${label(l)} is ${String(c['data_format'])} (only channels_last)`);
      break;
    case 'MaxPooling2D':
    case 'AveragePooling2D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
    case 'ZeroPadding2D':
      if (!channelsLast(c['data_format'])) out.push(`${label(l)} is ${String(c['data_format'])} (only channels_last)`);
      break;
    case 'BatchNormalization':
    case 'Concatenate':
      if (!lastAxis(c['axis']))
        out.push(`${label(l)} works on axis ${JSON.stringify(c['axis'])} (only the channel axis, -1)`);
      break;
    case 'ReLU':
      for (const k of ['negative_slope', 'threshold']) {
        if (c[k] !== undefined && c[k] !== null && c[k] !== 0)
          out.push(`${label(l)} has ${k} = ${JSON.stringify(c[k])} (only 0)`);
      }
      break;
    case 'Softmax':
      if (!isOutput) out.push(`${label(l)} is inside the network (only the output layer may apply softmax)`);
      break;
  }
  return out;
}

/**
 * Checks a model file's topology before tfjs builds it: every layer class is in `SUPPORTED_LAYERS` with a
 * supported config, and the model has one input and one output.
 * @param where names the model in the message (e.g. its path)
 * @throws HwsweepError INVALID_ARGUMENT: ONE error naming every unsupported layer and its class (or config).
 */
export function checkTopology(topology: unknown, where: string): void {
  const v = view(topology, where);
  if (v.inputs !== 1 || v.outputs.length !== 1) {
    throw bad(
      where,
      `the model has ${v.inputs} inputs and ${v.outputs.length} outputs; hwsweep needs exactly one of each`,
    );
  }
  const unsupported = v.layers.filter((l) => !Object.hasOwn(SUPPORTED_LAYERS, l.class_name));
  if (unsupported.length > 0) {
    const names = unsupported.map(label).join(', ');
    const verb = unsupported.length === 1 ? 'layer' : 'layers';
    throw bad(
      where,
      `unsupported ${verb} ${names}; supported layer types: ${Object.keys(SUPPORTED_LAYERS).join(', ')} (see docs/models.md)`,
    );
  }
  const problems = v.layers.flatMap((l) => configProblems(l, v.outputs.includes(layerName(l))));
  if (problems.length > 0) throw bad(where, `unsupported layer config: ${problems.join('; ')}`);
}

/**
 * The topology with the output layer's softmax removed (hwsweep trains and evaluates on logits; the argmax, so
 * the accuracy, is unchanged): a softmax activation becomes linear, a `Softmax` layer an identity `Activation`.
 * @returns a copy, and the name of the layer changed (undefined when the output was already logits)
 */
export function toLogits(topology: unknown, where: string): { topology: unknown; removedSoftmax: string | undefined } {
  const copy = structuredClone(topology);
  const v = view(copy, where);
  const out = v.layers.find((l) => layerName(l) === v.outputs[0]);
  if (!out) return { topology: copy, removedSoftmax: undefined };
  if (out.class_name === 'Softmax') {
    out.class_name = 'Activation';
    out.config = {
      name: layerName(out),
      trainable: out.config['trainable'] ?? true,
      dtype: out.config['dtype'] ?? 'float32',
      activation: 'linear',
    };
    return { topology: copy, removedSoftmax: layerName(out) };
  }
  if (out.config['activation'] === 'softmax') {
    out.config['activation'] = 'linear';
    return { topology: copy, removedSoftmax: layerName(out) };
  }
  return { topology: copy, removedSoftmax: undefined };
}

/**
 * Checks a built model: one input of fixed shape `[batch, h, w, c]`, logits `[batch, classes]` out, Dense layers
 * on flat inputs. Returns the per-image input shape and the class count.
 * @throws HwsweepError SHAPE_MISMATCH naming the layer or shape
 */
export function checkBuilt(
  model: tf.LayersModel,
  where: string,
): { inputShape: [number, number, number]; numClasses: number } {
  const inShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  const fixed = (d: number | null | undefined): d is number => typeof d === 'number' && d > 0;
  const mismatch = (message: string): HwsweepError =>
    new HwsweepError('SHAPE_MISMATCH', `${where}: ${message}`, { context: { model: where } });
  if (inShape.length !== 4 || !inShape.slice(1).every(fixed)) {
    throw mismatch(`the input shape ${JSON.stringify(inShape)} is not a fixed image shape [batch, h, w, c]`);
  }
  if (outShape.length !== 2 || !fixed(outShape[1])) {
    throw mismatch(`the output shape ${JSON.stringify(outShape)} is not [batch, classes]`);
  }
  for (const l of model.layers) {
    if (l.getClassName() !== 'Dense') continue;
    const s = (l.input as tf.SymbolicTensor).shape;
    if (s.length !== 2)
      throw mismatch(`layer "${l.name}" (Dense) gets a ${JSON.stringify(s)} input; add a Flatten before it`);
  }
  return { inputShape: [inShape[1], inShape[2], inShape[3]] as [number, number, number], numClasses: outShape[1] };
}

/** Throws SHAPE_MISMATCH when a model's input shape or class count differs from a dataset's (naming both). */
export function checkGeometry(
  model: { inputShape: readonly number[]; numClasses: number },
  data: { name: string; shape: readonly number[]; numClasses: number },
  where: string,
): void {
  const same = model.inputShape.length === data.shape.length && model.inputShape.every((d, i) => d === data.shape[i]);
  if (same && model.numClasses === data.numClasses) return;
  throw new HwsweepError(
    'SHAPE_MISMATCH',
    `${where}: the model takes [${model.inputShape.join(', ')}] images and predicts ${model.numClasses} classes, ` +
      `but dataset ${data.name} has [${data.shape.join(', ')}] images and ${data.numClasses} classes`,
    { context: { model: where, dataset: data.name } },
  );
}
