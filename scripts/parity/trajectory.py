#!/usr/bin/env python3
"""Trajectory comparison of pgd-at (lambda = 1) training, floatjs against the twin, from identical starting weights.

trajectory.mjs DIR writes floatjs's initial weights, batch order, per-step trace and weights after some steps;
this script trains the twin from those weights in that order with the same deterministic attack (PGD-7 from x,
no random start) for the same steps, then prints per step the loss and the training attack's success on the
batch on both sides, and per dumped step the largest relative difference of every parameter and BN statistic.
Agreement to ~1e-5 that grows slowly is float noise; an early jump names the step where the algorithms differ.

  FLOAT_THREADS=1 node scripts/parity/trajectory.mjs DIR 20 1 1,2,5,10,20
  python3 scripts/parity/trajectory.py DIR --steps 20 --dump 1,2,5,10,20
"""
import argparse
import json
import os
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import twin  # noqa: E402


def read_trace(path):
    return [json.loads(line) for line in open(path) if line.strip()]


def weight_diffs(fj_file, torch_file):
    """Per tensor (twin names) ||floatjs - torch|| / ||torch|| and the largest absolute difference."""
    ours = twin.load_floatjs(fj_file, 'pgd-at').state_dict()
    theirs = torch.load(torch_file)
    out = {}
    for name, t in theirs.items():
        if name.endswith('num_batches_tracked'):
            continue
        d = (ours[name] - t).float()
        out[name] = {'rel': (d.norm() / t.float().norm().clamp_min(1e-30)).item(), 'maxAbs': d.abs().max().item()}
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('dir')
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--dump', default='1,2,5,10,20')
    p.add_argument('--random-start', action='store_true', help='keep the random start (the sides then draw different noise)')
    args = p.parse_args()
    d = args.dir
    tdir = os.path.join(d, 'torch')
    cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'twin.py'), 'train', '--method', 'pgd-at',
           '--seed', str(args.seed), '--out', tdir, '--init-from', os.path.join(d, 'init.safetensors'),
           '--order-from', os.path.join(d, 'order.i32'), '--steps', str(args.steps), '--trace', os.path.join(d, 'torch-trace.jsonl'),
           '--dump-at', args.dump] + ([] if args.random_start else ['--no-random-start'])
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    fj, th = read_trace(os.path.join(d, 'floatjs-trace.jsonl')), read_trace(os.path.join(d, 'torch-trace.jsonl'))
    rows = []
    for a, b in zip(fj, th):
        rows.append({'step': a['step'], 'lossFloatjs': a['loss'], 'lossTorch': b['loss'], 'relLossDiff': abs(a['loss'] - b['loss']) / abs(b['loss']),
                     'advAccFloatjs': a['advAcc'], 'advAccTorch': b['advAcc'], 'cleanAccFloatjs': a['cleanAcc'], 'cleanAccTorch': b['cleanAcc']})
        print(json.dumps({'event': 'step', **rows[-1]}))
    weights = {}
    for k in [int(s) for s in args.dump.split(',') if s and int(s) <= args.steps]:
        diffs = weight_diffs(os.path.join(d, f'floatjs-step{k}.safetensors'), os.path.join(tdir, f'model-step{k}.pt'))
        worst = max(diffs, key=lambda n: diffs[n]['rel'])
        weights[k] = diffs
        print(json.dumps({'event': 'weights', 'step': k, 'maxRel': diffs[worst]['rel'], 'worst': worst,
                          'maxAbs': max(v['maxAbs'] for v in diffs.values())}))
    json.dump({'steps': rows, 'weights': weights}, open(os.path.join(d, 'trajectory.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
