/**
 * Small finite networks for the Monte Carlo tests of the kernel maps — independent of src/kernel-maps: a reverse-mode
 * tape over (positions × channels) matrices of one sample, NTK parametrisation (apps/docs/theory/architectures.md#conventions:
 * every weight W_std·ω/√fan_in with ω ~ N(0, 1), biases b_std·β), built from the same JSON entries. Only φ and φ′ of
 * the registered activations are shared with the library.
 */
import { createRng, registry, type Rng } from '@spec/core';

interface Tensor {
  readonly v: Float64Array;
  readonly r: number;
  readonly c: number;
  readonly g: Float64Array;
  back?: () => void;
}

/** A trainable parameter: values ω or β and the gradient of the current sample's output. */
type Param = Tensor;

class Tape {
  readonly nodes: Tensor[] = [];
  node(v: Float64Array, r: number, c: number, back?: (y: Tensor) => void): Tensor {
    const t: Tensor = { v, r, c, g: new Float64Array(v.length) };
    if (back) t.back = () => back(t);
    this.nodes.push(t);
    return t;
  }
  backward(out: Tensor): void {
    out.g[0] = 1;
    for (let i = this.nodes.length - 1; i >= 0; i--) this.nodes[i].back?.();
  }
}

function param(rows: number, cols: number, rng: Rng): Param {
  const v = new Float64Array(rows * cols);
  rng.fillNormal(v);
  return { v, r: rows, c: cols, g: new Float64Array(rows * cols) };
}

/** y = s·x W (x: r × k, W: k × m). */
function linear(t: Tape, x: Tensor, W: Param, s: number): Tensor {
  const { r } = x;
  const k = W.r;
  const m = W.c;
  const y = new Float64Array(r * m);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < k; j++) {
      const xv = s * x.v[i * k + j];
      if (xv === 0) continue;
      for (let l = 0; l < m; l++) y[i * m + l] += xv * W.v[j * m + l];
    }
  }
  return t.node(y, r, m, (o) => {
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < k; j++) {
        let gx = 0;
        const xv = s * x.v[i * k + j];
        for (let l = 0; l < m; l++) {
          gx += o.g[i * m + l] * W.v[j * m + l];
          W.g[j * m + l] += xv * o.g[i * m + l];
        }
        x.g[i * k + j] += s * gx;
      }
    }
  });
}

/** y = x + s·b (b broadcast over rows). */
function bias(t: Tape, x: Tensor, b: Param, s: number): Tensor {
  const y = x.v.map((v, i) => v + s * b.v[i % x.c]);
  return t.node(y, x.r, x.c, (o) => {
    for (let i = 0; i < y.length; i++) {
      x.g[i] += o.g[i];
      b.g[i % x.c] += s * o.g[i];
    }
  });
}

function act(t: Tape, x: Tensor, name: string): Tensor {
  const a = registry.activation(name);
  return t.node(x.v.map(a.fn), x.r, x.c, (o) => {
    for (let i = 0; i < x.v.length; i++) x.g[i] += o.g[i] * a.deriv(x.v[i]);
  });
}

/** y = M x over positions (M: rows × x.r, dense). */
function mix(t: Tape, x: Tensor, M: Float64Array, rows: number): Tensor {
  const { r, c } = x;
  const y = new Float64Array(rows * c);
  for (let p = 0; p < rows; p++) {
    for (let i = 0; i < r; i++) {
      const w = M[p * r + i];
      if (w !== 0) for (let j = 0; j < c; j++) y[p * c + j] += w * x.v[i * c + j];
    }
  }
  return t.node(y, rows, c, (o) => {
    for (let p = 0; p < rows; p++) {
      for (let i = 0; i < r; i++) {
        const w = M[p * r + i];
        if (w !== 0) for (let j = 0; j < c; j++) x.g[i * c + j] += w * o.g[p * c + j];
      }
    }
  });
}

/** Patches: y[p, δ·C + c] = x[ι(p, δ), c], 0 where ι = −1. */
function gather(t: Tape, x: Tensor, index: Int32Array, taps: number): Tensor {
  const rows = index.length / taps;
  const C = x.c;
  const y = new Float64Array(rows * taps * C);
  for (let p = 0; p < rows; p++) {
    for (let d = 0; d < taps; d++) {
      const i = index[p * taps + d];
      if (i >= 0) for (let c = 0; c < C; c++) y[(p * taps + d) * C + c] = x.v[i * C + c];
    }
  }
  return t.node(y, rows, taps * C, (o) => {
    for (let p = 0; p < rows; p++) {
      for (let d = 0; d < taps; d++) {
        const i = index[p * taps + d];
        if (i >= 0) for (let c = 0; c < C; c++) x.g[i * C + c] += o.g[(p * taps + d) * C + c];
      }
    }
  });
}

