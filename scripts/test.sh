#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test (test.sh) and make check-all (test.sh all).
#
# make test: setup, build, one boot per test bed (config/beds) in which the
# KUnit suites run and then the guest tests (the fail-nth selftest bounded to
# the first FAIL_NTH_MAX fault points of each step), the static checks of
# HEAD against base, the configuration matrix and the harness's own tests.
# make check-all adds what only matters before a new version of the series
# is exported: the fail-nth selftest walked exhaustively in every bed, every
# prefix of the series built on its own, and the variants (the KUnit suites
# as modules).
#
# Every stage runs even when an earlier test failed (a failed setup or build
# stops it), under a time limit, and leaves its exit status in
# work/logs/stages/NAME; the verdict (scripts/summary.py) holds each stage
# and each test against config/manifest/BED. The last line is
# "N passed, N failed".
. "$(dirname "$0")/lib.sh"

mode=${1:-test}
case "$mode" in
test | all) ;;
*) die "test.sh: unknown mode '$mode' (test or all)" ;;
esac

new_run

verdict() {
	banner "make $([ "$mode" = all ] && echo check-all || echo test): results (logs in $LOGS)"
	exec python3 "$TOP/scripts/summary.py" --mode "$mode" --beds "$BEDS" "$LOGS"
}

# What the tree under test is: the verdict fails unless it is patches/ as
# setup applied it, with nothing committed or changed on top.
tree_state() {
	local ah=none ahash=none
	[ -f "$WORK/series.stamp" ] && read -r ah ahash <"$WORK/series.stamp"
	echo "patches $(series_hash)"
	echo "applied $ahash"
	echo "head $(git -C "$LINUX" rev-parse HEAD 2>/dev/null || echo none)"
	echo "applied-head $ah"
	echo "dirty $(git -C "$LINUX" status --porcelain --untracked-files=no 2>/dev/null | wc -l)"
	if [ -f "$WORK/base-used" ]; then
		echo "base $(cat "$WORK/base-used")"
	else
		echo "base $BASE_PACKAGE $(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null)"
	fi
}

if [ "$mode" = all ]; then
	failnth= prog_limit=1500 boot_limit=40 check_prefixes=1
else
	failnth=${FAIL_NTH_MAX:-4} prog_limit=420 boot_limit=10 check_prefixes=0
fi

# Stage limits (minutes): 76 in all for make test, so that a hang still
# gives a verdict inside CI's 90.
stage setup 8 "$TOP/scripts/setup.sh" || verdict
tree_state >"$LOGS/tree-state"
stage build 22 "$TOP/scripts/build.sh" || verdict
for b in $BEDS; do
	stage "boot-$b" "$boot_limit" env HARNESS_BED="$b" FAIL_NTH_MAX="$failnth" \
		PROG_TIMEOUT="$prog_limit" BOOT_TIMEOUT=$((boot_limit * 60 - 45)) \
		"$TOP/scripts/boot.sh" || true
done
stage check "$([ "$mode" = all ] && echo 50 || echo 12)" \
	env CHECK_PREFIXES="$check_prefixes" "$TOP/scripts/check.sh" || true
stage matrix 12 "$TOP/scripts/matrix.sh" || true
if [ "$mode" = all ]; then
	stage variants 30 "$TOP/scripts/variants.sh" || true
fi
stage harness-test 2 "$TOP/scripts/harness-test.py" || true
verdict
