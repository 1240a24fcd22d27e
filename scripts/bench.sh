#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: what a PASID attachment costs the DMA API, measured in one
# boot of a kernel built for it (after make build, from the test kernel's
# configuration without its debugging options): the kernel's DMA map benchmark
# on edu with 0, 1, 4 and 16 PASIDs attached, strict and with a flush queue,
# and the PASID API with 1 to 4094 PASIDs in use. Writes bench/RESULTS.md,
# bench/BED/{RESULTS.md,results.csv,bench.png} for each bed, and
# bench/RESULTS.md with the beds side by side; fails on a failed step or a
# kernel splat, never on a timing.
#
#   bench.sh [BED...]    the beds to measure (default: every bed of
#                        config/beds; make bench BED=fl passes one)
. "$(dirname "$0")/lib.sh"

beds=${*:-$BEDS}
for b in $beds; do
	grep -Eq "^$b[[:space:]]" "$TOP/config/beds" || die "unknown test bed '$b' (config/beds has: $(echo $BEDS))"
done

need_tree
need_cmd gnuplot gnuplot-nox
[ -f "$BUILD/.config" ] || die "no test kernel configuration (run 'make build')"

# The benchmark kernel: the test kernel's configuration without the
# debugging that slows every path (lockdep, KASAN, kmemleak, DMA-API
# debugging, fault injection), so that what a PASID adds is not drowned in
# it. Its build directory sits in the tree, like the test build's.
BB=$LINUX/.build-bench
mkdir -p "$BB"
cp "$BUILD/.config" "$BB/.config.new"
"$LINUX/scripts/config" --file "$BB/.config.new" \
	--disable PROVE_LOCKING --disable DEBUG_LOCK_ALLOC --disable KASAN \
	--disable DEBUG_KMEMLEAK --disable DMA_API_DEBUG --disable DEBUG_ATOMIC_SLEEP \
	--disable FAILSLAB --disable FAIL_PAGE_ALLOC --disable FAULT_INJECTION \
	--enable FUNCTION_TRACER
if ! cmp -s "$BB/.config.new" "$BB/.config.in"; then
	cp "$BB/.config.new" "$BB/.config.in"
	cp "$BB/.config.new" "$BB/.config"
	run_logged "$LOGS/bench-config.log" make -C "$LINUX" O="$BB" ARCH=x86_64 olddefconfig
fi
banner "building the benchmark kernel (log: $LOGS/bench-kernel.log)"
run_logged "$LOGS/bench-kernel.log" make -C "$LINUX" O="$BB" ARCH=x86_64 -j"$JOBS" bzImage
for opt in KASAN PROVE_LOCKING DEBUG_KMEMLEAK DMA_API_DEBUG; do
	! grep -q "^CONFIG_$opt=y" "$BB/.config" || die "the benchmark kernel still has CONFIG_$opt"
done
for opt in DMA_MAP_BENCHMARK IOMMU_PASID_SELFTEST FUNCTION_TRACER; do
	grep -q "^CONFIG_$opt=y" "$BB/.config" || die "the benchmark kernel lacks CONFIG_$opt"
done

bin=$WORK/bench/bin
inc=$WORK/bench/include
rm -rf "$bin" "$inc"
mkdir -p "$bin" "$inc/linux" "$LOGS"
banner "building the guest's benchmark programs (log: $LOGS/bench-build.log)"
: >"$LOGS/bench-build.log"
# dma_map_benchmark includes the kernel's linux/map_benchmark.h next to the
# system's UAPI headers, as its selftest Makefile does after headers_install.
cp "$LINUX/include/linux/map_benchmark.h" "$inc/linux/"
run_logged "$LOGS/bench-build.log" gcc -static -Wall -O2 -I"$inc" \
	-o "$bin/dma_map_benchmark" "$LINUX/tools/testing/selftests/dma/dma_map_benchmark.c"
# pasid_bench uses the selftests' helpers, not all of them.
run_logged "$LOGS/bench-build.log" gcc -static -Wall -Werror -Wno-unused-function -O2 -I"$LINUX" \
	-o "$bin/pasid_bench" "$TOP/guest/bench/pasid_bench.c"

qemu=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
rc=0
for b in $beds; do
	HARNESS_BED=$b BOOT_KERNEL=$BB/arch/x86/boot/bzImage "$TOP/scripts/boot.sh" --bench || rc=1
	log=$LOGS/$b/bench-boot.log
	results=$LOGS/$b/bench-results.txt
	banner "bed $b: kernel log scan (log: $log)"
	python3 "$TOP/scripts/scan-log.py" "$log" || rc=1
	if grep -q '^not ok' "$results" || grep -q '^BENCH error' "$results"; then
		grep -E '^(not ok|BENCH error)' "$results" | sed 's/^/    /'
		rc=1
	fi
	out=$TOP/bench/$b
	mkdir -p "$out"
	banner "bed $b: writing ${out#"$TOP"/}/RESULTS.md, results.csv and bench.png"
	BENCH_QEMU=$qemu python3 "$TOP/scripts/bench-report.py" bed "$results" "$out" || rc=1
	sed 's/^/    /' "$out/RESULTS.md"
done

# The beds side by side, from each bed's last results.csv (a bed not
# measured this time keeps its last figures, and says when they were taken).
banner "writing bench/RESULTS.md: the beds side by side"
python3 "$TOP/scripts/bench-report.py" compare "$TOP/bench" $BEDS || rc=1
sed 's/^/    /' "$TOP/bench/RESULTS.md"
[ "$rc" = 0 ] || die "make bench: a step failed (logs: $LOGS/BED/bench-boot.log, bench-results.txt)"
