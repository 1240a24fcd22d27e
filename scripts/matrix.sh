#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The configuration matrix (config/matrix): in each configuration, the
# directories the series changes .c files in compile with W=1 and
# CONFIG_WERROR, so that a warning in any of them is an error. The entries
# share one build directory, built one after another: what a change of
# configuration does not touch is not compiled again.
# Writes one "ok"/"not ok" line per entry to work/logs/matrix-results.txt,
# then "# complete"; exits 1 if any failed.
. "$(dirname "$0")/lib.sh"

need_tree
ML=$LOGS/matrix
RES=$LOGS/matrix-results.txt
MXB=$LINUX/.build-matrix
mkdir -p "$ML" "$MXB"
: >"$RES"

dirs=$(git -C "$LINUX" diff --name-only base HEAD -- '*.c' | grep -v '^tools/' |
	xargs -r -n1 dirname | sort -u | sed 's#$#/#' | tr '\n' ' ')
[ -n "$dirs" ] || die "the series changes no .c file"

# held CONFIG-FILE ARGS...: the options the scripts/config arguments set,
# that the resulting configuration does not hold.
held() {
	local cfg=$1 opt
	shift
	while [ $# -gt 0 ]; do
		opt=$2
		case "$1" in
		-e) grep -qx "CONFIG_$opt=y" "$cfg" || echo "CONFIG_$opt=y" ;;
		-m) grep -qx "CONFIG_$opt=m" "$cfg" || echo "CONFIG_$opt=m" ;;
		-d) grep -q "^CONFIG_$opt=" "$cfg" && echo "CONFIG_$opt off" ;;
		*) die "config/matrix: unknown scripts/config argument $1" ;;
		esac
		shift 2
	done
}

while IFS=$'\t' read -r name spec; do
	[ -z "$name" ] || [ "${name#\#}" != "$name" ] && continue
	log=$ML/$name.log
	# shellcheck disable=SC2086
	set -- $spec
	banner "matrix $name: W=1, CONFIG_WERROR, ${dirs% } (log: $log)"
	if [ "$1" = @test ]; then
		shift
		[ -f "$BUILD/.config" ] || die "no test kernel configuration (run 'make build' first)"
		cp "$BUILD/.config" "$MXB/.config"
	else
		make -s -C "$LINUX" O="$MXB" ARCH=x86_64 x86_64_defconfig >"$log" 2>&1
	fi
	"$LINUX/scripts/config" --file "$MXB/.config" "$@" -e WERROR
	make -s -C "$LINUX" O="$MXB" ARCH=x86_64 olddefconfig >>"$log" 2>&1
	lost=$(held "$MXB/.config" "$@" -e WERROR)
	if [ -n "$lost" ]; then
		result 1 "matrix $name: the configuration holds" "Kconfig dropped: $(echo $lost)"
		continue
	fi
	cp "$MXB/.config" "$ML/$name.config"
	# shellcheck disable=SC2086
	if run_progress "$log.build" make -C "$LINUX" O="$MXB" ARCH=x86_64 -j"$JOBS" -k W=1 $dirs; then
		result 0 "matrix $name: ${dirs% } compile with W=1 and CONFIG_WERROR"
	else
		cat "$log.build" >>"$log"
		grep -m 20 -E 'error:|Error [0-9]' "$log.build" | sed 's/^/      /'
		result 1 "matrix $name: ${dirs% } compile with W=1 and CONFIG_WERROR" "log $log"
	fi
done <"$TOP/config/matrix"

echo "# complete" >>"$RES"
failed=$(grep -c '^not ok' "$RES" || true)
banner "matrix: $(grep -c '^ok' "$RES" || true) passed, $failed failed"
[ "$failed" = 0 ]
