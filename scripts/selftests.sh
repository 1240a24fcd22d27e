#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kselftests the series adds under tools/testing/selftests/ as
# static programs for the busybox guest, into work/linux/.build/selftests/ (boot.sh
# copies them to the guest's /tests, where they run after guest/tests).
. "$(dirname "$0")/lib.sh"

need_tree
out=$BUILD/selftests
rm -rf "$out"
mkdir -p "$out"
dirs=$(git -C "$LINUX" diff --name-only --diff-filter=AM base HEAD -- 'tools/testing/selftests/*.c' |
	xargs -r -n1 dirname | sort -u)
[ -n "$dirs" ] || exit 0
banner "building the series' selftests (log: $LOGS/selftests.log)"
: >"$LOGS/selftests.log"
n=20
for d in $dirs; do
	progs=$(sed -n 's/^TEST_GEN_PROGS[[:space:]]*+\{0,1\}:\{0,1\}=//p' "$LINUX/$d/Makefile")
	[ -n "$progs" ] || die "no TEST_GEN_PROGS in $d/Makefile"
	for p in $progs; do
		run_logged "$LOGS/selftests.log" gcc -static -Wall -O2 \
			-o "$out/$n-$p" "$LINUX/$d/$p.c"
		say "$d/$p -> guest /tests/$n-$p"
		n=$((n + 1))
	done
done
