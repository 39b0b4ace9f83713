/**
 * The ImageNet networks the seed papers report on, as batch-1 layer descriptors (no weights): VGG-16 (Simonyan &
 * Zisserman 2015, configuration D, 224×224) and AlexNet (Krizhevsky et al. 2012, 227×227, the single-tower,
 * ungrouped variant most re-implementations use; Kang's AAP models are the Caffe version without LRN).
 */
import { convDescriptor } from '../accel/topology.js';
import { fcDescriptor, type LayerDescriptor } from '../shared/layer.js';

/** `[name, input size, in channels, out channels]` of VGG-16's 3×3, stride-1, pad-1 convolutions. */
const VGG16_CONVS: readonly [string, number, number, number][] = [
  ['conv1_1', 224, 3, 64],
  ['conv1_2', 224, 64, 64],
  ['conv2_1', 112, 64, 128],
  ['conv2_2', 112, 128, 128],
  ['conv3_1', 56, 128, 256],
  ['conv3_2', 56, 256, 256],
  ['conv3_3', 56, 256, 256],
  ['conv4_1', 28, 256, 512],
  ['conv4_2', 28, 512, 512],
  ['conv4_3', 28, 512, 512],
  ['conv5_1', 14, 512, 512],
  ['conv5_2', 14, 512, 512],
  ['conv5_3', 14, 512, 512],
];

/** VGG-16: 13 convs (3×3, pad 1; 2×2 max-pools between stages are not compute layers) and fc6-fc8. */
export function vgg16(): LayerDescriptor[] {
  return [
    ...VGG16_CONVS.map(([n, s, c, k]) => convDescriptor(n, s, s, 3, 3, c, k, 1, 1, 1)),
    fcDescriptor('fc6', 7 * 7 * 512, 4096),
    fcDescriptor('fc7', 4096, 4096),
    fcDescriptor('fc8', 4096, 1000),
  ];
}

/** AlexNet: conv1 11×11/4 (227 input), conv2 5×5 pad 2, conv3-5 3×3 pad 1 (after 3×3/2 pools), fc6-fc8. */
export function alexnet(): LayerDescriptor[] {
  return [
    convDescriptor('conv1', 227, 227, 11, 11, 3, 96, 4, 4, 0),
    convDescriptor('conv2', 27, 27, 5, 5, 96, 256, 1, 1, 2),
    convDescriptor('conv3', 13, 13, 3, 3, 256, 384, 1, 1, 1),
    convDescriptor('conv4', 13, 13, 3, 3, 384, 384, 1, 1, 1),
    convDescriptor('conv5', 13, 13, 3, 3, 384, 256, 1, 1, 1),
    fcDescriptor('fc6', 6 * 6 * 256, 4096),
    fcDescriptor('fc7', 4096, 4096),
    fcDescriptor('fc8', 4096, 1000),
  ];
}

/** The convolution layers of a network (the papers' accelerators run convolutions). */
export const convLayers = (net: LayerDescriptor[]): LayerDescriptor[] => net.filter((l) => l.kind === 'conv');
