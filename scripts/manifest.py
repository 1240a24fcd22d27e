#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draft a test bed's manifest from the logs of a run:

    manifest.py BED [LOGS] > config/manifest/BED

Lists every KUnit case and parameter that ran and every guest program with
its plan. A skip comes out as "skip<TAB>REASON?": the reviewer of the
change writes why, or the verdict refuses the manifest. The manifest is
what must run; this only saves typing it, and its diff is the review.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summary  # noqa: E402

bed = sys.argv[1]
logs = sys.argv[2] if len(sys.argv) > 2 else os.path.join(summary.TOP, 'work', 'logs')
print('# What must run in test bed %s (config/beds), checked by scripts/summary.py.' % bed)
print('# kind<TAB>test<TAB>pass | plan N | skip<TAB>why; kunit: suite.case[/parameter],')
print('# guest: program in /tests[/result number]. A change here is reviewed like code.')
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
        if (line.startswith('ok ') or line.startswith('not ok ')) and '# SKIP' in line.upper():
            print('guest\t%s/%s\tskip\tREASON? (%s)' % (prog, line.split()[1 if line.startswith('ok') else 2],
                                                       line))
