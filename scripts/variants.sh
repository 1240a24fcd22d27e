#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series in the configurations the test build does not cover:
#  - its KUnit suites as modules (KUNIT_ALL_TESTS=m): the kernel and the
#    modules build and modpost finds every symbol they use exported and
#    imported; a boot in bed sl loads the modules of config/modules in
#    order, each suite they carry must pass every case (no failure, no
#    skip), the test module unloads, and the kernel log has no report.
# The series without KUnit is an entry of the configuration matrix
# (config/matrix, test-nokunit).
# Writes one "ok"/"not ok" line per check to work/logs/variants-results.txt,
# then "# complete"; exits 1 if any failed.
. "$(dirname "$0")/lib.sh"

need_tree
[ -f "$BUILD/.config" ] || die "no test kernel configuration (run 'make build' first)"
VL=$LOGS/variants
RES=$LOGS/variants-results.txt
mkdir -p "$VL"
: >"$RES"

variant_config() { # DIR SCRIPTS-CONFIG-ARGS...: the test configuration, changed
	local dir=$1
	shift
	mkdir -p "$dir"
	cp "$BUILD/.config" "$dir/.config"
	"$LINUX/scripts/config" --file "$dir/.config" "$@"
	make -s -C "$LINUX" O="$dir" ARCH=x86_64 olddefconfig
}

# ---- KUnit suites as modules
MB=$LINUX/.build-mod
banner "KUNIT_ALL_TESTS=m: build the kernel and the modules (log: $VL/build-mod.log)"
variant_config "$MB" -e MODULES -e MODULE_UNLOAD -m KUNIT_ALL_TESTS \
	-m IOMMU_PASID_KUNIT_TEST -m IOMMU_PASID_SELFTEST -m INTEL_IDXD -e INTEL_IDXD_KUNIT_TEST
built=0
if run_progress "$VL/build-mod.log" make -C "$LINUX" O="$MB" ARCH=x86_64 -j"$JOBS" bzImage modules; then
	missing=""
	while read -r ko _; do
		[ -f "$MB/$ko" ] || missing="$missing $ko"
	done < <(grep -v '^#' "$TOP/config/modules" | grep .)
	if [ -z "$missing" ]; then
		result 0 "KUNIT_ALL_TESTS=m: the kernel and the test modules build, modpost clean"
		built=1
	else
		result 1 "KUNIT_ALL_TESTS=m: the test modules build" "not built:$missing"
	fi
else
	grep -m 20 -E 'ERROR|error:' "$VL/build-mod.log" | sed 's/^/      /'
	result 1 "KUNIT_ALL_TESTS=m: the kernel and the test modules build, modpost clean" \
		"log $VL/build-mod.log"
fi

if [ "$built" = 1 ]; then
	root=$VL/initramfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,mod}
	cp /bin/busybox "$root/bin/busybox"
	cp "$TOP/guest/modules-init" "$root/init"
	grep -v '^#' "$TOP/config/modules" | grep . | while read -r ko _; do
		cp "$MB/$ko" "$root/mod/"
		basename "$ko" >>"$root/mod/order"
	done
	(cd "$root" && find . | sort | cpio -o -H newc --quiet | gzip -1) >"$VL/initramfs.cpio.gz"
	mapfile -t qargs < <(HARNESS_BED=sl qemu_args)
	log=$VL/boot.log
	banner "KUNIT_ALL_TESTS=m: boot bed sl, load and unload the test modules (log: $log)"
	qrc=0
	run_progress "$log" timeout 600 qemu-system-x86_64 -nodefaults -m 2048 -no-reboot \
		-nographic -kernel "$MB/arch/x86/boot/bzImage" -initrd "$VL/initramfs.cpio.gz" \
		-append "$(cat "$TOP/config/kernel.cmdline") panic=-1" "${qargs[@]}" \
		-serial stdio </dev/null || qrc=$?
	tr -d '\r' <"$log" >"$log.txt"
	if [ "$qrc" != 0 ] || ! grep -q '^modules: done' "$log.txt"; then
		result 1 "KUNIT_ALL_TESTS=m: the guest loads and unloads the test modules" \
			"QEMU exit $qrc, no end marker; log $log"
	else
		result 0 "KUNIT_ALL_TESTS=m: the guest loads and unloads the test modules"
		while read -r ko suites; do
			for s in $suites; do
				[ "$s" = - ] && continue
				# The suite's result and the totals line KUnit prints
				# before it, the last time it ran: every case and
				# parameter passed, none failed or skipped.
				res=$(awk -v s="$s" '/^# Totals: /{ t = $0 }
					$0 ~ "^(not )?ok [0-9]+ " s "$" { r = $0 "|" t }
					END { print r }' "$log.txt")
				tot=${res#*|}
				if [ "${res%% *}" = ok ] &&
					echo "$tot" | grep -qE 'pass:([1-9][0-9]*) fail:0 skip:0 total:\1$'; then
					result 0 "KUNIT_ALL_TESTS=m: $s passes from $(basename "$ko") (${tot#*: })"
				else
					result 1 "KUNIT_ALL_TESTS=m: $s passes from $(basename "$ko")" \
						"${res:-no result}; log $log"
				fi
			done
		done < <(grep -v '^#' "$TOP/config/modules" | grep .)
		if grep -q '^modules: rmmod iommu_pasid_test rc=0$' "$log.txt"; then
			result 0 "KUNIT_ALL_TESTS=m: the PASID test module unloads"
		else
			result 1 "KUNIT_ALL_TESTS=m: the PASID test module unloads" "log $log"
		fi
		if python3 "$TOP/scripts/scan-log.py" "$log.txt" >"$VL/scan.txt" 2>&1; then
			result 0 "KUNIT_ALL_TESTS=m: no report in the kernel log"
		else
			head -n 20 "$VL/scan.txt" | sed 's/^/      /'
			result 1 "KUNIT_ALL_TESTS=m: no report in the kernel log" "log $log"
		fi
	fi
fi

echo "# complete" >>"$RES"
! grep -q '^not ok' "$RES"
