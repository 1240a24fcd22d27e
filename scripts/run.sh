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
		HARNESS_BED=$b FAIL_NTH_MAX=4 PROG_TIMEOUT=420 "$TOP/scripts/boot.sh" --interactive || rc=$?
		echo "exit $rc" >>"$STAGES/boot-$b"
	else
		# boot.sh keeps the console in its log and prints its progress (a
		# line every 30 s): let that through, on a terminal or not.
		stage "boot-$b" 12 env HARNESS_BED="$b" FAIL_NTH_MAX=4 PROG_TIMEOUT=420 BOOT_TIMEOUT=675 "$TOP/scripts/boot.sh" || true
	fi
done
banner "what the guests showed (logs in $LOGS/{$(echo $BEDS | tr ' ' ,)})"
python3 "$TOP/scripts/showcase.py" "$LOGS" $BEDS || true
exec python3 "$TOP/scripts/summary.py" --mode run --beds "$BEDS" "$LOGS"
