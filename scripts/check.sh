#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: static checks on what the series touches, against the base.
#   checkpatch --strict on every patch, every prefix builds with W=1 and no
#   new warnings, sparse (C=2), coccinelle and kernel-doc add nothing, and
#   the documentation the series touches builds without warnings on it.
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
		while read -r glob etype _; do
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

# The objects kbuild made of the given .c files at the current checkout:
# a .c file that another one #includes (a KUnit suite reaching static
# functions) is checked through the object that includes it.
objs_of() {
	for f in "$@"; do
		[ -f "$BT/$f" ] && [ -f "$BB/${f%.c}.o" ] && echo "${f%.c}.o"
	done
	return 0
}

# ---- base: baseline warnings of W=1, sparse, coccinelle and kernel-doc
baseline() { # NAME: the baseline of one check at base
	echo "$CL/base-$1.txt"
}

# build_prefix TAG FILES...: build the kernel at the current checkout with
# the test configuration, then compile the given .c files again with W=1;
# the log is $CL/build-TAG.log.
build_prefix() {
	local tag=$1 objs
	shift
	# The test configuration names the series' options; at base they are
	# unknown and syncconfig drops them, so start from it every time.
	cp "$BUILD/.config" "$BB/.config"
	mk "$CL/build-$tag.log" bzImage || return 1
	objs=$(objs_of "$@")
	[ -z "$objs" ] && return 0
	mk "$CL/build-$tag-w1.log" W=1 $objs || { cat "$CL/build-$tag-w1.log" >>"$CL/build-$tag.log"; return 1; }
	cat "$CL/build-$tag-w1.log" >>"$CL/build-$tag.log"
}

# ---- results kept from earlier runs
# A verdict depends only on the commit, the base's warnings, the test
# configuration and this script: the base's baselines and the W=1 verdict of
# every prefix but the last are kept under those keys, so that a run after
# an edit rebuilds only what changed. The last prefix is always built, and
# the series' sparse, coccinelle and kernel-doc always run.
CACHE=$WORK/check-cache
mkdir -p "$CACHE"
cfgsum=$( (cat "$BUILD/.config" "$0"; echo "$touched") | sha256sum | cut -c1-16)
base_key=$(echo "$(git -C "$LINUX" rev-parse base) $cfgsum" | sha256sum | cut -c1-16)

if [ -f "$CACHE/base-$base_key/w1.txt" ]; then
	banner "base: baselines kept from an earlier run ($CACHE/base-$base_key)"
	for t in w1 sparse cocci kdoc; do
		cp "$CACHE/base-$base_key/$t.txt" "$(baseline $t)"
	done
	base_cached=1
else
	base_cached=0
	git -C "$BT" checkout -q --detach base
	banner "base: build, and W=1 on the files the series touches (log: $CL/build-base.log)"
	build_prefix base $touched_c || die "the base does not build; log: $CL/build-base.log"
	warnings_of "$CL/build-base.log" $touched_src >"$(baseline w1)"
fi

