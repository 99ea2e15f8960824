import { SpecError } from '@spec/core';

/**
 * An update rule over a flat list of trainable arrays (one per weight/bias matrix): `update` moves the
 * parameters in place from their gradients. The state (Adam moments) lives in the closure, so one
 * optimizer object serves one run.
 */
export interface Optimizer {
  /** `'gd'`, `'sgd'` or `'adam'`. */
  readonly name: OptimizerName;
  /** θ ← θ − step(∇θ) for every array; `t` is the 1-based step number. */
  update(params: ReadonlyArray<Float64Array>, grads: ReadonlyArray<Float64Array>, t: number): void;
}

/** Optimizer names accepted by {@link createOptimizer}. */
export type OptimizerName = 'gd' | 'sgd' | 'adam';

/** Adam hyper-parameters (Kingma & Ba; defaults β1 = 0.9, β2 = 0.999, ε = 1e−8). */
export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

function checkLr(lr: number): void {
  if (!(Number.isFinite(lr) && lr > 0))
    throw new SpecError('E_INPUT', `learning rate must be a finite number > 0, got ${lr}`);
}

/** Plain gradient step θ ← θ − η ∇θ (full-batch GD or minibatch SGD: the batch is chosen by the caller). */
export function gradientStep(lr: number, name: 'gd' | 'sgd' = 'gd'): Optimizer {
  checkLr(lr);
  return {
    name,
    update(params, grads) {
      params.forEach((p, k) => {
        const g = grads[k];
        for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
      });
    },
  };
}

/**
 * Adam: m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g², θ ← θ − η m̂/(√v̂ + ε) with the bias corrections
 * m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ).
 */
export function adam(lr: number, options: AdamOptions = {}): Optimizer {
  checkLr(lr);
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1))
    throw new SpecError('E_INPUT', `adam: β1, β2 must lie in [0, 1), got ${b1}, ${b2}`);
  if (!(eps > 0)) throw new SpecError('E_INPUT', `adam: ε must be > 0, got ${eps}`);
  let m: Float64Array[] | undefined;
  let v: Float64Array[] | undefined;
  return {
    name: 'adam',
    update(params, grads, t) {
      m ??= params.map((p) => new Float64Array(p.length));
      v ??= params.map((p) => new Float64Array(p.length));
      const c1 = 1 - Math.pow(b1, t);
      const c2 = 1 - Math.pow(b2, t);
      params.forEach((p, k) => {
        const g = grads[k];
        const mk = m![k];
        const vk = v![k];
        for (let i = 0; i < p.length; i++) {
          mk[i] = b1 * mk[i] + (1 - b1) * g[i];
          vk[i] = b2 * vk[i] + (1 - b2) * g[i] * g[i];
          p[i] -= (lr * (mk[i] / c1)) / (Math.sqrt(vk[i] / c2) + eps);
        }
      });
    },
  };
}

/** The optimizer for a name: `gd` and `sgd` → {@link gradientStep}, `adam` → {@link adam}. */
export function createOptimizer(name: OptimizerName, lr: number, options: AdamOptions = {}): Optimizer {
  if (name === 'gd' || name === 'sgd') return gradientStep(lr, name);
  if (name === 'adam') return adam(lr, options);
  throw new SpecError('E_INPUT', `optimizer must be gd, sgd or adam, got ${JSON.stringify(name)}`);
}
