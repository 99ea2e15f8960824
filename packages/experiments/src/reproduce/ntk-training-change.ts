import type { Backend, Rng } from '@spec/core';
import { singleIndexTeacher } from '@spec/data';
import { train } from '../train/train.js';
import { dispersionNetwork, initNetwork } from '@spec/nets';

/**
 * Relative NTK change ‖Θ_t − Θ_0‖_F/‖Θ_0‖_F of the apps/docs/theory/dispersion.md#setting network (ReLU, standard
 * parametrisation, trainable biases and readout) after `steps` full-batch Adam steps on a tanh single-index teacher
 * (the authors' protocol uses Adam, lr 1e-4, apps/docs/theory/dispersion.md#setting), inputs N(0, I/n0).
 */
export function ntkChangeDuringTraining(options: {
  width: number;
  depth: number;
  sigmaW2: number;
  n: number;
  steps: number;
  lr: number;
  backend: Backend;
  rng: Rng;
}): { relChange: number; loss0: number; loss: number } {
  const { width, depth, sigmaW2, n, steps, lr, backend, rng } = options;
  const data = singleIndexTeacher({ n, d0: width, link: Math.tanh, noise: 0, rng: rng.split('data') });
  const net = dispersionNetwork({ width, inputDim: width, depth, sigmaW2 });
  const params = initNetwork(net, rng.split('net'));
  let relChange = 0;
  let loss0 = 0;
  let loss = 0;
  train({
    net,
    params,
    X: data.X,
    y: data.y,
    optimizer: 'adam',
    lr,
    steps,
    checkpoints: [0, steps],
    trainReadout: true,
    backend,
    rng: rng.split('train'),
    monitors: { kernels: 'ntk', kernelGd: false },
    onCheckpoint: (r) => {
      if (r.step === 0) loss0 = r.loss;
      else {
        relChange = r.ntk!.relChange;
        loss = r.loss;
      }
    },
  });
  return { relChange, loss0, loss };
}
