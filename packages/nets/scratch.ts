import { normalizeActivation } from './src/normalize.js';
import { tanh } from './src/activations/sigmoidal.js';
import { gaussHermite } from './src/quadrature/gauss-hermite.js';
import { compositeGaussianRule } from './src/quadrature/gaussian-expectation.js';
import { tabulatedDual } from './src/activations/tabulated-dual.js';
const nt = normalizeActivation(tanh);
for (const q of [1.0342438087074033, 2.5, 0.6]) {
  const s = Math.sqrt(q);
  const f = (x: number) => nt.deriv(s * x) ** 2;
  const gh = (n: number) => { const r = gaussHermite(n); let t = 0; for (let i = 0; i < n; i++) t += r.weights[i] * f(r.nodes[i]); return t; };
  const cg = compositeGaussianRule([], 0.05); let ref = 0; for (let i = 0; i < cg.nodes.length; i++) ref += cg.weights[i] * f(cg.nodes[i]);
  const e = tabulatedDual(nt).expansion(q);
  console.log(q, 'gh80', gh(80) - ref, 'gh200', gh(200) - ref, 'new', e.derivativeDiagonal - ref, 'deg', e.derivative?.degree, e.derivative?.nodes);
}
