#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel under the QEMU of the test bed $HARNESS_BED
# (config/beds) with a busybox initramfs. The KUnit suites run during boot,
# then guest/tests/* in order (among them the series' selftests, built by
# scripts/selftests.sh, and last the kernel's state after all of them).
#   boot.sh [--interactive]   log: work/logs/BED/boot.log
#   boot.sh --bench           log: work/logs/BED/bench-boot.log
# --bench (make bench) runs guest/bench/run and nothing else, with the
# programs that scripts/bench.sh built in work/bench/bin. BOOT_KERNEL names
# another kernel image than the test build's.
#
# The KUnit suites of the test kernel run in this boot: their KTAP, the
# console up to the guest's first line, goes to work/logs/BED/kunit-console.log
# and, parsed by kunit.py, to work/logs/BED/kunit.json, as make kunit writes
# them. FAIL_NTH_MAX=N bounds the fail-nth selftest to the first N fault
# points of each step (make test); unset, it walks them all (make check-all).
# PROG_TIMEOUT is the seconds each guest program may run (guest/init).
. "$(dirname "$0")/lib.sh"

interactive=0
bench=0
for a in "$@"; do
	case "$a" in
	--interactive) interactive=1 ;;
	--bench) bench=1 ;;
	*) die "boot.sh: unknown option $a" ;;
	esac
done
kernel=${BOOT_KERNEL:-$BUILD/arch/x86/boot/bzImage}
[ -f "$kernel" ] || die "no kernel at $kernel (run 'make build')"
need_cmd qemu-system-x86_64 qemu-system-x86
[ -x /bin/busybox ] || die "missing /bin/busybox (run 'make setup' to install busybox-static)"

qemu_args >/dev/null
mkdir -p "$BEDLOGS"
log=$BEDLOGS/boot.log
results=$BEDLOGS/guest-results.txt
root=$BEDLOGS/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests}
cp /bin/busybox "$root/bin/busybox"
cp "$TOP/guest/init" "$root/init"
if [ "$bench" = 1 ]; then
	log=$BEDLOGS/bench-boot.log
	results=$BEDLOGS/bench-results.txt
	cp "$TOP/guest/bench/run" "$root/tests/10-bench"
	mkdir -p "$root/bench"
	cp "$WORK"/bench/bin/* "$root/bench/"
else
	cp "$TOP"/guest/tests/* "$root/tests/"
	# Selftests the series carries, built by scripts/selftests.sh.
	if [ -d "$BUILD/selftests" ]; then
		cp -a "$BUILD"/selftests/. "$root/tests/"
	fi
fi
(cd "$root" && find . | sort | cpio -o -H newc --quiet | gzip -1) >"$BEDLOGS/initramfs.cpio.gz"

mapfile -t qargs < <(qemu_args)
cmdline="$(cat "$TOP/config/kernel.cmdline") kunit.enable=1 panic=-1 harness.interactive=$interactive harness.bed=$BED"
# Words without a dot that the kernel does not know become init's environment.
cmdline="$cmdline HARNESS_PROG_TIMEOUT=${PROG_TIMEOUT:-600}"
[ -n "${FAIL_NTH_MAX:-}" ] && cmdline="$cmdline IOMMU_PASID_FAIL_NTH_MAX=$FAIL_NTH_MAX"
cmd=(qemu-system-x86_64 -nodefaults -m 2048 -no-reboot -nographic
	-kernel "$kernel" -initrd "$BEDLOGS/initramfs.cpio.gz" -append "$cmdline"
	"${qargs[@]}")
rm -f "$results" "$BEDLOGS/kunit.json" "$BEDLOGS/kunit-console.log"
qrc=0
if [ "$interactive" = 1 ]; then
	banner "bed $BED: booting (interactive; log: $log)"
	"${cmd[@]}" -serial mon:stdio | tee "$log"
else
	banner "bed $BED: booting ${kernel#"$WORK"/} with the initramfs (log: $log)"
	run_progress "$log" timeout "${BOOT_TIMEOUT:-900}" "${cmd[@]}" -serial stdio </dev/null || qrc=$?
fi
sed -n '/==== harness results begin ====/,/==== harness results end ====/p' "$log" |
	sed '1d;$d' | tr -d '\r' >"$results"
if [ "$bench" = 0 ]; then
	# The suites' KTAP: the console up to the guest's first line.
	console_head "$log" >"$BEDLOGS/kunit-console.log"
	(cd "$LINUX" && python3 tools/testing/kunit/kunit.py parse \
		--json="$BEDLOGS/kunit.json" "$BEDLOGS/kunit-console.log") >"$BEDLOGS/kunit.log" 2>&1 || true
	grep -E '^\[..:..:..\] (Testing complete|=+ (PASSED|FAILED|SKIPPED|CRASHED))' "$BEDLOGS/kunit.log" |
		sed 's/^/    /' | tail -n 1
fi
# The guest hung (timeout: 124), QEMU died, or the guest never reached the
# end of its results: the boot failed, whatever the results it printed.
if [ "$qrc" != 0 ]; then
	last=$(tr -d '\r' <"$log" | sed -n 's/.*harness: test \(\S*\)$/\1/p' | tail -n 1)
	die "bed $BED: QEMU exited with $qrc$([ "$qrc" = 124 ] && echo ' (timed out)')${last:+, last program started: $last}; see $log"
fi
grep -q '==== harness results end ====' "$log" || die "bed $BED: the guest did not finish its results; see $log"
[ -s "$results" ] || die "bed $BED: the guest printed no results; see $log"
