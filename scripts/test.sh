#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: setup, build, KUnit under QEMU, the guest tests, static checks.
# Every stage runs even when an earlier test failed (a failed build stops
# it); the last line is "N passed, N failed".
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/setup.sh"
"$TOP/scripts/build.sh"
rm -f "$LOGS"/kunit.json "$LOGS"/kunit.log "$LOGS"/kunit-console.log "$LOGS"/boot.log "$LOGS"/guest-results.txt \
	"$LOGS"/check-results.txt
"$TOP/scripts/kunit.sh" || true
"$TOP/scripts/boot.sh" || true
"$TOP/scripts/check.sh" || true
banner "make test: results (logs in $LOGS)"
exec python3 "$TOP/scripts/summary.py" "$LOGS"
