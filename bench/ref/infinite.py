#!/usr/bin/env python3
"""numpy reference for the infinite-width NNGP/NTK of a dataset (bench/infinite.bench.ts times the same work in spec).

MLP in NTK parametrisation (apps/docs/theory/infinite-width.md#mlp-recursions): Sigma^1 = X^T X, then per hidden layer
with pre-activation covariance C = sigma_w^2 Sigma (+ sigma_b^2 = 0): Sigma <- E phi(u)phi(v),
Theta <- (C + sigma_w^2 Theta) E phi'(u)phi'(v), and the readout Sigma_f = Sigma, Theta_f = Sigma + Theta (sigma_w^2 = 1
for the normalised tanh phi = tanh/sd(tanh)). tanh has no closed-form dual, so the Gaussian expectations use the same
method as spec's tabulated dual (apps/docs/theory/toolkit.md#gaussian-kernel-maps): Hermite coefficients
a_k(q_i) = E[phi(sqrt(q_i) xi) h_k(xi)] of every sample's variance by Gauss-Hermite quadrature (nodes |xi| <= 13), the
degree K where the Parseval remainder falls below 1e-11 E phi^2, and the Mehler sums sum_k a_k(q_i) a_k(q_j) rho_ij^k by
Horner over the whole n x n matrix, cut where max|rho|^(K+1) <= 1e-11 (spec cuts pair by pair); the diagonal is the 1-D
second moment.

usage: python3 bench/ref/infinite.py [--n 2000] [--d0 50] [--depth 3] [--seed 0] [--save PREFIX]
"""
import argparse
import time

import numpy as np

TOL = 1e-11


def hermite_rule(nodes=800, top=200, cutoff=13.0):
    """Gauss-Hermite nodes/weights for N(0,1) with |z| <= cutoff, and h_0..h_top at those nodes (orthonormal)."""
    # Golub-Welsch (numpy's hermegauss overflows beyond a few hundred nodes): the Jacobi matrix of He_k.
    off = np.sqrt(np.arange(1, nodes))
    z, V = np.linalg.eigh(np.diag(off, 1) + np.diag(off, -1))
    w = V[0] ** 2
    keep = np.abs(z) <= cutoff
    z, w = z[keep], w[keep]
    H = np.empty((top + 1, z.size))
    H[0] = 1.0
    H[1] = z
    for k in range(1, top):
        H[k + 1] = (z * H[k] - np.sqrt(k) * H[k - 1]) / np.sqrt(k + 1)
    return z, w, H


def tanh_scale():
    z, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / w.sum()
    return np.sqrt(np.sum(w * np.tanh(z) ** 2))  # tanh is odd: mean 0


def setup_rule(nodes=800, top=200):
    return {'rule': hermite_rule(nodes, top), 's': tanh_scale()}


def expansions(q, f, rule):
    """Hermite coefficients (n x (top+1)), second moments, and the degree the Parseval remainder needs."""
    z, w, H = rule
    F = f(np.sqrt(q)[:, None] * z[None, :])
    m2 = (F * F) @ w
    A = (F * w) @ H.T
    rest = m2[:, None] - np.cumsum(A * A, axis=1)
    ok = rest <= TOL * m2[:, None]
    if not ok[:, -1].all():
        raise ValueError('Hermite series too long for this rule: use more nodes')
    return A, m2, int(ok.argmax(axis=1).max())


def mehler(A, K, rho, diag):
    """sum_k A_ik A_jk rho_ij^k for k <= K (Horner over the matrix), diagonal set to the second moments."""
    V = np.outer(A[:, K], A[:, K])
    for k in range(K - 1, -1, -1):
        V *= rho
        V += np.outer(A[:, k], A[:, k])
    np.fill_diagonal(V, diag)
    return V


def infinite_kernels(X, depth, inputs):
    rule, s = inputs['rule'], inputs['s']
    phi = lambda x: np.tanh(x) / s
    dphi = lambda x: (1.0 - np.tanh(x) ** 2) / s
    sigma = X.T @ X  # sigma_w,in^2 = 1, sigma_b^2 = 0
    theta = np.zeros_like(sigma)
    for _ in range(depth):
        C = sigma  # sigma_w^2 = 1 (normalised phi), sigma_b^2 = 0
        q = np.diag(C).copy()
        inv = 1.0 / np.sqrt(q)
        rho = C * inv[:, None] * inv[None, :]
        np.fill_diagonal(rho, 0.0)
        r = np.abs(rho).max()
        cut = int(np.ceil(np.log(TOL) / np.log(r))) - 1 if r > 0 else 0
        A, m2a, Ka = expansions(q, phi, rule)
        B, m2b, Kb = expansions(q, dphi, rule)
        V = mehler(A, min(Ka, cut), rho, m2a)
        D = mehler(B, min(Kb, cut), rho, m2b)
        theta = (C + theta) * D
        sigma = V
    return sigma, sigma + theta


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--n', type=int, default=2000)
    p.add_argument('--d0', type=int, default=50)
    p.add_argument('--depth', type=int, default=3)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--save', help='write PREFIX-X.npy (samples as rows, for `spec infinite --data npy:`), PREFIX-ntk.npy')
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    X = rng.standard_normal((a.d0, a.n)) / np.sqrt(a.d0)
    inputs = setup_rule()
    t = time.perf_counter()
    nngp, ntk = infinite_kernels(X, a.depth, inputs)
    print(f'n = {a.n}, depth {a.depth}: {time.perf_counter() - t:.2f} s; NTK[0, 1] = {ntk[0, 1]:.15g}')
    if a.save:
        np.save(a.save + '-X.npy', X.T)
        np.save(a.save + '-ntk.npy', ntk)
        np.save(a.save + '-nngp.npy', nngp)


if __name__ == '__main__':
    main()
