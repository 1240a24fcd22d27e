#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make run's table: what the guests showed, one line a claim, per bed, each
with the line of the guest's results that shows it.

    showcase.py LOGS BED...

A claim with no evidence line is printed as "not shown". The verdict
(scripts/summary.py) follows the table; this only reads."""
import os
import re
import sys

# (claim, regular expression over the guest's results, evidence group)
CLAIMS = [
    ('VT-d translation level of edu\'s DMA domain',
     r'^ok \d+ (bed: edu\'s DMA domain is .*)$'),
    ('DMA from edu arrived through an attached PASID (KUnit)',
     r'^#\s+(ok \d+ (?:- )?vtd_edu_dma_through_pasid)$'),
    ('the same from user space; it faults once detached',
     r'^(ok \d+ pasid\.dma_domain\.dma_through_pasid)$'),
    ('DMAR faults, all inside windows tests opened on purpose',
     r'^#\s+(expected-fault windows: .*)$'),
    ('invalidation descriptors per strict unmap, 0 PASIDs',
     r'^#\s+(vtd_edu_unmap_invalidations: 0 PASIDs: .*)$'),
    ('... 1 PASID', r'^#\s+(vtd_edu_unmap_invalidations: 1 PASIDs: .*)$'),
    ('... 4 PASIDs', r'^#\s+(vtd_edu_unmap_invalidations: 4 PASIDs: .*)$'),
    ('... 16 PASIDs', r'^#\s+(vtd_edu_unmap_invalidations: 16 PASIDs: .*)$'),
    ('every allocation of attach/map/DMA failed in turn and unwound',
     r'^(ok \d+ each allocation failed in turn.*)$'),
    ('KUnit suites in the booted kernel',
     r'^(ok \d+ demo: KUnit suite iommu_pasid_vtd_edu .*)$'),
    ('the kernel is clean after all tests',
     r'^(ok \d+ kernel: not tainted.*)$'),
    ('', r'^(ok \d+ kmemleak: no unreferenced object.*)$'),
]


def main():
    logs, beds = sys.argv[1], sys.argv[2:]
    width = max(len(c) for c, _ in CLAIMS)
    for bed in beds:
        path = os.path.join(logs, bed, 'guest-results.txt')
        lines = open(path, errors='replace').read().splitlines() if os.path.exists(path) else []
        boot = os.path.join(logs, bed, 'boot.log')
        if os.path.exists(boot):
            text = open(boot, errors='replace').read()
            lines.append('# expected-fault windows: %d, DMAR faults inside them: %d' % (
                text.count('expected DMAR faults: begin'),
                len(re.findall(r'DMAR: \[DMA (Read|Write)', text))))
        print('  bed %s' % bed)
        for claim, rx in CLAIMS:
            ev = [m.group(1) for m in map(re.compile(rx).match, lines) if m]
            print('    %-*s  %s' % (width, claim, ev[0] if ev else 'not shown'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