function flatten(t: Tape, x: Tensor): Tensor {
  return t.node(Float64Array.from(x.v), 1, x.v.length, (o) => {
    for (let i = 0; i < x.v.length; i++) x.g[i] += o.g[i];
  });
}

/** LayerNorm over channels per row, no gain or bias. */
function layerNorm(t: Tape, x: Tensor, eps: number): Tensor {
  const { r, c } = x;
  const y = new Float64Array(r * c);
  const inv = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let m = 0;
    for (let j = 0; j < c; j++) m += x.v[i * c + j] / c;
    let v = 0;
    for (let j = 0; j < c; j++) v += (x.v[i * c + j] - m) ** 2 / c;
    inv[i] = 1 / Math.sqrt(v + eps);
    for (let j = 0; j < c; j++) y[i * c + j] = (x.v[i * c + j] - m) * inv[i];
  }
  return t.node(y, r, c, (o) => {
    for (let i = 0; i < r; i++) {
      let mg = 0;
      let mgy = 0;
      for (let j = 0; j < c; j++) {
        mg += o.g[i * c + j] / c;
        mgy += (o.g[i * c + j] * y[i * c + j]) / c;
      }
      for (let j = 0; j < c; j++) x.g[i * c + j] += inv[i] * (o.g[i * c + j] - mg - y[i * c + j] * mgy);
    }
  });
}

function weightedSum(t: Tape, xs: Tensor[], w: number[]): Tensor {
  const y = new Float64Array(xs[0].v.length);
  xs.forEach((x, k) => x.v.forEach((v, i) => (y[i] += w[k] * v)));
  return t.node(y, xs[0].r, xs[0].c, (o) => xs.forEach((x, k) => o.g.forEach((g, i) => (x.g[i] += w[k] * g))));
}

/** y = s·a bᵀ (a: m × k, b: n × k). */
function matmulT(t: Tape, a: Tensor, b: Tensor, s: number): Tensor {
  const m = a.r;
  const n = b.r;
  const k = a.c;
  const y = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let l = 0; l < k; l++) acc += a.v[i * k + l] * b.v[j * k + l];
      y[i * n + j] = s * acc;
    }
  }
  return t.node(y, m, n, (o) => {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const g = s * o.g[i * n + j];
        for (let l = 0; l < k; l++) {
          a.g[i * k + l] += g * b.v[j * k + l];
          b.g[j * k + l] += g * a.v[i * k + l];
        }
      }
    }
  });
}

/** y = a b (a: m × k, b: k × n). */
function matmul(t: Tape, a: Tensor, b: Tensor): Tensor {
  const m = a.r;
  const k = a.c;
  const n = b.c;
  const y = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const av = a.v[i * k + l];
      for (let j = 0; j < n; j++) y[i * n + j] += av * b.v[l * n + j];
    }
  }
  return t.node(y, m, n, (o) => {
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < k; l++) {
        let ga = 0;
        for (let j = 0; j < n; j++) {
          ga += o.g[i * n + j] * b.v[l * n + j];
          b.g[l * n + j] += a.v[i * k + l] * o.g[i * n + j];
        }
        a.g[i * k + l] += ga;
      }
    }
  });
}

function softmaxRows(t: Tape, x: Tensor): Tensor {
  const { r, c } = x;
  const y = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, x.v[i * c + j]);
    let s = 0;
    for (let j = 0; j < c; j++) s += y[i * c + j] = Math.exp(x.v[i * c + j] - max);
    for (let j = 0; j < c; j++) y[i * c + j] /= s;
  }
  return t.node(y, r, c, (o) => {
    for (let i = 0; i < r; i++) {
      let dot = 0;
      for (let j = 0; j < c; j++) dot += o.g[i * c + j] * y[i * c + j];
      for (let j = 0; j < c; j++) x.g[i * c + j] += y[i * c + j] * (o.g[i * c + j] - dot);
    }
  });
}

function row(t: Tape, x: Tensor, i: number): Tensor {
  return t.node(x.v.slice(i * x.c, (i + 1) * x.c), 1, x.c, (o) => {
    for (let j = 0; j < x.c; j++) x.g[i * x.c + j] += o.g[j];
  });
}

function stackRows(t: Tape, rows: Tensor[]): Tensor {
  const c = rows[0].c;
  const y = new Float64Array(rows.length * c);
  rows.forEach((x, i) => y.set(x.v, i * c));
  return t.node(y, rows.length, c, (o) => rows.forEach((x, i) => x.v.forEach((_, j) => (x.g[j] += o.g[i * c + j]))));
}

