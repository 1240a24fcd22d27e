#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make export: write patches/ again from the work tree's commits base..HEAD,
# with the cover letter from series/cover-letter. Deterministic: zero commit
# ids, dates from the commits, files rewritten only when their text changed.
. "$(dirname "$0")/lib.sh"

need_tree
cover=$TOP/series/cover-letter
[ -f "$cover" ] || die "missing $cover (first line: subject, then the body)"
n=$(git -C "$LINUX" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of base in $LINUX"
[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
	die "$LINUX has uncommitted changes; commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$LINUX" -c core.abbrev=12 format-patch -q --cover-letter --reroll-count=19 \
	--zero-commit --no-signature --base=base -o "$tmp" base..HEAD

# Fill the cover letter: the subject and blurb placeholders, and a Date
# taken from the newest commit instead of the time of the export.
date=$(git -C "$LINUX" log -1 --format=%aD HEAD)
letter=$(ls "$tmp"/*0000-cover-letter.patch)
python3 - "$letter" "$cover" "$date" <<'PY'
import re, sys
letter, cover, date = sys.argv[1:]
text = open(letter).read()
lines = open(cover).read().rstrip('\n').split('\n')
subject, body = lines[0], '\n'.join(lines[1:]).strip('\n')
text = text.replace('*** SUBJECT HERE ***', subject)
text = text.replace('*** BLURB HERE ***', body)
text = re.sub(r'^Date: .*$', 'Date: ' + date, text, count=1, flags=re.M)
open(letter, 'w').write(text)
PY

mkdir -p "$TOP/patches"
changed=0
for f in "$tmp"/*.patch; do
	if ! cmp -s "$f" "$TOP/patches/$(basename "$f")"; then
		cp "$f" "$TOP/patches/"
		changed=$((changed + 1))
	fi
done
for f in "$TOP"/patches/*.patch; do
	if [ ! -e "$tmp/$(basename "$f")" ]; then
		rm "$f"
		changed=$((changed + 1))
	fi
done
echo "$(git -C "$LINUX" rev-parse HEAD) $(series_hash)" >"$WORK/series.stamp"
say "patches/: $n patches and a cover letter, $changed files changed"
