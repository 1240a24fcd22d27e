#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: static checks on what the series touches, against the base.
#   checkpatch --strict on every patch; W=1, sparse (C=2), coccinelle and
#   kernel-doc add nothing on the files the series touches (HEAD against
#   base, each tool proven to have looked by its exit status and a positive
#   control); the pages the series touches build with Sphinx without a
#   warning on them.
#   CHECK_PREFIXES=1 (make check-all) also builds every prefix of the
#   series on its own with the test configuration, with no new W=1 warning.
# Writes one "ok"/"not ok" line per check to work/logs/check-results.txt.
. "$(dirname "$0")/lib.sh"

need_tree
# A second worktree, so the developer's is never checked out. Its build
# directory sits inside it as the test build's does (see lib.sh), so ccache
# reuses the test build's objects for every file a prefix does not change.
BT=$WORK/bisect/linux
BB=$BT/.build
CL=$LOGS/check
RES=$LOGS/check-results.txt
mkdir -p "$CL"
: >"$RES"

# findings NAME LIST DETAIL: one verdict on a list of findings, one a line:
# none passes; otherwise they are shown and NAME fails with "N DETAIL".
findings() {
	if [ -z "$2" ]; then
		result 0 "$1"
		return 0
	fi
	echo "$2" | sed 's/^/      /'
	result 1 "$1" "$(echo "$2" | wc -l) $3"
	return 1
}

commits=$(git -C "$LINUX" rev-list --reverse base..HEAD)
head=$(git -C "$LINUX" rev-parse HEAD)
touched=$(git -C "$LINUX" diff --name-only base HEAD)
touched_c=$(echo "$touched" | grep '\.c$' | grep -v '^tools/' || true)
touched_src=$(echo "$touched" | grep -E '\.(c|h)$' | grep -v '^tools/' || true)

# ---- checkpatch
banner "checkpatch --strict on patches/"
for p in "$TOP"/patches/*.patch; do
	name=$(basename "$p")
	case "$name" in *0000-cover-letter.patch) continue ;; esac
	"$LINUX/scripts/checkpatch.pl" --strict --terse --show-types --no-summary \
		--root="$LINUX" "$p" >"$CL/checkpatch-$name.log" 2>&1 || true
	left=$(while IFS= read -r line; do
		type=$(echo "$line" | sed -n 's/^[^:]*:[0-9]*: [A-Z]*:\([A-Z_]*\):.*/\1/p')
		keep=1
		while IFS=$'\t' read -r glob etype _; do
			[ -z "$glob" ] || [ "${glob#\#}" != "$glob" ] && continue
			# shellcheck disable=SC2254
			case "$name" in $glob) [ "$etype" = "$type" ] && keep=0 ;; esac
		done <"$TOP/config/checkpatch-exceptions"
		if [ "$keep" = 1 ]; then echo "$line"; fi
	done <"$CL/checkpatch-$name.log")
	findings "checkpatch --strict $name" "$left" "reports, log $CL/checkpatch-$name.log" || true
done

# ---- every file the series adds has a maintainer
banner "get_maintainer.pl on the files the series adds"
# Every new file needs a MAINTAINERS entry that covers it.
orphans=""
for f in $(git -C "$LINUX" diff --name-only --diff-filter=A base HEAD); do
	# A section of its own, not just the catch-all "THE REST".
	if ! (cd "$LINUX" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--sections -f "$f" 2>/dev/null) | grep -v -e '^[A-Z]:' -e '^$' -e '^THE REST$' |
		grep -q .; then
		orphans="$orphans $f"
	fi
done
if [ -n "$orphans" ]; then
	result 1 "get_maintainer.pl names a maintainer for every added file" "none for:$orphans"
else
	result 0 "get_maintainer.pl names a maintainer for every added file"
fi

# ---- the bisect worktree
if [ ! -e "$BT/.git" ]; then
	git -C "$LINUX" worktree prune
	mkdir -p "$(dirname "$BT")"
	git -C "$LINUX" worktree add -q --detach "$BT" base
