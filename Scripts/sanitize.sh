#!/usr/bin/env bash
# Runs the test suite under a sanitizer, in its own scratch path so the normal build is untouched.
#
#   Scripts/sanitize.sh thread  [swift test arguments…]   ThreadSanitizer  (.build-tsan)
#   Scripts/sanitize.sh address [swift test arguments…]   AddressSanitizer (.build-asan)
#
# e.g. Scripts/sanitize.sh address --filter LeakageTests. The exit status is swift test's; the
# sanitizer's reports are in its output (TSAN_OPTIONS / ASAN_OPTIONS / LSAN_OPTIONS are passed
# through).
set -uo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  thread) scratch=.build-tsan ;;
  address) scratch=.build-asan ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
sanitizer=$1
shift
export SWIFT_BACKTRACE=enable=no
# Leaks inside XCTest and Foundation themselves are not reported (Scripts/lsan-suppressions.txt).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/Scripts/lsan-suppressions.txt:print_suppressions=0}"
exec swift test --sanitize="$sanitizer" --scratch-path "$scratch" "$@"
