#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel under the test bed's QEMU with a busybox initramfs
# that runs guest/tests/* (and the series' selftests, when built).
#   boot.sh [--demo] [--interactive]   log: work/logs/boot.log
#   boot.sh --bench                     log: work/logs/bench-boot.log
# --demo (make run) also runs the KUnit suites in this boot and the
# demonstration in guest/demo, which shows what they did. --bench (make
# bench) runs guest/bench/run and nothing else, with the programs that
# scripts/bench.sh built in work/bench/bin. BOOT_KERNEL names another
# kernel image than the test build's.
. "$(dirname "$0")/lib.sh"

interactive=0
demo=0
bench=0
for a in "$@"; do
	case "$a" in
	--interactive) interactive=1 ;;
	--demo) demo=1 ;;
	--bench) bench=1 ;;
	*) die "boot.sh: unknown option $a" ;;
	esac
done
kernel=${BOOT_KERNEL:-$BUILD/arch/x86/boot/bzImage}
[ -f "$kernel" ] || die "no kernel at $kernel (run 'make build')"
need_cmd qemu-system-x86_64 qemu-system-x86
[ -x /bin/busybox ] || die "missing /bin/busybox (run 'make setup' to install busybox-static)"

log=$LOGS/boot.log
results=$LOGS/guest-results.txt
root=$WORK/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests}
cp /bin/busybox "$root/bin/busybox"
cp "$TOP/guest/init" "$root/init"
if [ "$bench" = 1 ]; then
	log=$LOGS/bench-boot.log
	results=$LOGS/bench-results.txt
	cp "$TOP/guest/bench/run" "$root/tests/10-bench"
	mkdir -p "$root/bench"
	cp "$WORK"/bench/bin/* "$root/bench/"
else
	cp "$TOP"/guest/tests/* "$root/tests/"
	[ "$demo" = 1 ] && cp "$TOP"/guest/demo/* "$root/tests/"
	# Selftests the series carries, built by scripts/selftests.sh.
	if [ -d "$WORK/selftests" ]; then
		cp -a "$WORK"/selftests/. "$root/tests/"
	fi
fi
(cd "$root" && find . | sort | cpio -o -H newc --quiet | gzip -1) >"$WORK/initramfs.cpio.gz"

mapfile -t qargs < <(grep -v '^#' "$TOP/config/qemu.args")
cmdline="$(cat "$TOP/config/kernel.cmdline") kunit.enable=$demo panic=-1 harness.interactive=$interactive"
cmd=(qemu-system-x86_64 -nodefaults -m 2048 -no-reboot -nographic
	-kernel "$kernel" -initrd "$WORK/initramfs.cpio.gz" -append "$cmdline"
	"${qargs[@]}")
mkdir -p "$LOGS"
if [ "$interactive" = 1 ]; then
	banner "booting (interactive; log: $log)"
	"${cmd[@]}" -serial mon:stdio | tee "$log"
else
	banner "booting ${kernel#"$WORK"/} with the initramfs (log: $log)"
	run_progress "$log" timeout "${BOOT_TIMEOUT:-900}" "${cmd[@]}" -serial stdio </dev/null ||
		say "qemu exited with $? (timeout or crash); see $log"
fi
sed -n '/==== harness results begin ====/,/==== harness results end ====/p' "$log" |
	sed '1d;$d' | tr -d '\r' >"$results"
[ -s "$results" ] || die "the guest printed no results; see $log"
