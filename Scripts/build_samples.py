#!/usr/bin/env python3
"""Builds i2f's embedded sample datasets (Samples/*.safetensors) from the scikit-learn and
scikit-image wheels.

Dev-time only: i2f never runs Python. Requirements: numpy, Pillow and safetensors
(`pip install numpy Pillow safetensors`). The wheels are read as zip files; nothing from them is
installed or imported.

    python3 Scripts/build_samples.py                  # downloads the pinned wheels with pip into a temp dir
    python3 Scripts/build_samples.py --wheels DIR     # uses wheels already in DIR
    python3 Scripts/build_samples.py --out Samples    # output directory (default: Samples/ of the repo)

Each output file holds `x` (U8, [N, C, H, W]) and `y` (I64, [N]) plus string metadata; see
Samples/README.md for the sources, licences and processing.
"""

import argparse
import glob
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
from PIL import Image
from safetensors import safe_open
from safetensors.numpy import load_file

# Photos shipped inside the scikit-image wheel whose docstring in skimage/data/_fetchers.py states
# CC0 or public domain. Order: the four headline photos first, then the rest alphabetically.
# (name, file in the wheel, licence note quoted from _fetchers.py)
PHOTOS = [
    ("astronaut", "skimage/data/astronaut.png",
     "Public domain: NASA Great Images database, 'No known copyright restrictions, released into the public domain.'"),
    ("chelsea", "skimage/data/chelsea.png",
     "CC0 by the photographer (Stefan van der Walt)"),
    ("coffee", "skimage/data/coffee.png",
     "CC0 by the photographer (Rachel Michetti); courtesy of Pikolo Espresso Bar"),
    ("camera", "skimage/data/camera.png",
     "CC0 by the photographer (Lav Varshney)"),
    ("brick", "skimage/data/brick.png",
     "CC0 (CC0Textures, Bricks25)"),
    ("cell", "skimage/data/cell.png",
     "CC0, dedicated to the public domain (Paul Mueller et al., quantitative phase image)"),
    ("clock", "skimage/data/clock_motion.png",
     "Public domain, released by the photographer (Stefan van der Walt)"),
    ("grass", "skimage/data/grass.png",
     "CC0 (DeviantArt user linolafett, Grass-01)"),
    ("gravel", "skimage/data/gravel.png",
     "CC0 (CC0Textures, Gravel04)"),
    ("hubble_deep_field", "skimage/data/hubble_deep_field.jpg",
     "Public domain: NASA/HubbleSite, Hubble eXtreme Deep Field"),
    ("microaneurysms", "skimage/data/microaneurysms.png",
     "CC0 given by owner (Andreas Maier); crop of 07_dr.JPG, HRF Image Database"),
    ("retina", "skimage/data/retina.jpg",
     "CC0 1.0 (Mikael Haggstrom, Wikimedia Commons, Fundus photograph of normal left eye)"),
    ("rocket", "skimage/data/rocket.jpg",
     "Public domain: SpaceX, launch of DSCOVR on Falcon 9"),
]

PHOTO_SIDE = 32
DIGIT_CLASSES = [str(d) for d in range(10)]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


DTYPES = {np.dtype(np.float32): ("F32", 4), np.dtype(np.float64): ("F64", 8), np.dtype(np.int64): ("I64", 8),
          np.dtype(np.int32): ("I32", 4), np.dtype(np.uint8): ("U8", 1)}


def write_safetensors(path: str, tensors: dict, metadata: dict) -> None:
    """Writes a safetensors file deterministically, byte for byte as i2f's Swift writer does:
    compact JSON header with `__metadata__` first and every key sorted, padded with spaces to a
    multiple of 8; data laid out by element size (largest first), then name, so every tensor is
    aligned. (safetensors' own writer orders the metadata by a hash map: not reproducible.) The
    result is then read back with the safetensors library to prove it is a valid file."""
    order = sorted(tensors, key=lambda name: (-DTYPES[tensors[name].dtype][1], name))
    offsets, blobs, position = {}, [], 0
    for name in order:
        blob = np.ascontiguousarray(tensors[name]).astype(tensors[name].dtype.newbyteorder("<")).tobytes()
        offsets[name] = (position, position + len(blob))
        blobs.append(blob)
        position += len(blob)
    header = {"__metadata__": {k: metadata[k] for k in sorted(metadata)}}
    for name in sorted(tensors):
        header[name] = {"dtype": DTYPES[tensors[name].dtype][0], "shape": list(tensors[name].shape),
                        "data_offsets": list(offsets[name])}
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(blobs))
    os.chmod(path, 0o644)
    loaded = load_file(path)
    with safe_open(path, framework="numpy") as f:
        assert f.metadata() == metadata, path
    for name, array in tensors.items():
        assert loaded[name].dtype == array.dtype and np.array_equal(loaded[name], array), (path, name)


