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
import importlib.util
import os
import re
import sys

_spec = importlib.util.spec_from_file_location(
    'scan_log', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scan-log.py'))
SCAN_LOG = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SCAN_LOG)

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')

# The counts that vtd_edu_unmap_invalidations prints are evidence only
# where the case passed.
UNMAP_OK = r'^\s*ok \d+ (?:- )?vtd_edu_unmap_invalidations$'

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
     r'^(expected-fault windows: \d+, DMAR faults: \d+, none outside)$', None),
    ('invalidation descriptors per strict unmap, 0 PASIDs', 'console',
     r'^\s*# (vtd_edu_unmap_invalidations: 0 PASIDs: .*)$', UNMAP_OK),
    ('... 1 PASID', 'console', r'^\s*# (vtd_edu_unmap_invalidations: 1 PASIDs: .*)$', UNMAP_OK),
    ('... 4 PASIDs', 'console', r'^\s*# (vtd_edu_unmap_invalidations: 4 PASIDs: .*)$', UNMAP_OK),
    ('... 16 PASIDs', 'console', r'^\s*# (vtd_edu_unmap_invalidations: 16 PASIDs: .*)$', UNMAP_OK),
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
    return {'guest': guest, 'console': console,
            'boot': faults(os.path.join(logs, bed, 'boot.log'))}


def faults(path):
    """The DMAR faults of a boot against the windows that tests open on
    purpose, by scripts/scan-log.py's own rule: one line, which says "none
    outside" only where scan-log finds no fault outside a window."""
    lines = read(path)
    if not lines:
        return []
    fault = re.compile(r'DMAR: \[(DMA|INTR)')
    outside = sum(1 for _, line in SCAN_LOG.scan(path) if fault.search(line))
    return ['expected-fault windows: %d, DMAR faults: %d, %s' % (
        sum(1 for line in lines if line.endswith('expected DMAR faults: begin')),
        sum(1 for line in lines if fault.search(line)),
        '%d outside' % outside if outside else 'none outside')]


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
