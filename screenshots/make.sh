#!/usr/bin/env bash
# Regenerates the screenshots in README from a real run of `s3migrate demo`
# (the embedded sandbox) at 120×40: tmux runs the binary, capture-pane takes
# the ANSI screen, freeze turns it into a PNG.
#
#   bash screenshots/make.sh
#
# Needs tmux, rsvg-convert and the DejaVu fonts (installed with apt-get when
# missing), and freeze (go run, from the Go module proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need tmux || ! need rsvg-convert || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ]; then
  apt-get update -qq && apt-get install -y -qq tmux librsvg2-bin fonts-dejavu-core >/dev/null
fi

work=$(mktemp -d)
trap 'tmux kill-session -t s3m-shots 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/s3migrate" .
GOFLAGS= go build -o "$work/freeze" github.com/charmbracelet/freeze@v0.2.2 2>/dev/null ||
  (cd "$work" && GOFLAGS= GOBIN="$work" go install github.com/charmbracelet/freeze@v0.2.2)

tmux new-session -d -s s3m-shots -x 120 -y 40 -e AWS_PROFILE= "$work/s3migrate demo --dir $work/sandbox --log-file $work/tui.log; sleep 600"

keys() { for k in "$@"; do tmux send-keys -t s3m-shots "$k"; sleep 0.15; done; }
wait_for() { # wait_for TEXT [SECONDS]
  local deadline=$((SECONDS + ${2:-60}))
  until tmux capture-pane -t s3m-shots -p | grep -qF -- "$1"; do
    if ((SECONDS > deadline)); then echo "timed out waiting for: $1" >&2; tmux capture-pane -t s3m-shots -p >&2; exit 1; fi
    sleep 0.2
  done
}
shot() { # shot NAME
  tmux capture-pane -t s3m-shots -e -p >"$work/$1.ansi"
  "$work/freeze" "$work/$1.ansi" -o "$root/screenshots/$1.png" --language ansi --window=false --padding 20 \
    --font.family "DejaVu Sans Mono" --font.file /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf >/dev/null
  echo "screenshots/$1.png"
}

wait_for "(no STS)" 90
keys j Space k Space
wait_for "destination: sandbox-dest"
shot 1-profiles
keys Enter
wait_for "dest-archive"
keys Space Space Enter
wait_for "reports/"
# backups/ docs/ images/ logs/ reports/: mark backups/ (one 80 MiB object), images/, logs/, reports/.
keys Space j Space Space Space
wait_for "items marked"
sleep 1.5
shot 2-browser
keys n
wait_for "S3MigrateReadList" 60
# Server-side (Options tab): the grant is needed, so Start waits for it.
keys 4 Space 1
wait_for "Start blocked" 60
shot 3-policy
keys 2
wait_for "✗ 3 fail" 60
shot 4-preflight-denied
keys 1 a
wait_for "Apply"
keys y
wait_for "applied" 30
keys 2
wait_for "✗ 0 fail" 60
shot 5-preflight-passed
keys 3
wait_for "only-in-destination" 60
shot 6-diff
# Options: fewer objects at once, so the run lasts long enough to watch.
keys 4 j
for _ in $(seq 1 14); do keys -; done
wait_for "Concurrency"
shot 7-options
keys S
wait_for "Throughput" 30
sleep 1.1
shot 8-run
wait_for "Migration finished" 180
shot 9-summary
keys q
