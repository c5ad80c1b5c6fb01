#!/usr/bin/env python3
"""ONNX models exported by PyTorch, with reference values, for i2f's ONNX tests (dev-time only:
`pip install torch onnx onnxscript safetensors`; run once, commit the output).

Each model gets weights from the deterministic formula of Scripts/make_reference_fixtures.py
(state_dict entry t uses seed t + 1), rounded to float32 so that the exported float32 file holds
exactly the values the float64 references are computed with. The images x, labels, δ (one tensor
per parameter, seed 2000 + its index in i2f's θ order) and v (seed 3000) come from the same
formula, which the Swift tests reproduce. Stored per case, in float64: the logits (before any
trailing softmax, which i2f drops), the cross-entropy loss, J·δ, and per parameter the sum, norm
and a projection (seed 4000 + index) of the shared gradient g0 and of Jᵀ·v; the metadata holds
i2f's parameter names in θ order and the labels.

Models (Tests/LeakageTests/Fixtures/onnx/):
- cnn.onnx: conv + batch norm + ReLU, a residual add, average pooling, `x.view(x.size(0), -1)`,
  a linear layer; dynamic batch axis; do_constant_folding=False. bn1.running_var equals
  bn1.weight, so the exporter stores it once and reads it through an Identity node.
- cnn_folded.onnx: the same model exported with constant folding (each batch norm merged into its
  convolution, whose parameters get names like onnx::Conv_28): references for the merged
  parameters.
- mlp.onnx: flatten, linear, tanh, linear, log_softmax; batch fixed at 1.
- grouped.onnx / grouped_dynamo.onnx (+ .data): grouped and dilated convolutions, ELU,
  asymmetric padding, softplus, max pooling in ceil mode, average pooling without the padding,
  leaky ReLU, sigmoid; the TorchScript exporter (batch 1, no folding) and the dynamo exporter
  (dynamic batch, weights in an external data file).
- convnet5.onnx: i2f's built-in convnet5 for 1×8×8 images and 10 classes (batch 1, no folding).

    python3 Scripts/make_onnx_fixtures.py  # writes the models and onnx_reference.safetensors
"""
import copy
import math
import os
import pathlib
import warnings

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests/LeakageTests/Fixtures"
MODELS = FIXTURES / "onnx"


def formula(seed, count, scale=1.0, shift=0.0):
    """((i·2654435761 + seed·97) mod 2³² / 2³² − 0.5)·scale + shift, for i in 0..<count."""
    vals = [(((i * 2654435761 + seed * 97) % 4294967296) / 4294967296.0 - 0.5) * scale + shift for i in range(count)]
    return torch.tensor(vals, dtype=torch.float64)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(h + self.bn2(self.conv2(h)))
        h = self.pool(h)
        return self.fc(h.view(h.size(0), -1))


