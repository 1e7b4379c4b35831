#!/usr/bin/env python3
"""Per-step check of pgd-at training, each step from floatjs's own state (trajectory.mjs with PER_STEP=1).

For every step k: the twin loads floatjs's weights and momentum buffers before step k, (a) crafts its own PGD-7
(from x, no random start) and compares it with floatjs's x_adv (share of pixels that differ, summed CE of each
in eval mode), and (b) takes one SGD step on floatjs's x_adv and compares the result with floatjs's weights
after step k. (b) agreeing to float noise at every step means the update is the same algorithm; (a) shows the
attack's agreement with the chaos of sign steps (a gradient entry near 0 may flip sign) taken out of the loop.

  PER_STEP=1 FLOAT_THREADS=1 node scripts/parity/trajectory.mjs DIR 10 1 1,2,5,10
  python3 scripts/parity/trajectory_steps.py DIR --steps 10
"""
import argparse
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import twin  # noqa: E402


def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    return {k: torch.frombuffer(bytearray(raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]]), dtype=torch.float32).reshape(v['shape'])
            for k, v in header.items() if k != '__metadata__'}


def twin_name(fj):
    """floatjs variable name -> the twin's parameter name (pgd-at: one BN per layer)."""
    layer, field = fj.split('.', 1)
    if layer == 'fc':
        return {'kernel': 'fc.weight', 'bias': 'fc.bias'}[field]
    i = int(layer[-1]) - 1
    return f'convs.{i}.weight' if layer.startswith('conv') else f'norms.{i}.sets.single.' + {'gamma': 'weight', 'beta': 'bias'}[field]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('dir')
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--from', dest='first', type=int, default=0, help='first step to check')
    args = p.parse_args()
    d = args.dir
    x, y = twin.load_split('train', 10_000)
    n = x.shape[0]
    order = torch.frombuffer(bytearray(open(os.path.join(d, 'order.i32'), 'rb').read()), dtype=torch.int32).long().reshape(-1, n)
    per_epoch = math.ceil(n / 128)
    total = 6 * per_epoch
    rows = []
    for k in range(args.first, args.steps):
        if not os.path.exists(os.path.join(d, f'floatjs-pre{k + 1}.safetensors')):
            break  # the state after step k is floatjs's state before step k + 1
        b = k % per_epoch
        idx = order[k // per_epoch][b * 128:(b + 1) * 128]
        xb, yb = x[idx], y[idx]
        model = twin.load_floatjs(os.path.join(d, f'floatjs-pre{k}.safetensors'), 'pgd-at')
        xf = torch.frombuffer(bytearray(open(os.path.join(d, f'floatjs-xadv{k}.f32'), 'rb').read()), dtype=torch.float32)
        xf = xf.reshape(xb.shape[0], 28, 28, 1).permute(0, 3, 1, 2).contiguous()
        with twin.frozen_eval(model):
            xt = twin.pgd(model, xb, yb, 7, 1.25 * twin.EPS / 7, 1, None, random_start=False)
            with torch.no_grad():
                ce_t = F.cross_entropy(model(xt), yb, reduction='sum').item()
                ce_f = F.cross_entropy(model(xf), yb, reduction='sum').item()
        differ = ((xt - xf).abs() > 1e-6).float().mean().item()
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
        params = dict(model.named_parameters())
        if k > 0:  # torch's first step sets the buffer to the gradient, as floatjs's zero buffer does
            for name, t in read_safetensors(os.path.join(d, f'floatjs-momentum{k}.safetensors')).items():
                opt.state[params[twin_name(name)]]['momentum_buffer'] = t.clone()
        for g in opt.param_groups:
            g['lr'] = 0.05 * (1 + math.cos(math.pi * k / total))
        model.train()
        loss = F.cross_entropy(model(xf), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        after = twin.load_floatjs(os.path.join(d, f'floatjs-pre{k + 1}.safetensors'), 'pgd-at').state_dict()
        rel = {name: ((after[name] - t).norm() / t.norm().clamp_min(1e-30)).item() for name, t in model.state_dict().items() if 'num_batches' not in name}
        big = {name: r for name, r in rel.items() if not name.endswith('.bias')}
        worst = max(big, key=big.get)
        rows.append({'step': k, 'xAdvPixelsDiffer': differ, 'attackCeTorch': ce_t, 'attackCeFloatjs': ce_f, 'loss': loss.item(),
                     'updateMaxRel': big[worst], 'updateWorst': worst, 'biasMaxRel': max(r for nm, r in rel.items() if nm.endswith('.bias')),
                     'updateMaxAbs': max((after[nm] - t).abs().max().item() for nm, t in model.state_dict().items() if 'num_batches' not in nm)})
        print(json.dumps({'event': 'step', **rows[-1]}), flush=True)
    json.dump(rows, open(os.path.join(d, 'trajectory-steps.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
