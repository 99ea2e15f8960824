/**
 * Closed-form Gaussian expectations of an activation φ ("dual activation"), for (u, v) ~ N(0, [[q1, c], [c, q2]])
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps). Optional: without it, spec integrates by 2-D Gauss–Hermite
 * quadrature.
 */
export interface DualActivation {
  /** E φ(u) φ(v). */
  value(q1: number, q2: number, c: number): number;
  /** E φ′(u) φ′(v). */
  derivative(q1: number, q2: number, c: number): number;
}

/**
 * φ and φ′ as JavaScript expressions in `x` using only `Math.*` (see {@link Activation.source}).
 */
export interface ActivationSource {
  readonly fn: string;
  readonly deriv: string;
  /**
   * Optional: true when `fn` and `deriv`, evaluated in float64 JavaScript, give exactly `Activation.fn(x)` and
   * `Activation.deriv(x)` bit for bit (not a float32 approximation), so a CPU backend may compile them on worker
   * threads (closures cannot cross threads) and keep results identical to the serial map. Default false.
   */
  readonly exact?: boolean;
  /**
   * Optional fused form for one pass over value and derivative: `common`, an expression in `x` bound to `u`, then
   * `fn` and `deriv`, expressions in `x` and `u` (tanh: `common = "Math.tanh(x)"`, `fn = "u"`, `deriv = "(1 - u * u)"`).
   * With `exact`, they too must equal `Activation.fn`/`deriv` bit for bit.
   */
  readonly fused?: { readonly common: string; readonly fn: string; readonly deriv: string };
}

/**
 * An activation plugin: the function, its derivative, and optional extras. Built-ins register through
 * the same type, so a user's activation has the same powers.
 */
export interface Activation {
  /** Registry name, e.g. `"tanh"`. */
  readonly name: string;
  /** φ(x). */
  fn(x: number): number;
  /** φ′(x) (any sub-gradient at kinks). */
  deriv(x: number): number;
  /** φ″(x), where it exists. */
  deriv2?(x: number): number;
  /** Closed-form dual kernel (apps/docs/theory/toolkit.md#gaussian-kernel-maps). */
  readonly dual?: DualActivation;
  /**
   * Points where φ or φ′ is not smooth; Gaussian quadrature splits the line there
   * (apps/docs/theory/toolkit.md#normalised-activations).
   */
  readonly kinks?: ReadonlyArray<number>;
  /**
   * φ and φ′ as JavaScript expressions in `x` using only `Math.*` (e.g. `"Math.tanh(x)"`), so that GPU
   * backends can compile them into kernels; backends without it fall back to the CPU for `map`.
   */
  readonly source?: ActivationSource;
  /**
   * Optional: φ(x) and φ′(x) from one evaluation, `out[0] = fn(x)`, `out[1] = deriv(x)` bit for bit (e.g. tanh
   * computes `t = tanh x` once: φ = t, φ′ = 1 − t²). Used by `Backend.mapBoth` when the pass needs both.
   */
  valueAndDeriv?(x: number, out: Float64Array): void;
  /** One line for `--help` listings. */
  readonly description?: string;
}
