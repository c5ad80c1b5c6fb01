#!/usr/bin/env python3
"""SSIM reference values from scikit-image for i2f's metric tests (dev-time only; commit the output).

Pairs of images from a deterministic formula (reproduced in Tests/LeakageTests/Metrics/SSIMTests.swift),
scored with skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=1): Wang et al.'s SSIM with an 11-tap Gaussian window,
averaged over the valid region and over channels.

    python3 Scripts/make_ssim_fixtures.py   # writes Tests/LeakageTests/Fixtures/ssim_reference.json
"""
import json
import math
import pathlib

import numpy as np
from skimage.metrics import structural_similarity


def image(seed, c, h, w):
    """Pixels ((i·2654435761 + seed·97) mod 2³²)/2³², i over the row-major [C, H, W] index."""
    n = c * h * w
    v = np.array([((i * 2654435761 + seed * 97) % 4294967296) / 4294967296.0 for i in range(n)])
    return v.reshape(c, h, w)


def smooth(x):
    """A smoother image: each pixel averaged with its right and lower neighbours (edges kept)."""
    y = x.copy()
    y[:, :-1, :] = (y[:, :-1, :] + x[:, 1:, :]) / 2
    y[:, :, :-1] = (y[:, :, :-1] + x[:, :, 1:]) / 2
    return y


CASES = [
    ("noise vs noise 12x12", 1, 12, 12, "independent"),
    ("smooth vs noisy copy 16x16", 1, 16, 16, "noisy"),
    ("rgb smooth vs noisy copy 16x16", 3, 16, 16, "noisy"),
    ("smooth vs shifted 25x25", 1, 25, 25, "shifted"),
]


def main():
    out = []
    for name, c, h, w, kind in CASES:
        a = smooth(smooth(image(11, c, h, w)))
        if kind == "independent":
            b = image(12, c, h, w)
        elif kind == "noisy":
            b = np.clip(a + 0.2 * (image(13, c, h, w) - 0.5), 0, 1)
        else:
            b = np.clip(a * 0.8 + 0.1, 0, 1)
        score = structural_similarity(a, b, channel_axis=0, gaussian_weights=True, sigma=1.5,
                                      use_sample_covariance=False, data_range=1.0)
        out.append({"name": name, "shape": [c, h, w], "kind": kind, "ssim": float(score)})
        print(f"{name}: {score:.6f}")
    path = pathlib.Path(__file__).resolve().parent.parent / "Tests/LeakageTests/Fixtures/ssim_reference.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
