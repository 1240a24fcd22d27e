#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: boot the patched kernel in each test bed (config/beds): the
# KUnit suites run during boot, then the guest tests and selftests; print a
# short table of what they showed, each line with its evidence, and the
# verdict. On a terminal, the last bed leaves you at a shell in the guest.
. "$(dirname "$0")/lib.sh"

new_run
# make run's build ran before this script (Makefile): record it.
echo "start 0" >"$STAGES/build"
echo "exit 0" >>"$STAGES/build"
last=$(echo $BEDS | awk '{ print $NF }')
for b in $BEDS; do
	if [ "$b" = "$last" ] && [ -t 0 ] && [ -t 1 ]; then
		echo "start $(date +%s)" >"$STAGES/boot-$b"
		rc=0
		HARNESS_BED=$b "$TOP/scripts/boot.sh" --interactive || rc=$?
		echo "exit $rc" >>"$STAGES/boot-$b"
	else
		stage "boot-$b" 40 env HARNESS_BED="$b" BOOT_TIMEOUT=2280 "$TOP/scripts/boot.sh" >/dev/null || true
	fi
done
banner "what the guests showed (logs in $LOGS/{$(echo $BEDS | tr ' ' ,)})"
python3 "$TOP/scripts/showcase.py" "$LOGS" $BEDS || true
exec python3 "$TOP/scripts/summary.py" --mode run --beds "$BEDS" "$LOGS"