/**
 * Window index map per the JAX/TF rules (apps/docs/theory/architectures.md#convolution), written again here so the
 * finite networks do not share code with the maps under test.
 */
function windowIndex(
  spatial: number[],
  window: number[],
  strides: number[],
  padding: string,
): { out: number[]; taps: number; index: Int32Array } {
  const axes = spatial.map((H, k) => {
    const f = window[k];
    const s = strides[k];
    const len = padding === 'VALID' ? Math.floor((H - f) / s) + 1 : Math.ceil(H / s);
    const lo = padding === 'VALID' ? 0 : Math.floor(Math.max((len - 1) * s + f - H, 0) / 2);
    const at = (p: number, d: number) => {
      let i = s * p + d - lo;
      if (padding === 'CIRCULAR') i = ((i % H) + H) % H;
      return i >= 0 && i < H ? i : -1;
    };
    return { len, at };
  });
  const out = axes.map((a) => a.len);
  const taps = window.reduce((x, y) => x * y, 1);
  const Lo = out.reduce((x, y) => x * y, 1);
  const index = new Int32Array(Lo * taps);
  const unravel = (i: number, dims: number[]) => {
    const r: number[] = [];
    for (let k = dims.length - 1; k >= 0; k--) {
      r[k] = i % dims[k];
      i = Math.floor(i / dims[k]);
    }
    return r;
  };
  for (let p = 0; p < Lo; p++) {
    const pp = unravel(p, out);
    for (let d = 0; d < taps; d++) {
      const dd = unravel(d, window);
      let flat = 0;
      for (let k = 0; k < spatial.length && flat >= 0; k++) {
        const i = axes[k].at(pp[k], dd[k]);
        flat = i < 0 ? -1 : flat * spatial[k] + i;
      }
      index[p * taps + d] = flat;
    }
  }
  return { out, taps, index };
}

type Entry = Record<string, unknown> & { layer: string };
type Layer = (t: Tape, x: Tensor) => Tensor;

/** What a built network gives for one input. */
export interface FiniteOutput {
  /** The network's output f(x). */
  readonly f: number;
  /** The readout's input z (flattened) — for the NNGP with the readout integrated out. */
  readonly z: Float64Array;
  /** The gradient of the scalar output over every parameter, concatenated. */
  readonly grad: Float64Array;
}

