#!/usr/bin/env bash
# Builds and runs i2f's libFuzzer harnesses (Fuzz/Harnesses/NAME, with AddressSanitizer).
#
#   Scripts/fuzz.sh NAME [SECONDS]    one harness on its corpus Fuzz/corpus/NAME (default 60 s)
#   Scripts/fuzz.sh all [SECONDS]     every harness in turn, SECONDS each (default 20: a smoke test)
#   Scripts/fuzz.sh list              the harness names
#
# A crash, an input taking more than 1 s (-timeout=1; FUZZ_TIMEOUT=S changes it) or more than
# 2 GiB (-rss_limit_mb=2048) is a failure: the input is kept in .build-fuzz/crashes/NAME/ and the
# script exits 1 (after running the remaining harnesses, for `all`). Exit 0: no failure; 2: usage or build error.
# Needs only the Swift toolchain (libFuzzer and ASan ship with it): works after .ci/install.
# New inputs libFuzzer finds go to .build-fuzz/corpus/NAME; copy small, interesting ones into
# Fuzz/corpus/NAME to keep them.
set -uo pipefail
cd "$(dirname "$0")/.."

scratch=.build-fuzz
harnesses=$(ls Fuzz/Harnesses)

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

build() {
  I2F_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "fuzz-$1" \
    -Xswiftc -sanitize=fuzzer,address >"$scratch/build-$1.log" 2>&1 || {
    tail -30 "$scratch/build-$1.log" >&2
    echo "fuzz $1: BUILD FAILED (log: $scratch/build-$1.log)" >&2
    exit 2
  }
}

# Runs harness $1 for $2 seconds; prints one summary line; returns libFuzzer's status.
run() {
  local name=$1 seconds=$2
  local binary="$scratch/release/fuzz-$name" work="$scratch/corpus/$name" artifacts="$scratch/crashes/$name/"
  local log="$scratch/fuzz-$name.log"
  mkdir -p "$work" "$artifacts"
  local options=(-max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-1}" -rss_limit_mb=2048 -print_final_stats=1
                 -artifact_prefix="$artifacts")
  [ -f "Fuzz/dictionaries/$name.dict" ] && options+=(-dict="Fuzz/dictionaries/$name.dict")
  [ -f "Fuzz/options/$name" ] && read -r -a extra <"Fuzz/options/$name" && options+=("${extra[@]}")
  # New inputs go to the scratch corpus (the first directory); the committed seeds are read only.
  # Swift's own backtracer is off: libFuzzer reports the crash and saves the input.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" \
    "$binary" "${options[@]}" "$work" "Fuzz/corpus/$name" >"$log" 2>&1
  local status=$?
  local runs cov ft units
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  units=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ $status -eq 0 ]; then
    echo "fuzz $name: PASS  ${seconds}s, ${runs:-?} executions, coverage ${cov:-?} edges / ${ft:-?} features, corpus ${units:-?}"
  else
    grep -E '^==[0-9]+==ERROR|^SUMMARY|fuzz property violated|ALARM|out-of-memory|Fatal error' "$log" | head -5 >&2
    echo "fuzz $name: FAIL  (status $status; input in $artifacts, log $log;" \
      "reproduce with $binary ${artifacts}<file>)"
  fi
  return $status
}

[ $# -ge 1 ] || usage
mkdir -p "$scratch"
case "$1" in
  list) echo "$harnesses" ;;
  all)
    seconds=${2:-20}
    failed=0
    for name in $harnesses; do build "$name"; done
    for name in $harnesses; do run "$name" "$seconds" || failed=1; done
    exit $failed
    ;;
  -h|--help) usage ;;
  *)
    [ -d "Fuzz/Harnesses/$1" ] || { echo "unknown harness '$1' (harnesses: $(echo $harnesses))" >&2; exit 2; }
    build "$1"
    run "$1" "${2:-60}" || exit 1
    ;;
esac
