#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the KUnit suites of the test kernel through kunit.py under the test
# bed's QEMU; the JSON goes to work/logs/kunit.json, kunit.py's report to
# work/logs/kunit.log and the kernel's console to work/logs/kunit-console.log.
. "$(dirname "$0")/lib.sh"

need_tree
[ -f "$BUILD/arch/x86/boot/bzImage" ] || die "no kernel at $BUILD (run 'make build')"
banner "KUnit under QEMU q35 + intel-iommu (log: $LOGS/kunit.log)"
rc=0
rm -f "$BUILD/test.log"
(cd "$LINUX" && python3 tools/testing/kunit/kunit.py exec --build_dir="$BUILD" \
	--qemu_config="$TOP/config/qemu_vtd.py" --timeout="${KUNIT_TIMEOUT:-1200}" \
	--json="$LOGS/kunit.json") >"$LOGS/kunit.log" 2>&1 || rc=$?
# kunit.py keeps the raw console (kernel log and QEMU's stderr) in test.log.
cp "$BUILD/test.log" "$LOGS/kunit-console.log" 2>/dev/null || true
grep -E '^\[..:..:..\] (=|\[|Testing|Elapsed)' "$LOGS/kunit.log" | sed 's/^/    /' | tail -n 40
[ -s "$LOGS/kunit.json" ] || die "kunit.py wrote no results (exit $rc); see $LOGS/kunit.log"
exit 0