/** A random finite network of the given width for inputs of spatial shape `spatial` and C channels. */
export function finiteNetwork(
  spec: ReadonlyArray<Entry>,
  spatial: number[],
  C: number,
  width: number,
  rng: Rng,
): {
  run(x: Float64Array): FiniteOutput;
  readout: { W_std: number; b_std: number };
  params: ReadonlyArray<Float64Array>;
} {
  const params: Param[] = [];
  const p = (rows: number, cols: number) => {
    const q = param(rows, cols, rng);
    params.push(q);
    return q;
  };
  const num = (e: Entry, k: string, d: number) => (e[k] as number | undefined) ?? d;
  function build(
    entries: ReadonlyArray<Entry>,
    shape: number[],
    chans: number,
    readout: boolean,
  ): { layers: Layer[]; shape: number[]; chans: number } {
    const layers: Layer[] = [];
    entries.forEach((e, idx) => {
      const isReadout = readout && idx === entries.length - 1;
      const L = shape.reduce((x, y) => x * y, 1);
      switch (e.layer) {
        case 'dense': {
          const out = isReadout ? 1 : width;
          const W = p(chans, out);
          const b = p(1, out);
          const [ws, bs, c0] = [num(e, 'W_std', 1), num(e, 'b_std', 0), chans];
          layers.push((t, x) => bias(t, linear(t, x, W, ws / Math.sqrt(c0)), b, bs));
          chans = out;
          break;
        }
        case 'conv': {
          const filter = e.filter as number[];
          const strides = (e.strides as number[] | undefined) ?? filter.map(() => 1);
          const { out, taps, index } = windowIndex(
            shape,
            filter,
            strides,
            (e.padding as string | undefined) ?? 'VALID',
          );
          const W = p(taps * chans, width);
          const b = p(1, width);
          const [ws, bs, fan] = [num(e, 'W_std', 1), num(e, 'b_std', 0), taps * chans];
          layers.push((t, x) => bias(t, linear(t, gather(t, x, index, taps), W, ws / Math.sqrt(fan)), b, bs));
          shape = out;
          chans = width;
          break;
        }
        case 'avg_pool':
        case 'sum_pool': {
          const window = e.window as number[];
          const strides = (e.strides as number[] | undefined) ?? window.map(() => 1);
          const { out, taps, index } = windowIndex(
            shape,
            window,
            strides,
            (e.padding as string | undefined) ?? 'VALID',
          );
          const Lo = out.reduce((x, y) => x * y, 1);
          const M = new Float64Array(Lo * L);
          for (let q = 0; q < Lo; q++) {
            const real = Array.from(index.subarray(q * taps, (q + 1) * taps)).filter((i) => i >= 0);
            const w = e.layer === 'sum_pool' ? 1 : 1 / (e.normalize_edges ? real.length : taps);
            for (const i of real) M[q * L + i] += w;
          }
          layers.push((t, x) => mix(t, x, M, Lo));
          shape = out;
          break;
        }
        case 'global_avg_pool':
          layers.push((t, x) => mix(t, x, new Float64Array(L).fill(1 / L), 1));
          shape = [];
          break;
        case 'last': {
          const M = new Float64Array(L);
          M[L - 1] = 1;
          layers.push((t, x) => mix(t, x, M, 1));
          shape = [];
          break;
        }
        case 'flatten':
          layers.push((t, x) => flatten(t, x));
          chans *= L;
          shape = [];
          break;
        case 'layernorm':
          layers.push((t, x) => layerNorm(t, x, num(e, 'eps', 0)));
          break;
        case 'residual': {
          const branch = build(e.branch as Entry[], shape, chans, false);
          const alpha = num(e, 'alpha', 1);
          layers.push((t, x) => weightedSum(t, [x, branch.layers.reduce((h, f) => f(t, h), x)], [1, alpha]));
          break;
        }
        case 'sum': {
          const branches = (e.branches as Entry[][]).map((b) => build(b, shape, chans, false));
          const w = (e.weights as number[] | undefined) ?? branches.map(() => 1);
          layers.push((t, x) =>
            weightedSum(
              t,
              branches.map((b) => b.layers.reduce((h, f) => f(t, h), x)),
              w,
            ),
          );
          chans = branches[0].chans;
          shape = branches[0].shape;
          break;
        }
        case 'identity':
          break;
        case 'attention':
          layers.push(attentionLayer(e, chans));
          chans = width;
          break;
        case 'rnn': {
          const [Ws, Us, bs] = [num(e, 'W_std', 1), num(e, 'U_std', 1), num(e, 'b_std', 0)];
          const W = p(width, width);
          const U = p(chans, width);
          const b = p(1, width);
          const c0 = chans;
          const name = e.act as string;
          layers.push((t, x) => {
            const states: Tensor[] = [];
            for (let s = 0; s < x.r; s++) {
              let g = linear(t, row(t, x, s), U, Us / Math.sqrt(c0));
              if (s > 0) g = weightedSum(t, [g, linear(t, states[s - 1], W, Ws / Math.sqrt(width))], [1, 1]);
              states.push(act(t, bias(t, g, b, bs), name));
            }
            return stackRows(t, states);
          });
          chans = width;
          break;
        }
        default:
          layers.push((t, x) => act(t, x, e.layer));
      }
    });
    return { layers, shape, chans };
  }
  function attentionLayer(e: Entry, C0: number): Layer {
    const mode = (e.mode as string | undefined) ?? 'tied';
    const mechanism = (e.mechanism as string | undefined) ?? 'softmax';
    const [qk, ov, bs] = [num(e, 'QK_std', 1), num(e, 'OV_std', 1), num(e, 'b_std', 0)];
    // 1/d modes: n_heads heads of key and value dimension `width`; 1/√d: heads of d_head dimensions, width/d_head of them.
    const d = mode === 'sqrt' ? num(e, 'd_head', 4) : width;
    const H = mode === 'sqrt' ? width / d : num(e, 'n_heads', 1);
    const heads = Array.from({ length: H }, () => {
      const Wq = p(C0, d);
      const Wk = mode === 'tied' ? Wq : p(C0, d);
      return { Wq, Wk, Wv: p(C0, d), Wo: p(d, width) };
    });
    const b = p(1, width);
    const logitScale = qk / (mode === 'sqrt' ? Math.sqrt(d) : d);
    return (t, x) => {
      const outs = heads.map(({ Wq, Wk, Wv, Wo }) => {
        const q = linear(t, x, Wq, 1 / Math.sqrt(C0));
        const k = linear(t, x, Wk, 1 / Math.sqrt(C0));
        const v = linear(t, x, Wv, 1 / Math.sqrt(C0));
        const logits = matmulT(t, q, k, logitScale);
        const A = mechanism === 'softmax' ? softmaxRows(t, logits) : logits;
        return linear(t, matmul(t, A, v), Wo, ov / Math.sqrt(H * d));
      });
      return bias(
        t,
        outs.length === 1
          ? outs[0]
          : weightedSum(
              t,
              outs,
              outs.map(() => 1),
            ),
        b,
        bs,
      );
    };
  }
  const body = build(spec.slice(0, -1) as Entry[], spatial, C, false);
  const last = spec[spec.length - 1] as Entry;
  const readout = build([last], body.shape, body.chans, true);
  const L0 = spatial.reduce((x, y) => x * y, 1);
  return {
    readout: { W_std: num(last, 'W_std', 1), b_std: num(last, 'b_std', 0) },
    params: params.map((q) => q.v),
    run(x) {
      for (const q of params) q.g.fill(0);
      const t = new Tape();
      const input = t.node(x, L0, C);
      const z = body.layers.reduce((h, f) => f(t, h), input);
      const out = readout.layers[0](t, z);
      t.backward(out);
      const grad = new Float64Array(params.reduce((s, q) => s + q.v.length, 0));
      let o = 0;
      for (const q of params) {
        grad.set(q.g, o);
        o += q.v.length;
      }
      return { f: out.v[0], z: z.v, grad };
    },
  };
}