class FoldedCNN(nn.Module):
    """SmallCNN as the folded export computes it: each batch norm merged into its convolution."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        h = F.relu(self.conv1(x))
        h = F.relu(h + self.conv2(h))
        h = self.pool(h)
        return self.fc(h.view(h.size(0), -1))


class TanhMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(36, 16)
        self.fc2 = nn.Linear(16, 7)

    def logits(self, x):
        return self.fc2(torch.tanh(self.fc1(x.flatten(1))))

    def forward(self, x):
        return F.log_softmax(self.logits(x), dim=1)


class Grouped(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 6, 3, padding=2, dilation=2, groups=2)
        self.conv2 = nn.Conv2d(6, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=3, bias=False)
        self.fc = nn.Linear(6 * 4 * 6, 4)

    def forward(self, x):
        h = F.elu(self.conv1(x), alpha=0.5)
        h = F.pad(h, (1, 0, 0, 1))
        h = F.softplus(self.conv2(h))
        h = F.max_pool2d(h, 3, 2, padding=1, ceil_mode=True)
        h = F.leaky_relu(h, 0.125)
        h = F.avg_pool2d(h, 2, 1, padding=1, count_include_pad=False)
        return self.fc(torch.sigmoid(h).flatten(1))


class ConvNet5(nn.Module):
    def __init__(self, channels=1, classes=10, flat=48):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 12, 5, stride=2, padding=2)
        self.conv2 = nn.Conv2d(12, 12, 5, stride=2, padding=2)
        self.conv3 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
        self.conv4 = nn.Conv2d(12, 12, 5, stride=1, padding=2)
        self.fc = nn.Linear(flat, classes)

    def forward(self, x):
        for conv in (self.conv1, self.conv2, self.conv3, self.conv4):
            x = torch.sigmoid(conv(x))
        return self.fc(x.flatten(1))


def set_formula_weights(model):
    """State_dict entry t gets the formula with seed t + 1, rounded to float32."""
    with torch.no_grad():
        for t, (key, value) in enumerate(model.state_dict().items()):
            if key.endswith("num_batches_tracked"):
                continue
            n = value.numel()
            if key.endswith("running_var") or (key.startswith("bn") and key.endswith("weight")):
                v = formula(t + 1, n, 1.0, 1.0)
            elif key.endswith("running_mean"):
                v = formula(t + 1, n, 0.4)
            else:
                v = formula(t + 1, n)
            value.copy_(v.float().double().reshape(value.shape))


def export(model, path, shape, **options):
    exported = copy.deepcopy(model).float().eval()
    torch.onnx.export(exported, (torch.zeros(shape, dtype=torch.float32),), str(path), **options)


def references(name, model, pairs, xshape, labels, out, meta, logits_of=None):
    """References for `model` (float64) whose i2f parameter i is `pairs[i] = (i2f name, tensor)`."""
    theta = [t for _, t in pairs]
    x = formula(1000, math.prod(xshape), 1.0, 0.5).reshape(xshape).requires_grad_(True)
    y = torch.tensor(labels)
    logits = (logits_of or model)(x)
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
    out[f"{name}.logits"] = logits.detach()
    out[f"{name}.loss"] = loss.detach().reshape(1)
    out[f"{name}.jdelta"] = jdelta.detach()
    out[f"{name}.summary"] = torch.tensor(summary)
    meta[f"{name}.names"] = ",".join(n for n, _ in pairs)
    meta[f"{name}.labels"] = ",".join(str(l) for l in labels)
    meta[f"{name}.input_shape"] = ",".join(str(d) for d in xshape)
    print(f"{name}: {len(theta)} parameter tensors, {sum(t.numel() for t in theta)} parameters, loss {loss.item():.6f}")


def main():
    MODELS.mkdir(parents=True, exist_ok=True)
    out, meta = {}, {}
    torchscript = dict(dynamo=False, do_constant_folding=False)

    cnn = SmallCNN().eval()
    set_formula_weights(cnn)
    with torch.no_grad():
        cnn.bn1.running_var.copy_(cnn.bn1.weight)
    export(cnn, MODELS / "cnn.onnx", [1, 3, 8, 8], input_names=["x"], dynamic_axes={"x": {0: "batch"}}, **torchscript)
    references("cnn", cnn, list(cnn.named_parameters()), [2, 3, 8, 8], [1, 4], out, meta)

    export(cnn, MODELS / "cnn_folded.onnx", [1, 3, 8, 8], dynamo=False)
    graph = onnx.load(str(MODELS / "cnn_folded.onnx")).graph
    values = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()).double() for t in graph.initializer}
    folded = FoldedCNN().eval()
    renamed = {}
    with torch.no_grad():
        for layer, conv in (("conv1", folded.conv1), ("conv2", folded.conv2), ("fc", folded.fc)):
            node = next(n for n in graph.node if n.name.startswith(f"/{layer}/"))
            conv.weight.copy_(values[node.input[1]])
            conv.bias.copy_(values[node.input[2]])
            renamed[f"{layer}.weight"], renamed[f"{layer}.bias"] = node.input[1], node.input[2]
    pairs = [(renamed[k], p) for k, p in folded.named_parameters()]
    references("cnn_folded", folded, pairs, [1, 3, 8, 8], [2], out, meta)

    mlp = TanhMLP().eval()
    set_formula_weights(mlp)
    export(mlp, MODELS / "mlp.onnx", [1, 1, 6, 6], **torchscript)
    references("mlp", mlp, list(mlp.named_parameters()), [2, 1, 6, 6], [6, 0], out, meta, logits_of=mlp.logits)

    grouped = Grouped().eval()
    set_formula_weights(grouped)
    export(grouped, MODELS / "grouped.onnx", [1, 2, 9, 9], **torchscript)
    export(grouped, MODELS / "grouped_dynamo.onnx", [1, 2, 9, 9], dynamo=True, dynamic_shapes=({0: torch.export.Dim("batch")},))
    references("grouped", grouped, list(grouped.named_parameters()), [2, 2, 9, 9], [3, 1], out, meta)

    convnet5 = ConvNet5().eval()
    set_formula_weights(convnet5)
    export(convnet5, MODELS / "convnet5.onnx", [1, 1, 8, 8], **torchscript)

    path = FIXTURES / "onnx_reference.safetensors"
    save_file({k: v.contiguous() for k, v in out.items()}, str(path),
              metadata={"source": "Scripts/make_onnx_fixtures.py", "torch": torch.__version__, "onnx": onnx.__version__, **meta})
    for f in sorted(MODELS.iterdir()):
        print(f"wrote {f.relative_to(ROOT)} ({f.stat().st_size} bytes)")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
