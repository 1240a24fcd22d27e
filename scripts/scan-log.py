#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Scan a kernel console log for what must fail a test run.

WARNING, BUG, KASAN, lockdep, Oops and panic reports always count. DMAR
faults count unless they fall inside a window that a test opened on purpose
with a line containing "expected DMAR faults: begin" and closed with
"expected DMAR faults: end". Prints one line per finding; exit status 1
when there is any.
"""
import re
import sys

BAD = re.compile(r'(WARNING:|BUG:|KASAN:|UBSAN:|Kernel panic|Oops[: ]|'
                 r'general protection fault|INFO: (possible|inconsistent|task .* blocked)|'
                 r'DEBUG_LOCKS_WARN_ON|unreferenced object)')
DMAR_FAULT = re.compile(r'DMAR: \[(DMA|INTR)|DMAR: DRHD: handling fault|'
                        r'detected translation failure|detected slpte permission error|'
                        r'fault is not recorded due to compression of faults')
# QEMU's own complaints (an invalidation-queue error, say) go to its stderr,
# which the harness keeps in the same log; those about a translation that
# failed are DMAR faults, expected or not like the guest's.
QEMU_ERR = re.compile(r'^qemu-system-x86_64: ')
BEGIN = 'expected DMAR faults: begin'
END = 'expected DMAR faults: end'


def scan(path):
    findings = []
    expecting = 0
    with open(path, errors='replace') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\r\n')
            if BEGIN in line:
                expecting += 1
                continue
            if END in line:
                expecting = max(0, expecting - 1)
                continue
            if BAD.search(line):
                findings.append((n, line))
            elif DMAR_FAULT.search(line):
                if not expecting:
                    findings.append((n, line))
            elif QEMU_ERR.search(line) or 'Invalidation Queue Error' in line:
                findings.append((n, line))
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
