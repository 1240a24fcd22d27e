#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make setup: install packages, unpack the pinned base into work/linux as one
# git commit (tag "base"), and apply patches/ with git am. Idempotent.
. "$(dirname "$0")/lib.sh"

install_packages() {
	local pkgs missing=() p want
	pkgs=$(grep -v '^#' "$TOP/config/packages")
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	want="$BASE_PACKAGE=$BASE_VERSION"
	if [ "$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)" != "$BASE_VERSION" ]; then
		missing+=("$want")
	fi
	if [ ${#missing[@]} -eq 0 ]; then
		say "packages: all installed"
		return
	fi
	need_root
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found: the harness needs Debian 12"
	banner "installing ${missing[*]}"
	run_logged "$LOGS/apt-update.log" apt-get update
	run_logged "$LOGS/apt-install.log" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"
}

# The backports suite, from the same mirror and with the same keyring as
# the machine's own Debian sources (deb822 or one-line), so no host is named
# here.
add_backports() {
	local list=/etc/apt/sources.list.d/$QEMU_SUITE.sources uri key
	if apt-cache policy 2>/dev/null | grep -q " $QEMU_SUITE/main "; then
		return
	fi
	[ -f "$list" ] && return
	need_root
	uri=$(awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ { print u; exit }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	key=$(awk '/^Signed-By:/ { k = $2 } /^Suites:/ && / bookworm( |$)/ { s = 1 }
		s && /^Signed-By:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	if [ -z "$uri" ]; then
		uri=$(awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
	fi
	[ -n "$uri" ] || die "no Debian bookworm source found in /etc/apt to add $QEMU_SUITE from"
	key=${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
	say "adding $QEMU_SUITE from $uri ($list)"
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$uri" "$QEMU_SUITE" "$key" >"$list"
}

install_qemu() {
	local have
	have=$(dpkg-query -W -f='${Version}' "$QEMU_PACKAGE" 2>/dev/null || true)
	if [ "$have" != "$QEMU_VERSION" ]; then
		add_backports
		need_root
		banner "installing $QEMU_PACKAGE $QEMU_VERSION from $QEMU_SUITE (have: ${have:-none})"
		run_logged "$LOGS/apt-update.log" apt-get update
		run_logged "$LOGS/apt-install-qemu.log" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends --allow-downgrades -t "$QEMU_SUITE" \
			"$QEMU_PACKAGE=$QEMU_VERSION"
	fi
	qemu-system-x86_64 -device intel-iommu,help 2>/dev/null | grep -q 'x-flts=' ||
		die "$(qemu-system-x86_64 --version | head -n 1): its intel-iommu has no x-flts (first-stage translation)"
	say "QEMU: $(qemu-system-x86_64 --version | head -n 1)"
}

import_base() {
	local ver
	if [ -e "$LINUX/.git" ] && git -C "$LINUX" rev-parse -q --verify base >/dev/null; then
		ver=$(git -C "$LINUX" log -1 --format=%s base | sed -n 's/.* \([^ ]*\)$/\1/p')
		if [ "$ver" = "$BASE_VERSION" ]; then
			say "work tree: $LINUX (base $BASE_PACKAGE $ver)"
			return
		fi
		die "$LINUX holds base $ver but config/base.env pins $BASE_VERSION; move $LINUX away to re-import"
	fi
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing (package $BASE_PACKAGE=$BASE_VERSION)"
	need_space "$WORK" 20
	banner "importing $BASE_PACKAGE $BASE_VERSION into $LINUX"
	rm -rf "$LINUX.tmp"
	mkdir -p "$LINUX.tmp"
	run_logged "$LOGS/import.log" tar -C "$LINUX.tmp" --strip-components=1 -xf "$BASE_TARBALL"
	# Debian's .gitignore ends with a packaging block that ignores every
	# top-level path: drop it so that git sees the tree and new files.
	# The series never touches .gitignore, so it applies to the pristine
	# tree just the same.
	sed -i -z "s/\n*#\n# Debian packaging: ignore everything.*/\n/" "$LINUX.tmp/.gitignore"
	(
		cd "$LINUX.tmp"
		git init -q -b main
		git config user.name "$GIT_NAME"
		git config user.email "$GIT_EMAIL"
		git config gc.auto 0
		git add -A
		# Fixed dates: the same package gives the same base commit id.
		GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
			git commit -q -m "Import Debian $BASE_PACKAGE $BASE_VERSION" \
			-m "Unpacked from $BASE_TARBALL; the Debian packaging block of .gitignore is dropped."
		git tag base
	) >>"$LOGS/import.log" 2>&1 || die "git import failed; log: $LOGS/import.log"
	mv "$LINUX.tmp" "$LINUX"
}

apply_series() {
	local want have_head have_hash p stamp=$WORK/series.stamp out
	want=$(series_hash)
	if [ -f "$stamp" ]; then
		read -r have_head have_hash <"$stamp"
		if [ "$have_hash" = "$want" ]; then
			say "series: applied ($(ls "$TOP"/patches/*.patch 2>/dev/null | grep -vc 0000-) patches)"
			return
		fi
		if [ "$(git -C "$LINUX" rev-parse HEAD)" != "$have_head" ]; then
			say "series: patches/ changed, but $LINUX has commits not exported;"
			say "         leaving the work tree alone (run 'make export' or reset it to 'base')"
			return
		fi
	fi
	if [ -n "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ]; then
		die "$LINUX has uncommitted changes; commit or stash them before applying the series"
	fi
	banner "applying patches/ on $BASE_PACKAGE $BASE_VERSION"
	git -C "$LINUX" am --abort >/dev/null 2>&1 || true
	git -C "$LINUX" checkout -q main
	git -C "$LINUX" reset -q --hard base
	for p in "$TOP"/patches/*.patch; do
		[ -e "$p" ] || continue
		case "$(basename "$p")" in *0000-cover-letter.patch) continue ;; esac
		if ! out=$(git -C "$LINUX" am -q --keep-cr "$p" 2>&1); then
			git -C "$LINUX" am --abort >/dev/null 2>&1 || true
			printf '%s\n' "$out" >&2
			die "patch $(basename "$p") does not apply to $BASE_PACKAGE $BASE_VERSION (git am output above)"
		fi
		say "applied $(basename "$p")"
	done
	echo "$(git -C "$LINUX" rev-parse HEAD) $want" >"$stamp"
}

mkdir -p "$WORK" "$LOGS"
banner "setup: $BASE_PACKAGE $BASE_VERSION"
git_identity
install_packages
install_qemu
import_base
apply_series
say "base: Debian $BASE_PACKAGE $(dpkg-query -W -f='${Version}' "$BASE_PACKAGE") (Linux $(make -s -C "$LINUX" kernelversion))"
