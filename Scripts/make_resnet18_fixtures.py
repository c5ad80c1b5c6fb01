#!/usr/bin/env python3
"""Reference values from PyTorch for i2f's built-in ResNet-18 (dev-time only:
`pip install torch torchvision safetensors`; run once, commit the output).

The model is torchvision's `resnet18(num_classes=10)` with the CIFAR stem (`conv1` replaced by
`nn.Conv2d(3, 64, 3, 1, 1, bias=False)`, `maxpool` by `nn.Identity()`), in evaluation mode and
float64. Weights, image, δ and v come from the formula of Scripts/make_reference_fixtures.py
(state_dict entry t uses seed t + 1; convolution and linear weights are scaled to
U(−√(3/fan_in), √(3/fan_in)) so the activations stay of order one through 18 layers; batch-norm
scales and running variances are shifted to [0.5, 1.5], running means scaled by 0.4), which the
Swift test reproduces, so only outputs are stored (never the 45 MB of
weights): logits, loss, J·δ, and per parameter the sum, norm and a projection of the shared
gradient g0 and of Jᵀ·v.

Also written: the names and shapes of torchvision's state_dicts for both stems (CIFAR and the
original ImageNet one), which `--weights` must accept as they are.

    python3 Scripts/make_resnet18_fixtures.py
    # writes Tests/LeakageTests/Fixtures/resnet18_reference.safetensors and resnet18_state_dicts.json
"""
import json
import math
import pathlib

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests/LeakageTests/Fixtures"


def formula(seed, count, scale=1.0, shift=0.0):
    """((i·2654435761 + seed·97) mod 2³² / 2³² − 0.5)·scale + shift, for i in 0..<count."""
    vals = [(((i * 2654435761 + seed * 97) % 4294967296) / 4294967296.0 - 0.5) * scale + shift for i in range(count)]
    return torch.tensor(vals, dtype=torch.float64)


def cifar_resnet18(classes=10):
    model = torchvision.models.resnet18(num_classes=classes)
    model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    model.maxpool = nn.Identity()
    return model


def listing(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def main():
    model = cifar_resnet18().double().eval()
    with torch.no_grad():
        for t, (key, value) in enumerate(model.state_dict().items()):
            if key.endswith("num_batches_tracked"):
                continue
            n = value.numel()
            if value.dim() >= 2:
                v = formula(t + 1, n, 2 * math.sqrt(3 / (n // value.shape[0])))
            elif key.endswith("running_var") or (key.endswith("weight") and "bn" in key or "downsample.1.weight" in key):
                v = formula(t + 1, n, 1.0, 1.0)
            elif key.endswith("running_mean"):
                v = formula(t + 1, n, 0.4)
            else:
                v = formula(t + 1, n)
            value.copy_(v.reshape(value.shape))
    names = [k for k, _ in model.named_parameters()]
    theta = [p for _, p in model.named_parameters()]
    x = formula(1000, 3 * 32 * 32, 1.0, 0.5).reshape(1, 3, 32, 32).requires_grad_(True)
    y = torch.tensor([3])
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    grads = torch.autograd.grad(loss, [x] + theta, create_graph=True)
    gx, gtheta = grads[0], grads[1:]
    delta = [formula(2000 + i, t.numel()).reshape(t.shape) for i, t in enumerate(theta)]
    v = formula(3000, x.numel()).reshape(x.shape)
    jdelta = torch.autograd.grad(sum((g * d).sum() for g, d in zip(gtheta, delta)), x, retain_graph=True)[0]
    jtv = torch.autograd.grad((gx * v).sum(), theta, retain_graph=True)
    summary = []
    for i, (g, j) in enumerate(zip(gtheta, jtv)):
        r = formula(4000 + i, g.numel()).reshape(g.shape)
        summary.append([float(t.detach()) for t in (g.sum(), g.norm(), (g * r).sum(), j.sum(), j.norm(), (j * r).sum())])
    out = {
        "logits": logits.detach(), "loss": loss.detach().reshape(1), "jdelta": jdelta.detach(),
        "summary": torch.tensor(summary),
    }
    path = FIXTURES / "resnet18_reference.safetensors"
    save_file({k: t.contiguous() for k, t in out.items()}, str(path), metadata={
        "source": "Scripts/make_resnet18_fixtures.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
        "keys": ",".join(model.state_dict().keys()), "names": ",".join(names), "labels": "3",
    })
    print(f"loss {loss.item():.6f}, {sum(t.numel() for t in theta)} parameters; wrote {path.name} ({path.stat().st_size} bytes)")

    listings = {"cifar": listing(cifar_resnet18()), "imagenet": listing(torchvision.models.resnet18(num_classes=10))}
    lines = ",\n".join(f'"{stem}": [\n' + ",\n".join(json.dumps(e) for e in entries) + "\n]" for stem, entries in listings.items())
    (FIXTURES / "resnet18_state_dicts.json").write_text("{\n" + lines + "\n}\n")
    print(f"wrote resnet18_state_dicts.json ({len(listings['cifar'])} entries each)")


if __name__ == "__main__":
    main()
