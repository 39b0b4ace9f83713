/** The built-in model zoo's names: the spec's `models` axis and the builders of `src/nn/models/zoo.ts`. */
export const MODELS = ['lenet5', 'vgg', 'resnet8', 'resnet20', 'mobilenet'] as const;
export type ModelName = (typeof MODELS)[number];
