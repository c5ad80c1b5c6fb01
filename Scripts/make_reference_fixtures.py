#!/usr/bin/env python3
"""Reference values from PyTorch for i2f's model tests (dev-time only; run once, commit the output).

For each architecture, the weights, input, δ and v are generated from a deterministic integer
formula that the Swift tests reproduce exactly (`ReferenceFormula` in Tests/LeakageTests), so only
the outputs need storing: logits, loss, J·δ and, per parameter tensor, the sum, norm and a
projection of the shared gradient g0 and of Jᵀ·v. All computed in float64.

    python3 Scripts/make_reference_fixtures.py  # writes Tests/LeakageTests/Fixtures/reference_models.safetensors
"""
import math
import pathlib

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)


def formula(seed, count, scale=1.0, shift=0.0):
    """((i·2654435761 + seed·97) mod 2³² / 2³² − 0.5)·scale + shift, for i in 0..<count."""
    vals = [(((i * 2654435761 + seed * 97) % 4294967296) / 4294967296.0 - 0.5) * scale + shift for i in range(count)]
    return torch.tensor(vals, dtype=torch.float64)


class ConvNet5(nn.Module):
    def __init__(self, c, h, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(c, 12, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(12, 12, 5, stride=2, padding=2)
        self.conv3 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
        self.conv4 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
        s = h
        for st in (2, 2, 1, 1):
            s = (s + 4 - 5) // st + 1
        self.fc = nn.Linear(12 * s * s, classes)

    def forward(self, x):
        for conv in (self.conv1, self.conv2, self.conv3, self.conv4):
            x = torch.sigmoid(conv(x))
        return self.fc(x.flatten(1))


class MLP(nn.Module):
    def __init__(self, c, h, classes, width):
        super().__init__()
        self.fc1 = nn.Linear(c * h * h, width)
        self.fc2 = nn.Linear(width, classes)

    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(x.flatten(1))))


class LeNet5(nn.Module):
    def __init__(self, c, h, classes):
        super().__init__()
        s = h // 2
        self.p2 = 0 if s >= 10 else 2
        s = ((s + 2 * self.p2 - 5) + 1) // 2
        self.conv1 = nn.Conv2d(c, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5, padding=self.p2)
        self.fc1 = nn.Linear(16 * s * s, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet8(nn.Module):
    def __init__(self, c, h, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(c, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = nn.Sequential(Block(16, 16, 1))
        self.layer2 = nn.Sequential(Block(16, 32, 2))
        self.layer3 = nn.Sequential(Block(32, 64, 2))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(x.mean(dim=(2, 3)))


CASES = [
    ("convnet5", ConvNet5(1, 16, 10), [1, 1, 16, 16], [3]),
    ("mlp", MLP(1, 8, 10, 16), [2, 1, 8, 8], [4, 9]),
    ("lenet5", LeNet5(1, 16, 10), [1, 1, 16, 16], [5]),
    ("resnet8", ResNet8(3, 16, 10).eval(), [2, 3, 16, 16], [1, 7]),
]


def main():
    out, keys = {}, {}
    for name, model, xshape, labels in CASES:
        state = model.state_dict()
        keys[f"{name}.keys"] = ",".join(state.keys())
        params = dict(model.named_parameters())
        with torch.no_grad():
            for p, (key, t) in enumerate(state.items()):
                n = t.numel()
                if key.endswith("num_batches_tracked"):
                    continue
                if key.endswith("running_var"):
                    t.copy_(formula(p + 1, n, 1.0, 1.0).reshape(t.shape))
                elif key.endswith("running_mean"):
                    t.copy_(formula(p + 1, n, 0.4).reshape(t.shape))
                else:
                    t.copy_(formula(p + 1, n).reshape(t.shape))
        names = [k for k, _ in model.named_parameters()]
        theta = [params[k] for k in names]
        x = formula(1000, math.prod(xshape), 1.0, 0.5).reshape(xshape).requires_grad_(True)
        y = torch.tensor(labels)
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        grads = torch.autograd.grad(loss, [x] + theta, create_graph=True)
        gx, gtheta = grads[0], grads[1:]
        delta = [formula(2000 + i, t.numel()).reshape(t.shape) for i, t in enumerate(theta)]
        v = formula(3000, x.numel()).reshape(x.shape)
        jdelta = torch.autograd.grad(sum((g * d).sum() for g, d in zip(gtheta, delta)), x, retain_graph=True)[0]
        jtv = torch.autograd.grad((gx * v).sum(), theta, retain_graph=True)
        out[f"{name}.logits"] = logits.detach()
        out[f"{name}.loss"] = loss.detach().reshape(1)
        out[f"{name}.jdelta"] = jdelta.detach()
        summary = []
        for i, (g, j) in enumerate(zip(gtheta, jtv)):
            r = formula(4000 + i, g.numel()).reshape(g.shape)
            summary.append([float(t.detach()) for t in (g.sum(), g.norm(), (g * r).sum(), j.sum(), j.norm(), (j * r).sum())])
        out[f"{name}.summary"] = torch.tensor(summary)
        print(f"{name}: {len(names)} parameter tensors, {sum(t.numel() for t in theta)} parameters, loss {loss.item():.6f}")
    path = pathlib.Path(__file__).resolve().parent.parent / "Tests/LeakageTests/Fixtures/reference_models.safetensors"
    save_file({k: v.contiguous() for k, v in out.items()}, str(path), metadata={"source": "Scripts/make_reference_fixtures.py", "torch": torch.__version__, **keys})
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
