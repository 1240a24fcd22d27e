#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The checks of make check that hold the tools, not the series:
#  - sparse and spatch run and report a finding planted for each, so that a
#    tool that is missing, crashes or reports nothing cannot read as
#    "nothing new" (make check also fails on their exit status);
#  - every checkpatch exception (config/checkpatch-exceptions, or the file
#    given) has a patch glob, a type and a reason.
# Appends one "ok"/"not ok" line per check to $RES; exits 1 if any failed.
# make harness-test runs it with broken tools in PATH.
#     check-tools.sh [EXCEPTIONS]
. "$(dirname "$0")/lib.sh"

RES=${RES:?RES names the results file}
# The tools, as kbuild's CHECK names sparse: make harness-test points them
# at broken ones.
SPARSE=${SPARSE:-sparse}
SPATCH=${SPATCH:-spatch}
exceptions=${1:-$TOP/config/checkpatch-exceptions}
ctl=$(mktemp -d)
trap 'rm -rf "$ctl"' EXIT
rc=0

printf 'int harness_not_static;\n' >"$ctl/sparse.c"
if "$SPARSE" -Wdecl "$ctl/sparse.c" >"$ctl/sparse.log" 2>&1 &&
	grep -q "symbol 'harness_not_static' was not declared" "$ctl/sparse.log"; then
	result 0 "sparse runs and reports a planted finding"
else
	head -n 5 "$ctl/sparse.log" | sed 's/^/      /'
	result 1 "sparse runs and reports a planted finding" "$SPARSE: $(command -v "$SPARSE" || echo 'not found')"
	rc=1
fi

# A rule of the same shape as the kernel's scripts/coccinelle ones (-D report).
cat >"$ctl/planted.cocci" <<'COCCI'
virtual report
@r depends on report@
expression E;
position p;
@@
 E@p / E
@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "planted: x / x")
COCCI
printf 'int f(int a)\n{\n\treturn a / a;\n}\n' >"$ctl/cocci.c"
if "$SPATCH" -D report --very-quiet --no-show-diff --cocci-file "$ctl/planted.cocci" \
	"$ctl/cocci.c" >"$ctl/cocci.log" 2>&1 && grep -q "planted: x / x" "$ctl/cocci.log"; then
	result 0 "spatch runs and reports a planted finding"
else
	head -n 5 "$ctl/cocci.log" | sed 's/^/      /'
	result 1 "spatch runs and reports a planted finding" "$SPATCH: $(command -v "$SPATCH" || echo 'not found')"
	rc=1
fi

# "PATCH-GLOB<TAB>TYPE<TAB>reason": one without a reason would silence its
# type in every patch it matches with nothing to review.
bad=$(awk -F'\t' '!/^#/ && NF && (NF < 3 || $2 !~ /^[A-Z_]+$/ || $3 !~ /[^ ]/) { print FNR ": " $0 }' "$exceptions")
if [ -z "$bad" ]; then
	result 0 "checkpatch exceptions: each has a patch glob, a type and a reason"
else
	echo "$bad" | sed 's/^/      /'
	result 1 "checkpatch exceptions: each has a patch glob, a type and a reason" \
		"$(echo "$bad" | wc -l) lines without"
	rc=1
fi
exit "$rc"
