#!/usr/bin/env python3
"""numpy reference for the spectrum pipeline (bench/nets.bench.ts does the same work in spec).

Sample data X (d0 x n, N(0, 1/d0) entries) and weights (N(0,1), Rademacher readout), forward pass
X_l = tanh~(W_l X_{l-1}) / sqrt(d_l) with tanh~ the normalised tanh (apps/docs/theory/toolkit.md#normalised-activations), CK = X_L^T X_L,
NTK = X_L^T X_L + sum_l (X_{l-1}^T X_{l-1}) * (S_l^T S_l) (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes), eigvalsh of both.

usage: python3 bench/ref/spectrum.py [--n 1500] [--d0 1000] [--widths 2000,2000] [--seed 0]
"""
import argparse
import time

import numpy as np


def tanh_scale():
    z, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / w.sum()
    return np.sqrt(np.sum(w * np.tanh(z) ** 2))  # tanh is odd: mean 0, sd = 0.627929...


def pipeline(n, d0, widths, seed, s):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((d0, n)) / np.sqrt(d0)
    Ws, Xs, Hs = [], [X], []
    for d in widths:
        W = rng.standard_normal((d, Xs[-1].shape[0]))
        H = W @ Xs[-1]
        Ws.append(W)
        Hs.append(H)
        Xs.append(np.tanh(H) / s / np.sqrt(d))
    w = rng.choice([-1.0, 1.0], size=widths[-1])
    CK = Xs[-1].T @ Xs[-1]
    NTK = CK.copy()
    S = (1 - np.tanh(Hs[-1]) ** 2) / s * w[:, None] / np.sqrt(widths[-1])
    for l in range(len(widths) - 1, -1, -1):
        NTK += (Xs[l].T @ Xs[l]) * (S.T @ S)
        if l > 0:
            S = (1 - np.tanh(Hs[l - 1]) ** 2) / s * (Ws[l].T @ S) / np.sqrt(widths[l - 1])
    return np.linalg.eigvalsh(CK), np.linalg.eigvalsh(NTK)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=1500)
    p.add_argument('--d0', type=int, default=1000)
    p.add_argument('--widths', default='2000,2000')
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    widths = [int(x) for x in a.widths.split(',')]
    s = tanh_scale()
    t = time.perf_counter()
    ck, ntk = pipeline(a.n, a.d0, widths, a.seed, s)
    ms = (time.perf_counter() - t) * 1000
    print(f'n={a.n} d0={a.d0} widths={widths}: {ms:.0f} ms')
    print(f'CK  mean eigenvalue {ck.mean():.4f} (theory 1), max {ck.max():.3f}')
    print(f'NTK mean eigenvalue {ntk.mean():.4f}, max {ntk.max():.3f}')


if __name__ == '__main__':
    main()
