#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make setup: install packages, unpack the pinned base into work/linux as one
# git commit (tag "base"), and apply patches/ with git am. Idempotent.
#
# Where the mirror no longer offers the pinned linux-source-6.1 (a plain
# Debian mirror lists only the newest version), the newest one it offers is
# used instead, with a WARNING; work/base-used names the base the work tree
# was imported from ("linux-source-6.1 VERSION"), for the verdict.
#
#     setup.sh                      set up
#     setup.sh --dry-run [VERSION]  say which base would be used (as if
#                                   config/base.env pinned VERSION); changes
#                                   nothing but the apt lists (apt-get update)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BASE_USED_FILE=$WORK/base-used
APT_UPDATED=

need_debian12() {
	local id ver name
	[ -r /etc/os-release ] || die "no /etc/os-release: the harness needs Debian 12 (bookworm)"
	id=$(. /etc/os-release && echo "${ID:-}")
	ver=$(. /etc/os-release && echo "${VERSION_ID:-}")
	name=$(. /etc/os-release && echo "${PRETTY_NAME:-$id $ver}")
	[ "$id" = debian ] && [ "$ver" = 12 ] ||
		die "the harness needs Debian 12 (bookworm), this is $name (/etc/os-release: ID=$id VERSION_ID=$ver)"
}

apt_update() {
	[ -n "$APT_UPDATED" ] && return
	need_root
	run_logged "$LOGS/apt-update.log" apt-get update
	APT_UPDATED=1
}

# The base version the work tree was imported from (its "base" commit), if any.
tree_base() {
	if [ -e "$LINUX/.git" ] && git -C "$LINUX" rev-parse -q --verify base >/dev/null; then
		git -C "$LINUX" log -1 --format=%s base | sed -n 's/.* \([^ ]*\)$/\1/p'
	fi
}

# pick_base PIN INSTALLED TREE AVAILABLE...: the version of the base package
# to use, given the pinned one, the installed one, the one the work tree
# was imported from and the ones the apt sources offer (each may be empty):
# the pin when installed or offered; else the work tree's base, imported
# already; else the newest one installed or offered. Nothing: none there.
pick_base() {
	local pin=$1 have=$2 tree=$3 v best=
	shift 3
	[ -n "$have" ] && [ "$have" = "$pin" ] && { echo "$pin"; return; }
	for v in "$@"; do
		[ "$v" = "$pin" ] && { echo "$pin"; return; }
	done
	[ -n "$tree" ] && { echo "$tree"; return; }
	for v in "$have" "$@"; do
		[ -n "$v" ] || continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done
	echo "$best"
}

# choose_base: set BASE_USED (the version of $BASE_PACKAGE setup uses) and
# BASE_INSTALL (the version to install, or nothing).
choose_base() {
	local have tree avail
	have=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
	BASE_INSTALL=
	if [ "$have" = "$BASE_VERSION" ]; then
		BASE_USED=$BASE_VERSION
		return
	fi
	# What do the apt sources offer? Their lists as they are now, not as
	# they were when apt-get update last ran (if it can run).
	if [ "$(id -u)" -ne 0 ]; then
		say "not root: apt-get update not run; the apt lists of its last run count"
	elif apt-get update >"$LOGS/apt-update.log" 2>&1; then
		APT_UPDATED=1
	else
		say "apt-get update failed ($LOGS/apt-update.log); the apt lists of its last run count"
	fi
	avail=$(apt-cache madison "$BASE_PACKAGE" 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $1); gsub(/ /, "", $2) } $1 == "'"$BASE_PACKAGE"'" && $3 !~ /dpkg\/status/ { print $2 }')
	tree=$(tree_base)
	# shellcheck disable=SC2086 # one version a word
	BASE_USED=$(pick_base "$BASE_VERSION" "$have" "$tree" $avail)
	[ -n "$BASE_USED" ] ||
		die "$BASE_PACKAGE: neither installed nor offered by the apt sources (config/base.env pins $BASE_VERSION)"
	if [ "$BASE_USED" != "$have" ] && printf '%s\n' "$avail" | grep -qxF "$BASE_USED"; then
		BASE_INSTALL=$BASE_USED
	fi
	if [ "$BASE_USED" != "$BASE_VERSION" ]; then
		printf 'WARNING: %s %s (pinned in config/base.env) is neither installed nor offered by the apt sources;\n' \
			"$BASE_PACKAGE" "$BASE_VERSION" >&2
		printf 'WARNING: using %s %s instead (%s). The series must still apply to it.\n' \
			"$BASE_PACKAGE" "$BASE_USED" \
			"$([ "$BASE_USED" = "$tree" ] && echo "the base work/linux was imported from" ||
				echo "the newest installed or offered")" >&2
	fi
}

