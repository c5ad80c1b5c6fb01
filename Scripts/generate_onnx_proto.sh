#!/usr/bin/env bash
# Regenerates Sources/ONNXProto/Generated/onnx.pb.swift from the onnx.proto that the `onnx` PyPI
# wheel ships. Dev-time only: run it when the ONNX or swift-protobuf version changes, then commit
# the output. `swift build` never runs protoc or builds the plugin.
#
#   Scripts/generate_onnx_proto.sh            # onnx wheel as installed (pip install onnx)
#   ONNX_VERSION=1.17.0 Scripts/generate_onnx_proto.sh
#
# Steps: protoc from Debian's protobuf-compiler (installed if missing); protoc-gen-swift built
# from apple/swift-protobuf at the version Package.swift pins, in its own scratch directory;
# onnx/onnx.proto taken from the wheel (downloaded, not installed, when ONNX_VERSION is set).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROTOBUF_VERSION="1.39.0"
WORK="${TMPDIR:-/tmp}/i2f-onnx-proto"
OUT="$ROOT/Sources/ONNXProto/Generated"
mkdir -p "$WORK" "$OUT"

if ! command -v protoc >/dev/null; then
  echo "installing protobuf-compiler" >&2
  apt-get update -qq && apt-get install -y -qq protobuf-compiler
fi

# protoc-gen-swift at the pinned version, built once per version in its own scratch path.
PLUGIN_SRC="$WORK/swift-protobuf-$PROTOBUF_VERSION"
if [ ! -d "$PLUGIN_SRC" ]; then
  git clone --quiet --depth 1 --branch "$PROTOBUF_VERSION" https://github.com/apple/swift-protobuf "$PLUGIN_SRC"
fi
swift build -c release --package-path "$PLUGIN_SRC" --scratch-path "$PLUGIN_SRC/.build" --product protoc-gen-swift
PLUGIN="$PLUGIN_SRC/.build/release/protoc-gen-swift"

# onnx.proto from the wheel.
if [ -n "${ONNX_VERSION:-}" ]; then
  rm -rf "$WORK/wheel" && mkdir -p "$WORK/wheel"
  python3 -m pip download --quiet --no-deps --dest "$WORK/wheel" "onnx==$ONNX_VERSION"
  python3 -m zipfile -e "$WORK"/wheel/onnx-*.whl "$WORK/wheel/unpacked"
  ONNX_DIR="$WORK/wheel/unpacked/onnx"
  ONNX_VERSION_USED="$ONNX_VERSION"
else
  ONNX_DIR="$(python3 -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')"
  ONNX_VERSION_USED="$(python3 -c 'import onnx; print(onnx.__version__)')"
fi
cp "$ONNX_DIR/onnx.proto" "$WORK/onnx.proto"

protoc --plugin=protoc-gen-swift="$PLUGIN" --proto_path="$WORK" --swift_out="$WORK" \
  --swift_opt=Visibility=Public "$WORK/onnx.proto"

{
  echo "// Generated from onnx/onnx.proto of the onnx $ONNX_VERSION_USED PyPI wheel by protoc $(protoc --version | cut -d' ' -f2)"
  echo "// with protoc-gen-swift $PROTOBUF_VERSION (apple/swift-protobuf). Do not edit: regenerate with"
  echo "// Scripts/generate_onnx_proto.sh."
  echo
  cat "$WORK/onnx.pb.swift"
} > "$OUT/onnx.pb.swift"
echo "wrote $OUT/onnx.pb.swift"
