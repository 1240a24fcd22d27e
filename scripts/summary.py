#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count what make test ran: KUnit cases (kunit.py JSON), the guest's TAP
results, the kernel-log scans and the static checks. Prints every failure,
then "N passed, N failed" as its last line; exit status 1 on any failure."""
import json
import os
import re
import subprocess
import sys

logs = sys.argv[1]
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
passed = failed = skipped = 0
failures = []


def leaves(group, path):
    for case in group.get('test_cases', []):
        yield path + [case['name']], case['status']
    for sub in group.get('sub_groups', []):
        yield from leaves(sub, path + [sub['name']])


kunit = os.path.join(logs, 'kunit.json')
if os.path.exists(kunit):
    data = json.load(open(kunit))
    cases = list(leaves(data, []))
    for name, status in cases:
        if status == 'PASS':
            passed += 1
        elif status == 'SKIP':
            skipped += 1
        else:
            failed += 1
            failures.append('kunit: ' + '.'.join(name) + ' ' + status)
    if not cases:
        failed += 1
        failures.append('kunit: no test case ran')

guest = os.path.join(logs, 'guest-results.txt')
if os.path.exists(guest):
    program = ''
    for line in open(guest, errors='replace'):
        line = line.rstrip()
        m = re.match(r'# ---- (\S+)( exit (\d+))?$', line)
        if m:
            program = m.group(1)
            continue
        m = re.match(r'(not ok|ok) \d+', line)
        if not m:
            continue
        if re.search(r'#\s*SKIP', line, re.I):
            skipped += 1
        elif m.group(1) == 'ok':
            passed += 1
        else:
            failed += 1
            failures.append(program + ': ' + line.strip())

for log, ran in (('kunit-console.log', 'kunit.json'), ('boot.log', 'boot.log')):
    path = os.path.join(logs, log)
    if not os.path.exists(path):
        if os.path.exists(os.path.join(logs, ran)):
            failed += 1
            failures.append('kernel log %s: missing, nothing was scanned' % log)
        continue
    scan = subprocess.run([os.path.join(top, 'scripts/scan-log.py'), path],
                          capture_output=True, text=True)
    if scan.returncode:
        failed += 1
        failures.append('kernel log %s: %d reports\n%s' % (log, len(scan.stdout.splitlines()),
                                                          scan.stdout.rstrip()))
    else:
        passed += 1

checks = os.path.join(logs, 'check-results.txt')
if os.path.exists(checks):
    for line in open(checks):
        if line.startswith('ok'):
            passed += 1
        elif line.startswith('not ok'):
            failed += 1
            failures.append('check: ' + line[7:].strip())

for f in failures:
    print('FAILED ' + f)
if skipped:
    print('(%d skipped: their reason is in the logs)' % skipped)
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
