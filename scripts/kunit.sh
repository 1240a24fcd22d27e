#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the KUnit suites of the test kernel through kunit.py under the QEMU of
# the test bed $HARNESS_BED (config/beds); the JSON goes to
# work/logs/BED/kunit.json, kunit.py's report to work/logs/BED/kunit.log and
# the kernel's console to work/logs/BED/kunit-console.log.
. "$(dirname "$0")/lib.sh"

need_tree
[ -f "$BUILD/arch/x86/boot/bzImage" ] || die "no kernel at $BUILD (run 'make build')"
qemu_args >/dev/null
mkdir -p "$BEDLOGS"
rm -f "$BEDLOGS/kunit.json" "$BEDLOGS/kunit.log" "$BEDLOGS/kunit-console.log"
banner "KUnit in bed $BED: QEMU q35 + $(qemu_args | sed -n 2p) (log: $BEDLOGS/kunit.log)"
rc=0
rm -f "$BUILD/test.log"
(cd "$LINUX" && python3 tools/testing/kunit/kunit.py exec --build_dir="$BUILD" \
	--qemu_config="$TOP/config/qemu_vtd.py" --timeout="${KUNIT_TIMEOUT:-1200}" \
	--json="$BEDLOGS/kunit.json") >"$BEDLOGS/kunit.log" 2>&1 || rc=$?
# kunit.py keeps the raw console (kernel log and QEMU's stderr) in test.log.
cp "$BUILD/test.log" "$BEDLOGS/kunit-console.log" 2>/dev/null || true
grep -E '^\[..:..:..\] (=|\[|Testing|Elapsed)' "$BEDLOGS/kunit.log" | sed 's/^/    /' | tail -n 40
[ -s "$BEDLOGS/kunit.json" ] || die "kunit.py wrote no results (exit $rc); see $BEDLOGS/kunit.log"
# kunit.py exits non-zero when a case failed: the verdict (summary.py) names
# the cases, so only a run that wrote no results fails this stage.
exit 0