/** Mean and standard error over networks of every entry of the empirical NNGP and NTK (n × n, row-major). */
export interface MonteCarloKernels {
  readonly nngp: { mean: Float64Array; se: Float64Array };
  readonly ntk: { mean: Float64Array; se: Float64Array };
  /** Median over networks of ‖K_net − K_limit‖_F / ‖K_limit‖_F, NNGP and NTK. */
  readonly medianDeviation: { nngp: number; ntk: number };
}

/**
 * `nets` random networks of width `width`: per network the empirical NNGP with the readout integrated out
 * (W_std²⟨z_a, z_b⟩/fan_in + b_std², apps/docs/theory/architectures.md#monte-carlo) and the empirical NTK
 * Σ_θ ∂f(x_a)/∂θ ∂f(x_b)/∂θ over every raw parameter.
 */
export function monteCarloKernels(options: {
  spec: ReadonlyArray<Entry>;
  data: Float64Array;
  shape: number[];
  width: number;
  nets: number;
  seed: number;
  limit: { nngp: Float64Array; ntk: Float64Array };
}): MonteCarloKernels {
  const { spec, data, shape, width, nets } = options;
  const n = shape[0];
  const C = shape[shape.length - 1];
  const spatial = shape.slice(1, -1);
  const per = data.length / n;
  const sums = {
    nngp: [new Float64Array(n * n), new Float64Array(n * n)],
    ntk: [new Float64Array(n * n), new Float64Array(n * n)],
  };
  const devs: { nngp: number[]; ntk: number[] } = { nngp: [], ntk: [] };
  const rng = createRng(options.seed);
  for (let k = 0; k < nets; k++) {
    const net = finiteNetwork(spec as Entry[], spatial, C, width, rng.split(k));
    const outs = Array.from({ length: n }, (_, a) => net.run(data.slice(a * per, (a + 1) * per)));
    const { W_std, b_std } = net.readout;
    const K = { nngp: new Float64Array(n * n), ntk: new Float64Array(n * n) };
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let zz = 0;
        for (let i = 0; i < outs[a].z.length; i++) zz += outs[a].z[i] * outs[b].z[i];
        K.nngp[a * n + b] = (W_std ** 2 * zz) / outs[a].z.length + b_std ** 2;
        let gg = 0;
        for (let i = 0; i < outs[a].grad.length; i++) gg += outs[a].grad[i] * outs[b].grad[i];
        K.ntk[a * n + b] = gg;
      }
    }
    for (const which of ['nngp', 'ntk'] as const) {
      let num2 = 0;
      let den2 = 0;
      K[which].forEach((v, i) => {
        sums[which][0][i] += v;
        sums[which][1][i] += v * v;
        num2 += (v - options.limit[which][i]) ** 2;
        den2 += options.limit[which][i] ** 2;
      });
      devs[which].push(Math.sqrt(num2 / den2));
    }
  }
  const stats = (which: 'nngp' | 'ntk') => {
    const mean = sums[which][0].map((s) => s / nets);
    const se = sums[which][1].map((s2, i) => Math.sqrt(Math.max(0, s2 / nets - mean[i] ** 2) / (nets - 1)));
    return { mean, se };
  };
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return {
    nngp: stats('nngp'),
    ntk: stats('ntk'),
    medianDeviation: { nngp: median(devs.nngp), ntk: median(devs.ntk) },
  };
}
