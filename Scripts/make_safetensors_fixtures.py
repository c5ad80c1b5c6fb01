#!/usr/bin/env python3
"""Regenerates the safetensors fixtures of LeakageTests with the real PyTorch and safetensors
libraries (dev-time only: `pip install torch safetensors`). The values are exact binary fractions
so the Swift tests can recompute them:

- torch_state_dict.safetensors: `safetensors.torch.save_file(model.state_dict(), path)` for a tiny
  model (conv1 Conv2d(1, 2, 3), bn1 BatchNorm2d(2), fc Linear(8, 3)); float tensor number t
  (state_dict order) holds element i = (i - 3) / 8 + t; bn1.num_batches_tracked (I64, shape []) = 7.
- torch_dtypes.safetensors: one tensor per dtype the reader supports, plus an empty one, with
  metadata {"format": "pt", "note": "i2f fixture"}.
"""

import os

import torch
from safetensors.torch import save_file

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "LeakageTests", "Fixtures")


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 2, 3)
        self.bn1 = torch.nn.BatchNorm2d(2)
        self.fc = torch.nn.Linear(8, 3)


def main():
    model = Tiny()
    with torch.no_grad():
        t = 0
        for name, tensor in model.state_dict().items():
            if tensor.is_floating_point():
                values = (torch.arange(tensor.numel(), dtype=torch.float32) - 3) / 8 + t
                tensor.copy_(values.reshape(tensor.shape))
                t += 1
            else:
                tensor.fill_(7)
    save_file(model.state_dict(), os.path.join(HERE, "torch_state_dict.safetensors"))

    tensors = {
        "f32": torch.tensor([[0.5, -1.25, 3.0], [1e-3, -0.0, 65504.0]], dtype=torch.float32),
        "f64": torch.tensor([0.1, -2.5, 1e300, -1e-300], dtype=torch.float64),
        "i64": torch.tensor([0, -1, 2**40, -(2**62)], dtype=torch.int64),
        "i32": torch.tensor([[7, -7], [2**31 - 1, -(2**31)]], dtype=torch.int32),
        "u8": torch.tensor([0, 1, 128, 255, 42], dtype=torch.uint8),
        "empty": torch.zeros((0, 3), dtype=torch.float32),
    }
    save_file(tensors, os.path.join(HERE, "torch_dtypes.safetensors"),
              metadata={"format": "pt", "note": "i2f fixture"})


if __name__ == "__main__":
    main()