static_checks() { # TAG: sparse, coccinelle, kernel-doc on the touched files at the current checkout
	local tag=$1 objs s f files
	objs=$(objs_of $touched_c)
	: >"$CL/sparse-$tag.log"
	if [ -n "$objs" ]; then
		mk "$CL/sparse-$tag.log" C=2 $objs || true
	fi
	warnings_of "$CL/sparse-$tag.log" $touched_src >"$CL/$tag-sparse.txt"
	: >"$CL/cocci-$tag.log"
	# What "make coccicheck MODE=report" runs, on the touched files only.
	files=$(for f in $touched_c; do [ -f "$BT/$f" ] && echo "$f"; done)
	if [ -n "$files" ]; then
		for s in "$BT"/scripts/coccinelle/*/*.cocci; do
			# shellcheck disable=SC2086
			(cd "$BT" && spatch -D report --very-quiet --no-show-diff --no-includes \
				--include-headers --cocci-file "$s" $files 2>/dev/null) |
				sed -E "s#^([^:]*):[0-9]+:[0-9-]+:#\1: [$(basename "$s")]#" >>"$CL/cocci-$tag.log" || true
		done
	fi
	sort -u "$CL/cocci-$tag.log" >"$CL/$tag-cocci.txt"
	: >"$CL/kdoc-$tag.log"
	for f in $touched_src; do
		[ -f "$BT/$f" ] && (cd "$BT" && scripts/kernel-doc -none "$f" >>"$CL/kdoc-$tag.log" 2>&1)
	done
	sed -E 's#:[0-9]+:#:#' "$CL/kdoc-$tag.log" | sort -u >"$CL/$tag-kdoc.txt"
}

if [ "$base_cached" = 0 ]; then
	banner "base: sparse, coccinelle, kernel-doc on the touched files"
	static_checks base
	mkdir -p "$CACHE/base-$base_key.new"
	for t in w1 sparse cocci kdoc; do
		cp "$(baseline $t)" "$CACHE/base-$base_key.new/$t.txt"
	done
	rm -rf "$CACHE/base-$base_key"
	mv "$CACHE/base-$base_key.new" "$CACHE/base-$base_key"
fi

# ---- every prefix of the series
k=0
ncommits=$(echo "$commits" | grep -c . || true)
for c in $commits; do
	k=$((k + 1))
	subj=$(git -C "$LINUX" log -1 --format=%s "$c")
	key=$(echo "$c $base_key" | sha256sum | cut -c1-16)
	if [ "$c" != "$head" ] && [ -f "$CACHE/prefix-$key.ok" ]; then
		result 0 "W=1 build of prefix $k ($subj): no new warnings"
		say "   (kept from an earlier run of the same commit)"
		continue
	fi
	git -C "$BT" checkout -q --detach "$c"
	banner "prefix $k/$ncommits: $subj"
	mine=$(git -C "$LINUX" diff --name-only base "$c" | grep -E '\.(c|h)$' | grep -v '^tools/' || true)
	if build_prefix "$k" $(echo "$mine" | grep '\.c$' || true); then
		new=$(comm -13 "$(baseline w1)" <(warnings_of "$CL/build-$k.log" $mine))
		if findings "W=1 build of prefix $k ($subj): no new warnings" "$new" \
			"new, log $CL/build-$k.log"; then
			touch "$CACHE/prefix-$key.ok"
		fi
	else
		tail -n 20 "$CL/build-$k.log" | sed 's/^/      /'
		result 1 "W=1 build of prefix $k ($subj)" "build failed, log $CL/build-$k.log"
	fi
done

if [ "$k" -gt 0 ]; then
	banner "series: sparse, coccinelle, kernel-doc on the touched files"
	static_checks head
	for t in sparse cocci kdoc; do
		new=$(comm -13 "$CL/base-$t.txt" "$CL/head-$t.txt")
		findings "$t: nothing new on the touched files" "$new" "new, logs $CL/$t-*.log" || true
	done
fi
git -C "$BT" checkout -q --detach base

# ---- the documentation the series touches builds without warnings
docdirs=$(echo "$touched" | sed -n 's#^Documentation/\([^/]*\)/.*\.rst$#\1#p' | sort -u | tr '\n' ' ')
if [ -n "$docdirs" ]; then
	banner "make htmldocs SPHINXDIRS=\"${docdirs% }\" (log: $CL/htmldocs.log)"
	if run_progress "$CL/htmldocs.log" make -C "$LINUX" O="$WORK/htmldocs" \
		SPHINXDIRS="${docdirs% }" htmldocs; then
		# Warnings of other files are the base's; those of a file the
		# series touches (a page, or a source file kernel-doc renders) count.
		new=$(for f in $touched; do
			grep -E "(^|/)$f:[0-9]*:? *(WARNING|ERROR|warning|error)" "$CL/htmldocs.log" || true
		done | sort -u)
		findings "htmldocs (${docdirs% }): no warning on the touched files" "$new" \
			"warnings, log $CL/htmldocs.log" || true
	else
		tail -n 20 "$CL/htmldocs.log" | sed 's/^/      /'
		result 1 "htmldocs SPHINXDIRS=\"${docdirs% }\" builds" "log $CL/htmldocs.log"
	fi
fi

# The verdict tells a check.sh that died half way from one that ran all.
echo "# complete" >>"$RES"
failed=$(grep -c '^not ok' "$RES" || true)
banner "checks: $(grep -c '^ok' "$RES" || true) passed, $failed failed"
[ "$failed" = 0 ]