install_packages() {
	local pkgs missing=() p
	pkgs=$(grep -v '^#' "$TOP/config/packages")
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ -z "$BASE_INSTALL" ] || missing+=("$BASE_PACKAGE=$BASE_INSTALL")
	if [ ${#missing[@]} -eq 0 ]; then
		say "packages: all installed"
		return
	fi
	need_root
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found: the harness needs Debian 12"
	banner "installing ${missing[*]}"
	apt_update
	# --allow-downgrades: a machine with a newer base package goes back to the pin.
	run_logged "$LOGS/apt-install.log" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends --allow-downgrades "${missing[@]}"
}

# The backports suite, from the same mirror and with the same keyring as
# the machine's own Debian sources (deb822 or one-line), so no host is named
# here.
add_backports() {
	local list=/etc/apt/sources.list.d/$QEMU_SUITE.sources uri key
	# grep reads a string, not a pipe that it may close early (SIGPIPE
	# under pipefail).
	if grep -q " $QEMU_SUITE/main " <<<"$(apt-cache policy 2>/dev/null)"; then
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
		apt_update
		run_logged "$LOGS/apt-install-qemu.log" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends --allow-downgrades -t "$QEMU_SUITE" \
			"$QEMU_PACKAGE=$QEMU_VERSION"
	fi
	grep -q 'x-flts=' <<<"$(qemu-system-x86_64 -device intel-iommu,help 2>/dev/null)" ||
		die "$(qemu-system-x86_64 --version | head -n 1): its intel-iommu has no x-flts (first-stage translation)"
	say "QEMU: $(qemu-system-x86_64 --version | head -n 1)"
}

# record_base: work/base-used names the base the work tree was imported from.
record_base() {
	echo "$BASE_PACKAGE $1" >"$BASE_USED_FILE"
}

import_base() {
	local ver have
	ver=$(tree_base)
	if [ -n "$ver" ]; then
		if [ "$ver" = "$BASE_USED" ]; then
			say "work tree: $LINUX (base $BASE_PACKAGE $ver)"
			record_base "$ver"
			return
		fi
		die "$LINUX holds base $ver but setup uses $BASE_USED (config/base.env pins $BASE_VERSION); move $LINUX away to re-import"
	fi
	have=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
	[ "$have" = "$BASE_USED" ] ||
		die "$BASE_PACKAGE is at '${have:-not installed}', not $BASE_USED; cannot import $BASE_TARBALL"
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing (package $BASE_PACKAGE=$BASE_USED)"
	need_space "$WORK" 20
	banner "importing $BASE_PACKAGE $BASE_USED into $LINUX"
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
			git commit -q -m "Import Debian $BASE_PACKAGE $BASE_USED" \
			-m "Unpacked from $BASE_TARBALL; the Debian packaging block of .gitignore is dropped."
		git tag base
	) >>"$LOGS/import.log" 2>&1 || die "git import failed; log: $LOGS/import.log"
	mv "$LINUX.tmp" "$LINUX"
	# A fresh tree has no series yet, whatever the stamp of an earlier one says.
	rm -f "$WORK/series.stamp"
	record_base "$BASE_USED"
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
	banner "applying patches/ on $BASE_PACKAGE $BASE_USED"
	git -C "$LINUX" am --abort >/dev/null 2>&1 || true
	git -C "$LINUX" checkout -q main
	git -C "$LINUX" reset -q --hard base
	for p in "$TOP"/patches/*.patch; do
		[ -e "$p" ] || continue
		case "$(basename "$p")" in *0000-cover-letter.patch) continue ;; esac
		# The committer date is the author's: the commit ids of the series
		# do not depend on when setup ran.
		if ! out=$(git -C "$LINUX" am -q --keep-cr --committer-date-is-author-date "$p" 2>&1); then
			git -C "$LINUX" am --abort >/dev/null 2>&1 || true
			printf '%s\n' "$out" >&2
			die "patch $(basename "$p") does not apply to $BASE_PACKAGE $BASE_USED (git am output above)"
		fi
		say "applied $(basename "$p")"
	done
	echo "$(git -C "$LINUX" rev-parse HEAD) $want" >"$stamp"
}

# Sourced (to test pick_base, say): the functions only.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

mkdir -p "$WORK" "$LOGS"
need_debian12
if [ "${1:-}" = --dry-run ]; then
	BASE_VERSION=${2:-$BASE_VERSION}
	banner "setup --dry-run: $BASE_PACKAGE pinned at $BASE_VERSION"
	choose_base
	say "would use $BASE_PACKAGE $BASE_USED${BASE_INSTALL:+ (to install: $BASE_PACKAGE=$BASE_INSTALL)}"
	tree=$(tree_base)
	say "work tree's base: ${tree:-none}"
	exit 0
fi
banner "setup: $BASE_PACKAGE $BASE_VERSION"
git_identity
choose_base
install_packages
install_qemu
import_base
apply_series
read -r _ used <"$BASE_USED_FILE"
note=
[ "$used" = "$BASE_VERSION" ] || note=", not the pinned $BASE_VERSION"
say "base: Debian $BASE_PACKAGE $used (Linux $(make -s -C "$LINUX" kernelversion))$note"