fi
mkdir -p "$BB"
[ -f "$BUILD/.config" ] || die "no test kernel configuration (run 'make build' first)"

# Warnings of a build log on the given files, without line numbers (so that
# a hunk above an old warning does not make it new).
warnings_of() { # LOG FILES...
	local log=$1
	shift
	for f in "$@"; do
		grep -E "^(\.\./)*([^ ]*/)?$f:[0-9]+:[0-9]+: (warning|error)" "$log" || true
	done | sed -E 's#^([^:]*/)?([^/:]*/?[^:]*):[0-9]+:[0-9]+:#\2:#' | sort -u
}

mk() { # LOG ARGS...: make in the bisect worktree
	local log=$1
	shift
	run_progress "$log" make -C "$BT" O="$BB" ARCH=x86_64 -j"$JOBS" "$@"
}

# The objects of the given .c files at the current checkout that the test
# configuration builds: a .c file that another one #includes (a KUnit suite
# reaching static functions) is checked through the object that includes it.
objs_of() {
	local f
	for f in "$@"; do
		[ -f "$BT/$f" ] && [ -f "$BUILD/${f%.c}.o" ] && echo "${f%.c}.o"
	done
	return 0
}

# checkout REV: the bisect worktree at REV with the test configuration (at
# base the series' options are unknown and olddefconfig drops them), ready
# to compile single objects.
checkout() {
	git -C "$BT" checkout -q --detach "$1"
	cp "$BUILD/.config" "$BB/.config"
	mk "$CL/prepare-$2.log" olddefconfig prepare
}

# ---- tools that must be seen to look, and checkpatch's exceptions
banner "sparse and coccinelle: positive controls; checkpatch exceptions"
RES=$RES "$TOP/scripts/check-tools.sh" || true

