#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the "BENCH ..." lines of make bench's guest into one bed's
RESULTS.md, results.csv and bench.png (gnuplot), and put the beds side by
side.

    bench-report.py bed RESULTS_TXT OUT_DIR     (QEMU's version in $BENCH_QEMU)
    bench-report.py compare BENCH_DIR BED...    BENCH_DIR/RESULTS.md from
                                                BENCH_DIR/BED/results.csv

Every figure sits beside the baseline from the same boot (0 PASIDs attached,
or 1 PASID in use) as a ratio, and each target of the benchmark is reported
as met or missed. Timings under TCG are not hardware timings; the
descriptor counts are exact. Exit status 1 when the input lacks a part."""
import datetime
import math
import os
import statistics
import subprocess
import sys

MAP_PASIDS = [0, 1, 4, 16]
API_OPS = [
    ('attach_detach', 'attach+detach of one more PASID (DMA domain)'),
    ('alloc_free_global', 'allocate+free a global PASID, global ones in use'),
    ('alloc_free_local', 'allocate+free a device-local PASID, local ones in use'),
    ('alloc_free_global_over_local', 'allocate+free a global PASID, local ones in use'),
    ('alloc_free_local_over_global', 'allocate+free a device-local PASID, global ones in use'),
    ('alloc_free_global_interleaved',
     'allocate+free a global PASID past as many values, local and global alternating'),
    ('alloc_free_local_interleaved',
     'allocate+free a device-local PASID past as many values, local and global alternating'),
]
# Unmap latency with 16 PASIDs attached: within 5% of none on second level,
# where PASIDs add no invalidation; within 1.5 times on first level, where
# each adds one PASID-based invalidation to the unmap's one submission.
LATENCY_TOLERANCE = {'second': 0.05, 'first': 0.5}
# "No more than logarithmic" growth, stated as a number: the cost with N in
# use is at most (1 + 5% per doubling of N) times the cost with 1 in use.
PER_DOUBLING = 0.05


def parse(path):
    info, maps, api = {}, [], []
    for line in open(path, errors='replace'):
        words = line.split()
        if len(words) < 2 or words[0] != 'BENCH':
            continue
        fields = dict(w.split('=', 1) for w in words[2:] if '=' in w)
        if words[1] == 'info':
            info.update(fields)
        elif words[1] == 'map':
            maps.append(fields)
        elif words[1] == 'api':
            api.append(fields)
    return info, maps, api


def ratio(value, base):
    return value / base if base else float('nan')


LEVELS = {'first': 'first-level', 'second': 'second-level'}


def report_bed(src, out):
    info, maps, api = parse(src)
    os.makedirs(out, exist_ok=True)
    missing = []
    lines = []
    csv = ['part,mode_or_op,pasids_or_in_use,value_name,value,ratio_to_baseline']
    info['qemu'] = os.environ.get('BENCH_QEMU', '?')
    info['date'] = datetime.date.today().isoformat()
    level = LEVELS.get(info.get('level'))
    if not level:
        missing.append('the level of edu\'s DMA domain')
        level = 'of an unknown level'
    for key in ('bed', 'level', 'kernel', 'qemu', 'date'):
        csv.append(f'info,{key},,,{info.get(key, "?")},')

    lines += [
        '# What a PASID attachment costs the DMA API',
        '',
        f'Bed `{info.get("bed", "?")}`: edu\'s DMA domain is {level} (read from its',
        'RID2PASID entry in the same boot).',
        '',
        f'Written by `make bench` (scripts/bench.sh) on {info["date"]}, from one boot',
        f'of the benchmark kernel ({info.get("kernel", "?")}: the test kernel\'s',
        'configuration without lockdep, KASAN, kmemleak, DMA-API debugging and fault',
        f'injection) under QEMU {info["qemu"]} TCG, q35 with intel-iommu in scalable mode',
        '(config/beds), 2 vCPUs, on the 2-core build machine; device: QEMU\'s edu at',
        f'{info.get("device", "?")}.',
        '',
        'TCG timings are not hardware timings: they carry the ratios between runs',
        'of the same boot, not absolute costs. dma_map_benchmark reports latencies',
        'in units of 0.1 us, so a ratio near 1 moves in steps of 0.1 us over the',
        'baseline. The invalidation descriptor counts are exact (the qi_submit',
        'events and qi_submit_sync() calls traced around 1024 dma_map_page() and',
        'dma_unmap_page() calls) and carry',
        'the claim.',
        '',
    ]

    # ---- DMA map benchmark
    modes = [m for m in ('strict', 'fq') if any(r['mode'] == m for r in maps)]
    for m in ('strict', 'fq'):
        if m not in modes:
            missing.append(f'map benchmark, {m}')
    rounds = len({r['round'] for r in maps}) if maps else 0
    lines += [
        '## DMA map benchmark with PASIDs attached to the DMA domain',
        '',
        'tools/testing/selftests/dma/dma_map_benchmark (1 thread, 1 page) on edu bound',
        'to kernel/dma/map_benchmark.c; the PASIDs are device-local ones attached to',
        'edu\'s default domain through the test driver. Latencies are the median of',
        f'{rounds} interleaved rounds; "strict" is a DMA domain (iommu.strict=1 behaviour),',
        '"fq" the same domain upgraded to DMA-FQ (a flush queue), switched through',
        'the group\'s sysfs type file in the same boot.',
        '',
        'Descriptors include the wait that ends each submission.',
        '',
        '| mode | PASIDs | map (us) | ratio | unmap (us) | ratio | descriptors per map | descriptors per unmap | submissions per unmap |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ]
    summary = {}
    for m in modes:
        rows = {}
        for n in MAP_PASIDS:
            runs = [r for r in maps if r['mode'] == m and int(r['pasids']) == n]
            if not runs:
                missing.append(f'map benchmark, {m}, {n} PASIDs')
                continue
            rows[n] = {
                'map': statistics.median(float(r['map_us']) for r in runs),
                'unmap': statistics.median(float(r['unmap_us']) for r in runs),
                'dmap': statistics.median(float(r['desc_per_map']) for r in runs),
                'dunmap': statistics.median(float(r['desc_per_unmap']) for r in runs),
                'dunmap_all': sorted({float(r['desc_per_unmap']) for r in runs}),
                'sunmap': statistics.median(float(r.get('sync_per_unmap', 'nan'))
                                            for r in runs),
            }
        if 0 not in rows:
            continue
        base = rows[0]
        for n, r in sorted(rows.items()):
            lines.append(f'| {m} | {n} | {r["map"]:.2f} | {ratio(r["map"], base["map"]):.3f} | '
                         f'{r["unmap"]:.2f} | {ratio(r["unmap"], base["unmap"]):.3f} | '
                         f'{r["dmap"]:.3f} | {r["dunmap"]:.3f} | {r["sunmap"]:.3f} |')
            csv.append(f'map,{m},{n},map_us,{r["map"]:.3f},{ratio(r["map"], base["map"]):.4f}')
            csv.append(f'map,{m},{n},unmap_us,{r["unmap"]:.3f},{ratio(r["unmap"], base["unmap"]):.4f}')
            csv.append(f'map,{m},{n},desc_per_unmap,{r["dunmap"]:.4f},'
                       f'{ratio(r["dunmap"], base["dunmap"]):.4f}')
            csv.append(f'map,{m},{n},sync_per_unmap,{r["sunmap"]:.4f},'
                       f'{ratio(r["sunmap"], base["sunmap"]):.4f}')
        summary[m] = rows

    lines += ['', 'Targets:', '']
    for m, rows in summary.items():
        if 16 in rows:
            r = ratio(rows[16]['unmap'], rows[0]['unmap'])
            tol = LATENCY_TOLERANCE['first' if info.get('level') == 'first' else 'second']
            ok = r <= 1 + tol
            lines.append(f'- {m}: unmap latency with 16 PASIDs is {r:.3f} times that with none '
                         f'(target for {level}: within {1 + tol:.2f} times): '
                         f'**{"met" if ok else "missed"}**')
        counts = {n: rows[n]['dunmap_all'] for n in rows}
        shown = ', '.join(f'{n}: {"/".join(f"{x:.4f}" for x in v)}' for n, v in sorted(counts.items()))
        if m == 'strict' and info.get('level') == 'first':
            # One PASID-based invalidation for RID2PASID and one per PASID,
            # and the wait: N + 2, in one submission.
            ok = all(max(v) <= n + 2 for n, v in counts.items())
            syncs = ', '.join(f'{n}: {rows[n]["sunmap"]:.3f}' for n in sorted(rows))
            one = all(rows[n]['sunmap'] == 1 for n in rows)
            lines.append(f'- {m}: invalidation descriptors per unmap by PASIDs attached ({shown}) '
                         f'are at most N + 2 with N PASIDs: **{"met" if ok else "missed"}**')
            lines.append(f'- {m}: submissions per unmap ({syncs}) are one whatever the PASIDs: '
                         f'**{"met" if one else "missed"}**')
        elif m == 'strict':
            same = len({tuple(v) for v in counts.values()}) == 1
            lines.append(f'- {m}: invalidation descriptors per unmap by PASIDs attached ({shown}) '
                         f'are independent of the number of PASIDs: **{"met" if same else "missed"}**')
        elif info.get('level') == 'first':
            # The flush queue's flush of all costs N + 2 descriptors on first
            # level (RID2PASID, N PASIDs, the wait) where it costs 2 with
            # none; the timer's wobble (see below) allows a factor of 2.
            least = min(counts[0]) if 0 in counts else 0
            ok = least > 0 and all(max(v) <= (n + 2) * least for n, v in counts.items())
            lines.append(f'- {m}: invalidation descriptors per unmap, amortised over the flush '
                         f'queue\'s timer flushes ({shown}): each flush of all costs N + 2 '
                         'with N PASIDs where it costs 2 with none, so at most (N + 2) / 2 '
                         'times the count with none, twice that for the timer\'s wobble: '
                         f'**{"met" if ok else "missed"}**')
        else:
            # A flush queue flushes on a 10 ms timer: how many flushes fall
            # into a burst of unmaps depends on timing, so the count per
            # unmap wavers by a flush or so. One invalidation per attached
            # PASID would multiply it by 1 + PASIDs (17 with 16).
            worst = max(max(v) for v in counts.values())
            least = min(min(v) for v in counts.values())
            ok = least > 0 and worst < 2 * least
            lines.append(f'- {m}: invalidation descriptors per unmap, amortised over the flush '
                         f'queue\'s timer flushes ({shown}): the most is under twice the least, '
                         'where one invalidation per PASID would make it 17 times: '
                         f'**{"met" if ok else "missed"}**')
    lines.append('')

    # ---- PASID API
    lines += [
        '## The PASID API with PASIDs in use',
        '',
        'Through the test driver\'s ioctls from user space (each figure includes one',
        'or two system calls); edu is given 4096 PASIDs by the test driver, so',
        '4094 in use is all but the one measured. "Ratio" is to 1 in use, in the',
        'same boot.',
        '',
        '| operation | in use | us per operation | ratio to 1 in use | bound (1 + 5% per doubling) |',
        '| --- | ---: | ---: | ---: | ---: |',
    ]
    api_targets = []
    api_rows = {}
    for op, text in API_OPS:
        rows = {int(r['in_use']): float(r['us_per_op']) for r in api if r['op'] == op}
        if 1 not in rows:
            missing.append(f'api {op}')
            continue
        api_rows[op] = rows
        worst = None
        for n, us in sorted(rows.items()):
            q = ratio(us, rows[1])
            bound = 1 + PER_DOUBLING * math.log2(n)
            lines.append(f'| {text} | {n} | {us:.2f} | {q:.3f} | {bound:.2f} |')
            csv.append(f'api,{op},{n},us_per_op,{us:.3f},{q:.4f}')
            if q > bound and (worst is None or q / bound > worst[1] / worst[2]):
                worst = (n, q, bound)
        if worst:
            api_targets.append(f'- {text}: {worst[1]:.2f} times the cost with {worst[0]} in use, '
                               f'above the bound of {worst[2]:.2f}: **missed**')
        else:
            api_targets.append(f'- {text}: at most {PER_DOUBLING:.0%} more per doubling of the '
                               'PASIDs in use: **met**')
    lines += ['', 'Targets (cost growing no more than logarithmically with the PASIDs in use):', '']
    lines += api_targets
    lines.append('')
    if missing:
        lines += ['Missing from this run: ' + '; '.join(missing), '']

    with open(os.path.join(out, 'RESULTS.md'), 'w') as f:
        f.write('\n'.join(lines))
    with open(os.path.join(out, 'results.csv'), 'w') as f:
        f.write('\n'.join(csv) + '\n')
    plot(out, summary, api_rows, f'bed {info.get("bed", "?")}, {level}')
    return 1 if missing else 0


def plot(out, summary, api_rows, bed):
    """Unmap latency and descriptors per unmap against the PASIDs attached,
    and the API's cost against the PASIDs in use."""
    data = os.path.join(out, '.plot')
    os.makedirs(data, exist_ok=True)
    for m, rows in summary.items():
        with open(os.path.join(data, f'map-{m}.dat'), 'w') as f:
            for n, r in sorted(rows.items()):
                f.write(f'{n} {r["map"]} {r["unmap"]} {r["dunmap"]}\n')
    for op, rows in api_rows.items():
        with open(os.path.join(data, f'api-{op}.dat'), 'w') as f:
            for n, us in sorted(rows.items()):
                f.write(f'{n} {us} {us / rows[1]}\n')
    script = [
        'set terminal pngcairo size 1500,480 font ",10"',
        f'set output "{os.path.join(out, "bench.png")}"',
        f'set multiplot layout 1,3 title "PASID attachments and the DMA API ({bed}; QEMU TCG, benchmark kernel, one boot)"',
        'set termoption noenhanced',
        'set key bottom right',
        'set grid',
        'set offsets 0.5, 0.5, graph 0.25, 0',
        'set xlabel "PASIDs attached to the DMA domain"',
        'set xtics (0, 1, 4, 16)',
        'set yrange [0:*]',
        'set ylabel "latency (us)"',
        'set title "dma_map_benchmark latency"',
    ]
    curves = []
    for m in summary:
        f = os.path.join(data, f'map-{m}.dat')
        curves.append(f'"{f}" using 1:3 with linespoints title "unmap, {m}"')
        curves.append(f'"{f}" using 1:2 with linespoints dashtype 2 title "map, {m}"')
    script.append('plot ' + ', '.join(curves) if curves else 'plot 0 notitle')
    script += ['set title "invalidation descriptors per unmap (exact)"',
               'set ylabel "descriptors"']
    curves = [f'"{os.path.join(data, f"map-{m}.dat")}" using 1:4 with linespoints title "{m}"'
              for m in summary]
    script.append('plot ' + ', '.join(curves) if curves else 'plot 0 notitle')
    script += ['set title "PASID API cost, relative to 1 in use"',
               'set xlabel "PASIDs in use"', 'set logscale x 2', 'set xtics auto',
               'set offsets 0, 0, graph 0.25, 0',
               'set ylabel "cost / cost with 1 in use"', 'set key top left']
    curves = [f'"{os.path.join(data, f"api-{op}.dat")}" using 1:3 with linespoints '
              f'title "{op.replace("_", " ")}"' for op in api_rows]
    curves.append(f'1 + {PER_DOUBLING} * log(x) / log(2) with lines dashtype 3 '
                  'title "bound: 1 + 5% per doubling"')
    script.append('plot ' + ', '.join(curves))
    script.append('unset multiplot')
    subprocess.run(['gnuplot'], input='\n'.join(script) + '\n', text=True, check=True)


def read_csv(path):
    info, rows = {}, {}
    for line in open(path):
        f = line.rstrip('\n').split(',')
        if len(f) != 6 or f[0] == 'part':
            continue
        if f[0] == 'info':
            info[f[1]] = f[4]
        else:
            rows[(f[0], f[1], int(f[2]), f[3])] = (float(f[4]), float(f[5]))
    return info, rows


def compare(bench_dir, beds):
    """bench/RESULTS.md: descriptors and time per unmap at 0/1/4/16 PASIDs
    for each bed (each level) side by side."""
    have, missing = [], []
    for b in beds:
        path = os.path.join(bench_dir, b, 'results.csv')
        if os.path.exists(path):
            have.append((b,) + read_csv(path))
        else:
            missing.append(b)
    lines = [
        '# What a PASID attachment costs the DMA API, by translation level',
        '',
        'Written by `make bench` (scripts/bench.sh): each bed of config/beds booted',
        'once with the benchmark kernel; the figures of one bed, with its plot and',
        'the PASID API\'s costs, are in `bench/BED/RESULTS.md`. Descriptors are the',
        'VT-d unit\'s invalidation descriptors per `dma_unmap_page()`, the wait that',
        'ends each submission included (exact, counted around 1024 calls); times are',
        'medians under TCG, comparable within a column,',
        'not across beds or with hardware.',
        '',
        '| bed | level | kernel | QEMU | measured |',
        '| --- | --- | --- | --- | --- |',
    ]
    for b, info, _ in have:
        lines.append(f'| {b} | {LEVELS.get(info.get("level"), "?")} | {info.get("kernel", "?")} | '
                     f'{info.get("qemu", "?")} | {info.get("date", "?")} |')
    lines.append('')
    head = '| mode | PASIDs |'
    rule = '| --- | ---: |'
    for b, info, _ in have:
        head += f' {b}: descriptors per unmap | {b}: unmap (us) | {b}: ratio |'
        rule += ' ---: | ---: | ---: |'
    lines += [head, rule]
    for m in ('strict', 'fq'):
        for n in MAP_PASIDS:
            row = f'| {m} | {n} |'
            for b, info, rows in have:
                d = rows.get(('map', m, n, 'desc_per_unmap'))
                t = rows.get(('map', m, n, 'unmap_us'))
                if d is None or t is None:
                    missing.append(f'{b}: {m}, {n} PASIDs')
                    row += ' - | - | - |'
                else:
                    row += f' {d[0]:.3f} | {t[0]:.2f} | {t[1]:.3f} |'
            lines.append(row)
    lines += ['', 'What the columns say:', '']
    for b, info, rows in have:
        strict = [rows.get(('map', 'strict', n, 'desc_per_unmap')) for n in MAP_PASIDS]
        if None in strict:
            continue
        counts = [d[0] for d in strict]
        shown = ', '.join(f'{x:g}' for x in counts)
        if len(set(counts)) == 1:
            verdict = 'independent of the PASIDs attached: one invalidation covers the RID and every PASID'
        else:
            verdict = ('growing with the PASIDs attached: the RID and each PASID of the domain '
                       'get their own PASID-based IOTLB invalidation, all in one submission '
                       'with one wait')
        lines.append(f'- `{b}` ({LEVELS.get(info.get("level"), "?")}), strict: {shown} descriptors '
                     f'per unmap at {"/".join(map(str, MAP_PASIDS))} PASIDs, {verdict}.')
    lines.append('')
    if missing:
        lines += ['Missing: ' + '; '.join(f'bed {m}' if m in beds else m for m in missing), '']
    with open(os.path.join(bench_dir, 'RESULTS.md'), 'w') as f:
        f.write('\n'.join(lines))
    return 1 if missing else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'bed':
        return report_bed(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 4 and sys.argv[1] == 'compare':
        return compare(sys.argv[2], sys.argv[3:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
