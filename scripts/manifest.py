#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draft a test bed's manifest from the logs of a run:

    manifest.py BED [LOGS] > config/manifest/BED

Lists every KUnit case and parameter that ran, every guest program with
its plan and each of its results with its name. A skip comes out as "skip<TAB>REASON?": the reviewer of the
change writes why, or the verdict refuses the manifest. The manifest is
what must run; this only saves typing it, and its diff is the review.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summary  # noqa: E402

bed = sys.argv[1]
logs = sys.argv[2] if len(sys.argv) > 2 else os.path.join(summary.TOP, 'work', 'logs')
print('# What must run in test bed %s (config/beds), checked by scripts/summary.py.' % bed)
print('# kunit<TAB>suite.case[/parameter]<TAB>pass | skip<TAB>why;')
print('# guest<TAB>program in /tests<TAB>plan N, and for each of its results')
print('# guest<TAB>program/N<TAB>pass | skip<TAB>its name[<TAB>why, for a skip].')
print('# A change here is reviewed like code.')
data = json.load(open(os.path.join(logs, bed, 'kunit.json')))
param_skips = summary.kunit_param_skips(os.path.join(logs, bed, 'kunit-console.log'))
for name, status in summary.kunit_leaves(data, []):
    key = '.'.join(name[:2]) + ('/' + '/'.join(name[2:]) if len(name) > 2 else '')
    if status == 'SKIP':
        print('kunit\t%s\tskip\tREASON?' % key)
    else:
        print('kunit\t%s\tpass' % key)
for case, n in sorted(param_skips.items()):
    if n:
        print('# %s: %d parameters skipped (6.1 prints them as "ok"): mark which' % (case, n))
for prog, rc, lines in summary.guest_programs(os.path.join(logs, bed, 'guest-results.txt')):
    plan = [line for line in lines if line.startswith('1..')]
    print('guest\t%s\tplan %s' % (prog, plan[0][3:].split()[0] if plan else '?'))
    for line in lines:
        m = re.match(r'^(?:not )?ok (\d+)(?: - | |$)(.*)$', line)
        if not m:
            continue
        d = re.match(r'^(.*?)(?:(?:^|\s)#\s*(.*))?$', m.group(2))
        desc, directive = d.group(1).strip(), (d.group(2) or '').strip()
        if directive.upper().startswith('SKIP'):
            print('guest\t%s/%s\tskip\t%s\tREASON?' % (prog, m.group(1), desc or directive[4:].strip()))
        else:
            print('guest\t%s/%s\tpass\t%s' % (prog, m.group(1), desc))
