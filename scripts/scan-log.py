#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Scan a kernel console log for what must fail a test run.

Every splat counts: WARNING, BUG (and "kernel BUG at"), invalid opcode,
KASAN, UBSAN, lockdep (including "trying to register non-static key"),
RCU stalls, hung tasks, soft lockups, kmemleak's "new suspected memory
leaks" and "unreferenced object", Oops and panic reports, and QEMU's own
errors.

DMAR faults, and the unit's invalidation-queue errors, count unless they
fall inside a window that a test opened on purpose: a line ending in "expected DMAR faults: begin", closed by a line
ending in "expected DMAR faults: end" from the same device, before the next
test result (a KTAP "ok"/"not ok" line, or the guest's "harness: test"
line between two programs) and within WINDOW_LINES lines. A window still
open at the next result, too long, or never closed, and an "end" without
a "begin", are findings themselves.

The block of test results the guest prints at the end of a boot is not
scanned: it is the tests' own output, which the verdict reads.

Prints one line per finding; exit status 1 when there is any.
"""
import re
import sys

BAD = re.compile(r'(WARNING:|BUG:|kernel BUG at|invalid opcode:|KASAN:|UBSAN:|Kernel panic|'
                 r'Oops[: ]|general protection fault|'
                 r'INFO: (possible|inconsistent|task .* blocked|trying to register non-static key|'
                 r'rcu_\w+ (self-)?detected stall)|rcu: INFO: .*stall|'
                 r'watchdog: BUG: soft lockup|DEBUG_LOCKS_WARN_ON|unreferenced object 0x|'
                 r'kmemleak: \d+ new suspected memory leaks|'
                 r'hung_task: |blocked for more than \d+ seconds)')
DMAR_FAULT = re.compile(r'DMAR: \[(DMA|INTR)|DMAR: DRHD: handling fault|'
                        r'detected translation failure|detected slpte permission error|'
                        r'fault is not recorded due to compression of faults')
# QEMU's own complaints (an invalidation-queue error, say) go to its stderr,
# which the harness keeps in the same log; those about a translation that
# failed are DMAR faults, expected or not like the guest's.
QEMU_ERR = re.compile(r'^qemu-system-x86_64: ')
# "<driver> <device>: expected DMAR faults: begin", as dev_info() prints it.
MARK = re.compile(r'^(.*?):? *expected DMAR faults: (begin|end)\s*$')
STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s*')
# A test's result: KTAP (KUnit, any indent) or the guest's program boundary.
RESULT = re.compile(r'(^|\]\s+)\s*(not ok|ok) \d+ |harness: test ')
WINDOW_LINES = 200
# The guest prints its tests' results between these lines at the end of a
# boot: test output, which the verdict judges, not kernel messages.
RESULTS_BEGIN = '==== harness results begin ===='
RESULTS_END = '==== harness results end ===='


def scan(path):
    findings = []
    window = None  # (first line number, owner) of the open window
    results = False
    with open(path, errors='replace') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\r\n')
            if RESULTS_BEGIN in line:
                results = True
            if results:
                results = RESULTS_END not in line
                continue
            m = MARK.search(STAMP.sub('', line))
            if m:
                owner, what = m.group(1).strip(), m.group(2)
                if what == 'begin':
                    if window:
                        findings.append((n, 'expected-fault window of line %d still open at a '
                                            'new one: %s' % (window[0], line)))
                    window = (n, owner)
                elif not window:
                    findings.append((n, 'expected-fault window closed but never opened: ' + line))
                elif window[1] != owner:
                    findings.append((n, 'expected-fault window of line %d (%s) closed by '
                                        'another device: %s' % (window[0], window[1], line)))
                    window = None
                else:
                    window = None
                continue
            if window and RESULT.search(line):
                findings.append((n, 'expected-fault window of line %d still open at the next '
                                    'test result: %s' % (window[0], line)))
                window = None
            if window and n - window[0] > WINDOW_LINES:
                findings.append((n, 'expected-fault window of line %d open for more than %d '
                                    'lines' % (window[0], WINDOW_LINES)))
                window = None
            if BAD.search(line):
                findings.append((n, line))
            elif DMAR_FAULT.search(line) or 'Invalidation Queue Error' in line:
                if not window:
                    findings.append((n, line))
            elif QEMU_ERR.search(line):
                findings.append((n, line))
    if window:
        findings.append((window[0], 'expected-fault window never closed'))
    return findings


def main():
    bad = 0
    for path in sys.argv[1:]:
        for n, line in scan(path):
            print(f'{path}:{n}: {line.strip()}')
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
