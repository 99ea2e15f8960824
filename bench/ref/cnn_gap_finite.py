#!/usr/bin/env python3
"""numpy reference for the finite-width CNN-GAP empirical kernels (bench/spatial.bench.ts does the same work in spec).

Network (NTK parametrisation, apps/docs/theory/architectures.md#conventions): conv 3x3 SAME -> relu -> conv 3x3 SAME ->
relu -> global_avg_pool -> dense, W_std = 1.4, b_std = 0.1, every hidden layer `width` channels, raw N(0, 1)
parameters. Straightforwardly vectorised: im2col patches and one matmul per conv, the backward signals of f through
the network, each conv's weight share as the Gram of the per-sample weight gradients alpha * G_a^T P_a (einsum), the
bias shares as Grams of the position sums of the signals, the readout's share and the CK as Grams of the pooled
features (apps/docs/theory/architectures.md#finite-layers).

usage: python3 bench/ref/cnn_gap_finite.py [--n 200] [--width 128]
       python3 bench/ref/cnn_gap_finite.py --fixture packages/nets/test/fixtures/cnn-gap-finite.json
         (a small network with its inputs, raw parameters, CK and NTK, which the tests of @spec/nets compare with)
"""
import argparse
import json
import time

import numpy as np

WS, BS = 1.4, 0.1


def patches(X):
    """(n, H, W, C) -> (n, H*W, 9*C): the 3x3 SAME neighbourhoods, offsets row-major, zero padded."""
    n, H, W, C = X.shape
    Xp = np.pad(X, ((0, 0), (1, 1), (1, 1), (0, 0)))
    P = np.stack([Xp[:, dh:dh + H, dw:dw + W, :] for dh in range(3) for dw in range(3)], axis=3)
    return P.reshape(n, H * W, 9 * C)


def col2im(G, shape):
    """The adjoint of patches: (n, H*W, 9*C) -> (n, H, W, C)."""
    n, H, W, C = shape
    G = G.reshape(n, H, W, 9, C)
    out = np.zeros((n, H + 2, W + 2, C))
    for t, (dh, dw) in enumerate((dh, dw) for dh in range(3) for dw in range(3)):
        out[:, dh:dh + H, dw:dw + W, :] += G[:, :, :, t, :]
    return out[:, 1:-1, 1:-1, :]


def params(C, width, rng):
    return {
        'W1': rng.standard_normal((width, 9 * C)), 'b1': rng.standard_normal(width),
        'W2': rng.standard_normal((width, 9 * width)), 'b2': rng.standard_normal(width),
        'w3': rng.standard_normal(width), 'b3': rng.standard_normal(),
    }


def empirical_kernels(X, p):
    n, H, W, C = X.shape
    L = H * W
    width = p['W1'].shape[0]
    a1, a2, a3 = WS / np.sqrt(9 * C), WS / np.sqrt(9 * width), WS / np.sqrt(width)
    P1 = patches(X)
    H1 = a1 * P1 @ p['W1'].T + BS * p['b1']
    Z1 = np.maximum(H1, 0)
    P2 = patches(Z1.reshape(n, H, W, width))
    H2 = a2 * P2 @ p['W2'].T + BS * p['b2']
    Z2 = np.maximum(H2, 0)
    pooled = Z2.mean(axis=1)
    ck = pooled @ pooled.T
    ntk = a3 ** 2 * ck + BS ** 2
    G2 = np.broadcast_to(a3 * p['w3'] / L, (n, L, width)) * (H2 > 0)
    J2 = a2 * np.einsum('nlo,nlk->nok', G2, P2).reshape(n, -1)
    ntk += J2 @ J2.T
    s2 = BS * G2.sum(axis=1)
    ntk += s2 @ s2.T
    G1 = col2im(a2 * G2 @ p['W2'], (n, H, W, width)).reshape(n, L, width) * (H1 > 0)
    J1 = a1 * np.einsum('nlo,nlk->nok', G1, P1).reshape(n, -1)
    ntk += J1 @ J1.T
    s1 = BS * G1.sum(axis=1)
    ntk += s1 @ s1.T
    return (WS ** 2 / width) * ck + BS ** 2, ntk


def fixture(path):
    rng = np.random.default_rng(20261205)
    X = rng.standard_normal((6, 4, 4, 2))
    p = params(2, 5, rng)
    ck, ntk = empirical_kernels(X, p)
    out = {
        'about': 'bench/ref/cnn_gap_finite.py --fixture: conv3x3 SAME-relu-conv3x3 SAME-relu-GAP-dense, W_std 1.4, '
                 'b_std 0.1, width 5, NTK parametrisation; W1, W2 are (width, 9*C_in) with column t*C_in + i for '
                 'filter offset t (row-major over the 3x3 filter) and input channel i',
        'shape': list(X.shape), 'width': 5, 'x': X.ravel().tolist(),
        'params': {k: np.ravel(v).tolist() for k, v in p.items()},
        'ck': ck.ravel().tolist(), 'ntk': ntk.ravel().tolist(),
    }
    with open(path, 'w') as f:
        json.dump(out, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=200)
    ap.add_argument('--width', type=int, default=128)
    ap.add_argument('--fixture')
    args = ap.parse_args()
    if args.fixture:
        fixture(args.fixture)
        return
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.n, 8, 8, 1))
    p = params(1, args.width, rng)
    t0 = time.perf_counter()
    ck, ntk = empirical_kernels(X, p)
    print(f'n = {args.n}, width = {args.width}: {time.perf_counter() - t0:.3f} s, trace CK {np.trace(ck):.4f}, NTK {np.trace(ntk):.4f}')


if __name__ == '__main__':
    main()
