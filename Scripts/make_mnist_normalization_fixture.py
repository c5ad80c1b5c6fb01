#!/usr/bin/env python3
"""Reference numbers from PyTorch for a normalised MNIST model (dev-time only; run once, commit).

What a PyTorch user of the official I2F code computes: a 10-class convnet5 (the paper's "LeNet")
whose weights come from the deterministic formula of make_reference_fixtures.py, MNIST test image
0 normalised with the usual constants z = (x − 0.1307)/0.3081, and everything taken with respect
to z (i2f's `--space model`): loss, ‖g0‖, the dense J (784 × dθ), the spectrum of J·Jᵀ, and I2F of
the pruning perturbation δ = prune(g0, 50%) − g0. Float64 throughout.

    python3 Scripts/make_mnist_normalization_fixture.py [MNIST_DIR]   # default ../shared/data/mnist

writes Tests/EndToEndTests/Fixtures/mnist_convnet5.safetensors (the weights, as PyTorch's
state_dict, no i2f metadata) and mnist_convnet5_reference.json (the numbers).
"""
import gzip
import json
import pathlib
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
MEAN, STD = 0.1307, 0.3081


def formula(seed, count, scale=1.0, shift=0.0):
    """((i·2654435761 + seed·97) mod 2³² / 2³² − 0.5)·scale + shift, for i in 0..<count."""
    vals = [(((i * 2654435761 + seed * 97) % 4294967296) / 4294967296.0 - 0.5) * scale + shift for i in range(count)]
    return torch.tensor(vals, dtype=torch.float64)


class ConvNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 12, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(12, 12, 5, stride=2, padding=2)
        self.conv3 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
        self.conv4 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
        self.fc = nn.Linear(588, 10)

    def forward(self, x):
        for conv in (self.conv1, self.conv2, self.conv3, self.conv4):
            x = torch.sigmoid(conv(x))
        return self.fc(x.flatten(1))


def mnist_image0(directory):
    with gzip.open(directory / "t10k-images-idx3-ubyte.gz") as f:
        data = f.read()
    with gzip.open(directory / "t10k-labels-idx1-ubyte.gz") as f:
        label = f.read()[8]
    pixels = torch.tensor(list(data[16:16 + 784]), dtype=torch.float64) / 255.0
    return pixels.reshape(1, 1, 28, 28), int(label)


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    directory = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/data/mnist"
    model = ConvNet5()
    with torch.no_grad():
        for p, (key, t) in enumerate(model.state_dict().items()):
            t.copy_(formula(p + 1, t.numel()).reshape(t.shape))
    x, label = mnist_image0(directory)
    z = ((x - MEAN) / STD).requires_grad_(True)
    theta = list(model.parameters())
    loss = F.cross_entropy(model(z), torch.tensor([label]))
    grads = torch.autograd.grad(loss, [z] + theta, create_graph=True)
    gz, gtheta = grads[0].reshape(-1), torch.cat([g.reshape(-1) for g in grads[1:]])
    # J (784 × dθ), one row per input: J[i] = ∇θ ∂L/∂z_i.
    rows = []
    for i in range(784):
        r = torch.autograd.grad(gz[i], theta, retain_graph=True)
        rows.append(torch.cat([g.reshape(-1) for g in r]).detach())
    J = torch.stack(rows)
    g0 = gtheta.detach()
    order = torch.argsort(g0.abs(), stable=True)
    delta = torch.zeros_like(g0)
    cut = int(0.5 * g0.numel())
    delta[order[:cut]] = -g0[order[:cut]]
    lam, U = torch.linalg.eigh(J @ J.T)
    keep = lam > 1e-10 * lam[-1]
    jd = J @ delta
    shift = U[:, keep] @ ((U[:, keep].T @ jd) / lam[keep])
    ref = {
        "label": label, "dtheta": g0.numel(), "loss": loss.item(), "grad_norm": g0.norm().item(),
        "delta_norm": delta.norm().item(), "jdelta_norm": jd.norm().item(), "lambda_max": lam[-1].item(),
        "lambda_min": lam[0].item(), "rank": int(keep.sum()), "i2f_norm": shift.norm().item(),
        "trace_inverse": (1 / lam[keep]).sum().item(), "normalize": f"{MEAN}:{STD}", "torch": torch.__version__,
    }
    out = root / "Tests/EndToEndTests/Fixtures"
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / "mnist_convnet5.safetensors"))
    (out / "mnist_convnet5_reference.json").write_text(json.dumps(ref, indent=2) + "\n")
    print(json.dumps(ref, indent=2))


if __name__ == "__main__":
    main()
