#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make build: configure the test kernel with kunit.py (the QEMU/VT-d config,
# config/test.config, every .kunitconfig and selftest config the series
# adds) and build it, then build the series' selftests for the guest.
. "$(dirname "$0")/lib.sh"

need_tree
need_space "$WORK" 8

# The .kunitconfig files and selftest configs the series carries, plus the
# harness fragment.
kunitconfigs() {
	git -C "$LINUX" diff --name-only --diff-filter=AM base HEAD -- '*.kunitconfig' \
		'tools/testing/selftests/*/config' | sed "s|^|$LINUX/|"
	echo "$TOP/config/test.config"
}

args=(--build_dir="$BUILD" --qemu_config="$TOP/config/qemu_vtd.py")
for k in $(kunitconfigs); do
	args+=(--kunitconfig="$k")
done
mkdir -p "$BUILD" "$LOGS"
# kunit.py writes .kunitconfig from the merged fragments; regenerate the
# .config only when they changed, so that an edit rebuilds incrementally.
# A make in $BUILD at another commit of the work tree (a bisect, a rebase
# stop) drops the options that commit does not know: check that every
# option the fragments set is still in the .config too.
config_lost() {
	local line
	[ -f "$BUILD/.config" ] || return 0
	for line in $(cat $(kunitconfigs) | grep -E '^CONFIG_[A-Z0-9_]+=[ym]$'); do
		grep -qxF "$line" "$BUILD/.config" || { say "lost from .config: $line"; return 0; }
	done
	return 1
}
cat $(kunitconfigs) "$TOP/config/qemu_vtd.py" | sha256sum >"$BUILD/.harness-kconfig.new"
if ! cmp -s "$BUILD/.harness-kconfig.new" "$BUILD/.harness-kconfig" || config_lost; then
	banner "configuring the test kernel ($BUILD/.config)"
	(cd "$LINUX" && run_logged "$LOGS/config.log" python3 tools/testing/kunit/kunit.py config "${args[@]}")
	mv "$BUILD/.harness-kconfig.new" "$BUILD/.harness-kconfig"
fi

banner "building the test kernel (log: $LOGS/build.log)"
run_logged "$LOGS/build.log" make -C "$LINUX" O="$BUILD" ARCH=x86_64 -j"$JOBS" bzImage
say "kernel: $BUILD/arch/x86/boot/bzImage ($(make -s -C "$LINUX" O="$BUILD" kernelrelease 2>/dev/null))"
"$TOP/scripts/selftests.sh"