# static_checks TAG FILES...: W=1, sparse, coccinelle and kernel-doc on the
# given touched files at the current checkout, into $CL/TAG-{w1,sparse,cocci,kdoc}.txt.
# A tool that fails (not a finding: an exit status) is a failed check.
static_checks() {
	local tag=$1 objs s f files rc=0
	shift
	objs=$(objs_of $(printf '%s\n' "$@" | grep '\.c$'))
	: >"$CL/w1-$tag.log"
	: >"$CL/sparse-$tag.log"
	if [ -n "$objs" ]; then
		# shellcheck disable=SC2086
		mk "$CL/w1-$tag.log" W=1 $objs || { say "W=1 build failed at $tag"; rc=1; }
		# shellcheck disable=SC2086
		mk "$CL/sparse-$tag.log" C=2 CHECK="${SPARSE:-sparse}" $objs || { say "sparse failed at $tag"; rc=1; }
	fi
	warnings_of "$CL/w1-$tag.log" "$@" >"$CL/$tag-w1.txt"
	warnings_of "$CL/sparse-$tag.log" "$@" >"$CL/$tag-sparse.txt"
	: >"$CL/cocci-$tag.log"
	# What "make coccicheck MODE=report" runs, on the given files only.
	files=$(for f in "$@"; do case "$f" in *.c) [ -f "$BT/$f" ] && echo "$f" ;; esac; done)
	if [ -n "$files" ]; then
		for s in "$BT"/scripts/coccinelle/*/*.cocci; do
			# shellcheck disable=SC2086
			if ! (cd "$BT" && "${SPATCH:-spatch}" -D report --very-quiet --no-show-diff --no-includes \
				--include-headers --cocci-file "$s" $files 2>>"$CL/cocci-$tag.err") |
				sed -E "s#^([^:]*):[0-9]+:[0-9-]+:#\1: [$(basename "$s")]#" >>"$CL/cocci-$tag.log"; then
				say "spatch failed on $(basename "$s") at $tag"
				rc=1
			fi
		done
	fi
	sort -u "$CL/cocci-$tag.log" >"$CL/$tag-cocci.txt"
	: >"$CL/kdoc-$tag.log"
	for f in "$@"; do
		[ -f "$BT/$f" ] && (cd "$BT" && scripts/kernel-doc -none "$f" >>"$CL/kdoc-$tag.log" 2>&1)
	done
	sed -E 's#:[0-9]+:#:#' "$CL/kdoc-$tag.log" | sort -u >"$CL/$tag-kdoc.txt"
	return "$rc"
}

# ---- W=1, sparse, coccinelle and kernel-doc: HEAD against base
# HEAD first; base only where HEAD has findings, on the files that have them.
banner "HEAD: W=1, sparse, coccinelle, kernel-doc on the touched files"
checkout "$head" head || die "prepare at HEAD failed; log: $CL/prepare-head.log"
tools_ok=0
static_checks head $touched_src || tools_ok=1
with=$(cat "$CL"/head-{w1,sparse,cocci,kdoc}.txt | sed -E 's#^(\.\./)*([^:]*):.*#\2#' | sort -u |
	grep -xF -f <(echo "$touched_src") || true)
for t in w1 sparse cocci kdoc; do : >"$CL/base-$t.txt"; done
if [ -n "$with" ]; then
	banner "base: the same on the files with findings at HEAD: $(echo $with)"
	checkout base base || die "prepare at base failed; log: $CL/prepare-base.log"
	# shellcheck disable=SC2086
	static_checks base $(for f in $with; do git -C "$LINUX" cat-file -e "base:$f" 2>/dev/null && echo "$f"; done) ||
		tools_ok=1
fi
if [ "$tools_ok" = 0 ]; then
	result 0 "W=1 build, sparse and spatch ran to completion at HEAD and base"
else
	result 1 "W=1 build, sparse and spatch ran to completion at HEAD and base" "logs $CL/*-head.log"
fi
for t in w1 sparse cocci kdoc; do
	new=$(comm -13 "$CL/base-$t.txt" "$CL/head-$t.txt")
	findings "$t: nothing new on the touched files" "$new" "new, logs $CL/$t-*.log" || true
done
git -C "$BT" checkout -q --detach base

# ---- the pages the series touches build without a warning on them
# Sphinx on those pages alone (a directory of copies in the bisect worktree
# at HEAD), not on all of their book: their kernel-doc directives render the
# sources they name; each page the series adds is in its book's toctree.
pages=$(echo "$touched" | grep '^Documentation/.*\.rst$' | grep -v '/index\.rst$' || true)
if [ -n "$pages" ]; then
	git -C "$BT" checkout -q --detach "$head"
	dc=$BT/Documentation/harness-pages
	rm -rf "$dc" "$WORK/htmldocs"
	mkdir -p "$dc"
	{
		printf 'Pages the series touches\n========================\n\n.. toctree::\n\n'
		for p in $pages; do
			n=$(echo "${p#Documentation/}" | tr / _)
			cp "$BT/$p" "$dc/$n"
			echo "   ${n%.rst}"
		done
	} >"$dc/index.rst"
	banner "Sphinx on the pages the series touches: $(echo $pages) (log: $CL/htmldocs.log)"
	if run_progress "$CL/htmldocs.log" make -C "$BT" O="$WORK/htmldocs" \
		SPHINXDIRS=harness-pages htmldocs; then
		new=$(for f in $touched; do
			grep -E "(^|/)$f:[0-9]*:? *(WARNING|ERROR|warning|error)" "$CL/htmldocs.log" || true
		done
		grep -E "harness-pages/[^ ]*:[0-9]*:? *(WARNING|ERROR)" "$CL/htmldocs.log" || true)
		findings "htmldocs of the touched pages: no warning on them or the sources they render" \
			"$(echo "$new" | grep . | sort -u)" "warnings, log $CL/htmldocs.log" || true
	else
		tail -n 20 "$CL/htmldocs.log" | sed 's/^/      /'
		result 1 "htmldocs of the touched pages builds" "log $CL/htmldocs.log"
	fi
	rm -rf "$dc"
	orphans=""
	for p in $(git -C "$LINUX" diff --name-only --diff-filter=A base HEAD -- 'Documentation/*.rst'); do
		idx=$(dirname "$p")/index.rst
		grep -qE "^\s+$(basename "$p" .rst)\s*$" "$LINUX/$idx" 2>/dev/null || orphans="$orphans $p"
	done
	if [ -z "$orphans" ]; then
		result 0 "every page the series adds is in its book's toctree"
	else
		result 1 "every page the series adds is in its book's toctree" "not listed:$orphans"
	fi
	git -C "$BT" checkout -q --detach base
fi

# ---- every prefix of the series (make check-all)
if [ "${CHECK_PREFIXES:-0}" = 1 ]; then
	# build_prefix TAG FILES...: build the kernel at the current checkout with
	# the test configuration, then compile the given .c files again with
	# W=1; the log is $CL/build-TAG.log.
	build_prefix() {
		local tag=$1 objs
		shift
		cp "$BUILD/.config" "$BB/.config"
		mk "$CL/build-$tag.log" bzImage || return 1
		objs=$(objs_of "$@")
		[ -z "$objs" ] && return 0
		mk "$CL/build-$tag-w1.log" W=1 $objs || { cat "$CL/build-$tag-w1.log" >>"$CL/build-$tag.log"; return 1; }
		cat "$CL/build-$tag-w1.log" >>"$CL/build-$tag.log"
	}
	# The base's W=1 warnings, kept under the key of the base, the
	# configuration and this script; a prefix's verdict under its commit.
	CACHE=$WORK/check-cache
	mkdir -p "$CACHE"
	cfgsum=$( (cat "$BUILD/.config" "$0"; echo "$touched") | sha256sum | cut -c1-16)
	base_key=$(echo "$(git -C "$LINUX" rev-parse base) $cfgsum" | sha256sum | cut -c1-16)
	if [ ! -f "$CACHE/base-$base_key.w1" ]; then
		git -C "$BT" checkout -q --detach base
		banner "base: build, and W=1 on the files the series touches (log: $CL/build-base.log)"
		build_prefix base $touched_c || die "the base does not build; log: $CL/build-base.log"
		warnings_of "$CL/build-base.log" $touched_src >"$CACHE/base-$base_key.w1.new"
		mv "$CACHE/base-$base_key.w1.new" "$CACHE/base-$base_key.w1"
	fi
	k=0
	ncommits=$(echo "$commits" | grep -c . || true)
	for c in $commits; do
		k=$((k + 1))
		subj=$(git -C "$LINUX" log -1 --format=%s "$c")
		key=$(echo "$c $base_key" | sha256sum | cut -c1-16)
		if [ -f "$CACHE/prefix-$key.ok" ]; then
			result 0 "W=1 build of prefix $k ($subj): no new warnings"
			say "   (kept from an earlier run of the same commit)"
			continue
		fi
		git -C "$BT" checkout -q --detach "$c"
		banner "prefix $k/$ncommits: $subj"
		mine=$(git -C "$LINUX" diff --name-only base "$c" | grep -E '\.(c|h)$' | grep -v '^tools/' || true)
		if build_prefix "$k" $(echo "$mine" | grep '\.c$' || true); then
			new=$(comm -13 "$CACHE/base-$base_key.w1" <(warnings_of "$CL/build-$k.log" $mine))
			if findings "W=1 build of prefix $k ($subj): no new warnings" "$new" \
				"new, log $CL/build-$k.log"; then
				touch "$CACHE/prefix-$key.ok"
			fi
		else
			tail -n 20 "$CL/build-$k.log" | sed 's/^/      /'
			result 1 "W=1 build of prefix $k ($subj)" "build failed, log $CL/build-$k.log"
		fi
	done
	git -C "$BT" checkout -q --detach base
fi

# The verdict tells a check.sh that died half way from one that ran all.
echo "# complete" >>"$RES"
failed=$(grep -c '^not ok' "$RES" || true)
banner "checks: $(grep -c '^ok' "$RES" || true) passed, $failed failed"
[ "$failed" = 0 ]
