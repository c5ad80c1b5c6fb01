#!/usr/bin/env bash
# Makes the explorer's screenshots in Assets/ from a real terminal: each screen runs in a private
# tmux server (24-bit colour when the xterm-direct terminfo is installed) and is rendered to a PNG
# by Scripts/tmux-shot.py, which draws the pane's cells with their colours (half blocks as two halves).
#
#   Scripts/screenshots.sh              # uses .build/release/i2f, building it if missing
#   I2F=.build/debug/i2f Scripts/screenshots.sh
#
# Needs tmux and python3 with pillow and pyte (pip install pillow pyte); TMUX_SHOT names another
# renderer with the same arguments. Trained weights are trained into a temporary cache, so the
# run does not depend on (or change) ~/.cache/i2f.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shot=${TMUX_SHOT:-Scripts/tmux-shot.py}
out=${OUT:-Assets}
if [ -z "${I2F:-}" ]; then
  [ -x .build/release/i2f ] || swift build -c release --product i2f
  I2F=.build/release/i2f
fi
i2f=$(cd "$(dirname "$I2F")" && pwd)/$(basename "$I2F")
[ -f "$shot" ] || { echo "error: $shot not found (set TMUX_SHOT)" >&2; exit 1; }
python3 -c 'import PIL, pyte' 2>/dev/null || { echo "error: python3 needs pillow and pyte (pip install pillow pyte)" >&2; exit 1; }

# A private tmux server: tmux-shot.py talks to the default socket, which lives in TMUX_TMPDIR.
scratch=$(mktemp -d)
export TMUX_TMPDIR=$scratch
unset TMUX
trap 'tmux kill-server 2>/dev/null || true; rm -rf "$scratch"' EXIT
term=tmux-256color
infocmp xterm-direct >/dev/null 2>&1 && term=xterm-direct

# start NAME WIDTH HEIGHT ARGS…: the explorer in a new session of that size.
start() {
  local name=$1 width=$2 height=$3
  shift 3
  tmux -f /dev/null new-session -d -s "$name" -x "$width" -y "$height" \
    "cd '$repo' && env TERM=tmux-256color XDG_CACHE_HOME='$scratch/cache' SWIFT_BACKTRACE=enable=no '$i2f' --term $term $*; sleep 600"
}

# wait_for SESSION TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
  local deadline=$((SECONDS + ${3:-120}))
  until tmux capture-pane -p -t "$1" | grep -qF -- "$2"; do
    [ $SECONDS -lt "$deadline" ] || { echo "error: '$2' did not appear in $1:" >&2; tmux capture-pane -p -t "$1" >&2; exit 1; }
    sleep 0.2
  done
}

# wait_count SESSION TEXT N [SECONDS]: until the screen shows TEXT N times.
wait_count() {
  local deadline=$((SECONDS + ${4:-300}))
  until [ "$(tmux capture-pane -p -t "$1" | grep -oF -- "$2" | wc -l)" -ge "$3" ]; do
    [ $SECONDS -lt "$deadline" ] || { echo "error: '$2' did not appear $3 times in $1:" >&2; tmux capture-pane -p -t "$1" >&2; exit 1; }
    sleep 0.2
  done
}

# wait_gone SESSION TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
  local deadline=$((SECONDS + ${3:-300}))
  while tmux capture-pane -p -t "$1" | grep -qF -- "$2"; do
    [ $SECONDS -lt "$deadline" ] || { echo "error: '$2' stayed on $1" >&2; exit 1; }
    sleep 0.5
  done
}

mkdir -p "$out"

# The main view on a photo: spectrum complete, the attack run to its end.
start main 180 50 --sample photos:chelsea
wait_for main "λ1 = " 300
tmux send-keys -t main f
wait_for main "DONE it" 600
python3 "$shot" main "$out/explorer-main.png"

# The compare view: three initialisations of the same model, trained weights among them.
start compare 180 50 --sample digits:3 --compare uniform,kaiming,trained
wait_count compare "─ it 0/300 ─" 3 300
wait_count compare "/64" 3 300
tmux send-keys -t compare '>' '>' A
wait_for compare "RUNNING" 60
wait_gone compare "RUNNING" 600
python3 "$shot" compare "$out/explorer-compare.png"

# The sample browser on the photos.
start samples 140 42 --sample photos:chelsea
wait_for samples "Original" 60
tmux send-keys -t samples s
wait_for samples "photos (13)" 60
tmux send-keys -t samples Right
wait_for samples "photos:chelsea · label" 60
python3 "$shot" samples "$out/explorer-samples.png"
