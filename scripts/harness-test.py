#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make harness-test: the verdict tests itself, in seconds, without a kernel.

Builds a fabricated logs directory of a run that passed in every bed (its
own manifest, stages, kunit.py JSON, consoles, guest results, check
results), checks that scripts/summary.py passes it, then breaks it one way
at a time (a selftest that bails out or crashes, a short plan, a missing
suite, a stray skip, a stage that died or timed out, an open fault window,
each kind of splat, ...) and checks that each is a failure that names what
broke. Runs scripts/mutants.py --report in fake projects: a verdict
counts only on the patches/ it was reached on, else (or without a hash) it
is stale. Also checks that the repository's manifests parse. Prints TAP and
"N passed, N failed"; exit status 1 on any failure.
"""
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY = os.path.join(TOP, 'scripts', 'summary.py')
BEDS = ('sl', 'fl')

MANIFEST = '''# fabricated
kunit\tsuite_a.case_one\tpass
kunit\tsuite_a.case_two\tpass
kunit\tsuite_b.params/first\tpass
kunit\tsuite_b.params/second\tpass
kunit\tsuite_b.params/third\tskip\tthe fake has no ATS here
kunit\tsuite_b.skipper\tskip\tneeds hardware
guest\t00-bed-check\tplan 2
guest\t00-bed-check/1\tpass\tbed: dmar0
guest\t00-bed-check/2\tpass\tbed: edu
guest\t20-selftest\tplan 3
guest\t20-selftest/1\tpass\tattach
guest\t20-selftest/2\tpass\tdetach
guest\t20-selftest/3\tskip\tkmemleak\tno kmemleak in this bed
guest\t99-kernel-state\tplan 1
guest\t99-kernel-state/1\tpass\tkernel: not tainted
'''

KUNIT_JSON = {
    'name': 'KUnit Test Group', 'test_cases': [], 'sub_groups': [
        {'name': 'suite_a', 'sub_groups': [], 'test_cases': [
            {'name': 'case_one', 'status': 'PASS'},
            {'name': 'case_two', 'status': 'PASS'}]},
        {'name': 'suite_b', 'test_cases': [
            {'name': 'skipper', 'status': 'SKIP'}], 'sub_groups': [
            {'name': 'params', 'sub_groups': [], 'test_cases': [
                {'name': 'first', 'status': 'PASS'},
                {'name': 'second', 'status': 'PASS'},
                {'name': 'third', 'status': 'PASS'}]}]}]}

CONSOLE = '''[    1.000000] KTAP version 1
[    1.000001] 1..2
[    1.000002]     KTAP version 1
[    1.000003]     # Subtest: suite_a
[    1.000004]     1..2
[    1.000005]     ok 1 - case_one
[    1.100000] pci 0000:00:03.0: expected DMAR faults: begin
[    1.100001] DMAR: DRHD: handling fault status reg 2
[    1.100002] DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0x1000 [fault reason 0x04] PTE Write access is not set
[    1.100003] DMAR: VT-d detected Invalidation Queue Error: Reason 0
[    1.300000] pci 0000:00:03.0: expected DMAR faults: end
[    1.300001]     ok 2 - case_two
[    1.300002] ok 1 - suite_a
[    1.300003]     KTAP version 1
[    1.300004]     # Subtest: suite_b
[    1.300005]     1..2
[    1.300006]         KTAP version 1
[    1.300007]         # Subtest: params
[    1.300008]         ok 1 first
[    1.300009]         ok 2 second
[    1.300010]         ok 3 third
[    1.300011]     # params: pass:2 fail:0 skip:1 total:3
[    1.300012]     ok 1 - params
[    1.300013]     ok 2 - skipper # SKIP needs hardware
[    1.300014] ok 2 - suite_b
'''

GUEST = '''# ---- /tests/00-bed-check
TAP version 13
1..2
ok 1 bed: dmar0
ok 2 bed: edu
# ---- /tests/00-bed-check exit 0 time 1
# ---- /tests/20-selftest
TAP version 13
1..3
ok 1 attach
ok 2 detach
ok 3 kmemleak # SKIP no kmemleak
# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0
# ---- /tests/20-selftest exit 0
# ---- /tests/99-kernel-state
TAP version 13
1..1
# tainted=262144
ok 1 kernel: not tainted
# ---- /tests/99-kernel-state exit 0
'''

BOOT = '''[    0.500000] Linux version 6.1.192
[    2.000000] harness: test /tests/00-bed-check
[    2.100000] harness: test /tests/20-selftest
[    2.200000] iommu_pasid_test 0000:00:03.0: expected DMAR faults: begin
[    2.200001] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x2000
[    2.400000] iommu_pasid_test 0000:00:03.0: expected DMAR faults: end
[    2.500000] harness: test /tests/99-kernel-state
[    2.600000] harness: tests done
==== harness results begin ====
ok 2 kmemleak: no unreferenced object after all tests
# WARNING: a test's own words are not a kernel splat
==== harness results end ====
'''

STAGES = ['setup', 'build', 'check', 'matrix', 'variants', 'harness-test'] + \
    ['boot-%s' % b for b in BEDS]
TREE = 'patches aaaa\napplied aaaa\nhead 1111\napplied-head 1111\ndirty 0\nbase linux-source-6.1 6.1.192-2\n'


def world():
    """The files of a run that passed: {relative path: text}."""
    files = {'manifest/%s' % b: MANIFEST for b in BEDS}
    for b in BEDS:
        files['logs/%s/kunit.json' % b] = json.dumps(KUNIT_JSON)
        files['logs/%s/kunit-console.log' % b] = CONSOLE
        files['logs/%s/guest-results.txt' % b] = GUEST
        # The suites ran in the boot: their KTAP is the console's start.
        files['logs/%s/boot.log' % b] = CONSOLE + BOOT
    for s in STAGES:
        files['logs/stages/%s' % s] = 'start 1\nexit 0\n'
    files['logs/check-results.txt'] = 'ok - checkpatch\nok - W=1\n# complete\n'
    files['logs/variants-results.txt'] = 'ok - modules build\nok - suite passes\n# complete\n'
    files['logs/matrix-results.txt'] = 'ok - matrix no-iommu\nok - matrix amd-only\n# complete\n'
    files['logs/tree-state'] = TREE
    return files


def exhaustive(files):
    """make check-all's run: the fail-nth selftest walked every point."""
    for b in BEDS:
        files['logs/%s/guest-results.txt' % b] = files['logs/%s/guest-results.txt' % b].replace(
            'ok 1 attach\n', '# fault points walked: all\nok 1 attach\n')


