#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the KUnit suites of the test kernel through kunit.py under the test
# bed's QEMU; the JSON goes to work/logs/kunit.json, the console to
# work/logs/kunit.log.
. "$(dirname "$0")/lib.sh"

need_tree
[ -f "$BUILD/arch/x86/boot/bzImage" ] || die "no kernel at $BUILD (run 'make build')"
banner "KUnit under QEMU q35 + intel-iommu (log: $LOGS/kunit.log)"
rc=0
(cd "$LINUX" && python3 tools/testing/kunit/kunit.py exec --build_dir="$BUILD" \
	--qemu_config="$TOP/config/qemu_vtd.py" --timeout="${KUNIT_TIMEOUT:-1200}" \
	--json="$LOGS/kunit.json") >"$LOGS/kunit.log" 2>&1 || rc=$?
grep -E '^\[..:..:..\] (=|\[|Testing|Elapsed)' "$LOGS/kunit.log" | sed 's/^/    /' | tail -n 40
[ -s "$LOGS/kunit.json" ] || die "kunit.py wrote no results (exit $rc); see $LOGS/kunit.log"
exit 0
