"""Brute-force reference for the cross-entropy UFM closed form (docs/deep-linear-theory.md §9).

Minimises the deep-linear UFM with (label-smoothed) cross-entropy directly over every parameter
(H, W_1..W_M, bias) with float64 L-BFGS from 8 random starts, without using the closed form, and
writes the best minimiser found (and every start's final objective) to
test/oracles/ufm/ce_lbfgs.json. The last three cases are ones where, for M >= 2, a lower-rank
configuration beats the simplex ETF.

    python3 scripts/oracles/ce_ufm_lbfgs.py   # numpy + scipy; a few seconds
"""
import json
import os

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

CASES = [
    # K, n, d, M, lambda_W, lambda_H, alpha, bias
    (3, 5, 6, 1, 5e-3, 5e-3, 0.0, True),
    (3, 5, 6, 1, 5e-3, 5e-3, 0.0, False),
    (4, 5, 6, 1, 1e-2, 5e-3, 0.0, True),
    (3, 5, 6, 2, 5e-3, 5e-3, 0.0, True),
    (3, 5, 6, 2, 5e-3, 5e-3, 0.0, False),
    (4, 4, 6, 2, 5e-3, 1e-2, 0.1, True),
    (3, 5, 6, 3, 2e-3, 2e-3, 0.0, False),
    (3, 5, 6, 2, 5e-3, 5e-3, 0.2, False),
    (4, 8, 8, 2, 2e-3, 2e-3, 0.0, True),
    # Lower rank wins:
    (4, 8, 8, 2, 5e-3, 5e-3, 0.0, True),
    (4, 8, 8, 3, 1e-3, 1e-3, 0.0, False),
    (6, 4, 8, 2, 1e-3, 1e-3, 0.0, False),
]
STARTS = 8


def minimise(K, n, d, M, lw, lh, alpha, bias, seed=0):
    N = K * n
    y = np.repeat(np.arange(K), n)
    Y = np.full((N, K), alpha / K)
    Y[np.arange(N), y] += 1 - alpha
    shapes = [(d, d)] * (M - 1) + [(K, d)]

    def unpack(p):
        o = N * d
        H = p[:o].reshape(N, d)
        Ws = []
        for a, b in shapes:
            Ws.append(p[o:o + a * b].reshape(a, b))
            o += a * b
        return H, Ws, (p[o:o + K] if bias else np.zeros(K))

    def product(Ws, lo, hi):
        out = np.eye(Ws[lo].shape[1]) if lo < hi else None
        for W in Ws[lo:hi]:
            out = W @ out
        return out

    def f(p):
        H, Ws, b = unpack(p)
        P = product(Ws, 0, M)
        Z = H @ P.T + b
        logp = Z - logsumexp(Z, axis=1, keepdims=True)
        G = (np.exp(logp) - Y) / N
        gP = G.T @ H
        grads = [(G @ P + lh * H).ravel()]
        for j in range(M):
            left = product(Ws, j + 1, M) if j < M - 1 else np.eye(K)
            right = product(Ws, 0, j) if j > 0 else np.eye(d)
            grads.append((left.T @ gP @ right.T + lw * Ws[j]).ravel())
        if bias:
            grads.append(G.sum(0))
        value = -(Y * logp).sum() / N + lw / 2 * sum((W**2).sum() for W in Ws) + lh / 2 * (H**2).sum()
        return value, np.concatenate(grads)

    size = N * d + sum(a * b for a, b in shapes) + (K if bias else 0)
    p0 = np.random.default_rng(seed).normal(0, 0.5, size)
    r = minimize(f, p0, jac=True, method='L-BFGS-B',
                 options=dict(maxiter=100000, maxfun=200000, gtol=1e-13, ftol=1e-16))
    H, Ws, _ = unpack(r.x)
    P = product(Ws, 0, M)
    means = np.array([H[y == k].mean(0) for k in range(K)])
    return {
        'input': dict(K=K, n=n, d=d, M=M, lambdaW=lw, lambdaH=lh, labelSmoothing=alpha, bias=bias),
        'loss': float(r.fun),
        'gradient_norm': float(np.linalg.norm(f(r.x)[1])),
        'product_singular_values': np.linalg.svd(P, compute_uv=False)[:K].tolist(),
        'layer_singular_values': [np.linalg.svd(W, compute_uv=False)[:K].tolist() for W in Ws],
        'class_mean_norms': np.linalg.norm(means, axis=1).tolist(),
        'global_mean_norm': float(np.linalg.norm(means.mean(0))),
    }


def best_of_starts(case):
    runs = [minimise(*case, seed=s) for s in range(STARTS)]
    best = min(runs, key=lambda r: r['loss'])
    return {**best, 'losses_by_start': [r['loss'] for r in runs]}


if __name__ == '__main__':
    out = {
        'produced_by': 'scripts/oracles/ce_ufm_lbfgs.py (numpy %s, scipy L-BFGS-B, float64)' % np.__version__,
        'objective': 'mean_i CE_alpha(W_M..W_1 h_i + b, y_i) + lambdaW/2 sum_j |W_j|^2 + lambdaH/2 |H|^2',
        'cases': [best_of_starts(c) for c in CASES],
    }
    path = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'oracles', 'ufm', 'ce_lbfgs.json')
    with open(path, 'w') as fh:
        json.dump(out, fh, indent=1)
        fh.write('\n')
