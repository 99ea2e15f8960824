/**
 * The deterministic inputs behind the check values of architectures (apps/docs/theory/architectures.md#check-values),
 * row-major of shape (n, spatial…, C):
 * X[a, p₁..p_S, c] = sin(1 + 0.7a + 1.3·Σ_i i·p_i + 2.1c) + 0.8·cos(0.9a + 0.4c + 0.3), 0-based indices, i = 1..S.
 * The independent numpy implementation that produced the check values uses the same formula.
 */
export function architectureCheckData(shape: ReadonlyArray<number>): Float64Array {
  const [n, ...rest] = shape;
  const C = rest[rest.length - 1];
  const spatial = rest.slice(0, -1);
  const L = spatial.reduce((x, y) => x * y, 1);
  const X = new Float64Array(n * L * C);
  const p = new Array<number>(spatial.length).fill(0);
  for (let a = 0; a < n; a++) {
    for (let pos = 0; pos < L; pos++) {
      let r = pos;
      for (let i = spatial.length - 1; i >= 0; i--) {
        p[i] = r % spatial[i];
        r = Math.floor(r / spatial[i]);
      }
      let s = 0;
      for (let i = 0; i < spatial.length; i++) s += (i + 1) * p[i];
      for (let c = 0; c < C; c++) {
        X[(a * L + pos) * C + c] = Math.sin(1 + 0.7 * a + 1.3 * s + 2.1 * c) + 0.8 * Math.cos(0.9 * a + 0.4 * c + 0.3);
      }
    }
  }
  return X;
}
