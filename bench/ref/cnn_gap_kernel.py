#!/usr/bin/env python3
"""numpy reference for the infinite-width CNN-GAP and residual-CNN kernels (bench/kernel-maps.bench.ts does the same work in spec).

Network (NTK parametrisation, apps/docs/theory/architectures.md#conventions): conv 3x3 SAME -> relu -> conv 3x3 SAME ->
relu -> global_avg_pool -> dense, W_std = 1.4, b_std = 0.1 everywhere. The full spatial record K[a,h,w,b,h',w'] and
Theta of the same shape, straightforwardly vectorised: the input record x x^T / C
(apps/docs/theory/architectures.md#conventions), the conv map as a sum of 9 shifted slices of the zero-padded record
(#convolution), the relu arc-cosine closed forms on every entry (#activations), the mean over every position pair
(#global-average-pooling), the dense readout (#dense).

usage: python3 bench/ref/cnn_gap_kernel.py [--n 64] [--size 8] [--channels 3]
"""
import argparse
import time

import numpy as np

W2, B2 = 1.4**2, 0.1**2


def conv_same_3x3(K, T):
    n, H, W = K.shape[0], K.shape[1], K.shape[2]
    pad = ((0, 0), (1, 1), (1, 1), (0, 0), (1, 1), (1, 1))
    Kp, Tp = np.pad(K, pad), np.pad(T, pad)
    sk, st = np.zeros_like(K), np.zeros_like(T)
    for dh in range(3):
        for dw in range(3):
            sl = (slice(None), slice(dh, dh + H), slice(dw, dw + W)) * 2
            sk += Kp[sl]
            st += Tp[sl]
    K2 = W2 / 9 * sk + B2
    return K2, K2 + W2 / 9 * st


def relu(K, T):
    n, H, W = K.shape[0], K.shape[1], K.shape[2]
    M = K.reshape(n * H * W, n * H * W)
    d = np.sqrt(np.diag(M))
    s = np.outer(d, d)
    cos = np.clip(M / s, -1.0, 1.0)
    theta = np.arccos(cos)
    value = s / (2 * np.pi) * (np.sin(theta) + (np.pi - theta) * cos)
    deriv = (np.pi - theta) / (2 * np.pi)
    return value.reshape(K.shape), (T.reshape(M.shape) * deriv).reshape(K.shape)


def layernorm(K, T):
    n, H, W = K.shape[0], K.shape[1], K.shape[2]
    d = np.sqrt(np.diag(K.reshape(n * H * W, n * H * W)))
    s = np.outer(d, d).reshape(K.shape)
    return K / s, T / s


def input_record(X):
    n, H, W, C = X.shape
    F = X.reshape(n * H * W, C)
    K = (F @ F.T / C).reshape(n, H, W, n, H, W)
    return K, np.zeros_like(K)


def readout(K, T):
    K, T = K.mean(axis=(1, 2, 4, 5)), T.mean(axis=(1, 2, 4, 5))
    K2 = W2 * K + B2
    return K2, K2 + W2 * T


def resnet_ln_kernels(X):
    """conv -> residual [layernorm -> relu -> conv] -> layernorm -> relu -> global_avg_pool -> dense (the LayerNorm
    inputs are zero-mean here, so LayerNorm is K / sqrt(v v^T) on every entry, apps/docs/theory/architectures.md#layernorm;
    the residual sum adds the branch's K and Theta, #residual-branches)."""
    K, T = conv_same_3x3(*input_record(X))
    KB, TB = layernorm(K, T)
    KB, TB = conv_same_3x3(*relu(KB, TB))
    K, T = layernorm(K + KB, T + TB)
    return readout(*relu(K, T))


def cnn_gap_kernels(X):
    K, T = input_record(X)
    for _ in range(2):
        K, T = conv_same_3x3(K, T)
        K, T = relu(K, T)
    return readout(K, T)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=64)
    p.add_argument('--size', type=int, default=8)
    p.add_argument('--channels', type=int, default=3)
    a = p.parse_args()
    X = np.random.default_rng(0).standard_normal((a.n, a.size, a.size, a.channels))
    for name, kernels in (('CNN-GAP', cnn_gap_kernels), ('residual CNN with LayerNorm', resnet_ln_kernels)):
        t = time.perf_counter()
        nngp, ntk = kernels(X)
        ms = (time.perf_counter() - t) * 1000
        print(f'{name}, n={a.n} {a.size}x{a.size}x{a.channels}: {ms:.0f} ms; NNGP[0,0] {nngp[0, 0]:.6f}, NTK[0,0] {ntk[0, 0]:.6f}')


if __name__ == '__main__':
    main()
