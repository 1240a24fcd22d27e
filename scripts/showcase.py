#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make run's table: what the guests showed, one line a claim, per bed, each
with the line of the boot that shows it.

    showcase.py LOGS BED...

Evidence comes from the guest's results (LOGS/BED/guest-results.txt) and
from the KTAP the suites printed on the boot's console
(LOGS/BED/kunit-console.log). A claim whose evidence is missing, or whose
test did not pass, is printed as "not shown". The verdict
(scripts/summary.py) follows the table; this only reads."""
import os
import re
import sys

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')

# (claim, source, regular expression whose group 1 is the evidence, a
# regular expression that must match some line of the same source too)
CLAIMS = [
    ('VT-d translation level of edu\'s DMA domain', 'guest',
     r'^ok \d+ (bed: edu\'s DMA domain is .*)$', None),
    ('DMA from edu arrived through an attached PASID (KUnit)', 'console',
     r'^\s*(ok \d+ (?:- )?vtd_edu_dma_through_pasid)$', None),
    ('the same from user space; it faults once detached', 'guest',
     r'^(ok \d+ pasid\.dma_domain\.dma_through_pasid)$', None),
    ('DMAR faults, all inside windows tests opened on purpose', 'boot',
     r'^(expected-fault windows: .*)$', None),
    ('invalidation descriptors per strict unmap, 0 PASIDs', 'console',
     r'^\s*# (vtd_edu_unmap_invalidations: 0 PASIDs: .*)$', None),
    ('... 1 PASID', 'console', r'^\s*# (vtd_edu_unmap_invalidations: 1 PASIDs: .*)$', None),
    ('... 4 PASIDs', 'console', r'^\s*# (vtd_edu_unmap_invalidations: 4 PASIDs: .*)$', None),
    ('... 16 PASIDs', 'console', r'^\s*# (vtd_edu_unmap_invalidations: 16 PASIDs: .*)$', None),
    ('allocations of attach/map/DMA failed in turn and unwound', 'guest',
     r'^# (fault points walked: .*)$', r'^ok \d+ every allocation walked failed in turn'),
    ('KUnit suites of the series in the booted kernel', 'console',
     r'^(\d+ of \d+ suites passed.*)$', None),
    ('the kernel is clean after all tests', 'guest', r'^(ok \d+ kernel: not tainted.*)$', None),
    ('', 'guest', r'^(ok \d+ kmemleak: no unreferenced object.*)$', None),
]


def read(path):
    if not os.path.exists(path):
        return []
    return [STAMP.sub('', l) for l in open(path, errors='replace').read().splitlines()]


def sources(logs, bed):
    guest = read(os.path.join(logs, bed, 'guest-results.txt'))
    console = read(os.path.join(logs, bed, 'kunit-console.log'))
    suites = [m.group(1) for m in map(re.compile(r'^(ok|not ok) \d+ (?:- )?iommu_pasid\w*$').match,
                                       console) if m]
    if suites:
        console.append('%d of %d suites passed' % (suites.count('ok'), len(suites)))
    text = '\n'.join(read(os.path.join(logs, bed, 'boot.log')))
    boot = []
    if text:
        boot.append('expected-fault windows: %d, DMAR faults inside them: %d' % (
            text.count('expected DMAR faults: begin'),
            len(re.findall(r'DMAR: \[DMA (Read|Write)', text))))
    return {'guest': guest, 'console': console, 'boot': boot}


def evidence(lines, rx, needs):
    if needs and not any(re.match(needs, l) for l in lines):
        return None
    for line in lines:
        m = re.match(rx, line)
        if m:
            return m.group(1)
    return None


def main():
    logs, beds = sys.argv[1], sys.argv[2:]
    width = max(len(c) for c, _, _, _ in CLAIMS)
    for bed in beds:
        src = sources(logs, bed)
        print('  bed %s' % bed)
        for claim, where, rx, needs in CLAIMS:
            ev = evidence(src[where], rx, needs)
            print('    %-*s  %s' % (width, claim, ev or 'not shown'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
