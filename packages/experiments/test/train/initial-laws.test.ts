import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { singleIndexTeacher } from '@spec/data';
import { mpDensity } from '@spec/rmt';
import { initialKernelLaws, weightMpLaw } from '../../src/train/initial-laws.js';
import { initNetwork, mlp, normalizeActivation, tanh } from '@spec/nets';
import { train, type TrainCheckpoint, type TrainResult } from '@spec/experiments';

const backend = createCpuBackend();

function trapezoid(x: Float64Array, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
  return s;
}

describe('weightMpLaw', () => {
  it('integrates to 1 with mean max(1, d/h) on both sides of d = h', () => {
    for (const [h, d] of [
      [240, 200],
      [100, 300],
    ]) {
      const law = weightMpLaw(h, d, 2000);
      // Chebyshev-clustered grid: the trapezoid error at the √-edges is O(N^-2) ≈ 1e-6; 1e-4 is slack.
      expect(trapezoid(law.x, law.density)).toBeCloseTo(1, 4);
      // tr(WᵀW/h)/min(h, d) = d/min(h, d) exactly in expectation.
      expect(
        trapezoid(
          law.x,
          Array.from(law.x, (x, i) => x * law.density[i]),
        ),
      ).toBeCloseTo(Math.max(1, d / h), 4);
    }
  });

  it('for d > h equals the MP law of WWᵀ/h = (d/h)·WWᵀ/d (ratio h/d), a second route', () => {
    const [h, d] = [100, 300];
    const law = weightMpLaw(h, d, 50);
    const c = d / h;
    for (let i = 1; i < law.x.length - 1; i++) {
      // Change of variables x = c·u: ρ(x) = ρ_{h/d}(x/c)/c; both are closed forms, so 1e-10 is round-off.
      expect(law.density[i]).toBeCloseTo(mpDensity(law.x[i] / c, 1 / c) / c, 10);
    }
  });

  it('rejects a vector', () => {
    expect(() => weightMpLaw(1, 10)).toThrow(/2 × 2/);
  });
});

/** λ_max of the step-0 kernels of a tanh MLP on i.i.d. N(0, I/d0) data, and the limit edges train used. */
function step0(
  n: number,
  d0: number,
  widths: number[],
  trainReadout: boolean,
): { rec: TrainCheckpoint; result: TrainResult } {
  const act = normalizeActivation(tanh);
  const rng = createRng(3);
  const data = singleIndexTeacher({ n, d0, link: Math.tanh, noise: 0.1, rng: rng.split('data') });
  const net = mlp({ inputDim: d0, widths, activation: act });
  const recs: TrainCheckpoint[] = [];
  const result = train({
    net,
    params: initNetwork(net, rng.split('net')),
    X: data.X,
    y: data.y,
    optimizer: 'gd',
    lr: 1,
    steps: 0,
    checkpoints: [0],
    trainReadout,
    backend,
    rng,
    monitors: { kernelEdges: { limit: { activation: act } }, kernelGd: false },
    onCheckpoint: (r) => recs.push(r),
  });
  return { rec: recs[0], result };
}

describe('initialKernelLaws (edges for the kernel monitors)', () => {
  // Independent check: the top eigenvalue of one simulated network at step 0 sits at the right edge of the law,
  // a little below it: the Tracy–Widom mean is negative (≈ −1.2 n^(-2/3) in edge units, ≈ 2% at n = 400) and the
  // data's O(√(log n/d0)) correlations shrink it further (measured 3–6% here). [0.88, 1.03]·edge allows that
  // and still rejects a wrong law: the full-NTK edge is 2.4× the frozen-readout one for L = 1.
  const nearEdge = (top: number, edge: number): void => {
    expect(top / edge).toBeGreaterThan(0.88);
    expect(top / edge).toBeLessThan(1.03);
  };
  it('frozen readout: the NTK − K_L edge r₊ + b²·edge(μ₀) (L = 1) and its depth-2 form match simulation', () => {
    for (const widths of [[400], [400, 300]]) {
      const { rec, result } = step0(400, 300, widths, false);
      expect(rec.ntk!.edgeSource).toBe('limit');
      nearEdge(rec.ntk!.topEigenvalue, rec.ntk!.rightEdge);
      nearEdge(rec.ck!.topEigenvalue, rec.ck!.rightEdge);
      expect(rec.ntk!.outliers).toEqual([]);
      expect(result.initialLaws!.ck!.support.at(-1)![1]).toBe(rec.ck!.rightEdge);
      expect(result.initialLaws!.ntkEdge).toEqual({ value: rec.ntk!.rightEdge, source: 'limit' });
    }
  });

  it('trained readout: the full NTK edge from limitJob matches simulation and exceeds the frozen-readout edge', () => {
    const full = step0(400, 300, [400], true).rec.ntk!;
    nearEdge(full.topEigenvalue, full.rightEdge);
    const frozen = initialKernelLaws({ n: 400, d0: 300, widths: [400], activation: normalizeActivation(tanh) });
    expect(full.rightEdge).toBeGreaterThan(frozen.ntkEdge);
  });

  it('without a limit the edge is the step-0 λ_max, and a raw activation is refused', () => {
    const act = normalizeActivation(tanh);
    const rng = createRng(1);
    const data = singleIndexTeacher({ n: 40, d0: 30, link: Math.tanh, noise: 0.1, rng });
    const net = mlp({ inputDim: 30, widths: [40], activation: act });
    const recs: TrainCheckpoint[] = [];
    train({
      net,
      params: initNetwork(net, rng),
      X: data.X,
      y: data.y,
      optimizer: 'gd',
      lr: 1,
      steps: 2,
      checkpoints: [0, 2],
      backend,
      rng,
      monitors: { kernelGd: false, eigenvalues: [2] },
      onCheckpoint: (r) => recs.push(r),
    });
    expect(recs[0].ck!.edgeSource).toBe('step0-max');
    expect(recs[0].ck!.rightEdge).toBe(recs[0].ck!.topEigenvalue);
    // eigenvalues kept only at the requested step
    expect(recs[0].ck!.eigenvalues).toBeUndefined();
    expect(recs[1].ck!.eigenvalues).toHaveLength(40);
    expect(recs[1].weights[0].eigenvalues).toHaveLength(30);
    expect(() => initialKernelLaws({ n: 40, d0: 30, widths: [40], activation: tanh })).toThrow(/normalised activation/);
  });
});