def edit(path, old, new):
    def f(files):
        assert old in files[path], (path, old)
        files[path] = files[path].replace(old, new, 1)
    return f


def drop(path):
    def f(files):
        del files[path]
    return f


def put(path, text):
    def f(files):
        files[path] = text
    return f


def kunit_status(suite, case, status, param=None):
    def f(files):
        data = json.loads(files['logs/sl/kunit.json'])
        for s in data['sub_groups']:
            if s['name'] != suite:
                continue
            groups = [g for g in s['sub_groups'] if g['name'] == case] if param else [s]
            for g in groups:
                for c in g['test_cases']:
                    if c['name'] == (param or case):
                        if status is None:
                            g['test_cases'].remove(c)
                        else:
                            c['status'] = status
        files['logs/sl/kunit.json'] = json.dumps(data)
    return f


def splat(line):
    return edit('logs/fl/boot.log', '[    2.500000] harness: test /tests/99',
                line + '\n[    2.500000] harness: test /tests/99')


# (name, change, a text the verdict must print)
CASES = [
    ('selftest bails out (ksft_exit_fail_msg)',
     edit('logs/sl/guest-results.txt', 'ok 2 detach\nok 3 kmemleak # SKIP no kmemleak\n',
          'Bail out! fail-nth 3: step 2 failed, state left\n'), 'Bail out!'),
    ('selftest bails out with exit 1',
     edit('logs/sl/guest-results.txt', '/tests/20-selftest exit 0', '/tests/20-selftest exit 1'),
     'exit 1'),
    ('selftest crashed with no TAP (exit 139)',
     edit('logs/sl/guest-results.txt',
          'TAP version 13\n1..3\nok 1 attach\nok 2 detach\nok 3 kmemleak # SKIP no kmemleak\n'
          '# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0\n# ---- /tests/20-selftest exit 0',
          'Segmentation fault\n# ---- /tests/20-selftest exit 139'), 'printed no TAP'),
    ('short plan', edit('logs/sl/guest-results.txt', '1..3', '1..40'), 'plan 1..40 but 3 results'),
    ('no plan', edit('logs/fl/guest-results.txt', '1..3\n', ''), 'printed no plan'),
    ('program skipped as a whole (1..0 # SKIP)',
     edit('logs/sl/guest-results.txt',
          '1..3\nok 1 attach\nok 2 detach\nok 3 kmemleak # SKIP no kmemleak\n',
          '1..0 # SKIP no /dev/iommu_pasid_test\n'), 'skipped as a whole'),
    ('guest program did not finish (guest hung)',
     edit('logs/sl/guest-results.txt', '# ---- /tests/99-kernel-state exit 0\n', ''),
     'did not finish'),
    ('not ok in the guest', edit('logs/fl/guest-results.txt', 'ok 1 attach', 'not ok 1 attach'),
     'not ok 1 attach'),
    ('guest program missing', edit('logs/sl/guest-results.txt',
                                   GUEST[GUEST.index('# ---- /tests/99'):], ''),
     '99-kernel-state did not run'),
    ('guest program not in the manifest', edit('logs/sl/guest-results.txt', '/tests/00-bed-check',
                                               '/tests/01-bed-check'), 'not in the manifest'),
    ('stray guest skip', edit('logs/sl/guest-results.txt', 'ok 2 detach', 'ok 2 detach # SKIP x'),
     'does not name that skip'),
    ('listed guest skip that passed', edit('logs/sl/guest-results.txt', 'ok 3 kmemleak # SKIP no kmemleak',
                                           'ok 3 kmemleak'), 'expects a skip'),
    ('kunit case failed', kunit_status('suite_a', 'case_two', 'FAIL'), 'suite_a.case_two FAIL'),
    ('kunit case crashed', kunit_status('suite_a', 'case_two', 'ERROR'), 'suite_a.case_two ERROR'),
    ('kunit suite missing (a .kunitconfig dropped)',
     lambda f: f.__setitem__('logs/sl/kunit.json', json.dumps(
         dict(KUNIT_JSON, sub_groups=KUNIT_JSON['sub_groups'][1:]))),
     'suite_a.case_one did not run'),
    ('kunit case renamed', edit('logs/sl/kunit.json', '"case_one"', '"case_1"'),
     'not in the manifest'),
    ('stray kunit skip', kunit_status('suite_a', 'case_one', 'SKIP'), 'does not name that skip'),
    ('kunit parameter failed among others that passed',
     kunit_status('suite_b', 'params', 'FAIL', 'second'), 'suite_b.params/second FAIL'),
    ('kunit parameter missing', kunit_status('suite_b', 'params', None, 'second'),
     'suite_b.params/second did not run'),
    ('stray parameter skip printed as ok (6.1)',
     edit('logs/sl/kunit-console.log', 'skip:1 total:3', 'skip:2 total:3'),
     '2 parameters skipped, the manifest names 1'),
    ('kunit.py wrote no JSON', drop('logs/fl/kunit.json'), 'kunit (fl): no results'),
    ('kunit.py JSON truncated', put('logs/fl/kunit.json', '{"name": "KUnit'), 'unreadable'),
    ('console log missing', drop('logs/fl/kunit-console.log'), 'kunit (fl): no console'),
    ('boot log missing', drop('logs/fl/boot.log'), 'missing, nothing was scanned'),
    ('guest results missing', drop('logs/fl/guest-results.txt'), 'guest (fl): no results'),
    ('stage failed', put('logs/stages/boot-fl', 'start 1\nexit 2\n'), 'stage boot-fl: exit 2'),
    ('stage timed out (guest hang)', put('logs/stages/boot-sl', 'start 1\nexit 124\n'), 'timed out'),
    ('stage died (no exit line)', put('logs/stages/check', 'start 1\n'), 'did not finish'),
    ('stage never ran', drop('logs/stages/boot-fl'), 'stage boot-fl: did not run'),
    ('build failed stops the rest', put('logs/stages/build', 'start 1\nexit 2\n'), 'stage build'),
    ('check.sh died half way', edit('logs/check-results.txt', '# complete\n', ''),
     'did not run to its end'),
    ('a check failed', edit('logs/check-results.txt', 'ok - W=1', 'not ok - W=1'), 'check: W=1'),
    ('a module suite failed',
     edit('logs/variants-results.txt', 'ok - suite passes', 'not ok - suite passes'),
     'variants: suite passes', 'all'),
    ('variants.sh died half way', edit('logs/variants-results.txt', '# complete\n', ''),
     'variants: did not run to its end', 'all'),
    ('variants never ran (check-all)', drop('logs/stages/variants'), 'stage variants: did not run',
     'all'),
    ('a matrix entry failed', edit('logs/matrix-results.txt', 'ok - matrix amd-only',
                                   'not ok - matrix amd-only'), 'matrix: matrix amd-only'),
    ('matrix never ran', drop('logs/stages/matrix'), 'stage matrix: did not run'),
    ('the tree has commits that patches/ does not (make setup left it alone)',
     edit('logs/tree-state', 'head 1111', 'head 2222'), 'commits not exported'),
    ('patches/ changed after the tree was set up',
     edit('logs/tree-state', 'patches aaaa', 'patches bbbb'), 'the tree under test is not patches/'),
    ('the tree has uncommitted changes', edit('logs/tree-state', 'dirty 0', 'dirty 3'),
     '3 files changed'),
    ('no record of the tree under test', drop('logs/tree-state'), 'no record of the tree'),
    ('guest result renamed', edit('logs/sl/guest-results.txt', 'ok 2 detach', 'ok 2 detach_all'),
     'the manifest names "detach"'),
    ('guest results renumbered (a number missing)',
     edit('logs/sl/guest-results.txt', 'ok 2 detach\nok 3 kmemleak', 'ok 3 detach\nok 2 kmemleak'),
     'not 1..3 in order'),
    ('guest result duplicated', edit('logs/fl/guest-results.txt', 'ok 1 attach\nok 2 detach',
                                     'ok 1 attach\nok 1 attach'), 'not 1..3 in order'),
    ('guest result not in the manifest',
     edit('logs/sl/guest-results.txt', '1..2\nok 1 bed: dmar0\nok 2 bed: edu\n',
          '1..3\nok 1 bed: dmar0\nok 2 bed: edu\nok 3 bed: more\n'),
     'result 3 (bed: more) is not in the manifest'),
    ('guest result marked TODO', edit('logs/sl/guest-results.txt', 'ok 2 detach', 'ok 2 detach # TODO x'),
     'a directive the verdict does not take'),
    ('guest result marked XFAIL', edit('logs/fl/guest-results.txt', 'ok 1 attach',
                                       'ok 1 attach # XFAIL known'), 'a directive'),
    ('a guest program killed at its time limit',
     edit('logs/sl/guest-results.txt', 'ok 2 detach\nok 3 kmemleak # SKIP no kmemleak\n'
          '# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0\n# ---- /tests/20-selftest exit 0',
          'Bail out! killed after the harness\'s limit of 420 s per program\n'
          '# ---- /tests/20-selftest exit 137 time 420'), 'exit 137'),
    ('check-all without an exhaustive fail-nth walk', lambda f: None,
     'did not walk every fault point', 'all'),
    ('empty logs', lambda f: [f.pop(k) for k in list(f) if k.startswith('logs/')],
     'did not run'),
    ('expected-fault window left open at the next result',
     edit('logs/sl/boot.log', '[    1.300000] pci 0000:00:03.0: expected DMAR faults: end\n', ''),
     'still open at the next test result'),
    ('expected-fault window left open at the next program',
     edit('logs/sl/boot.log', '[    2.400000] iommu_pasid_test 0000:00:03.0: expected DMAR faults: end\n',
          ''), 'still open at the next test result'),
    ('expected-fault window closed by another device',
     edit('logs/sl/boot.log', 'iommu_pasid_test 0000:00:03.0: expected DMAR faults: end',
          'iommu_pasid_test 0000:00:04.0: expected DMAR faults: end'), 'closed by another device'),
    ('marker inside another line does not open a window',
     edit('logs/sl/boot.log', '[    2.200000] iommu_pasid_test 0000:00:03.0: expected DMAR faults: begin',
          '[    2.200000] iommu_pasid_test: said "expected DMAR faults: begin" in passing'),
     'DMA Read NO_PASID'),
    ('invalidation queue error outside a window',
     splat('[    2.450000] DMAR: VT-d detected Invalidation Queue Error: Reason 1'),
     'Invalidation Queue Error: Reason 1'),
    ('DMAR fault outside a window',
     splat('[    2.450000] DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0x3000'),
     'DMA Write NO_PASID'),
    ('WARNING', splat('[    2.4] WARNING: CPU: 0 PID: 1 at drivers/iommu/iommu.c:3000 x+0x1/0x2'),
     'WARNING: CPU'),
    ('kernel BUG at', splat('[    2.4] kernel BUG at drivers/iommu/intel/pasid.c:100!'), 'kernel BUG at'),
    ('invalid opcode', splat('[    2.4] invalid opcode: 0000 [#1] PREEMPT SMP KASAN'), 'invalid opcode'),
    ('KASAN', splat('[    2.4] BUG: KASAN: use-after-free in iommu_detach_device_pasid+0x10/0x20'),
     'KASAN'),
    ('RCU stall', splat('[    2.4] rcu: INFO: rcu_preempt self-detected stall on CPU'), 'stall'),
    ('RCU stall, shown with the lines that follow it',
     splat('[    2.4] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n'
           '[    2.4] RIP: 0010:qi_submit_sync+0x10/0x20'),
     '  | [    2.4] RIP: 0010:qi_submit_sync+0x10/0x20'),
    ('lockdep non-static key', splat('[    2.4] INFO: trying to register non-static key.'),
     'non-static key'),
    ('lockdep circular', splat('[    2.4] WARNING: possible circular locking dependency detected'),
     'circular locking'),
    ('kmemleak object', splat('[    2.4] unreferenced object 0xffff888003f2c000 (size 64):'),
     'unreferenced object 0x'),
    ('kmemleak', splat('[    2.4] kmemleak: 3 new suspected memory leaks (see /sys/kernel/debug/kmemleak)'),
     'suspected memory leaks'),
    ('hung task', splat('[  122.4] INFO: task iommu_pasid:77 blocked for more than 120 seconds.'),
     'blocked for more than'),
    ('soft lockup', splat('[    2.4] watchdog: BUG: soft lockup - CPU#0 stuck for 26s!'), 'soft lockup'),
    ('QEMU error', splat('qemu-system-x86_64: vtd_qi_inv_desc: invalid inv desc'), 'qemu-system'),
    ('kernel panic', splat('[    2.4] Kernel panic - not syncing: Fatal exception'), 'Kernel panic'),
]


