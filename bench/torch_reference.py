#!/usr/bin/env python3
"""PyTorch reference column for `npm run bench`: the same workloads, eager float32 on the CPU.

    python3 bench/torch_reference.py [--threads 1] [--out bench-results/torch-reference.json]
    python3 bench/torch_reference.py --device cuda --large   # on a GPU server, beside Node WebGPU

Then `npm run bench -- --torch bench-results/torch-reference.json` prints lab ÷ PyTorch ratios
beside its own figures. Needs torch (any 1.x / 2.x). BLAS matters a great deal: Debian's stock
torch uses the reference BLAS, 2-15x slower on matmuls than OpenBLAS; with Debian's
libopenblas0-openmp, run e.g.
    OPENBLAS_CORETYPE=SkylakeX LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libopenblas.so.0 python3 ...
Workloads (kept in step with src/engine/bench/cases.ts and netBench.ts):
  - UFM (Dang et al. 2023's deep linear unconstrained features): the seed presets
    K = 4 x 100, d = 64, M = 1/3/6/9, bias; and 200/100/50/50, d = 2048, M = 1/3/6, no bias;
    MSE + lambda_W = lambda_H = 5e-4, SGD lr 0.1 momentum 0.9 (steps per second);
  - networks: seed 000's MLP 3072 -> 6 x [Linear 512, ReLU, BN] + BN + 3 linear head layers,
    batch 128, Adam; seed 002's MLP 3072 -> 3 x 256 -> 2, batch 16, SGD; ResNet18 and VGG16 at
    1/8 width on 32 x 32 x 3, batch 16 (steps per second);
  - streaming NC1 (K x K projected form, two passes, plus the NCC and classifier decisions of
    the lab's `core` set) on 200 000 x 512 features, K = 10, batches of 4 096 (seconds a pass).
  - with --large: ResNet18 and VGG16 at full width, batch 128 (seed 000's network commands).
Medians of `--rounds` timed rounds after a warm-up. On --device cuda every round ends with
torch.cuda.synchronize(), so a round times the work and not only its launch, and the step counts
are 10x longer (a GPU step is short).
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


DEV = torch.device("cpu")


def sync():
    if DEV.type == "cuda":
        torch.cuda.synchronize()


def timed(fn, steps, rounds):
    if DEV.type == "cuda":
        steps *= 10
    fn(2)  # warm-up (allocator, BLAS threads, CUDA kernels and cuBLAS handles)
    sync()
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn(steps)
        sync()
        out.append(time.perf_counter() - t0)
    return steps / statistics.median(out)


def ufm(sizes, d, M, bias, steps, rounds, init_std):
    g = torch.Generator().manual_seed(2)
    N, K = sum(sizes), len(sizes)
    y = torch.cat([torch.full((n,), k) for k, n in enumerate(sizes)])
    Y = F.one_hot(y, K).float().to(DEV)
    H = (torch.randn(N, d, generator=g) * init_std).to(DEV).requires_grad_()
    Ws = [(torch.randn(d, d, generator=g) * init_std).to(DEV).requires_grad_() for _ in range(M - 1)]
    Ws.append((torch.randn(K, d, generator=g) * init_std).to(DEV).requires_grad_())
    b = torch.zeros(K, device=DEV, requires_grad=True) if bias else None
    params = [H, *Ws] + ([b] if bias else [])
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    lw = lh = 5e-4

    def run(n):
        for _ in range(n):
            P = Ws[-1]
            for W in reversed(Ws[:-1]):
                P = P @ W
            Z = H @ P.T + (b if bias else 0)
            loss = ((Z - Y) ** 2).sum() / (2 * N) + lw / 2 * sum((W**2).sum() for W in Ws)
            loss = loss + lh / 2 * (H**2).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    return timed(run, steps, rounds)


class Seed000Mlp(nn.Module):
    def __init__(self, width=512, depth_relu=6, depth_linear=3, K=10):
        super().__init__()
        layers, d = [], 3072
        for _ in range(depth_relu):
            layers += [nn.Linear(d, width), nn.ReLU(), nn.BatchNorm1d(width)]
            d = width
        self.backbone = nn.Sequential(*layers, nn.BatchNorm1d(width))
        self.head = nn.Sequential(
            *[nn.Linear(width, width, bias=False) for _ in range(depth_linear - 1)],
            nn.Linear(width, K, bias=False),
        )

    def forward(self, x):
        return self.head(self.backbone(x))


def seed002_mlp():
    return nn.Sequential(
        nn.Linear(3072, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 2),
    )


def conv_bn(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


class ResNet18(nn.Module):
    """CIFAR ResNet18 (3x3 stem, no max-pool) with every width times `w`."""

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.short = (
                nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                if stride != 1 or cin != cout
                else nn.Identity()
            )

        def forward(self, x):
            y = F.relu(self.b1(self.c1(x)))
            return F.relu(self.b2(self.c2(y)) + self.short(x))

    def __init__(self, w, K=10):
        super().__init__()
        c = [int(64 * w), int(128 * w), int(256 * w), int(512 * w)]
        self.stem = nn.Sequential(*conv_bn(3, c[0]))
        blocks, cin = [], c[0]
        for i, cout in enumerate(c):
            for j in range(2):
                blocks.append(self.Block(cin, cout, 2 if (i > 0 and j == 0) else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, K)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def vgg16(w, K=10):
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    layers, cin = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += conv_bn(cin, int(v * w))
            cin = int(v * w)
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(cin, K))


def net_steps(model, x_shape, K, batch, opt, loss, steps, rounds):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(batch, *x_shape, generator=g).to(DEV)
    y = torch.randint(0, K, (batch,), generator=g).to(DEV)
    target = F.one_hot(y, K).float()

    def run(n):
        for _ in range(n):
            out = model(x)
            lv = F.mse_loss(out, target) if loss == "mse" else F.cross_entropy(out, y)
            opt.zero_grad(set_to_none=True)
            lv.backward()
            opt.step()

    model.train()
    return timed(run, steps, rounds)


def streaming_nc1(N=200_000, d=512, K=10, B=4096, rounds=3):
    g = torch.Generator().manual_seed(1)
    labels = torch.arange(N) % K
    means = torch.randn(K, d, generator=g) * 3
    X = (means[labels] + torch.randn(N, d, generator=g)).to(DEV)
    W = torch.randn(K, d, generator=g).to(DEV)
    labels = labels.to(DEV)

    def one_pass():
        # pass 1: class means; pass 2: K x K projected within-class scatter (no d x d matrix)
        r = X[:B].mean(0)
        S = torch.zeros(K, d, dtype=torch.float64, device=DEV)
        n = torch.zeros(K, dtype=torch.float64, device=DEV)
        for s in range(0, N, B):
            xs, ys = X[s : s + B] - r, labels[s : s + B]
            S.index_add_(0, ys, xs.double())
            n += torch.bincount(ys, minlength=K).double()
        M = S / n[:, None]
        Mc = M - (n[:, None] * M).sum(0) / N
        Rt = Mc.T.float()
        A = torch.zeros(K, K, dtype=torch.float64, device=DEV)
        Mt, Wt = M.T.float(), W.T
        ncc_c, net_c = (M * M).sum(1).float(), (W @ r)
        agree = 0
        for s in range(0, N, B):
            xs = X[s : s + B] - r
            D = xs - M[labels[s : s + B]].float()
            P = D @ Rt
            A += (P.T @ P).double()
            # the per-sample decisions the lab's `core` set also makes (NCC and the classifier)
            ncc = (ncc_c - 2 * (xs @ Mt)).argmin(1)
            net = (xs @ Wt + net_c).argmax(1)
            agree += int((ncc == net).sum())
        A /= N
        # NC1 = tr(Sigma_W Sigma_B^+)/K = tr(G^+ A G^+) with G = Mc Mc^T (K x K), A = Mc Sigma_W Mc^T
        G = Mc @ Mc.T
        Gp = torch.linalg.pinv(G)
        return torch.trace(Gp @ A @ Gp).item(), agree / N

    one_pass()
    t = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        one_pass()  # ends in .item(): the device is synchronised
        t.append(time.perf_counter() - t0)
    return statistics.median(t)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--out", default="bench-results/torch-reference.json")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    ap.add_argument("--large", action="store_true", help="also the full-width networks")
    a = ap.parse_args()
    global DEV
    DEV = torch.device(a.device)
    if DEV.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch.cuda.is_available() is False here")
    torch.set_num_threads(a.threads)
    rows = {}

    def put(key, value, unit):
        rows[key] = {"value": value, "unit": unit}
        print(f"{key:28s} {value:10.3f} {unit}", flush=True)

    for M in (1, 3, 6, 9):
        put(f"seed-balanced-bias-m{M}", ufm([100] * 4, 64, M, True, 300, a.rounds, 0.1), "steps/s")
    for M in (1, 3, 6):
        std = 0.02 if M > 1 else 0.1
        steps = 30 if M == 1 else 5
        put(f"seed-imbalanced-m{M}", ufm([200, 100, 50, 50], 2048, M, False, steps, a.rounds, std), "steps/s")
    m = Seed000Mlp().to(DEV)
    put("net-mlp-seed000", net_steps(m, (3072,), 10, 128, torch.optim.Adam(m.parameters(), 1e-4), "mse", 10, a.rounds), "steps/s")
    m = seed002_mlp().to(DEV)
    put("net-mlp-md", net_steps(m, (3072,), 2, 16, torch.optim.SGD(m.parameters(), 0.1, weight_decay=1e-3), "ce", 50, a.rounds), "steps/s")
    m = ResNet18(0.125).to(DEV)
    put("net-resnet18-w8", net_steps(m, (3, 32, 32), 10, 16, torch.optim.Adam(m.parameters(), 1e-4), "mse", 10, a.rounds), "steps/s")
    m = vgg16(0.125).to(DEV)
    put("net-vgg16-w8", net_steps(m, (3, 32, 32), 10, 16, torch.optim.Adam(m.parameters(), 1e-4), "mse", 10, a.rounds), "steps/s")
    if a.large:
        m = ResNet18(1).to(DEV)
        put("net-resnet18-full", net_steps(m, (3, 32, 32), 10, 128, torch.optim.Adam(m.parameters(), 1e-4), "mse", 3, a.rounds), "steps/s")
        m = vgg16(1).to(DEV)
        put("net-vgg16-full", net_steps(m, (3, 32, 32), 10, 128, torch.optim.Adam(m.parameters(), 1e-4), "mse", 3, a.rounds), "steps/s")
    put("streaming-metrics", streaming_nc1(rounds=max(1, a.rounds - 1)), "s/pass")
    meta = {"torch": torch.__version__, "threads": a.threads, "device": a.device, "blas": torch.__config__.show()}
    if DEV.type == "cuda":
        meta["gpu"] = torch.cuda.get_device_name(DEV)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=2)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
