import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/spec/index.js';
import { freezeDeep } from '../../../src/spec/hash.js';
import { editDistance, suggest } from '../../../src/spec/suggest.js';

describe('editDistance', () => {
  it('editDistance matches hand-computed Levenshtein distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('ratios', 'ratios')).toBe(0);
    expect(editDistance('Models', 'models')).toBe(0); // case-insensitive
  });

  it('editDistance counts an adjacent transposition as one edit', () => {
    expect(editDistance('ratois', 'ratios')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });
});

describe('suggest', () => {
  const keys = ['models', 'datasets', 'pruning', 'quantization', 'seeds'];

  it('suggest returns the closest candidate within the distance limit', () => {
    expect(suggest('modles', keys)).toBe('models');
    expect(suggest('seed', keys)).toBe('seeds');
    expect(suggest('quantisation', keys)).toBe('quantization');
  });

  it('suggest matches ignoring case, "-" and "_"', () => {
    expect(suggest('group_balanced', ['magnitude', 'group-balanced'])).toBe('group-balanced');
    expect(suggest('KMEANSPP', ['linear', 'kmeans++'])).toBe('kmeans++'); // distance 2 <= floor(8/3)
    expect(suggest('LeNet5', ['lenet5', 'vgg'])).toBe('lenet5');
  });

  it('suggest returns undefined when nothing is close', () => {
    expect(suggest('zzzzzz', keys)).toBeUndefined();
    expect(suggest('x', ['vgg'])).toBeUndefined();
  });
});

describe('canonicalJson cache', () => {
  it('canonicalJson caches only objects frozen by freezeDeep, so shallow-frozen objects stay live', () => {
    const inner = { b: 1 };
    const shallow = Object.freeze({ a: inner });
    expect(canonicalJson(shallow)).toBe('{"a":{"b":1}}');
    inner.b = 2;
    expect(canonicalJson(shallow)).toBe('{"a":{"b":2}}');
    const deep = freezeDeep({ z: [1, { y: 2 }], a: 'x' });
    expect(canonicalJson(deep)).toBe('{"a":"x","z":[1,{"y":2}]}');
    expect(canonicalJson(deep)).toBe('{"a":"x","z":[1,{"y":2}]}');
    expect(Object.isFrozen(deep.z)).toBe(true);
  });
});
