#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: setup, build, then in each test bed (config/beds) KUnit under
# QEMU and the guest tests, then the static checks, the configuration
# variants (KUnit suites as modules, no KUnit) and the harness's own tests.
# Every stage runs even when an earlier test failed (a failed setup or build
# stops it), under a time limit, and leaves its exit status in
# work/logs/stages/NAME; the verdict (scripts/summary.py) holds each stage
# and each test against config/manifest/BED. The last line is
# "N passed, N failed".
. "$(dirname "$0")/lib.sh"

new_run

verdict() {
	banner "make test: results (logs in $LOGS)"
	exec python3 "$TOP/scripts/summary.py" --mode test --beds "$BEDS" "$LOGS"
}

stage setup 20 "$TOP/scripts/setup.sh" || verdict
stage build 60 "$TOP/scripts/build.sh" || verdict
for b in $BEDS; do
	stage "kunit-$b" 20 env HARNESS_BED="$b" "$TOP/scripts/kunit.sh" || true
	stage "boot-$b" 40 env HARNESS_BED="$b" BOOT_TIMEOUT=2280 "$TOP/scripts/boot.sh" || true
done
stage check 40 "$TOP/scripts/check.sh" || true
stage variants 30 "$TOP/scripts/variants.sh" || true
stage harness-test 5 "$TOP/scripts/harness-test.py" || true
verdict
