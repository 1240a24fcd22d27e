#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The verdict of make test (and make run): what ran, against what must run.

    summary.py [--mode test|all|run] [--beds "sl fl"] LOGS

A run passes only when every stage it needed finished with exit status 0
(scripts/test.sh writes LOGS/stages/NAME: "start ..." then "exit N"), and
every test that config/manifest/BED names ran with the result it names, in
every bed:

- KUnit (LOGS/BED/kunit.json: kunit.py's parse of the KTAP that the boot's
  console printed, LOGS/BED/kunit-console.log): each suite.case and
  suite.case/parameter passes, or skips where the manifest says "skip" and
  why. 6.1 prints a skipped parameter as "ok": the per-case statistics line
  of the console ("# case: pass:P fail:F skip:S total:T") must show as many
  skips as the manifest names for that case.
- The guest's programs (LOGS/BED/guest-results.txt: "# ---- /tests/NAME",
  its TAP, "# ---- /tests/NAME exit N time S"): each finished with exit
  status 0, printed a plan equal to the manifest's and as many results,
  numbered 1..N in order, each with the name the manifest pins for its
  number, no "Bail out!", no "not ok", no directive but a SKIP the manifest
  names (a TODO or XFAIL would turn a failure into a pass).
- Tests that ran but are not in the manifest, and tests of the manifest
  that did not run, fail.
