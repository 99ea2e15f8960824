import { SpecError, type Activations, type Layer, type LayerParams, type NtkTerm, type NtkTermsStep } from '@spec/core';
import { activations, assertActivations, assertShapeArg, describeShape, sameShape, shapeOf } from './activations.js';
import { assertOptions, parameterFree } from './params.js';
import { addInto } from './sample-gram.js';

/** A layer, or a list of layers run in order (as a JSON branch is). */
export type SpatialBranch = Layer | ReadonlyArray<Layer>;

/** Splits a combinator's parameters `"i/key"` into one record per child. @throws SpecError `E_SHAPE` */
function splitParams(params: LayerParams, count: number, kind: string): LayerParams[] {
  const out: Array<Record<string, Float64Array>> = Array.from({ length: count }, () => ({}));
  for (const key of Object.keys(params)) {
    const slash = key.indexOf('/');
    const i = slash > 0 ? Number(key.slice(0, slash)) : Number.NaN;
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new SpecError('E_SHAPE', `${kind}: unknown parameter "${key}" (expected "<child index>/<name>")`);
    }
    out[i][key.slice(slash + 1)] = params[key];
  }
  return out;
}

/** The children's parameters under `"i/key"`. */
function joinParams(children: ReadonlyArray<LayerParams>): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  children.forEach((p, i) => {
    for (const key of Object.keys(p)) out[`${i}/${key}`] = p[key];
  });
  return out;
}

function asLayer(branch: SpatialBranch, kind: string): Layer {
  if (Array.isArray(branch)) return spatialSerial(branch as ReadonlyArray<Layer>);
  const layer = branch as Layer;
  if (layer === null || typeof layer !== 'object' || typeof layer.apply !== 'function') {
    throw new SpecError('E_INPUT', `${kind}: a branch must be a layer or a list of layers`);
  }
  return layer;
}

interface SerialCache {
  readonly caches: ReadonlyArray<unknown>;
}

/**
 * Layers in sequence as one layer (neural-tangents' `serial`): the output of each is the input of the next. Parameters
 * `"i/name"` for child i (0-based); its NTK share is the sum of the children's shares, each for the signal
 * back-propagated to its output (apps/docs/theory/architectures.md#finite-layers). When every child states its share
 * in factored form (`ntkTerms`), so does the block: the children's terms together, so the lean and matrix-free NTK
 * routes take networks built from blocks too; likewise `outShape`.
 *
 * @throws SpecError `E_INPUT` for an empty list or a non-layer
 */
export function spatialSerial(layers: ReadonlyArray<Layer>): Layer<SerialCache> {
  if (!Array.isArray(layers) || layers.length === 0) throw new SpecError('E_INPUT', 'serial: needs at least one layer');
  const children = layers.map((l) => asLayer(l, 'serial'));
  const layer: Layer<SerialCache> = {
    kind: 'serial',
    init(inShape, rng) {
      assertShapeArg(inShape, 'serial');
      let shape = inShape;
      const params = children.map((layer, i) => {
        const r = layer.init(shape, rng.split(i));
        shape = r.outShape;
        return r.params;
      });
      return { params: joinParams(params), outShape: shape };
    },
    apply(params, x, ctx) {
      const split = splitParams(params, children.length, 'serial');
      let h = x;
      const caches = children.map((layer, i) => {
        const r = layer.apply(split[i], h, ctx);
        h = r.y;
        return r.cache;
      });
      return { y: h, cache: { caches } };
    },
    vjp(params, cache, gy, ctx, options) {
      const split = splitParams(params, children.length, 'serial');
      const grads: LayerParams[] = new Array<LayerParams>(children.length);
      let g = gy;
      for (let i = children.length - 1; i >= 0; i--) {
        const r = children[i].vjp(split[i], cache.caches[i], g, ctx, options);
        grads[i] = r.gparams;
        g = r.gx;
      }
      return { gx: g, gparams: options?.params === false ? {} : joinParams(grads) };
    },
    ntk(params, cache, gy, ctx) {
      const split = splitParams(params, children.length, 'serial');
      let total: Float64Array | null = null;
      let g = gy;
      for (let i = children.length - 1; i >= 0; i--) {
        const share = children[i].ntk(split[i], cache.caches[i], g, ctx);
        if (share !== null) total = total === null ? Float64Array.from(share) : addInto(total, share);
        if (i > 0) g = children[i].vjp(split[i], cache.caches[i], g, ctx, { params: false }).gx;
      }
      return total;
    },
  };
  if (children.every((c) => typeof c.outShape === 'function')) {
    layer.outShape = (inShape) => children.reduce((shape, c) => c.outShape!(shape), inShape);
  }
  if (children.every((c) => typeof c.ntkTerms === 'function')) {
    layer.ntkTerms = (params, cache, gy, ctx) => {
      // The children's backward steps in turn, last to first, each for the signal at its own output.
      const split = splitParams(params, children.length, 'serial');
      const terms: NtkTerm[] = [];
      let g = gy;
      let step: NtkTermsStep | null = null;
      for (let i = children.length - 1; i >= 0; i--) {
        step = children[i].ntkTerms!(split[i], cache.caches[i], g, ctx);
        terms.push(...step.terms);
        if (i > 0) g = step.gradInput();
      }
      const first = step!;
      return { terms, gradInput: () => first.gradInput() };
    };
  }
  return layer;
}

