/**
 * Eigenvectors of a symmetric tridiagonal matrix for given eigenvalues by inverse iteration (the idea of
 * LAPACK `dstein`): for each λ, three solves of (T − λI) x = b with an LU factorisation with partial
 * pivoting (`dgttrf`/`dgtts2`), Gram–Schmidt against the vectors of the same cluster (eigenvalues closer
 * than 1e-3·‖T‖), nearly equal eigenvalues nudged apart by 10·ε·‖T‖. O(n) per vector and iteration —
 * far cheaper than accumulating every QL rotation when only a few vectors are wanted.
 *
 * `d` (length n) and `e` (`e[j]` couples j and j + 1) describe T; `values` are eigenvalues of T in
 * ascending order. Writes vector j as row j of `Y` (row length n). Returns true when every residual
 * ‖T y − λ y‖ is at most `10·max(n, 100)·ε·‖T‖₁` and the vectors are orthonormal to
 * `10·max(n, 100)·ε`; false asks the caller to use the QL route instead (which the eigensolver does).
 */
export function tridiagonalInverseIteration(
  d: Float64Array,
  e: Float64Array,
  values: Float64Array,
  Y: Float64Array,
): boolean {
  const n = d.length;
  const k = values.length;
  if (k === 0) return true;
  if (n === 1) {
    Y[0] = 1;
    return true;
  }
  let norm = 0;
  for (let i = 0; i < n; i++)
    norm = Math.max(norm, Math.abs(d[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0));
  if (norm === 0) norm = 1;
  const eps = Number.EPSILON;
  const tiny = eps * norm;
  const perturb = 10 * eps * norm;
  const clusterGap = 1e-3 * norm;
  const dd = new Float64Array(n);
  const dl = new Float64Array(n);
  const du = new Float64Array(n);
  const du2 = new Float64Array(n);
  const piv = new Uint8Array(n);
  let seed = 0x2545f491;
  let previous = -Infinity;
  let clusterStart = 0;
  for (let j = 0; j < k; j++) {
    let lambda = values[j];
    if (j > 0 && lambda - previous < perturb) lambda = previous + perturb;
    if (j === 0 || values[j] - values[j - 1] > clusterGap) clusterStart = j;
    previous = lambda;
    // LU of T − λI with partial pivoting (dgttrf).
    for (let i = 0; i < n; i++) {
      dd[i] = d[i] - lambda;
      if (i < n - 1) {
        dl[i] = e[i];
        du[i] = e[i];
      }
      du2[i] = 0;
      piv[i] = 0;
    }
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(dd[i]) >= Math.abs(dl[i])) {
        if (dd[i] !== 0) {
          const fact = dl[i] / dd[i];
          dl[i] = fact;
          dd[i + 1] -= fact * du[i];
        } else {
          dl[i] = 0;
        }
      } else {
        const fact = dd[i] / dl[i];
        dd[i] = dl[i];
        dl[i] = fact;
        const temp = du[i];
        du[i] = dd[i + 1];
        dd[i + 1] = temp - fact * dd[i + 1];
        if (i < n - 2) {
          du2[i] = du[i + 1];
          du[i + 1] = -fact * du[i + 1];
        }
        piv[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) if (Math.abs(dd[i]) < tiny) dd[i] = dd[i] < 0 ? -tiny : tiny;
    // Deterministic pseudo-random start in (−1, 1).
    const y = Y.subarray(j * n, (j + 1) * n);
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      y[i] = seed / 2 ** 31 - 1;
    }
    for (let iter = 0; iter < 3; iter++) {
      // Solve L U x = P b in place (dgtts2).
      for (let i = 0; i < n - 1; i++) {
        if (piv[i] === 0) y[i + 1] -= dl[i] * y[i];
        else {
          const temp = y[i];
          y[i] = y[i + 1];
          y[i + 1] = temp - dl[i] * y[i];
        }
      }
      y[n - 1] /= dd[n - 1];
      y[n - 2] = (y[n - 2] - du[n - 2] * y[n - 1]) / dd[n - 2];
      for (let i = n - 3; i >= 0; i--) y[i] = (y[i] - du[i] * y[i + 1] - du2[i] * y[i + 2]) / dd[i];
      // Orthogonalise against the earlier vectors of this cluster, then normalise.
      for (let c = clusterStart; c < j; c++) {
        const z = Y.subarray(c * n, (c + 1) * n);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += z[i] * y[i];
        for (let i = 0; i < n; i++) y[i] -= dot * z[i];
      }
      let nrm = 0;
      for (let i = 0; i < n; i++) nrm += y[i] * y[i];
      nrm = Math.sqrt(nrm);
      if (!(nrm > 0) || !Number.isFinite(nrm)) return false;
      for (let i = 0; i < n; i++) y[i] /= nrm;
    }
  }
  // Verify residuals and orthogonality; the caller falls back to QL otherwise.
  const tol = 10 * Math.max(n, 100) * eps;
  for (let j = 0; j < k; j++) {
    const y = Y.subarray(j * n, (j + 1) * n);
    const lambda = values[j];
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let s = (d[i] - lambda) * y[i];
      if (i > 0) s += e[i - 1] * y[i - 1];
      if (i < n - 1) s += e[i] * y[i + 1];
      r2 += s * s;
    }
    if (!(Math.sqrt(r2) <= tol * norm)) return false;
    for (let c = 0; c < j; c++) {
      const z = Y.subarray(c * n, (c + 1) * n);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += z[i] * y[i];
      if (!(Math.abs(dot) <= tol)) return false;
    }
  }
  return true;
}