- The kernel logs of every boot have no report (scripts/scan-log.py).
- Every bed of the manifest ran (the manifest's files are the beds).
- In test and all mode: the tree under test is patches/ as setup applied
  it (LOGS/tree-state), and the results of make check and of the
  configuration matrix (LOGS/check-results.txt, LOGS/matrix-results.txt);
  in all mode (make check-all) also the variants (LOGS/variants-results.txt)
  and a fail-nth selftest that walked every fault point.

Prints each failure, then "N passed, N failed" as its last line; the exit
status is 1 on any failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')


class Verdict:
    def __init__(self):
        self.passed = 0
        self.failures = []
        self.skipped = []

    def ok(self, n=1):
        self.passed += n

    def fail(self, what):
        self.failures.append(what)


def read_manifest(path):
    """{(kind, name): (expect, reason)} from a manifest file."""
    entries = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            fields = line.split('\t')
            if len(fields) < 3 or fields[0] not in ('kunit', 'guest'):
                raise SystemExit('%s:%d: malformed manifest line: %r' % (path, n, line))
            kind, name, expect = fields[0], fields[1], fields[2]
            reason = fields[3] if len(fields) > 3 else ''
            if kind == 'guest' and '/' in name:
                # guest PROG/N pass|skip NAME [why]: a result is pinned by
                # its number and its name.
                if expect not in ('pass', 'skip') or len(fields) < 4 or not fields[3]:
                    raise SystemExit('%s:%d: a guest result needs pass or skip and its name' %
                                     (path, n))
                reason = (fields[3], fields[4] if len(fields) > 4 else '')
                if expect == 'skip' and not reason[1]:
                    raise SystemExit('%s:%d: a skip must say why' % (path, n))
            elif kind == 'guest' and not re.match(r'^plan [1-9]\d*$', expect):
                raise SystemExit('%s:%d: a guest program needs its plan' % (path, n))
            elif expect == 'skip' and not reason:
                raise SystemExit('%s:%d: a skip must say why' % (path, n))
            if (kind, name) in entries:
                raise SystemExit('%s:%d: %s %s listed twice' % (path, n, kind, name))
            entries[(kind, name)] = (expect, reason)
    return entries


def stage(v, logs, name, log, counted=None):
    """A stage test.sh ran: finished with 0, or a failure naming its log.
    counted(): whether the stage's non-zero exit is already counted as
    failed tests of its own (make check's failed checks)."""
    path = os.path.join(logs, 'stages', name)
    if not os.path.exists(path):
        v.fail('stage %s: did not run (log: %s)' % (name, log))
        return False
    text = open(path).read()
    m = re.search(r'^exit (\d+)$', text, re.M)
    if not m:
        v.fail('stage %s: did not finish (died or was killed; log: %s)' % (name, log))
        return False
    rc = int(m.group(1))
    if rc == 1 and counted and counted():
        v.ok()
        return True
    if rc:
        why = ' (timed out)' if rc == 124 else ''
        v.fail('stage %s: exit %d%s (log: %s)' % (name, rc, why, log))
        return False
    v.ok()
    return True


def kunit_leaves(group, path):
    for case in group.get('test_cases', []):
        yield path + [case['name']], case['status']
    for sub in group.get('sub_groups', []):
        yield from kunit_leaves(sub, path + [sub['name']])


def kunit_param_skips(console):
    """{suite.case: skips} from 6.1's per-case statistics lines."""
    skips = {}
    suite = None
    if not os.path.exists(console):
        return skips
    for line in open(console, errors='replace'):
        line = STAMP.sub('', line.rstrip('\r\n'))
        m = re.match(r'^    # Subtest: (\S+)$', line)
        if m:
            suite = m.group(1)
            continue
        m = re.match(r'^\s+# (\S+): pass:\d+ fail:\d+ skip:(\d+) total:\d+$', line)
        if m and suite:
            skips['%s.%s' % (suite, m.group(1))] = int(m.group(2))
    return skips


def kunit_results(v, bed, logs, manifest, seen):
    path = os.path.join(logs, bed, 'kunit.json')
    if not os.path.exists(path):
        v.fail('kunit (%s): no results (%s)' % (bed, path))
        return
    try:
        data = json.load(open(path))
    except ValueError as e:
        v.fail('kunit (%s): unreadable results %s: %s' % (bed, path, e))
        return
    want_param_skips = {}
    for name, status in kunit_leaves(data, []):
        # [suite, case] or [suite, case, parameter]
        key = '.'.join(name[:2]) + ('/' + '/'.join(name[2:]) if len(name) > 2 else '')
        seen.add(('kunit', key))
        expect, reason = manifest.get(('kunit', key), (None, ''))
        if expect is None:
            v.fail('kunit (%s): %s ran (%s) but is not in the manifest' % (bed, key, status))
            continue
        if len(name) > 2 and expect == 'skip':
            case = '.'.join(name[:2])
            want_param_skips[case] = want_param_skips.get(case, 0) + 1
        if status == 'PASS' and (expect == 'pass' or len(name) > 2):
            v.ok()
        elif status == 'SKIP' and expect == 'skip':
            v.ok()
            v.skipped.append('kunit (%s): %s: %s' % (bed, key, reason))
        elif status == 'SKIP':
            v.fail('kunit (%s): %s skipped, and the manifest does not name that skip' % (bed, key))
        elif status == 'PASS':
            v.fail('kunit (%s): %s passed, but the manifest expects a skip (%s)' % (bed, key, reason))
        else:
            v.fail('kunit (%s): %s %s' % (bed, key, status))
    # 6.1 prints skipped parameters as "ok": count them from the console.
    console = os.path.join(logs, bed, 'kunit-console.log')
    if not os.path.exists(console):
        v.fail('kunit (%s): no console (%s) to count skipped parameters in' % (bed, console))
        return
    skips = kunit_param_skips(console)
    for case in sorted(set(skips) | set(want_param_skips)):
        have, want = skips.get(case, 0), want_param_skips.get(case, 0)
        if have != want:
            v.fail('kunit (%s): %s: %d parameters skipped, the manifest names %d' %
                   (bed, case, have, want))
        elif want:
            v.skipped.append('kunit (%s): %s: %d parameters skipped as listed' % (bed, case, want))


def guest_programs(path):
    """[(program, exit status or None, [lines])] from guest-results.txt."""
    programs = []
    cur = None
    for line in open(path, errors='replace'):
        line = line.rstrip('\r\n')
        m = re.match(r'^# ---- /tests/(\S+?)(?: exit (\d+)(?: time \d+)?)?$', line)
        if m and m.group(2) is None:
            cur = [m.group(1), None, []]
            programs.append(cur)
        elif m and cur and m.group(1) == cur[0]:
            cur[1] = int(m.group(2))
            cur = None
        elif cur:
            cur[2].append(line)
    return programs


def guest_results(v, bed, logs, manifest, seen):
    path = os.path.join(logs, bed, 'guest-results.txt')
    if not os.path.exists(path) or not os.path.getsize(path):
        v.fail('guest (%s): no results (%s)' % (bed, path))
        return
    for prog, rc, lines in guest_programs(path):
        seen.add(('guest', prog))
        expect, _ = manifest.get(('guest', prog), (None, ''))
        where = 'guest (%s): %s' % (bed, prog)
        if expect is None:
            v.fail('%s ran but is not in the manifest' % where)
            continue
        want = int(expect.split()[1]) if expect.startswith('plan ') else None
        bad = []
        if rc is None:
            bad.append('did not finish (no exit status)')
        elif rc:
            bad.append('exit %d' % rc)
        plan = None
        numbers = []
        tap = False
        for line in lines:
            if re.match(r'^Bail out!', line):
                bad.append(line)
                tap = True
            m = re.match(r'^1\.\.(\d+)(\s*#\s*SKIP.*)?$', line, re.I)
            if m:
                tap = True
                if plan is not None:
                    bad.append('a second plan: ' + line)
                plan = int(m.group(1))
                if m.group(2):
                    bad.append('skipped as a whole: ' + line)
                continue
            m = re.match(r'^(not ok|ok) (\d+)(?: - | |$)(.*)$', line)
            if not m:
                continue
            tap = True
            num = int(m.group(2))
            numbers.append(num)
            test = '%s/%d' % (prog, num)
            d = re.match(r'^(.*?)(?:(?:^|\s)#\s*(.*))?$', m.group(3))
            desc = d.group(1).strip()
            directive = (d.group(2) or '').strip()
            skip = re.match(r'SKIP\b', directive, re.I)
            if skip and not desc:
                # kselftest's ksft_test_result_skip(): "ok N # SKIP why".
                desc = directive[4:].strip()
            sexpect, pinned = manifest.get(('guest', test), (None, ('', '')))
            seen.add(('guest', test))
            if m.group(1) == 'not ok':
                v.fail('%s: %s' % (where, line))
                continue
            if sexpect is None:
                v.fail('%s: result %d (%s) is not in the manifest' % (where, num, desc))
                continue
            if desc != pinned[0]:
                v.fail('%s: result %d is "%s", the manifest names "%s"' %
                       (where, num, desc, pinned[0]))
                continue
            if directive and not skip:
                # TODO, XFAIL and the like turn a failure into a pass.
                v.fail('%s: result %d carries a directive the verdict does not take: %s' %
                       (where, num, line))
            elif skip and sexpect == 'skip':
                v.ok()
                v.skipped.append('guest (%s): %s: %s' % (bed, test, pinned[1]))
            elif skip:
                v.fail('%s: skipped, and the manifest does not name that skip: %s' % (where, line))
            elif sexpect == 'skip':
                v.fail('%s: passed, but the manifest expects a skip (%s): %s' %
                       (where, pinned[1], line))
            else:
                v.ok()
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            bad.append('results numbered %s, not 1..%d in order' %
                       (' '.join(map(str, numbers)), len(numbers)))
        results = len(numbers)
        if not tap:
            bad.append('printed no TAP')
        elif plan is None:
            bad.append('printed no plan')
        elif plan != results:
            bad.append('plan 1..%d but %d results' % (plan, results))
        if want is not None and plan is not None and plan != want:
            bad.append('plan 1..%d but the manifest says %d' % (plan, want))
        for b in bad:
            v.fail('%s: %s' % (where, b))


def scan(v, what, path):
    if not os.path.exists(path) or not os.path.getsize(path):
        v.fail('kernel log %s: missing, nothing was scanned' % what)
        return
    out = subprocess.run([sys.executable, os.path.join(TOP, 'scripts/scan-log.py'), path],
                         capture_output=True, text=True)
    if out.returncode:
        v.fail('kernel log %s: %d reports\n%s%s' % (what, len(out.stdout.splitlines()),
                                                   out.stdout.rstrip(),
                                                   excerpt(path, out.stdout)))
    else:
        v.ok()


# CI shows the head of the verdict, not the logs: the lines that follow the
# first report (its task, registers and backtrace) say where the kernel was.
EXCERPT_LINES = 40


def excerpt(path, findings):
    m = re.match(r'.*?:(\d+): ', findings)
    if not m:
        return ''
    first = int(m.group(1))
    with open(path, errors='replace') as f:
        lines = [l.rstrip('\r\n') for n, l in enumerate(f, 1)
                 if first <= n < first + EXCERPT_LINES]
    return '\nthe first report, as the log has it (%d lines from line %d):\n%s' % (
        len(lines), first, '\n'.join('  | ' + l for l in lines))


def checks(v, logs, name='check'):
    """The ok/not ok lines of a stage that writes NAME-results.txt (make
    check, the configuration variants), which ends with "# complete"."""
    path = os.path.join(logs, '%s-results.txt' % name)
    if not os.path.exists(path):
        v.fail('%s: no results (%s)' % (name, path))
        return
    n = 0
    lines = open(path).read().splitlines()
    if '# complete' not in lines:
        v.fail('%s: did not run to its end (%s)' % (name, path))
    for line in lines:
        if line.startswith('ok'):
            v.ok()
            n += 1
        elif line.startswith('not ok'):
            v.fail('%s: ' % name + line[len('not ok'):].strip(' -'))
            n += 1
    if not n:
        v.fail('%s: no check ran' % name)


def checks_failed(logs, name='check'):
    """The stage ran to its end and failed checks (counted by checks())."""
    path = os.path.join(logs, '%s-results.txt' % name)
    if not os.path.exists(path):
        return False
    lines = open(path).read().splitlines()
    return '# complete' in lines and any(line.startswith('not ok') for line in lines)


def tree_state(v, logs):
    """The tree under test is patches/: setup applied the series it holds
    and the work tree has nothing else (LOGS/tree-state, scripts/test.sh)."""
    path = os.path.join(logs, 'tree-state')
    if not os.path.exists(path):
        v.fail('tree: no record of the tree under test (%s)' % path)
        return
    st = dict(line.split(None, 1) for line in open(path).read().splitlines() if ' ' in line)
    bad = []
    if st.get('patches') != st.get('applied'):
        bad.append('patches/ is %s, the tree holds the series %s' %
                   (st.get('patches', '?')[:12], st.get('applied', '?')[:12]))
    if st.get('head') != st.get('applied-head'):
        bad.append('the tree\'s HEAD %s is not the series as applied (%s): commits not exported' %
                   (st.get('head', '?')[:12], st.get('applied-head', '?')[:12]))
    if st.get('dirty', '0') != '0':
        bad.append('%s files changed and not committed' % st['dirty'])
    for b in bad:
        v.fail('tree: the tree under test is not patches/: ' + b)
    if not bad:
        v.ok()
    if st.get('base'):
        print('base: ' + st['base'])


# The stages of each mode, after setup and build and the boots of every bed:
# (stage, results file name or None).
AFTER_BOOTS = {
    'test': [('check', 'check'), ('matrix', 'matrix'), ('harness-test', None)],
    'all': [('check', 'check'), ('matrix', 'matrix'), ('variants', 'variants'),
            ('harness-test', None)],
    'run': [],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mode', choices=('test', 'all', 'run'), default='test')
    ap.add_argument('--beds', help='the beds that ran; every bed of the manifest must '
                    '(a subset only with --only)')
    ap.add_argument('--only', help='hold only these stages (kunit, boot) against the manifest, '
                    'as make mutants does')
    ap.add_argument('--manifest-dir', default=os.path.join(TOP, 'config', 'manifest'))
    ap.add_argument('logs')
    args = ap.parse_args()
    logs = args.logs
    v = Verdict()

    only = set(args.only.split()) if args.only else None
    beds = sorted(f for f in os.listdir(args.manifest_dir) if not f.startswith('.'))
    if not beds:
        v.fail('manifest: no bed in %s' % args.manifest_dir)
    if args.beds is not None:
        ran = args.beds.split()
        if only is not None:
            beds = [b for b in ran if b in beds] or beds
        for b in sorted(set(beds) - set(ran)):
            v.fail('bed %s: in the manifest, but the run did not include it' % b)
    stages = ['setup', 'build'] if args.mode in ('test', 'all') else ['build']
    if only is None and args.mode in ('test', 'all'):
        tree_state(v, logs)
    for name in stages if only is None else []:
        if not stage(v, logs, name, os.path.join(logs, name + '.log')):
            break
    else:
        for bed in beds:
            manifest = read_manifest(os.path.join(args.manifest_dir, bed))
            seen = set()
            if only and 'kunit' in only:
                # make mutants' kunit stage: kunit.py exec, its own console.
                stage(v, logs, 'kunit-' + bed, os.path.join(logs, bed, 'kunit.log'))
            if only is None or 'kunit' in only:
                # Otherwise the suites ran in the boot: its console's KTAP.
                kunit_results(v, bed, logs, manifest, seen)
                if only is not None:
                    scan(v, '%s/kunit-console.log' % bed,
                         os.path.join(logs, bed, 'kunit-console.log'))
            if only is None or 'boot' in only:
                stage(v, logs, 'boot-' + bed, os.path.join(logs, bed, 'boot.log'))
                guest_results(v, bed, logs, manifest, seen)
                scan(v, '%s/boot.log' % bed, os.path.join(logs, bed, 'boot.log'))
                if only is None and args.mode == 'all':
                    exhaustive(v, bed, logs)
            for kind, name in sorted(set(manifest) - seen):
                if kind == 'kunit' and only and 'kunit' not in only:
                    continue
                if kind == 'guest' and only and 'boot' not in only:
                    continue
                if kind == 'guest' and '/' in name and ('guest', name.split('/')[0]) not in seen:
                    continue  # its program did not run: one failure says so
                v.fail('%s (%s): %s did not run' % (kind, bed, name))
        for name, res in AFTER_BOOTS[args.mode] if only is None else []:
            counted = (lambda r=res: checks_failed(logs, r)) if res else None
            stage(v, logs, name, os.path.join(logs, name + '.log'), counted=counted)
            if res:
                checks(v, logs, res)

    for f in v.failures:
        print('FAILED ' + f)
    for s in v.skipped:
        print('skipped as the manifest says: ' + s)
    print('%d passed, %d failed' % (v.passed, len(v.failures)))
    return 1 if v.failures else 0


def exhaustive(v, bed, logs):
    """make check-all walks every fault point of the fail-nth selftest."""
    path = os.path.join(logs, bed, 'guest-results.txt')
    text = open(path, errors='replace').read() if os.path.exists(path) else ''
    if re.search(r'^# fault points walked: all\b', text, re.M):
        v.ok()
    else:
        v.fail('guest (%s): the fail-nth selftest did not walk every fault point' % bed)


if __name__ == '__main__':
    sys.exit(main())
