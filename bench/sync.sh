#!/usr/bin/env bash
# bench/sync.sh — what users run, timed from start to exit: the built
# `s3migrate sync` at its default flags against a plain AWS SDK for Go v2
# CopyObject loop (bench/tools/sdkloop) at the same concurrency, on the same
# embedded sandbox server, in the same run; plus `rclone sync` and
# `aws s3 sync` when they are installed. See bench/README.md.
#
#   bash bench/sync.sh                        # 3,000 and 30,000 objects, 2 ABBA rounds
#   OBJECTS=3000 ROUNDS=1 bash bench/sync.sh  # a quick run
#
# Environment:
#   OBJECTS        object counts to measure, one seeded prefix each ("3000 30000")
#   ROUNDS         ABBA rounds: round 1 runs the tools in order (loop, s3migrate,
#                  rclone, aws), round 2 in reverse, and so on (2); medians are reported
#   S3MIGRATE_SRC  module root to build from (default: this script's parent directory)
#   SANDBOX_ADDR   loopback host:port for the sandbox (default: a free port it picks)
#   RCLONE, AWS_CLI  the rclone / aws commands (default: from PATH; skipped when
#                  absent or set to "none")
#   KEEP_TMP=1     keep the temporary directory (logs, sandbox data) for a look afterwards
#   NOVERIFY=1     also time `s3migrate sync --no-verify` (not a default: it shows
#                  what the verification pass after the copy costs)
#
# Every run copies into a fresh destination prefix, and is then checked (not
# timed): the destination must hold exactly the seeded keys with the same
# sizes and ETags. A tool that fails is reported, and left out of the rest.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "${S3MIGRATE_SRC:-$here/..}" && pwd)
objects=${OBJECTS:-3000 30000}
rounds=${ROUNDS:-2}
[[ -f $src/go.mod ]] || { echo "sync.sh: no go.mod in $src (set S3MIGRATE_SRC to the module root)" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "sync.sh: ROUNDS=$rounds: want a positive number" >&2; exit 2; }
for n in $objects; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "sync.sh: OBJECTS: $n is not a positive number" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/s3migrate-bench.XXXXXX")
bin=$tmp/bin
sandbox_pid=
cleanup() {
	if [[ -n $sandbox_pid ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
		kill "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
	fi
	if [[ ${KEEP_TMP:-} == 1 ]]; then
		echo "kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Nothing from the caller's AWS environment may change which identity or
# endpoint a tool uses: the sandbox's config pair below is the only source.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
export XDG_STATE_HOME=$tmp/state # s3migrate's journals
export AWS_PAGER=""

echo "building s3migrate and the bench tools from $src"
(cd "$src" && go build -o "$bin/s3migrate" . &&
	go build -o "$bin/" ./bench/tools/seed ./bench/tools/sdkloop ./bench/tools/check ./bench/tools/maxrss ./bench/tools/etacheck)

# The loop runs at s3migrate's own default concurrency, read from its help, so
# the two stay equal if that default changes.
conc=$("$bin/s3migrate" sync --help 2>&1 | sed -n '/-concurrency/{n;s/.*(default \([0-9]*\)).*/\1/p;}' || true)
conc=${conc:-32}

# --- optional tools ----------------------------------------------------------
rclone=${RCLONE:-$(command -v rclone || true)}
aws=${AWS_CLI:-$(command -v aws || true)}
[[ $rclone == none ]] && rclone=
[[ $aws == none ]] && aws=
if [[ $aws == */.pyenv/shims/* ]] && command -v pyenv >/dev/null; then
	# pyenv's shim re-resolves the interpreter on every call (~0.1 s); time aws itself.
	aws=$(pyenv which aws 2>/dev/null || echo "$aws")
fi
tools=(loop s3migrate)
[[ ${NOVERIFY:-} == 1 ]] && tools+=(s3migrate-noverify)
if [[ -n $rclone ]]; then tools+=(rclone); else echo "rclone not installed: skipped (apt-get install rclone)"; fi
if [[ -n $aws ]]; then tools+=(aws); else echo "aws not installed: skipped (apt-get install awscli)"; fi

# --- the sandbox ---------------------------------------------------------------
addr=()
[[ -n ${SANDBOX_ADDR:-} ]] && addr=(--addr "$SANDBOX_ADDR")
"$bin/s3migrate" sandbox --dir "$tmp/sandbox" --seed none "${addr[@]}" >"$tmp/sandbox.out" 2>"$tmp/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 300); do
	grep -q '^export AWS_SHARED_CREDENTIALS_FILE=' "$tmp/sandbox.out" && break
	kill -0 "$sandbox_pid" 2>/dev/null || { cat "$tmp/sandbox.err" >&2; echo "sync.sh: the sandbox did not start" >&2; exit 1; }
	sleep 0.1
done
grep -q '^export AWS_SHARED_CREDENTIALS_FILE=' "$tmp/sandbox.out" || { echo "sync.sh: the sandbox did not start within 30s" >&2; exit 1; }
AWS_CONFIG_FILE=$(sed -n 's/^export AWS_CONFIG_FILE=//p' "$tmp/sandbox.out")
AWS_SHARED_CREDENTIALS_FILE=$(sed -n 's/^export AWS_SHARED_CREDENTIALS_FILE=//p' "$tmp/sandbox.out")
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
endpoint=$(awk '$1 == "endpoint_url" { print $3; exit }' "$AWS_CONFIG_FILE")
origin=origin-data dest=dest-archive # the buckets the sandbox creates
src_profile=sandbox-origin dst_profile=sandbox-dest

# rclone: two remotes on the same endpoint, each with its side's identity, as
# s3migrate uses them. Without --server-side-across-configs rclone would
# download and upload every object between two remotes instead of copying.
cat >"$tmp/rclone.conf" <<EOF
[origin]
type = s3
provider = Other
env_auth = true
shared_credentials_file = $AWS_SHARED_CREDENTIALS_FILE
profile = $src_profile
endpoint = $endpoint
region = us-east-1

[dest]
type = s3
provider = Other
env_auth = true
shared_credentials_file = $AWS_SHARED_CREDENTIALS_FILE
profile = $dst_profile
endpoint = $endpoint
region = us-east-1
EOF

# --- running and timing one tool -----------------------------------------------
# command_for TOOL SRCPREFIX DSTPREFIX sets cmd to the command a user would type.
command_for() {
	local sp=$2 dp=$3
	case $1 in
	loop) cmd=("$bin/sdkloop" -profile "$dst_profile" -concurrency "$conc" "s3://$origin/$sp" "s3://$dest/$dp") ;;
	s3migrate) cmd=("$bin/s3migrate" sync "s3://$origin/$sp" "s3://$dest/$dp"
		--source-profile "$src_profile" --dest-profile "$dst_profile" --progress none) ;;
	s3migrate-noverify) command_for s3migrate "$2" "$3" && cmd+=(--no-verify) ;;
	# rclone's AWS SDK (v1) refuses AWS_CA_BUNDLE with rclone's own HTTP
	# transport ("LoadCustomCABundleError: … unsupported transport"); the
	# sandbox is plain HTTP, so the bundle is not needed.
	rclone) cmd=(env -u AWS_CA_BUNDLE "$rclone" --config "$tmp/rclone.conf" sync
		"origin:$origin/${sp%/}" "dest:$dest/${dp%/}" --transfers 64 --server-side-across-configs) ;;
	# --endpoint-url: aws-cli v2 before 2.13 ignores endpoint_url in a profile.
	aws) cmd=("$aws" s3 sync "s3://$origin/$sp" "s3://$dest/$dp" --profile "$dst_profile" --endpoint-url "$endpoint") ;;
	esac
}

# Peak RSS: /usr/bin/time where installed, else the tiny Go wrapper.
if [[ -x /usr/bin/time ]]; then
	rss_wrap=(/usr/bin/time -f %M -o "$tmp/rss")
else
	rss_wrap=("$bin/maxrss" -o "$tmp/rss" --)
fi

results=$tmp/results # lines: N LABEL SECONDS RSS_KIB
touch "$results"
mkdir -p "$tmp/logs"
declare -A failed=()

# timed TOOL N LABEL SRCPREFIX DSTPREFIX runs the tool once, from process
# start to exit, and appends a result line.
timed() {
	local tool=$1 n=$2 label=$3 log=$tmp/logs/$3-$2-$RANDOM.log t0 t1 rc=0 secs rss cmd
	command_for "$tool" "$4" "$5"
	sync # flush the previous run's writes outside the timed part
	t0=${EPOCHREALTIME/,/.}
	"${rss_wrap[@]}" "${cmd[@]}" </dev/null >"$log" 2>&1 || rc=$?
	t1=${EPOCHREALTIME/,/.}
	if ((rc != 0)); then
		echo "  $tool failed (exit $rc); the end of its output:" >&2
		tail -n 5 "$log" | sed 's/^/    /' >&2
		return 1
	fi
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	rss=$(tail -n 1 "$tmp/rss")
	echo "$n $label $secs $rss" >>"$results"
	awk -v l="$label" -v n="$n" -v s="$secs" -v k="$rss" -v r="${round:-}" \
		'BEGIN { printf "  %-3s %-18s %8.2f s %8s obj/s %7.1f MiB peak RSS\n", r, l, s, l == "noop" ? "-" : sprintf("%.0f", n / s), k / 1024 }'
}

check() { # check SRCPREFIX DSTPREFIX [-delete]: the copy is complete and correct
	"$bin/check" -src-profile "$src_profile" -dst-profile "$dst_profile" ${3:-} "s3://$origin/$1" "s3://$dest/$2" >/dev/null
}

echo "s3migrate $(git -C "$src" describe --always --dirty 2>/dev/null || echo '?'), go $(go env GOVERSION), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "loop and s3migrate at concurrency $conc; rclone --transfers 64; aws at its default (10 requests)"
[[ -n $rclone ]] && echo "rclone: $("$rclone" version 2>/dev/null | head -n 1)"
[[ -n $aws ]] && echo "aws: $("$aws" --version 2>&1 | head -n 1)"
echo "sandbox at $endpoint, data in $tmp"

for n in $objects; do
	sp=bench-$n/
	echo
	echo "== $n objects (1–16 KiB) =="
	t0=${EPOCHREALTIME/,/.}
	"$bin/seed" -profile "$src_profile" -n "$n" "s3://$origin/$sp"
	echo "  seeded s3://$origin/$sp in $(awk -v a="$t0" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f", b - a }') s"
	# The cross-account grant every tool relies on: the destination identity
	# reads the origin prefix (CopyObject runs as the destination).
	"$bin/s3migrate" policy "s3://$origin/$sp" --grantee-profile "$dst_profile" \
		--source-profile "$src_profile" --apply --yes >"$tmp/policy-$n.log" 2>&1 ||
		{ cat "$tmp/policy-$n.log" >&2; exit 1; }

	kept=() # s3migrate destinations, kept for the no-op re-run
	for ((r = 1; r <= rounds; r++)); do
		round=r$r
		order=("${tools[@]}")
		if ((r % 2 == 0)); then # ABBA: every other round in reverse
			order=()
			for ((i = ${#tools[@]} - 1; i >= 0; i--)); do order+=("${tools[i]}"); done
		fi
		for tool in "${order[@]}"; do
			[[ -n ${failed[$tool]:-} ]] && continue
			dp=n$n-r$r-$tool/
			if ! timed "$tool" "$n" "$tool" "$sp" "$dp"; then
				[[ $tool == loop || $tool == s3migrate ]] && exit 1
				failed[$tool]=1
				continue
			fi
			if [[ $tool == s3migrate ]]; then
				check "$sp" "$dp" && kept+=("$dp")
			else
				check "$sp" "$dp" -delete
			fi || {
				echo "  $tool: the destination does not match the source (above); left out from now on" >&2
				[[ $tool == loop || $tool == s3migrate ]] && exit 1
				failed[$tool]=1
				sed -i "/^$n $tool /d" "$results"
			}
		done
	done
	# The re-run users do after a finished migration: nothing to copy.
	round=
	timed s3migrate "$n" noop "$sp" "${kept[-1]}"
	for dp in "${kept[@]}"; do check "$sp" "$dp" -delete; done
	# How honest the progress display is (not timed against the others): when
	# the exact total and the ETA are known, and the ETA at half-way against
	# the time the copy really took from there.
	dp=n$n-eta/
	"$bin/s3migrate" sync "s3://$origin/$sp" "s3://$dest/$dp" --source-profile "$src_profile" \
		--dest-profile "$dst_profile" --progress json 2>"$tmp/eta-$n.err" | "$bin/etacheck" >"$tmp/eta-$n.txt" ||
		{ cat "$tmp/eta-$n.err" >&2; echo "sync.sh: the ETA run failed" >&2; }
	check "$sp" "$dp" -delete
done

# --- the table -----------------------------------------------------------------
echo
for n in $objects; do
	[[ -f $tmp/eta-$n.txt ]] && sed "s/^/$n objects: /" "$tmp/eta-$n.txt"
done
# median FILTER: the median of the seconds of the result lines awk selects.
median() {
	awk "$1 { print \$3 }" "$results" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'
}
echo
echo "Medians of $rounds round(s); wall seconds from process start to exit; one sandbox, one run."
echo "vs loop: objects/s relative to the SDK loop measured in the same run (above 1: faster)."
printf '%7s  %-30s %4s %9s %8s %7s %14s\n' objects tool runs "median s" "obj/s" "vs loop" "peak RSS"
for n in $objects; do
	loop=$(median "\$1 == $n && \$2 == \"loop\"")
	for label in "${tools[@]}" noop; do
		case $label in
		loop) name="SDK CopyObject loop, c=$conc" ;;
		s3migrate) name="s3migrate sync" ;;
		s3migrate-noverify) name="s3migrate sync --no-verify" ;;
		rclone) name="rclone sync --transfers 64" ;;
		aws) name="aws s3 sync" ;;
		noop) name="s3migrate sync, no-op re-run" ;;
		esac
		med=$(median "\$1 == $n && \$2 == \"$label\"")
		if [[ -z $med ]]; then
			printf '%7s  %-30s %4s %9s\n' "$n" "$name" 0 failed
			continue
		fi
		awk -v n="$n" -v name="$name" -v label="$label" -v med="$med" -v loop="$loop" '
			$1 == n && $2 == label { runs++; if ($4 > rss) rss = $4 }
			END {
				rate = label == "noop" ? "-" : sprintf("%.0f", n / med)
				ratio = label == "noop" || loop == "" ? "-" : sprintf("%.2f", loop / med)
				printf "%7s  %-30s %4d %9.2f %8s %7s %10.1f MiB\n", n, name, runs, med, rate, ratio, rss / 1024
			}' "$results"
	done
done
