import type { Activation } from '@spec/core';
import { linear, quadratic, sin } from './elementary.js';
import { leaky_relu, relu } from './relu.js';
import { erf, sigmoid, tanh } from './sigmoidal.js';
import { gelu, softplus, swish } from './smooth-relu.js';

/**
 * The built-in activations (raw, un-normalised), in the order of `--help` listings
 * (apps/docs/theory/toolkit.md#normalised-activations).
 */
export const builtinActivations: ReadonlyArray<Activation> = [
  relu,
  leaky_relu,
  tanh,
  erf,
  sigmoid,
  softplus,
  gelu,
  swish,
  sin,
  quadratic,
  linear,
];