interface SumCache {
  readonly caches: ReadonlyArray<unknown>;
  readonly x: Activations;
}

/** Options of {@link spatialFanInSum}. */
export interface SpatialFanInSumOptions {
  /** The branches B_i, each applied to the same input. */
  readonly branches: ReadonlyArray<SpatialBranch>;
  /** The weights w_i (default 1 each). */
  readonly weights?: ReadonlyArray<number>;
}

function branchSum(kind: string, branches: ReadonlyArray<Layer>, weights: ReadonlyArray<number>): Layer<SumCache> {
  const scale = (g: Activations, w: number): Activations =>
    w === 1
      ? g
      : activations(
          g.data.map((v) => w * v),
          g.samples,
          shapeOf(g),
        );
  const layer: Layer<SumCache> = {
    kind,
    init(inShape, rng) {
      assertShapeArg(inShape, kind);
      const results = branches.map((b, i) => b.init(inShape, rng.split(i)));
      const outShape = results[0].outShape;
      results.forEach((r, i) => {
        if (!sameShape(r.outShape, outShape)) {
          throw new SpecError(
            'E_SHAPE',
            `${kind}: branch ${i + 1} gives ${describeShape(r.outShape)} but branch 1 gives ${describeShape(outShape)}; the branches of a sum must agree`,
          );
        }
      });
      return { params: joinParams(results.map((r) => r.params)), outShape };
    },
    apply(params, x, ctx) {
      assertActivations(x, kind, 'the input');
      const split = splitParams(params, branches.length, kind);
      let y: Float64Array | null = null;
      let shape = shapeOf(x);
      const caches = branches.map((b, i) => {
        const r = b.apply(split[i], x, ctx);
        if (y === null) {
          y = r.y.data.map((v) => weights[i] * v);
          shape = shapeOf(r.y);
        } else {
          if (!sameShape(r.y, shape)) {
            throw new SpecError(
              'E_SHAPE',
              `${kind}: branch ${i + 1} gives ${describeShape(r.y)}, branch 1 ${describeShape(shape)}`,
            );
          }
          for (let k = 0; k < y.length; k++) y[k] += weights[i] * r.y.data[k];
        }
        return r.cache;
      });
      return { y: activations(y!, x.samples, shape), cache: { caches, x } };
    },
    vjp(params, cache, gy, ctx, options) {
      const split = splitParams(params, branches.length, kind);
      const gx = new Float64Array(cache.x.data.length);
      const grads = branches.map((b, i) => {
        const r = b.vjp(split[i], cache.caches[i], scale(gy, weights[i]), ctx, options);
        addInto(gx, r.gx.data);
        return r.gparams;
      });
      return {
        gx: activations(gx, cache.x.samples, shapeOf(cache.x)),
        gparams: options?.params === false ? {} : joinParams(grads),
      };
    },
    ntk(params, cache, gy, ctx) {
      // The branches' parameters are disjoint, so Θ is the sum of their shares; branch i sees the signal w_i·gy.
      const split = splitParams(params, branches.length, kind);
      let total: Float64Array | null = null;
      branches.forEach((b, i) => {
        const share = b.ntk(split[i], cache.caches[i], scale(gy, weights[i]), ctx);
        if (share !== null) total = total === null ? Float64Array.from(share) : addInto(total, share);
      });
      return total;
    },
  };
  if (branches.every((b) => typeof b.outShape === 'function'))
    layer.outShape = (inShape) => branches[0].outShape!(inShape);
  if (branches.every((b) => typeof b.ntkTerms === 'function')) {
    layer.ntkTerms = (params, cache, gy, ctx) => {
      // Disjoint parameters: the branches' terms together, branch i for the signal w_i·gy; ∂f/∂x sums the branches'.
      const split = splitParams(params, branches.length, kind);
      const steps = branches.map((b, i) => b.ntkTerms!(split[i], cache.caches[i], scale(gy, weights[i]), ctx));
      return {
        terms: steps.flatMap((s) => s.terms),
        gradInput: () => {
          const gx = new Float64Array(cache.x.data.length);
          for (const s of steps) addInto(gx, s.gradInput().data);
          return activations(gx, cache.x.samples, shapeOf(cache.x));
        },
      };
    };
  }
  return layer;
}

