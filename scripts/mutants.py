#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make mutants: does each bug of mutants/mutants.conf make a test fail?

For each mutant (a small source change that models a bug) apply it to
a worktree of work/linux's HEAD (work/mutants/linux, with its own build, so
the developer's tree and test kernel are left alone), rebuild incrementally,
run the stages it names (kunit, then boot) in the beds it names, and hold
the results against the manifest with scripts/summary.py. A failure kills
the mutant (the later stages are not run); a mutant no test notices
survives. Each mutant is reverted before the next one.

mutants/survivors.conf says of a survivor why it survives: kind =
impossible (no test in these beds can see that bug; the reason says why)
excuses it; kind = gap (a test could, and is still to be written) does
not, and neither does a survivor it does not list. Writes mutants/RESULTS.md, with the
reason of every survivor taken from mutants/survivors.conf (where no test
in these beds can see that bug), and exits 1 if a survivor has no reason.

Each verdict is kept with the series it was reached on: the sha256 of
patches/ (as scripts/lib.sh's series_hash computes it). RESULTS.md shows a
verdict reached on another series than patches/ as they are now as
"stale (VERDICT)", and does not count it: make mutants fails until it runs
again. The verdicts kept are work/mutants/ID/verdict.json (this machine's)
and the rows of RESULTS.md itself (reached on any machine), the one on the
current series first.

    mutants.py [ID...]    only these mutants
    mutants.py --report   write RESULTS.md again from the kept verdicts, run nothing
    MUTANTS_BUDGET_MIN=N  start no mutant after N minutes (the rest: "not run")
"""
import configparser
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.environ.get('WORK', os.path.join(TOP, 'work'))
MAIN = os.path.join(WORK, 'linux')
LOGS = os.path.join(WORK, 'mutants')
LINUX = os.path.join(LOGS, 'linux')
LOCK = os.path.join(WORK, 'kbuild.lock')
MANIFEST = os.path.join(LOGS, 'manifest')
RESULTS = os.path.join(TOP, 'mutants', 'RESULTS.md')
# How much of the patches/ hash RESULTS.md shows (and compares).
SHORT = 12


def conf(path):
    c = configparser.ConfigParser(interpolation=None)
    c.read(path)
    return c


def sh(cmd, log, env=None):
    with open(log, 'w') as f:
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              env=dict(os.environ, **(env or {}))).returncode


def build(log):
    return sh(['flock', LOCK, os.path.join(TOP, 'scripts', 'build.sh')], log, {'LINUX': LINUX})


def worktree():
    """work/mutants/linux at work/linux's HEAD, clean."""
    head = subprocess.run(['git', '-C', MAIN, 'rev-parse', 'HEAD'], capture_output=True,
                          text=True, check=True).stdout.strip()
    if not os.path.exists(os.path.join(LINUX, '.git')):
        subprocess.run(['git', '-C', MAIN, 'worktree', 'prune'], check=True)
        subprocess.run(['git', '-C', MAIN, 'worktree', 'add', '-q', '--detach', LINUX, head],
                       check=True)
    subprocess.run(['git', '-C', LINUX, 'checkout', '-q', '--detach', '-f', head], check=True)
    return subprocess.run(['git', '-C', LINUX, 'log', '-1', '--format=%h %s'],
                          capture_output=True, text=True).stdout.strip()


def unescape(text):
    """`old` and `new` name a line break \\n, a tab \\t, a backslash \\\\."""
    return re.sub(r'\\([nt\\])', lambda m: {'n': '\n', 't': '\t', '\\': '\\'}[m.group(1)], text)


def run_mutant(mid, m):
    path = os.path.join(LINUX, m['file'])
    src = open(path).read()
    old, new = unescape(m['old']), unescape(m['new'])
    if src.count(old) != 1:
        return 'invalid', '`old` occurs %d times in %s' % (src.count(old), m['file'])
    d = os.path.join(LOGS, mid)
    os.makedirs(d, exist_ok=True)
    open(path, 'w').write(src.replace(old, new))
    try:
        if build(os.path.join(d, 'build.log')):
            return 'stillborn', 'does not build (%s/build.log)' % d
        stages = m.get('stages', 'kunit').split()
        beds = m.get('beds', 'sl').split()
        killers = []
        for bed in beds:
            env = {'HARNESS_BED': bed, 'LOGS': d, 'LINUX': LINUX}
            stage_dir = os.path.join(d, 'stages')
            os.makedirs(stage_dir, exist_ok=True)
            for s in ('kunit', 'boot'):
                name = '%s-%s' % (s, bed)
                if s not in stages:
                    continue
                rc = sh([os.path.join(TOP, 'scripts', s + '.sh')],
                        os.path.join(d, name + '.log'), env)
                open(os.path.join(stage_dir, name), 'w').write('start 0\nexit %d\n' % rc)
                out = subprocess.run([sys.executable, os.path.join(TOP, 'scripts', 'summary.py'),
                                      '--mode', 'test', '--only', s, '--beds', bed,
                                      '--manifest-dir', MANIFEST, d],
                                     capture_output=True, text=True).stdout
                killers = ['%s: %s' % (name, line[len('FAILED '):]) for line in out.splitlines()
                           if line.startswith('FAILED ')]
                if killers:
                    return 'killed', killers
        return 'survived', []
    finally:
        open(path, 'w').write(src)


def manifest_hash():
    h = hashlib.sha256()
    for name in sorted(os.listdir(MANIFEST)):
        h.update(name.encode() + b'\0' + open(os.path.join(MANIFEST, name), 'rb').read())
    return h.hexdigest()[:16]


def series_hash():
    """scripts/lib.sh's series_hash: the sha256 of the files patches/*.patch
    (the cover letter included) concatenated in the order of their names."""
    d = os.path.join(TOP, 'patches')
    h = hashlib.sha256()
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        if fnmatch.fnmatchcase(name, '*.patch') and os.path.isfile(path):
            with open(path, 'rb') as f:
                h.update(f.read())
    return h.hexdigest()


def tree_series():
    """The patches/ hash of work/linux's HEAD: series_hash() when
    work/series.stamp (written by make setup and make export) pairs HEAD
    with patches/ as they are; None when HEAD has commits not exported or
    patches/ changed since."""
    try:
        with open(os.path.join(WORK, 'series.stamp')) as f:
            stamp_head, stamp_hash = f.read().split()[:2]
    except (OSError, ValueError):
        return None
    head = subprocess.run(['git', '-C', MAIN, 'rev-parse', 'HEAD'], capture_output=True,
                          text=True).stdout.strip()
    return stamp_hash if stamp_head == head and stamp_hash == series_hash() else None


def change_id(m):
    """A short fingerprint of a mutant's change (file, old, new)."""
    return hashlib.sha256('\0'.join([m['file'], m['old'], m['new']]).encode()).hexdigest()[:8]


def published():
    """The verdicts of mutants/RESULTS.md as it stands (reached on this
    machine or another): ID -> its cells. Rows of before the columns
    "patches" and "change" lack them (and are stale)."""
    rows, header = {}, None
    if not os.path.exists(RESULTS):
        return rows
    for line in open(RESULTS):
        line = line.strip()
        if not line.startswith('|') or not line.endswith('|'):
            continue
        cells = [c.strip() for c in line[1:-1].split('|')]
        if header is None:
            header = cells
            continue
        if all(set(c) <= set('-: ') for c in cells):
            continue
        if len(cells) > len(header):
            # A '|' in the text of "models" (the only column not escaped).
            extra = len(cells) - len(header)
            cells[1:2 + extra] = ['|'.join(cells[1:2 + extra])]
        r = dict(zip(header, cells))
        r['verdict'] = re.sub(r'^stale \((.*)\)$', r'\1', r.get('verdict', ''))
        if r.get('mutant') and r['verdict'] not in ('', 'not run'):
            rows[r['mutant']] = r
    return rows


def needs(m):
    """The (stage, bed) pairs a mutant runs."""
    return {(st, bed) for st in m.get('stages', 'kunit').split()
            for bed in m.get('beds', 'sl').split()}


def run_control(first, path, head, needed):
    """The unmutated series must pass every (stage, bed) the chosen mutants
    run; the pairs that passed are kept for the series and manifest."""
    kept = json.load(open(path)) if os.path.exists(path) else {}
    passed = set()
    if kept.get('series') == head and kept.get('manifest') == manifest_hash():
        passed = {tuple(p) for p in kept.get('passed', [])}
    missing = needed - passed
    if not missing:
        print('==> control: passed on this series already', flush=True)
        return
    for bed in sorted({b for _, b in missing}):
        stages = ' '.join(st for st in ('kunit', 'boot') if (st, bed) in missing)
        print('==> control: the unmutated series, %s in bed %s' % (stages, bed), flush=True)
        verdict, detail = run_mutant('control', {'file': first['file'], 'old': first['old'],
                                                 'new': first['old'], 'stages': stages,
                                                 'beds': bed})
        if verdict != 'survived':
            sys.exit('the unmutated series does not pass (%s): %s' % (verdict, detail))
        print('    passes', flush=True)
        passed |= {(st, bed) for st in stages.split()}
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            json.dump({'verdict': verdict, 'series': head, 'manifest': manifest_hash(),
                       'passed': sorted(passed)}, f)


def main():
    muts = conf(os.path.join(TOP, 'mutants', 'mutants.conf'))
    why = conf(os.path.join(TOP, 'mutants', 'survivors.conf'))
    only = sys.argv[1:]
    report = only == ['--report']
    os.makedirs(LOGS, exist_ok=True)
    # The manifest as it was when the run started: an edit meanwhile must
    # not kill (or spare) the mutants still to come.
    if not report:
        shutil.rmtree(MANIFEST, ignore_errors=True)
        shutil.copytree(os.path.join(TOP, 'config', 'manifest'), MANIFEST)
    head = subprocess.run(['git', '-C', MAIN, 'log', '-1', '--format=%h %s'],
                          capture_output=True, text=True).stdout.strip() if report else worktree()
    current = series_hash()
    # The series this run's verdicts are reached on.
    series = None if report else tree_series()
    if not report and series is None:
        print('==> WARNING: work/linux\'s HEAD is not patches/ as they are (commits not exported, '
              'or patches/ changed since make setup): this run\'s verdicts will show as stale; '
              'run make export or make setup first', flush=True)
    rows = []
    t0 = time.time()
    # The control: the tree as it is must pass, or every mutant would look
    # killed. What passed is kept for the series and manifest it ran on.
    first = muts[muts.sections()[0]]
    control = os.path.join(LOGS, 'control', 'verdict.json')
    if not report:
        run_control(first, control, head,
                    set().union(*[needs(muts[m]) for m in muts.sections()
                                  if not only or m in only]))
    budget = float(os.environ.get('MUTANTS_BUDGET_MIN', '0')) * 60
    for mid in muts.sections():
        if report or (only and mid not in only):
            continue
        if budget and time.time() - t0 > budget:
            print('==> time budget of %d minutes spent: %s and the rest not run' %
                  (budget / 60, mid), flush=True)
            break
        m = muts[mid]
        t = time.time()
        print('==> mutant %s: %s' % (mid, m['models']), flush=True)
        verdict, detail = run_mutant(mid, m)
        print('    %s after %ds' % (verdict, time.time() - t), flush=True)
        os.makedirs(os.path.join(LOGS, mid), exist_ok=True)
        with open(os.path.join(LOGS, mid, 'verdict.json'), 'w') as f:
            json.dump({'verdict': verdict, 'detail': detail, 'series': head,
                       'patches': series, 'change': [m['file'], m['old'], m['new']]}, f)
    # Every mutant of the list with its last verdict, from this run or an
    # earlier one (make mutants ID... runs again only those), on this
    # machine or, as RESULTS.md shows it, another.
    pub = published()
    for mid in muts.sections():
        m = muts[mid]
        kept, note = [], ''
        path = os.path.join(LOGS, mid, 'verdict.json')
        if os.path.exists(path):
            v = json.load(open(path))
            if v['change'] == [m['file'], m['old'], m['new']]:
                kept.append({'verdict': v['verdict'], 'detail': v['detail'],
                             'commit': v['series'].split()[0] if v['series'] else '',
                             'patches': (v.get('patches') or '')[:SHORT], 'change': change_id(m)})
            else:
                note = 'changed since its last run'
        r = pub.get(mid)
        if r and r.get('file') == '`%s`' % m['file']:
            if r.get('change') == change_id(m):
                kept.append({'verdict': r['verdict'], 'by': r.get('by', ''),
                             'commit': r.get('commit', ''), 'patches': r.get('patches', ''),
                             'change': r['change']})
            elif not r.get('change'):
                # Reached before verdicts named their series and change: stale.
                kept.append({'verdict': r['verdict'], 'by': r.get('by', ''),
                             'commit': r.get('commit', r.get('series', '')), 'patches': '',
                             'change': ''})
        if not kept:
            rows.append((mid, m, 'not run', note, {}))
            continue
        k = ([k for k in kept if k['patches'] == current[:SHORT]] + kept)[0]
        rows.append((mid, m, k['verdict'] if k['patches'] == current[:SHORT] else 'stale',
                     k.get('detail', ''), k))

    bad = 0
    out = ['# Mutants', '',
           'Written by `make mutants` (scripts/mutants.py) for patches/ at `%s` (the sha256 of '
           'patches/*.patch, as `make setup` computes it; work/linux at `%s` here). The column '
           '"patches" names the series each verdict was reached on, "commit" its commit in the '
           'work tree of the machine that ran it, "change" the mutant\'s change (file, old, new). '
           'A verdict reached on another series than patches/ as they are shows as '
           '"stale (VERDICT)" and does not count.' % (current[:SHORT], head.split()[0] if head else ''),
           'Each mutant is a small change of mutants/mutants.conf (one fragment replaced) applied in a worktree of the '
           'series (work/mutants/linux); it is killed when a stage it names (KUnit, then the guest '
           'boot) fails against the manifest in a bed it names. "not run": no verdict yet for '
           'this change (see the summary at the end).', '',
           '| mutant | models | file | beds | verdict | by | commit | patches | change |',
           '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for mid, m, verdict, detail, k in rows:
        shown = k.get('verdict', verdict)
        if 'by' in k and shown != 'survived':
            by = k['by']
        elif shown == 'killed':
            seen = []
            for x in detail:
                x = re.sub(r'\s+', ' ', x)[:120]
                if x not in seen:
                    seen.append(x)
            # The failed tests first, then the rest (kernel-log reports).
            seen.sort(key=lambda x: 'kernel log' in x)
            by = '; '.join(seen[:4]) + ('; and %d more' % (len(seen) - 4) if len(seen) > 4 else '')
        elif shown == 'survived':
            if why.has_section(mid) and why[mid].get('kind') == 'impossible':
                by = 'no test in these beds can: ' + why[mid]['why']
            elif why.has_section(mid):
                by = '**test gap, open**: ' + why[mid]['why']
                bad += verdict != 'stale'
            else:
                by = '**no test, no reason**'
                bad += verdict != 'stale'
        else:
            by = detail
            bad += verdict != 'stale'
        if verdict == 'stale':
            bad += 1
            shown = 'stale (%s)' % shown
        out.append('| %s | %s | `%s` | %s | %s | %s | %s | %s | %s |' % (
            mid, m['models'], m['file'], m.get('beds', 'sl'), shown, by.replace('|', '/'),
            k.get('commit', ''), k.get('patches', ''), k.get('change', '')))
    n = {v: sum(1 for r in rows if r[2] == v)
         for v in ('killed', 'survived', 'stillborn', 'invalid', 'not run', 'stale')}
    out += ['', '%d of %d mutants killed on patches/ at %s: %d survived, %d did not build, '
            '%d invalid, %d not run, %d stale (a verdict reached on another series).' % (
                n['killed'], len(rows), current[:SHORT], n['survived'], n['stillborn'],
                n['invalid'], n['not run'], n['stale'])]
    open(RESULTS, 'w').write('\n'.join(out) + '\n')
    print('\n'.join(out[-1:]))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
