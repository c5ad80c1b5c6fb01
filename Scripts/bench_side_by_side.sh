#!/usr/bin/env bash
# i2f against its PyTorch and JAX anchors, side by side.
#
# Builds i2f in release, then runs `i2f bench --json`, the PyTorch anchor and the JAX anchor back
# to back N times (interleaved, so that a change in the machine's load hits all three alike),
# and prints for every key the median of each (and its spread, min–max) and the ratios
# peer / i2f, where each side's figure is the faster of its float32 and float64 runs (i2f's dense
# spectra run in f64 by default; their float32 figure is the `…_f32_ms` key of `--precision f32`).
# Dev-time only: needs python3 (json only) plus, for the anchors, torch and jax.
#
#   Scripts/bench_side_by_side.sh [N] [GROUPS]     # defaults: 3 runs, convnet5,photo
#
# Environment: ANCHORS (default /work/shared/tools) is where torch-anchor.py and jax-anchor.py
# live; BENCH_RUNS (default 20) is passed to `i2f bench --runs`; I2F_BIN names an i2f binary to
# measure instead of building one. The table goes to stdout, the
# raw JSON of every run to $OUT (default a temporary directory, printed at the end).
set -euo pipefail

n=${1:-3}
groups=${2:-convnet5,photo}
anchors=${ANCHORS:-/work/shared/tools}
out=${OUT:-$(mktemp -d -t i2f-side-by-side.XXXXXX)}
mkdir -p "$out"
repo=$(cd "$(dirname "$0")/.." && pwd)

cd "$repo"
if [[ -n "${I2F_BIN:-}" ]]; then
  i2f=$I2F_BIN
else
  swift build -c release --product i2f >&2
  i2f=$(swift build -c release --show-bin-path)/i2f
fi

for ((r = 1; r <= n; r++)); do
  echo "run $r/$n (load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime))" >&2
  "$i2f" bench --json --runs "${BENCH_RUNS:-20}" --only "$groups" > "$out/i2f-$r.json"
  python3 "$anchors/torch-anchor.py" --only "$groups" > "$out/torch-$r.json"
  python3 "$anchors/jax-anchor.py" --only "$groups" > "$out/jax-$r.json"
done

python3 - "$out" "$n" <<'EOF'
import json, statistics, sys

out, n = sys.argv[1], int(sys.argv[2])
runs = {side: [json.load(open(f"{out}/{side}-{r}.json")) for r in range(1, n + 1)] for side in ("i2f", "torch", "jax")}

def numbers(side, key):
    return [r[key] for r in runs[side] if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]

def median(side, key):
    xs = numbers(side, key)
    return statistics.median(xs) if xs else None

def cell(side, key):
    xs = numbers(side, key)
    if not xs:
        return "—"
    return f"{statistics.median(xs):.4g} ({min(xs):.3g}–{max(xs):.3g})"

def twins(key):
    """The other-precision keys of a key: its _f64 twin, and for i2f's dense spectra (f64 by
    default) the --precision f32 run, `…_f32_ms`."""
    return [key + "_f64"] + ([key[:-3] + "_f32_ms"] if key.endswith("_ms") else [])

def best(side, key):
    """The fastest of a key and its twins (times: smaller is better)."""
    xs = [m for m in (median(side, k) for k in [key] + twins(key)) if m is not None]
    return min(xs) if xs else None

skip = {"cores", "threads", "torch", "jax"}
twinned = {t for k in runs["i2f"][0] for t in twins(k)}
keys = [k for k in runs["i2f"][0] if k not in skip and k not in twinned and not k.endswith("_gflops")]
keys += [k for side in ("torch", "jax") for k in runs[side][0]
         if k not in skip and not k.endswith("_f64") and not k.endswith("_compile_s") and k not in keys and median("i2f", k) is not None]
print(f"medians of {n} runs (min–max); ratio = peer's faster of f32/f64 ÷ i2f's faster")
print(f"{'key':32} {'i2f':>24} {'torch':>24} {'jax':>24} {'torch/i2f':>10} {'jax/i2f':>8}")
for key in keys:
    mine = best("i2f", key)
    ratios = [f"{best(p, key) / mine:.2f}" if mine and best(p, key) else "—" for p in ("torch", "jax")]
    print(f"{key:32} {cell('i2f', key):>24} {cell('torch', key):>24} {cell('jax', key):>24} {ratios[0]:>10} {ratios[1]:>8}")
    for twin in twins(key):
        if any(numbers(s, twin) for s in ("i2f", "torch", "jax")):
            print(f"{'  ' + twin:32} {cell('i2f', twin):>24} {cell('torch', twin):>24} {cell('jax', twin):>24}")
EOF
echo "raw results: $out" >&2