def find_wheel(directory: str, prefix: str) -> str:
    found = sorted(glob.glob(os.path.join(directory, prefix + "-*.whl")))
    if not found:
        sys.exit(f"no {prefix} wheel in {directory}")
    return found[-1]


# The versions the committed Samples were built from; the data files are the same in every
# platform's wheel, so any Python/OS rebuilds the same bytes.
SKLEARN_VERSION = "1.9.1"
SKIMAGE_VERSION = "0.26.0"


def download_wheels(directory: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", directory,
                    f"scikit-learn=={SKLEARN_VERSION}", f"scikit-image=={SKIMAGE_VERSION}"], check=True)


def wheel_label(path: str) -> str:
    """`scikit-learn 1.9.1 wheel`: the project and version, without the platform tags."""
    project, version = os.path.basename(path).split("-")[:2]
    return f"{project.replace('_', '-')} {version} wheel"


def area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Row o averages the input interval [o*s, (o+1)*s), s = n_in / n_out, weighting each input
    cell by its overlap with that interval (exact area averaging, also for non-integer s)."""
    scale = n_in / n_out
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        lo, hi = o * scale, (o + 1) * scale
        for i in range(int(np.floor(lo)), min(n_in, int(np.ceil(hi)))):
            overlap = min(hi, i + 1) - max(lo, i)
            if overlap > 0:
                m[o, i] = overlap / scale
    return m


def downsample_square(rgb: np.ndarray, side: int) -> np.ndarray:
    """Centre-crops an [H, W, C] uint8 image to its largest square, then area-averages it to
    side x side. Returns [C, side, side] uint8 (rounded to nearest)."""
    h, w, _ = rgb.shape
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    crop = rgb[top:top + s, left:left + s, :].astype(np.float64)
    m = area_matrix(s, side)
    out = np.einsum("oh,hwc,pw->cop", m, crop, m)
    return np.ascontiguousarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))


def build_digits(sklearn_wheel: str, out_dir: str) -> dict:
    with zipfile.ZipFile(sklearn_wheel) as z:
        raw = z.read("sklearn/datasets/data/digits.csv.gz")
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",")
    pixels = table[:, :-1]
    labels = table[:, -1]
    assert pixels.shape == (1797, 64) and pixels.min() >= 0 and pixels.max() <= 16
    assert np.all(pixels == np.rint(pixels)) and np.all(labels == np.rint(labels))
    x = pixels.astype(np.uint8).reshape(-1, 1, 8, 8)
    y = labels.astype(np.int64)
    metadata = {
        "name": "digits",
        "description": "Handwritten digits, 8x8 gray, 1797 images, classes 0-9. Each pixel counts the "
                       "'on' pixels of a 4x4 block of a 32x32 bitmap: 0-16 (divide by max_value).",
        "source": f"{wheel_label(sklearn_wheel)}: sklearn/datasets/data/digits.csv.gz "
                  f"(sha256 {sha256(raw)}); the test set of the UCI ML 'Optical Recognition of "
                  "Handwritten Digits' data set",
        "licence": "CC BY 4.0 (UCI Machine Learning Repository); packaged by scikit-learn (BSD-3-Clause)",
        "attribution": "E. Alpaydin and C. Kaynak (1998), Optical Recognition of Handwritten Digits, "
                       "UCI Machine Learning Repository",
        "layout": "NCHW",
        "max_value": "16",
        "class_names": json.dumps(DIGIT_CLASSES),
    }
    path = os.path.join(out_dir, "digits.safetensors")
    write_safetensors(path, {"x": x, "y": y}, metadata)
    return {"file": path, "x": x.shape, "y": y.shape}


def build_faces(skimage_wheel: str, out_dir: str) -> dict:
    with zipfile.ZipFile(skimage_wheel) as z:
        raw = z.read("skimage/data/lfw_subset.npy")
    images = np.load(io.BytesIO(raw))
    assert images.shape == (200, 25, 25) and images.min() >= 0 and images.max() <= 1
    faces = images[:100]  # the first 100 are faces, the last 100 background patches
    x = np.clip(np.rint(faces * 255), 0, 255).astype(np.uint8).reshape(100, 1, 25, 25)
    y = np.zeros(100, dtype=np.int64)
    metadata = {
        "name": "faces",
        "description": "100 face crops from Labeled Faces in the Wild, 25x25 gray. The file carries no "
                       "identities: every image has label 0 ('face'). A second class 'non-face' (no images "
                       "here) is declared so that a classifier has two outputs: with a single class the "
                       "cross-entropy and its gradient are identically zero.",
        "source": f"{wheel_label(skimage_wheel)}: skimage/data/lfw_subset.npy (sha256 {sha256(raw)}), "
                  "images 0-99; float64 values in [0, 1] quantised to round(255 x)",
        "licence": "No licence stated by LFW (images collected from the web for research); redistributed by "
                   "scikit-image in its BSD-3-Clause wheel",
        "attribution": "G. B. Huang, M. Ramesh, T. Berg, E. Learned-Miller (2007), Labeled Faces in the Wild, "
                       "University of Massachusetts Amherst, Technical Report 07-49; subset from scikit-image",
        "layout": "NCHW",
        "max_value": "255",
        "class_names": json.dumps(["face", "non-face"]),
    }
    path = os.path.join(out_dir, "faces.safetensors")
    write_safetensors(path, {"x": x, "y": y}, metadata)
    return {"file": path, "x": x.shape, "y": y.shape}


def build_photos(skimage_wheel: str, out_dir: str) -> dict:
    xs, sources = [], []
    with zipfile.ZipFile(skimage_wheel) as z:
        for name, member, _ in PHOTOS:
            raw = z.read(member)
            image = Image.open(io.BytesIO(raw))
            image.load()
            # Gray photos are replicated to three channels so the data set has one shape.
            rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
            xs.append(downsample_square(rgb, PHOTO_SIDE))
            sources.append(f"{member} ({image.mode} {image.size[0]}x{image.size[1]}, sha256 {sha256(raw)})")
    names = [p[0] for p in PHOTOS]
    x = np.ascontiguousarray(np.stack(xs))
    y = np.arange(len(PHOTOS), dtype=np.int64)
    metadata = {
        "name": "photos",
        "description": f"{len(PHOTOS)} CC0 / public-domain photos shipped in scikit-image, centre-cropped "
                       f"to a square and area-averaged to {PHOTO_SIDE}x{PHOTO_SIDE} RGB (gray ones "
                       "replicated to 3 channels). Each photo is its own class (label = index).",
        "source": f"{wheel_label(skimage_wheel)}: " + "; ".join(sources),
        "licence": "CC0 or public domain, per photo (see item_licences)",
        "attribution": "scikit-image sample data; photographers and sources per photo in item_licences",
        "layout": "NCHW",
        "max_value": "255",
        "class_names": json.dumps(names),
        "item_names": json.dumps(names),
        "item_licences": json.dumps([p[2] for p in PHOTOS]),
    }
    path = os.path.join(out_dir, "photos.safetensors")
    write_safetensors(path, {"x": x, "y": y}, metadata)
    return {"file": path, "x": x.shape, "y": y.shape}


def main() -> None:
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", help="directory holding the scikit-learn and scikit-image wheels "
                                         "(default: pip download them into a temporary directory)")
    parser.add_argument("--out", default=os.path.join(repo, "Samples"), help="output directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheels = args.wheels
        if wheels is None:
            wheels = tmp
            download_wheels(wheels)
        sklearn_wheel = find_wheel(wheels, "scikit_learn")
        skimage_wheel = find_wheel(wheels, "scikit_image")
        os.makedirs(args.out, exist_ok=True)
        for result in (build_digits(sklearn_wheel, args.out),
                       build_faces(skimage_wheel, args.out),
                       build_photos(skimage_wheel, args.out)):
            with open(result["file"], "rb") as f:
                digest = sha256(f.read())
            size = os.path.getsize(result["file"])
            print(f"{os.path.relpath(result['file'])}: x {list(result['x'])}, y {list(result['y'])}, "
                  f"{size} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
