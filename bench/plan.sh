#!/usr/bin/env bash
# bench/plan.sh — the 10-million-key plan (issue 13, part 5): plans a
# migration of N keys through s3migrate's own listing, diff and journal code
# (bench/tools/plan10m) against a loopback listing server that generates
# both buckets' keys on the fly (bench/tools/listserver), then times
# `s3migrate jobs` and journal paging on the journal it wrote. Not part of
# `go test ./...`. See bench/README.md.
#
#   bash bench/plan.sh                    # 1, 3 and 10 million keys
#   KEYS=1000000 bash bench/plan.sh       # a quick run (about 30 s)
#
# Environment:
#   KEYS           key counts, one plan each ("1000000 3000000 10000000")
#   S3MIGRATE_SRC  module root to build from (default: this script's parent directory)
#   PROFILE=1      write a CPU and a heap profile of each plan (kept in the temporary directory)
#   KEEP_TMP=1     keep the temporary directory (journals, logs, profiles)
#   RATES          listing server flags, e.g. "-missing 100 -size 100 -etag 20 -extra 50" (the defaults)
#   NOOP=1         also time the built binary end to end on each count: `s3migrate sync` onto a
#                  destination that already matches (a second listing server, no differences:
#                  the whole lifecycle, plan journaled, nothing to copy), from process start to exit
#
# Each plan writes its journal into a directory of its own (XDG_STATE_HOME),
# so `s3migrate jobs` lists exactly that journal. A 10-million-key journal
# takes about 2.8 GB of disk.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "${S3MIGRATE_SRC:-$here/..}" && pwd)
keys=${KEYS:-1000000 3000000 10000000}
read -r -a rates <<<"${RATES:-}"
[[ -f $src/go.mod ]] || { echo "plan.sh: no go.mod in $src (set S3MIGRATE_SRC to the module root)" >&2; exit 2; }
for n in $keys; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "plan.sh: KEYS: $n is not a positive number" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/s3migrate-plan.XXXXXX")
bin=$tmp/bin
server_pid=
noop_pid=
cleanup() {
	for pid in $server_pid $noop_pid; do
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	if [[ ${KEEP_TMP:-} == 1 ]]; then
		echo "kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building s3migrate and the bench tools from $src"
(cd "$src" && go build -o "$bin/s3migrate" . &&
	go build -o "$bin/" ./bench/tools/listserver ./bench/tools/plan10m ./bench/tools/maxrss)

# start_server NAME FLAGS…: starts a listing server, sets pid and endpoint.
start_server() {
	local name=$1
	shift
	"$bin/listserver" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	for _ in $(seq 100); do
		grep -q '^endpoint ' "$tmp/$name.out" && break
		sleep 0.05
	done
	endpoint=$(awk '$1 == "endpoint" { print $2 }' "$tmp/$name.out")
	[[ -n $endpoint ]] || { cat "$tmp/$name.err" >&2; echo "plan.sh: the listing server did not start" >&2; exit 1; }
}
if [[ ${NOOP:-} == 1 ]]; then
	start_server noop-server -missing 0 -size 0 -etag 0 -extra 0
	noop_pid=$pid
	# The profiles the binary uses: both sides on the matching server.
	mkdir -p "$tmp/aws"
	for p in bench-src bench-dst; do
		printf '[profile %s]\nregion = us-east-1\nendpoint_url = %s\n\n' "$p" "$endpoint" >>"$tmp/aws/config"
		printf '[%s]\naws_access_key_id = AKIDBENCH\naws_secret_access_key = any-the-server-accepts-all\n\n' "$p" >>"$tmp/aws/credentials"
	done
fi
start_server listserver "${rates[@]}"
server_pid=$pid

echo "s3migrate $(git -C "$src" describe --always --dirty 2>/dev/null || echo '?'), go $(go env GOVERSION), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "listing server at $endpoint ${rates[*]}"

# median_time CMD…: the median wall seconds of 5 runs of a command (output discarded).
median_time() {
	local t0 t1 ts=()
	for _ in 1 2 3 4 5; do
		t0=${EPOCHREALTIME/,/.}
		"$@" >/dev/null 2>&1
		t1=${EPOCHREALTIME/,/.}
		ts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p
}

summary=$tmp/summary
for n in $keys; do
	echo
	echo "== $n keys =="
	state=$tmp/state-$n
	mkdir -p "$state"
	prof=()
	[[ ${PROFILE:-} == 1 ]] && prof=(-cpuprofile "$tmp/cpu-$n.prof" -memprofile "$tmp/heap-$n.prof")
	sync
	XDG_STATE_HOME=$state "$bin/maxrss" -o "$tmp/rss-$n" -- "$bin/plan10m" -endpoint "$endpoint" -n "$n" \
		-every $((n >= 5000000 ? 1000000 : n / 4)) "${rates[@]}" "${prof[@]}" | tee "$tmp/plan-$n.log"
	rss=$(tail -n 1 "$tmp/rss-$n")
	jobs_s=$(XDG_STATE_HOME=$state median_time "$bin/s3migrate" jobs)
	XDG_STATE_HOME=$state "$bin/s3migrate" jobs | sed 's/^/  /'
	echo "  s3migrate jobs: ${jobs_s} s (median of 5, process start to exit)"
	awk -v n="$n" -v rss="$rss" -v jobs="$jobs_s" '
		/^plan written in/ { rate = $6 }
		/^journal: / { bpk = $4 }
		/^  journal.List/ { list = $(NF) }
		/^  Rows: page of 100 from the middle key/ { mid = $(NF) }
		/^  Rows: failed/ { failed = $(NF) }
		END { printf "%10s %9s %9.1f %9s %9.3f %10s %10s %10s\n", n, rate, rss / 1024, bpk, jobs, list, mid, failed }' "$tmp/plan-$n.log" >>"$summary"
	rm -rf "$state" # the journal (GBs at 10M keys); KEEP_TMP keeps the logs and profiles

	if [[ ${NOOP:-} == 1 ]]; then
		echo "  s3migrate sync onto a matching destination (the binary, end to end):"
		mkdir -p "$state"
		sync
		t0=${EPOCHREALTIME/,/.}
		env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_S3 \
			AWS_CONFIG_FILE="$tmp/aws/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/aws/credentials" XDG_STATE_HOME=$state \
			"$bin/maxrss" -o "$tmp/noop-rss-$n" -- "$bin/s3migrate" sync "s3://src-$n" "s3://dst-$n" \
			--source-profile bench-src --dest-profile bench-dst --progress none 2>&1 | sed 's/^/    /'
		t1=${EPOCHREALTIME/,/.}
		noop_jobs=$(XDG_STATE_HOME=$state median_time "$bin/s3migrate" jobs)
		awk -v n="$n" -v a="$t0" -v b="$t1" -v rss="$(tail -n 1 "$tmp/noop-rss-$n")" -v jobs="$noop_jobs" 'BEGIN {
			printf "    %.1f s, %.0f source keys/s, peak RSS %.1f MiB; s3migrate jobs %.3f s\n", b - a, n / (b - a), rss / 1024, jobs
			printf "%10s %9.0f %9.1f %9s %9.3f   (s3migrate sync, nothing to copy: process start to exit)\n", n, n / (b - a), rss / 1024, "-", jobs
		}' | tee -a "$tmp/noop-summary" | head -n 1
		rm -rf "$state"
	fi
done
for pid in $server_pid $noop_pid; do
	kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
done
server_pid= noop_pid=
cat "$tmp/listserver.err"

echo
echo "keys: source keys; keys/s: plan rows committed to the journal per second; peak RSS: the plan's whole process"
echo "jobs: \`s3migrate jobs\` wall time; List, middle page, failed page: in-process, the median of 5"
printf '%10s %9s %9s %9s %9s %10s %10s %10s\n' keys keys/s "RSS MiB" "B/row" "jobs s" List "mid page" failed
cat "$summary"
if [[ -f $tmp/noop-summary ]]; then
	echo
	awk 'NR % 2 == 0' "$tmp/noop-summary"
fi