# (name, change, text, mode, beds): runs that leave a bed out.
BED_CASES = [
    ('an empty bed list', lambda f: None, 'bed fl: in the manifest, but the run did not include it',
     'test', ''),
    ('one bed of two', lambda f: None, 'bed sl: in the manifest', 'run', 'fl'),
]


def write_tree(d, files):
    """Write {relative path: text} below the directory d."""
    for rel, text in files.items():
        path = os.path.join(d, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)


def run(files, mode='test', beds=' '.join(BEDS)):
    d = tempfile.mkdtemp(prefix='harness-test.')
    try:
        write_tree(d, files)
        os.makedirs(os.path.join(d, 'logs'), exist_ok=True)
        out = subprocess.run([sys.executable, SUMMARY, '--mode', mode, '--beds', beds,
                              '--manifest-dir', os.path.join(d, 'manifest'),
                              os.path.join(d, 'logs')], capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr
    finally:
        shutil.rmtree(d)


SHOWCASE = os.path.join(TOP, 'scripts', 'showcase.py')
SHOW_GUEST = '''# ---- /tests/21-fail-nth
# fault points walked: the first 4 of each step
ok 1 every allocation walked failed in turn and unwound
# ---- /tests/21-fail-nth exit 0 time 30
'''
SHOW_CONSOLE = '''[    3.0]         ok 3 vtd_edu_dma_through_pasid
[    3.1]         # vtd_edu_unmap_invalidations: 4 PASIDs: 2 descriptors
[    3.1]         ok 4 vtd_edu_unmap_invalidations
[    3.2] ok 1 - iommu_pasid_vtd_edu
[    3.3] not ok 2 - iommu_pasid_attach
'''
SHOW_BOOT = '''[    4.0] pci 0000:00:01.0: DMAR: expected DMAR faults: begin
[    4.1] DMAR: [DMA Write PASID 0xb] Request device [00:01.0] fault addr 0x1001000
[    4.2] pci 0000:00:01.0: DMAR: expected DMAR faults: end
'''
SHOW_BOOT_OUTSIDE = SHOW_BOOT + '''[    5.0] DMAR: [DMA Read NO_PASID] Request device [00:01.0] fault addr 0x2000
'''


def showcase_cases():
    """(name, guest results, console, boot log, {claim prefix: evidence or None})."""
    return [
        ('showcase shows each claim with its evidence line', SHOW_GUEST, SHOW_CONSOLE,
         SHOW_BOOT,
         {'allocations of attach': 'fault points walked: the first 4 of each step',
          'DMA from edu': 'ok 3 vtd_edu_dma_through_pasid',
          '... 4 PASIDs': 'vtd_edu_unmap_invalidations: 4 PASIDs: 2 descriptors',
          'KUnit suites': '1 of 2 suites passed',
          'DMAR faults': 'expected-fault windows: 1, DMAR faults: 1, none outside',
          '... 16 PASIDs': None}),
        ('showcase says "not shown" of a claim whose test failed',
         SHOW_GUEST.replace('ok 1 every', 'not ok 1 every'), SHOW_CONSOLE, SHOW_BOOT,
         {'allocations of attach': None}),
        ('showcase says "not shown" of the counts of a failed unmap case', SHOW_GUEST,
         SHOW_CONSOLE.replace('ok 4 vtd_edu_unmap', 'not ok 4 vtd_edu_unmap'), SHOW_BOOT,
         {'... 4 PASIDs': None}),
        ('showcase says "not shown" of DMAR faults with one outside a window', SHOW_GUEST,
         SHOW_CONSOLE, SHOW_BOOT_OUTSIDE, {'DMAR faults': None}),
        ('showcase says "not shown" with no logs', '', '', '',
         {'DMA from edu': None, 'KUnit suites': None, 'the kernel is clean': None,
          'DMAR faults': None}),
    ]


def run_showcase(guest, console, boot):
    d = tempfile.mkdtemp(prefix='harness-test.')
    try:
        os.makedirs(os.path.join(d, 'sl'))
        for name, text in (('guest-results.txt', guest), ('kunit-console.log', console),
                           ('boot.log', boot)):
            if text:
                with open(os.path.join(d, 'sl', name), 'w') as f:
                    f.write(text)
        out = subprocess.run([sys.executable, SHOWCASE, d, 'sl'], capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr
    finally:
        shutil.rmtree(d)


CHECK_TOOLS = os.path.join(TOP, 'scripts', 'check-tools.sh')
EXCEPTIONS_OK = '# comment\n*-iommu-*\tFILE_PATH_CHANGES\tcovered by the IOMMU SUBSYSTEM entry\n'


def run_console_head():
    """scripts/boot.sh's cut of the console, on a log whose rest after the
    guest's first line is far larger than a pipe holds."""
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, 'boot.log')
        with open(log, 'w', newline='') as f:
            f.write('KTAP version 1\r\nok 1 suite\r\nharness: guest up\r\n')
            f.write('guest output that is not KTAP\r\n' * 200000)
        out = subprocess.run(['bash', '-c', '. "$1/scripts/lib.sh"; console_head "$2" >"$2.head"',
                              'console_head', TOP, log], capture_output=True, text=True)
        with open(log + '.head', newline='') as f:
            lines = f.read().split('\n')[:-1]
    return out.returncode, lines, out.stdout + out.stderr


def tools_cases():
    """(name, {tool: fake script or None}, exceptions, check that must fail or None)."""
    return [
        ('the real sparse and spatch report their planted findings', {}, EXCEPTIONS_OK, None),
        ('fails: a sparse that reports nothing', {'sparse': 'exit 0'}, EXCEPTIONS_OK, 'sparse'),
        ('fails: a sparse that crashes', {'sparse': 'kill -SEGV $$'}, EXCEPTIONS_OK, 'sparse'),
        ('fails: no sparse at all', {'sparse': None}, EXCEPTIONS_OK, 'sparse'),
        ('fails: a spatch that reports nothing', {'spatch': 'exit 0'}, EXCEPTIONS_OK, 'spatch'),
        ('fails: a spatch that crashes', {'spatch': 'echo Fatal error >&2; exit 2'},
         EXCEPTIONS_OK, 'spatch'),
        ('fails: a checkpatch exception without a reason', {},
         EXCEPTIONS_OK + '*-idxd-*\tLONG_LINE\n', 'checkpatch exceptions'),
        ('fails: a checkpatch exception without a type', {},
         EXCEPTIONS_OK + '*-idxd-*\t\tbecause\n', 'checkpatch exceptions'),
    ]


def run_tools(fakes, exceptions):
    d = tempfile.mkdtemp(prefix='harness-test.')
    try:
        env = dict(os.environ, RES=os.path.join(d, 'results'), LOGS=d, WORK=d)
        for tool, script in fakes.items():
            f = os.path.join(d, tool)
            if script is not None:
                with open(f, 'w') as fh:
                    fh.write('#!/bin/sh\n%s\n' % script)
                os.chmod(f, 0o755)
            env[tool.upper()] = f
        with open(os.path.join(d, 'exceptions'), 'w') as fh:
            fh.write(exceptions)
        res = env['RES']
        out = subprocess.run([CHECK_TOOLS, os.path.join(d, 'exceptions')],
                             capture_output=True, text=True, env=env)
        lines = open(res).read().splitlines() if os.path.exists(res) else []
        return out.returncode, lines, out.stdout + out.stderr
    finally:
        shutil.rmtree(d)


MUTANTS = os.path.join(TOP, 'scripts', 'mutants.py')
MUT_ID, MUT_FILE, MUT_OLD, MUT_NEW = 'fake-bug', 'drivers/fake.c', 'return 0;', 'return 1;'
MUT_CONF = '[%s]\nmodels = a fake bug\nfile = %s\nold = %s\nnew = %s\nbeds = sl\n' % (
    MUT_ID, MUT_FILE, MUT_OLD, MUT_NEW)
MUT_BY = 'kunit-sl: kunit (sl): suite_a.case_one FAIL'
MUT_HEADER = '| mutant | models | file | beds | verdict | by | commit | patches | change |\n' \
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
# RESULTS.md before verdicts named their series and change.
MUT_OLD_HEADER = '| mutant | models | file | beds | verdict | by | series |\n' \
    '| --- | --- | --- | --- | --- | --- | --- |\n'


def mutants_world():
    """A fake project for mutants.py --report: patches/ and one mutant."""
    return {'patches/v1-0000-cover-letter.patch': 'Subject: [PATCH 0/1] fake\n',
            'patches/v1-0001-fake.patch': 'Subject: [PATCH 1/1] fake\n+return 0;\n',
            'patches/notes.txt': 'not a patch: not in the hash\n',
            'mutants/mutants.conf': MUT_CONF, 'mutants/survivors.conf': ''}


def fake_series_hash(files):
    """lib.sh's series_hash of the fake patches/, computed here on its own."""
    h = hashlib.sha256()
    for rel in sorted(files):
        if rel.startswith('patches/') and rel.endswith('.patch'):
            h.update(files[rel].encode())
    return h.hexdigest()


def mut_change():
    return hashlib.sha256('\0'.join([MUT_FILE, MUT_OLD, MUT_NEW]).encode()).hexdigest()[:8]


def mut_row(patches, change):
    return '| %s | a fake bug | `%s` | sl | killed | %s | 1111111 | %s | %s |\n' % (
        MUT_ID, MUT_FILE, MUT_BY, patches, change)


def mut_results(text):
    return put('mutants/RESULTS.md', '# Mutants\n\n' + text)


def mut_verdict(series):
    return put('work/mutants/%s/verdict.json' % MUT_ID, json.dumps(
        {'verdict': 'killed', 'detail': [MUT_BY], 'series': '1111111 fake', 'patches': series,
         'change': [MUT_FILE, MUT_OLD, MUT_NEW]}))


def mutants_cases():
    """(name, changes (given the hash of the fake patches/ as first written),
    exit status, killed, stale, verdict cell of RESULTS.md)."""
    patch_edited = edit('patches/v1-0001-fake.patch', 'return 0;', 'return -1;')
    return [
        ('a verdict on the current patches/ counts as killed',
         lambda h: [mut_results(MUT_HEADER + mut_row(h[:12], mut_change()))], 0, 1, 0, 'killed'),
        ('the same verdict after patches/ changed is stale, not counted',
         lambda h: [mut_results(MUT_HEADER + mut_row(h[:12], mut_change())), patch_edited],
         1, 0, 1, 'stale (killed)'),
        ('an old RESULTS.md row (no patches/ hash, no change) is stale',
         lambda h: [mut_results(MUT_OLD_HEADER + '| %s | a fake bug | `%s` | sl | killed | %s | '
                                '1111111 fake |\n' % (MUT_ID, MUT_FILE, MUT_BY))],
         1, 0, 1, 'stale (killed)'),
        ('a RESULTS.md row with empty patches/ and change cells is stale',
         lambda h: [mut_results(MUT_HEADER + mut_row('', ''))], 1, 0, 1, 'stale (killed)'),
        ('this machine\'s verdict.json on the current patches/ counts as killed',
         lambda h: [mut_verdict(h)], 0, 1, 0, 'killed'),
        ('this machine\'s verdict.json after patches/ changed is stale',
         lambda h: [mut_verdict(h), patch_edited], 1, 0, 1, 'stale (killed)'),
    ]


def run_mutants_report(files):
    """The real mutants.py --report in a fake project: a copy of it in
    scripts/ there (its TOP is its own directory's parent), WORK there too.
    Runs it twice, the second time on the RESULTS.md the first one wrote.
    Returns [(exit status, output, the verdict cell of the mutant's row)]."""
    d = tempfile.mkdtemp(prefix='harness-test.')
    try:
        write_tree(d, files)
        os.makedirs(os.path.join(d, 'scripts'), exist_ok=True)
        script = os.path.join(d, 'scripts', 'mutants.py')
        shutil.copy(MUTANTS, script)
        env = dict(os.environ, WORK=os.path.join(d, 'work'))
        env.pop('MUTANTS_BUDGET_MIN', None)
        runs = []
        for _ in range(2):
            out = subprocess.run([sys.executable, script, '--report'], capture_output=True,
                                 text=True, env=env, cwd=d)
            path = os.path.join(d, 'mutants', 'RESULTS.md')
            rows = [l for l in open(path).read().splitlines()
                    if l.startswith('| %s |' % MUT_ID)] if os.path.exists(path) else []
            cell = rows[0].split('|')[5].strip() if len(rows) == 1 else '(%d rows)' % len(rows)
            runs.append((out.returncode, out.stdout + out.stderr, cell))
        return runs
    finally:
        shutil.rmtree(d)


def main():
    n = failed = 0
    results = []

    def result(ok, what, detail=''):
        nonlocal n, failed
        n += 1
        failed += not ok
        results.append('%s %d %s' % ('ok' if ok else 'not ok', n, what))
        if not ok and detail:
            results.extend('# ' + line for line in detail.splitlines())

    for mode in ('test', 'all', 'run'):
        files = world()
        if mode == 'all':
            exhaustive(files)
        rc, out = run(files, mode)
        last = out.strip().splitlines()[-1] if out.strip() else ''
        result(rc == 0 and last.endswith(' 0 failed'),
               'a run that passed passes, mode %s (%s)' % (mode, last), out)
    for case in CASES + BED_CASES:
        name, change, text = case[:3]
        mode = case[3] if len(case) > 3 else 'test'
        beds = case[4] if len(case) > 4 else ' '.join(BEDS)
        files = copy.deepcopy(world())
        if mode == 'all' and 'exhaustive' not in name:
            exhaustive(files)
        change(files)
        rc, out = run(files, mode, beds)
        last = out.strip().splitlines()[-1] if out.strip() else ''
        ok = rc == 1 and text in out and last.endswith(' failed') and not last.endswith(' 0 failed')
        result(ok, 'fails: %s' % name, out)
    for name, guest, console, boot, want in showcase_cases():
        rc, out = run_showcase(guest, console, boot)
        bad = []
        for claim, ev in want.items():
            line = [l for l in out.splitlines() if l.strip().startswith(claim)]
            shown = line[0].split('  ')[-1].strip() if line else '(no such claim)'
            if shown != (ev or 'not shown'):
                bad.append('%s: %r, want %r' % (claim, shown, ev or 'not shown'))
        result(rc == 0 and not bad, name, '\n'.join(bad) + '\n' + out)
    rc, lines, out = run_console_head()
    result(rc == 0 and len(lines) == 3 and lines[-1] == 'harness: guest up' and
           not any('\r' in l for l in lines),
           'console_head: the KTAP of a long boot log, whole, without SIGPIPE (exit %d, %d lines)' %
           (rc, len(lines)), out)
    for name, fakes, exceptions, broken in tools_cases():
        rc, lines, out = run_tools(fakes, exceptions)
        bad = [l for l in lines if l.startswith('not ok')]
        if broken is None:
            ok = rc == 0 and len(lines) == 3 and not bad
        else:
            ok = rc == 1 and len(bad) == 1 and broken in bad[0]
        result(ok, 'check-tools: ' + name, '\n'.join(lines) + '\n' + out)
    for name, changes, want_rc, killed, stale, cell in mutants_cases():
        files = mutants_world()
        for change in changes(fake_series_hash(files)):
            change(files)
        now = fake_series_hash(files)[:12]
        bad = []
        for i, (rc, out, shown) in enumerate(run_mutants_report(files)):
            last = out.strip().splitlines()[-1] if out.strip() else ''
            if not (rc == want_rc and
                    last.startswith('%d of 1 mutants killed on patches/ at %s:' % (killed, now)) and
                    ', %d stale' % stale in last and shown == cell):
                bad.append('run %d: exit %d, want %d; verdict %r, want %r; summary %r' % (
                    i + 1, rc, want_rc, shown, cell, last))
        result(not bad, 'mutants --report: ' + name, '\n'.join(bad) + '\n' + out)
    for bed in BEDS:
        path = os.path.join(TOP, 'config', 'manifest', bed)
        out = subprocess.run([sys.executable, '-c',
                              'import sys; sys.path.insert(0, %r); import summary; '
                              'm = summary.read_manifest(%r); print(len(m))' %
                              (os.path.join(TOP, 'scripts'), path)],
                             capture_output=True, text=True)
        result(out.returncode == 0 and int(out.stdout or 0) > 0,
               'manifest config/manifest/%s parses (%s entries)' % (bed, out.stdout.strip() or '?'),
               out.stderr)
    print('TAP version 13')
    print('1..%d' % n)
    print('\n'.join(results))
    print('%d passed, %d failed' % (n - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
