/**
 * Closed-form Gaussian expectations of an activation φ ("dual activation"), for (u, v) ~ N(0, [[q1, c], [c, q2]])
 * (MATH.md §1.3). Optional: without it, spec integrates by 2-D Gauss–Hermite quadrature.
 */
export interface DualActivation {
  /** E φ(u) φ(v). */
  value(q1: number, q2: number, c: number): number;
  /** E φ′(u) φ′(v). */
  derivative(q1: number, q2: number, c: number): number;
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
  /** Closed-form dual kernel (MATH.md §1.3). */
  readonly dual?: DualActivation;
  /** Points where φ or φ′ is not smooth; Gaussian quadrature splits the line there (MATH.md §1.2). */
  readonly kinks?: ReadonlyArray<number>;
  /**
   * φ and φ′ as JavaScript expressions in `x` using only `Math.*` (e.g. `"Math.tanh(x)"`), so that GPU
   * backends can compile them into kernels; backends without it fall back to the CPU for `map`.
   */
  readonly source?: { readonly fn: string; readonly deriv: string };
  /** One line for `--help` listings. */
  readonly description?: string;
}
