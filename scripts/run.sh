#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: boot the patched kernel with the initramfs, run the guest tests
# and the demonstration, print what they showed. On a terminal, stay at a
# shell in the guest; otherwise exit with the result.
. "$(dirname "$0")/lib.sh"

rm -f "$LOGS/kunit.json" "$LOGS/kunit.log" "$LOGS/kunit-console.log" "$LOGS/check-results.txt"
if [ -t 0 ] && [ -t 1 ]; then
	"$TOP/scripts/boot.sh" --demo --interactive
else
	"$TOP/scripts/boot.sh" --demo
	banner "what the guest showed"
	sed 's/^/    /' "$LOGS/guest-results.txt"
fi
exec python3 "$TOP/scripts/summary.py" "$LOGS"
