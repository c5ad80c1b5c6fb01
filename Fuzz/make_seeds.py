#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses (Fuzz/corpus/NAME/): a few small, valid files
of each format, so libFuzzer starts from inputs that reach deep into the parsers. Standard
library only; run from anywhere: python3 Fuzz/make_seeds.py. (view.json seeds of explorer-config
are files exported by the explorer itself and are not made here.)"""
import gzip
import json
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(harness, name, data):
    directory = os.path.join(ROOT, harness)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def safetensors(tensors, metadata=None):
    """tensors: name -> (dtype, shape, bytes); laid out in name order like the reference writer."""
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def floats(fmt, values):
    return struct.pack("<%d%s" % (len(values), fmt), *values)


def idx(dimensions, data):
    return bytes([0, 0, 8, len(dimensions)]) + b"".join(struct.pack(">I", d) for d in dimensions) + bytes(data)


def png(width, height, channels, filters):
    """An 8-bit gray or RGB PNG whose rows use the given filter types (cycled)."""
    rows = []
    for y in range(height):
        row = bytes((x * 37 + y * 11 + c * 5) % 256 for x in range(width) for c in range(channels))
        rows.append(bytes([filters[y % len(filters)]]) + row)  # filtered bytes need not be "right"
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"tEXt", b"Comment\x00seed")
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def main():
    # safetensors: weights, a data set in the Samples format, a sample batch, metadata-only.
    write("safetensors", "weights", safetensors({
        "conv.weight": ("F32", [2, 1, 2, 2], floats("f", [0.5 * i for i in range(8)])),
        "conv.bias": ("F64", [2], floats("d", [1.0, -1.0])),
        "bn.num_batches_tracked": ("I64", [], struct.pack("<q", 7)),
    }, {"i2f.architecture": "mlp", "i2f.input_shape": "1,2,2", "i2f.classes": "2"}))
    write("safetensors", "dataset", safetensors({
        "x": ("U8", [2, 1, 2, 2], bytes([0, 4, 8, 16, 16, 8, 4, 0])),
        "y": ("I64", [2], struct.pack("<2q", 0, 1)),
    }, {"name": "tiny", "class_names": '["zero", "one"]', "item_names": '["a", "b"]', "max_value": "16"}))
    write("safetensors", "sample", safetensors({
        "x": ("F32", [3, 1, 1, 2], floats("f", [0, 0.25, 0.5, 0.75, 1, 0.125])),
        "y": ("I32", [3], struct.pack("<3i", 2, 0, 1)),
    }, {"num_classes": "3"}))
    write("safetensors", "empty", safetensors({}, {"note": "no tensors"}))

    # IDX, raw and gzip (one member, and two concatenated members as `cat a.gz b.gz` gives).
    labels = idx([5], [0, 1, 2, 9, 4])
    images = idx([2, 4, 4], range(32))
    write("idx-raw", "labels", labels)
    write("idx-raw", "images", images)
    write("idx-raw", "rank2", idx([2, 3], range(6)))
    write("idx-gzip", "labels.gz", gzip.compress(labels, mtime=0))
    write("idx-gzip", "images.gz", gzip.compress(images, mtime=0))
    write("idx-gzip", "members.gz", gzip.compress(images[:20], mtime=0) + gzip.compress(images[20:], mtime=0))

    # CIFAR-10: one and two records (label byte, then 3×32×32 pixels).
    record = lambda label: bytes([label]) + bytes((i * 7 + label) % 256 for i in range(3072))
    write("cifar", "one-record.bin", record(3))
    write("cifar", "two-records.bin", record(0) + record(9))

    # PNG: gray and RGB, every filter type.
    write("png", "gray-filters.png", png(5, 5, 1, [0, 1, 2, 3, 4]))
    write("png", "rgb-filters.png", png(4, 5, 3, [4, 3, 2, 1, 0]))
    write("png", "gray-1x1.png", png(1, 1, 1, [0]))

    # JSON.
    write("json", "object.json", '{"a": [1, -2.5e-3, true, false, null], "b": {"c": "d\\u00e9\\n\\ud83d\\ude00"}}')
    write("json", "header.json", '{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}  ')
    write("json", "names.json", '["zero", "one", "two"]')
    write("json", "numbers.json", '[0, -0, 1e308, -9223372036854775808, 3.14159, 1E-5]')

    # Sample addresses and perturbations.
    for i, text in enumerate(["digits:17", "faces:3", "photos:chelsea", "digits:0-3", "digits:0,5,9",
                              "mnist:0", "cifar10-train:42", "data/batch.safetensors:2",
                              "x.safetensors", "photos:chelsea,coffee", " digits : 1 "]):
        write("sample-address", "address-%d" % i, text)
    for i, text in enumerate(["none", "gaussian:1e-3", "laplace:0.5", "prune:0.9", "dp:1:0.5",
                              "direction:top:1", "direction:bottom:3", "file:delta.safetensors"]):
        write("perturbation", "perturbation-%d" % i, text)


if __name__ == "__main__":
    main()
