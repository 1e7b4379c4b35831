#!/usr/bin/env python3
"""The parity table from a harness directory (run.sh): per method and (lambda, lambda_th) cell, floatjs and the
PyTorch twin as mean +- std over seeds (every model evaluated by twin.py eval), the difference, and whether it is
within max(1.5 points, 2 standard errors of the difference). Writes parity.json and parity.md, prints the Markdown.

  summary.py runs/parity
  summary.py runs/parity-more --prior docs/results/parity/parity.json   # pools the prior table's seeds (disjoint
                                                                      # seeds only) with this directory's
"""
import glob
import json
import math
import os
import re
import sys

TOL = 1.5


def stats(v):
    m = sum(v) / len(v)
    s = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    return m, s


def collect(root, side):
    out = {}
    for f in sorted(glob.glob(os.path.join(root, side, '*-s*', 'parity-eval.json'))):
        m = re.match(r'(.+)-s(\d+)$', os.path.basename(os.path.dirname(f)))
        rep = json.load(open(f))
        for row in rep['rows']:
            key = (m.group(1), row['lambda'], row['lambdaTh'])
            out.setdefault(key, {})[int(m.group(2))] = row
    return out


def fmt(m, s, n):
    return f'{m:.1f} ± {s:.1f} ({n})'


def prior_values(path):
    """Per (method, lambda, lambdaTh) and metric, the per-seed values of an earlier parity.json."""
    if not path:
        return {}
    prior = json.load(open(path))
    return {(c['method'], c['lambda'], c['lambdaTh']): c for c in prior['cells']}


def main():
    args = sys.argv[1:]
    prior_path = None
    if '--prior' in args:
        i = args.index('--prior')
        prior_path = args[i + 1]
        del args[i:i + 2]
    root = args[0] if args else 'runs/parity'
    prior = prior_values(prior_path)
    fj, pt = collect(root, 'floatjs'), collect(root, 'torch')
    cells = []
    for key in sorted(set(fj) | set(pt) | set(prior), key=lambda k: (k[0], -1 if k[2] is None else k[2], -1 if k[1] is None else k[1])):
        cell = {'method': key[0], 'lambda': key[1], 'lambdaTh': key[2]}
        for metric in ('ca', 'ra', 'raAdv'):
            earlier = prior.get(key, {}).get(metric, {})
            a = earlier.get('floatjs', []) + [r[metric] for r in fj.get(key, {}).values()]
            b = earlier.get('torch', []) + [r[metric] for r in pt.get(key, {}).values()]
            entry = {'floatjs': a, 'torch': b}
            if a and b:
                (ma, sa), (mb, sb) = stats(a), stats(b)
                se = math.sqrt(sa ** 2 / len(a) + sb ** 2 / len(b))
                diff = ma - mb
                entry.update(floatjsMean=ma, floatjsStd=sa, torchMean=mb, torchStd=sb, diff=diff, seDiff=se,
                             tolerance=max(TOL, 2 * se), within=abs(diff) <= max(TOL, 2 * se))
            cell[metric] = entry
        cells.append(cell)
    logits = []
    for f in sorted(glob.glob(os.path.join(root, 'floatjs', '*-s*', 'logits.json'))):
        logits.append({'run': os.path.basename(os.path.dirname(f)), **json.load(open(f))})
    if prior_path:
        logits = json.load(open(prior_path)).get('logits', []) + logits
    report = {'format': 'floatjs-parity', 'root': root, **({'prior': prior_path} if prior_path else {}),
              'tolerance': f'|diff| <= max({TOL}, 2 SE)', 'cells': cells, 'logits': logits}
    json.dump(report, open(os.path.join(root, 'parity.json'), 'w'), indent=2)

    lines = ['| method | λ | λ_th | CA floatjs | CA PyTorch | Δ CA | RA floatjs | RA PyTorch | Δ RA | RA (adv only) floatjs / PyTorch | within |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    for c in cells:
        def side(metric, who):
            e = c[metric]
            v = e[who]
            return fmt(*stats(v), len(v)) if v else '–'

        def delta(metric):
            e = c[metric]
            return f"{e['diff']:+.1f} (tol {e['tolerance']:.1f})" if 'diff' in e else '–'
        ok = [c[m].get('within') for m in ('ca', 'ra') if 'within' in c[m]]
        verdict = ('yes' if all(ok) else 'NO') if len(ok) == 2 else 'incomplete'
        lam = '–' if c['lambda'] is None else f"{c['lambda']:g}"
        th = '–' if c['lambdaTh'] is None else f"{c['lambdaTh']:g}"
        adv = f"{side('raAdv', 'floatjs').split(' (')[0]} / {side('raAdv', 'torch').split(' (')[0]}"
        lines.append(f"| {c['method']} | {lam} | {th} | {side('ca', 'floatjs')} | {side('ca', 'torch')} | {delta('ca')} | "
                     f"{side('ra', 'floatjs')} | {side('ra', 'torch')} | {delta('ra')} | {adv} | {verdict} |")
    if logits:
        worst = max(logits, key=lambda l: l['maxAbsDiff'])
        lines.append('')
        lines.append(f"Exported weights in PyTorch vs floatjs at λ = 0, first {worst['n']} test images, {len(logits)} models: "
                     f"largest |logit difference| {worst['maxAbsDiff']:.2e} ({worst['run']}; largest |logit| {worst['maxAbsLogit']:.1f}).")
    md = '\n'.join(lines) + '\n'
    open(os.path.join(root, 'parity.md'), 'w').write(md)
    print(md, end='')


if __name__ == '__main__':
    main()
