/**
 * Minimal complex arithmetic on `{ re, im }` records (apps/docs/theory/toolkit.md#marchenko-pastur works on the upper
 * half-plane C⁺). Hot loops in this package inline real/imaginary pairs instead; these helpers serve the public API and
 * closed forms.
 */

/** A complex number re + i·im. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** Builds a complex number. */
export function complex(re: number, im = 0): Complex {
  return { re, im };
}

/** a + b. */
export function cadd(a: Complex, b: Complex): Complex {
  return { re: a.re + b.re, im: a.im + b.im };
}

/** a − b. */
export function csub(a: Complex, b: Complex): Complex {
  return { re: a.re - b.re, im: a.im - b.im };
}

/** a · b. */
export function cmul(a: Complex, b: Complex): Complex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

/** a / b (Smith's algorithm, no overflow for large |b|). */
export function cdiv(a: Complex, b: Complex): Complex {
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const t = b.im / b.re;
    const d = b.re + b.im * t;
    return { re: (a.re + a.im * t) / d, im: (a.im - a.re * t) / d };
  }
  const t = b.re / b.im;
  const d = b.re * t + b.im;
  return { re: (a.re * t + a.im) / d, im: (a.im * t - a.re) / d };
}

/** |a|. */
export function cabs(a: Complex): number {
  return Math.hypot(a.re, a.im);
}

/** Complex conjugate. */
export function conj(a: Complex): Complex {
  return { re: a.re, im: -a.im };
}

/**
 * Principal square root (branch cut on the negative real axis). A negative real argument with
 * `im === 0` (also −0) maps to +i·√|a|, the limit from the upper half-plane.
 */
export function csqrt(a: Complex): Complex {
  if (a.im === 0) {
    return a.re >= 0 ? { re: Math.sqrt(a.re), im: 0 } : { re: 0, im: Math.sqrt(-a.re) };
  }
  const r = Math.hypot(a.re, a.im);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sqrt((r - a.re) / 2);
  return { re, im: a.im < 0 ? -im : im };
}
