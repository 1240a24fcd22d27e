# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness scripts. Source it; do not run it.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$TOP/work}
LINUX=${LINUX:-$WORK/linux}
# Build directories sit inside their source trees (hidden, so git ignores
# them): the kernel then uses srctree=.. and the compiler command lines do
# not depend on where the tree is, so ccache shares objects between the
# test build and the per-prefix builds of make check.
BUILD=$LINUX/.build
LOGS=${LOGS:-$WORK/logs}
# The test bed: which VT-d the QEMU boots emulate (config/beds); every boot
# of one bed writes its logs under $LOGS/$BED.
BED=${HARNESS_BED:-sl}
export HARNESS_BED=$BED
BEDS=$(awk '!/^#/ && NF { print $1 }' "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/config/beds")
BEDLOGS=$LOGS/$BED
JOBS=${JOBS:-$(nproc)}
# shellcheck source=../config/base.env
. "$TOP/config/base.env"

export CCACHE_DIR=$WORK/ccache
export CCACHE_BASEDIR=$WORK
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Debian's python3 (with python3-ply for checkpatch's spdxcheck) before any other.
export PATH=/usr/lib/ccache:/usr/bin:$PATH
# Reproducible builds: the same tree gives the same objects, so ccache hits.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=harness

T0=${HARNESS_T0:-$(date +%s)}
export HARNESS_T0=$T0

# The console of a boot up to the guest's first line (the KTAP of the KUnit
# suites), without carriage returns. One sed that reads the file itself: a
# pipe into a sed that stops early kills its writer with SIGPIPE once the
# rest of the log outgrows the pipe, and pipefail makes that a failure.
console_head() {
	sed -e 's/\r//g' -e '/harness: guest up/q' "$1"
}

elapsed() {
	local s=$(($(date +%s) - T0))
	printf '%d:%02d' $((s / 60)) $((s % 60))
}

banner() {
	printf '\n==> [%s] %s\n' "$(elapsed)" "$*"
}

say() {
	printf '    %s\n' "$*"
}

die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# run_progress LOG CMD...: run CMD with its output in LOG, print a progress
# line every 30 seconds, return its exit status.
run_progress() {
	local log=$1 pid rc=0 n=0
	shift
	mkdir -p "$(dirname "$log")"
	"$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
		if [ $((n % 30)) -eq 0 ]; then
			say "[$(elapsed)] ... $(tail -n 1 "$log" | cut -c1-100)"
		fi
	done
	wait "$pid" || rc=$?
	return "$rc"
}

# run_logged LOG CMD...: run_progress, and stop naming the log on failure.
run_logged() {
	local log=$1 rc=0
	run_progress "$@" || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 25 "$log" >&2
		shift
		die "'$*' failed (exit $rc); full log: $log"
	fi
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get installs packages); run it with sudo"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || die "missing command '$1' (run 'make setup' to install $2)"
}

# need_space DIR GIB: fail early when the disk cannot take a kernel build.
need_space() {
	local dir=$1 gib=$2 avail
	mkdir -p "$dir"
	avail=$(df -Pk "$dir" | awk 'NR == 2 { print int($4 / 1048576) }')
	[ "$avail" -ge "$gib" ] || die "not enough disk space in $dir: ${avail} GiB free, ${gib} GiB needed"
}

need_tree() {
	[ -e "$LINUX/.git" ] || die "no kernel work tree at $LINUX (run 'make setup')"
}

# Identity used for commits in the work tree: the project repository's own.
git_identity() {
	GIT_NAME=$(git -C "$TOP" config user.name || true)
	GIT_EMAIL=$(git -C "$TOP" config user.email || true)
	# Where git has none, the harness's own commits still need one.
	GIT_NAME=${GIT_NAME:-Harness}
	GIT_EMAIL=${GIT_EMAIL:-harness@localhost}
}

series_hash() {
	find "$TOP/patches" -maxdepth 1 -name '*.patch' -print0 | sort -z |
		xargs -0 -r cat | sha256sum | cut -d' ' -f1
}

# qemu_args: the QEMU arguments of the current bed, one a line: the shared
# ones (config/qemu.args) and the bed's VT-d (config/beds).
qemu_args() {
	local dev
	dev=$(awk -v b="$BED" '!/^#/ && $1 == b { print $2 }' "$TOP/config/beds")
	[ -n "$dev" ] || die "unknown test bed '$BED' (config/beds has: $(echo $BEDS))"
	# The IOMMU first: QEMU wants it created before the PCI devices.
	printf '%s\n' -device "$dev"
	grep -v '^#' "$TOP/config/qemu.args"
}

# result 0|1 NAME [DETAIL]: one check's verdict, as a line of the results
# file $RES (make check, make variants) and on the terminal.
result() { # result 0|1 NAME [DETAIL]
	if [ "$1" = 0 ]; then
		echo "ok - $2" >>"$RES"
		say "ok: $2"
	else
		echo "not ok - $2${3:+ ($3)}" >>"$RES"
		say "FAILED: $2${3:+ ($3)}"
	fi
}

# new_run: forget the stages and results of the last make test or make run.
STAGES=$LOGS/stages
new_run() {
	local b
	mkdir -p "$LOGS"
	rm -rf "$STAGES" "$LOGS/check-results.txt" "$LOGS/variants-results.txt" "$LOGS/variants"
	for b in $BEDS; do rm -rf "${LOGS:?}/$b"; done
	mkdir -p "$STAGES"
}

# stage NAME MINUTES CMD...: run CMD (output to the terminal and to
# work/logs/NAME.log), killed after MINUTES; record that it started and how
# it ended. A stage killed with the harness leaves no "exit" line, which
# the verdict reports as a stage that did not finish.
stage() {
	local name=$1 limit=$2 rc=0
	shift 2
	mkdir -p "$STAGES"
	echo "start $(date +%s)" >"$STAGES/$name"
	set +e
	timeout --kill-after=30 "${limit}m" "$@" 2>&1 | tee "$LOGS/$name.log"
	rc=${PIPESTATUS[0]}
	set -e
	echo "exit $rc" >>"$STAGES/$name"
	return "$rc"
}