/**
 * FanOut → parallel branches → weighted FanInSum, as one layer (apps/docs/theory/architectures.md#residual-branches):
 * `y = Σ_i w_i B_i(x)`. The contract passes one activation record between layers, so fan-out and fan-in are fused
 * here. Parameters `"i/name"` for branch i; the NTK share is `Σ_i` (branch i's share for the signal `w_i·gy`).
 *
 * @throws SpecError `E_INPUT` for no branches or weights that are not finite or do not match the branches
 */
export function spatialFanInSum(options: SpatialFanInSumOptions): Layer<SumCache> {
  assertOptions(options, 'sum');
  const { branches } = options;
  if (!Array.isArray(branches) || branches.length === 0)
    throw new SpecError('E_INPUT', 'sum: needs at least one branch');
  const weights = options.weights ?? branches.map(() => 1);
  if (
    !Array.isArray(weights) ||
    weights.length !== branches.length ||
    !weights.every((w) => typeof w === 'number' && Number.isFinite(w))
  ) {
    throw new SpecError(
      'E_INPUT',
      `sum: weights must be ${branches.length} finite numbers (one per branch), got ${JSON.stringify(weights)}`,
    );
  }
  return branchSum(
    'sum',
    branches.map((b) => asLayer(b, 'sum')),
    weights,
  );
}

/** Options of {@link spatialResidual}. */
export interface SpatialResidualOptions {
  /** The branch B. */
  readonly branch: SpatialBranch;
  /** α (default 1). */
  readonly alpha?: number;
}

/**
 * A residual block `y = x + α·B(x)` (apps/docs/theory/architectures.md#residual-branches): {@link spatialFanInSum} of
 * the identity and B with weights (1, α). The branch's parameters are `"1/name"`.
 *
 * @throws SpecError `E_INPUT` for a non-finite α or a bad branch
 */
export function spatialResidual(options: SpatialResidualOptions): Layer<SumCache> {
  assertOptions(options, 'residual');
  const alpha = options.alpha ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new SpecError('E_INPUT', `residual: alpha must be a finite number, got ${JSON.stringify(alpha)}`);
  }
  return branchSum('residual', [spatialIdentity(), asLayer(options.branch, 'residual')], [1, alpha]);
}

interface IdentityCache {
  readonly x: Activations;
}

/** The identity layer `y = x` (the skip branch of a residual block); no parameters. */
export function spatialIdentity(): Layer<IdentityCache> {
  return parameterFree({
    kind: 'identity',
    init(inShape) {
      assertShapeArg(inShape, 'identity');
      return { params: {}, outShape: { spatial: [...inShape.spatial], channels: inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, 'identity', 'the input');
      return { y: activations(Float64Array.from(x.data), x.samples, shapeOf(x)), cache: { x } };
    },
    vjp(_params, cache, gy) {
      assertActivations(gy, 'identity', 'the output gradient', { ...shapeOf(cache.x), samples: cache.x.samples });
      return { gx: activations(Float64Array.from(gy.data), gy.samples, shapeOf(gy)), gparams: {} };
    },
    outShape: (inShape) => ({ spatial: [...inShape.spatial], channels: inShape.channels }),
    ntk: () => null,
  });
}
