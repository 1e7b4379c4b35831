#!/usr/bin/env python3
"""PyTorch twin of floatjs's fmnist-quick recipes (standard, pgd-at at lambda = 1, float), for the parity harness.

Written from the FLOAT paper (Algorithm 1, Eq. 6) and shared/research/algorithms.md, not from floatjs's code:
  data      Fashion-MNIST, first 10,000 training and 1,000 test images, pixels / 255, no augmentation
  model     cnn-s: conv3x3 32 -> conv3x3 64 s2 -> conv3x3 128 s2 (bias-free, padding 1, BN, ReLU), global
            average pool, linear; torch's default init (kaiming_uniform a = sqrt 5 = U(+-1/sqrt fan_in))
  float     every conv W + lambda_n * alpha * eta, eta ~ N(0, std(W)^2) redrawn every forward, std read as a
            number (no gradient path), alpha one trainable scalar per conv (0.25); dual BN (clean, adv)
  training  SGD lr 0.1, momentum 0.9, weight decay 5e-4 on every parameter, cosine stepped per batch,
            batch 128, 6 epochs; PGD-7 (eps 0.1, step 1.25 eps / 7, random start) on the model in eval mode
            float: first half clean (lambda 0, BN_C), second half attacked at lambda 1 (noise, BN_A);
            loss 0.5 L_C + 0.5 L_A, each the mean over its half (Algorithm 1)
  eval      PGD-20 (step 2.5 eps / 20, random start, EOT draws per step) crafted once, then D forward draws;
            a point is robust in a draw when its clean and its adversarial input are both classified right
            in that draw (floatjs's definition; `raAdv` is the adversarial accuracy alone)

It is a development tool (Debian's python3-torch), never a dependency of the packages.

  twin.py train --method float --seed 1 --out DIR
  twin.py eval (--model DIR/model.pt | --floatjs FILE.safetensors) --method float --json OUT
  twin.py logits --floatjs FILE.safetensors --ref LOGITS.f32 --n 200 [--lambda 0]
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 0.1
DATA_DIR = os.environ.get('FMNIST_DIR', '/usr/share/datasets/fashion-mnist')
LAMBDAS = [0, 0.2, 0.7, 1]
LAMBDA_THS = [0, 0.5]


def read_idx(name):
    for path in (os.path.join(DATA_DIR, name), os.path.join(DATA_DIR, name + '.gz')):
        if os.path.exists(path):
            raw = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
            dims = raw[3]
            shape = struct.unpack('>' + 'I' * dims, raw[4:4 + 4 * dims])
            return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)
    sys.exit(f'twin: {name} not found in {DATA_DIR} (install dataset-fashion-mnist or set FMNIST_DIR)')


def load_split(split, limit):
    prefix = 'train' if split == 'train' else 't10k'
    x = read_idx(f'{prefix}-images-idx3-ubyte')[:limit].float().div(255).unsqueeze(1)
    y = read_idx(f'{prefix}-labels-idx1-ubyte')[:limit].long()
    return x.contiguous(), y


class NoisyConv(nn.Conv2d):
    """A bias-free conv; with `noisy`, W + lambda_n * alpha * eta on every forward (FLOAT's noisy weight)."""

    def __init__(self, cin, cout, stride, noisy):
        super().__init__(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.alpha = nn.Parameter(torch.tensor(0.25)) if noisy else None
        self.lambda_n = 0.0
        self.gen = None

    def forward(self, x):
        w = self.weight
        if self.alpha is not None and self.lambda_n > 0:
            std = w.detach().std().item()  # a constant: no gradient through sigma, as in the reference code
            eta = torch.randn(w.shape, generator=self.gen) * std
            w = w + self.lambda_n * self.alpha * eta
        return F.conv2d(x, w, None, self.stride, self.padding)


class Norm(nn.Module):
    """One BN, or dual BN (clean, adv) selected by `key`."""

    def __init__(self, c, dual):
        super().__init__()
        self.sets = nn.ModuleDict({k: nn.BatchNorm2d(c, eps=1e-5, momentum=0.1) for k in (('clean', 'adv') if dual else ('single',))})
        self.key = 'clean' if dual else 'single'

    def forward(self, x):
        return self.sets[self.key](x)


class CnnS(nn.Module):
    def __init__(self, method):
        super().__init__()
        noisy = method == 'float'
        self.dual = method == 'float'
        widths, strides = [32, 64, 128], [1, 2, 2]
        cin = 1
        self.convs, self.norms = nn.ModuleList(), nn.ModuleList()
        for w, s in zip(widths, strides):
            self.convs.append(NoisyConv(cin, w, s, noisy))
            self.norms.append(Norm(w, self.dual))
            cin = w
        self.fc = nn.Linear(cin, 10)

    def condition(self, norm, lambda_n, gen=None):
        """Selects the BN set and the noise scale of every layer for the next forwards."""
        for conv, bn in zip(self.convs, self.norms):
            conv.lambda_n = lambda_n
            conv.gen = gen
            if self.dual:
                bn.key = norm

    def forward(self, x):
        for conv, bn in zip(self.convs, self.norms):
            x = F.relu(bn(conv(x)))
        return self.fc(x.mean(dim=(2, 3)))


def pgd(model, x, y, steps, step_size, eot, gen, random_start=True):
    """l_inf PGD from a random start (or x itself) maximizing summed cross-entropy, EOT-averaged gradients, last iterate."""
    x_adv = (x + (torch.rand(x.shape, generator=gen) * 2 - 1) * EPS).clamp(0, 1) if random_start else x.clone()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        grad = torch.zeros_like(x)
        for _ in range(eot):
            loss = F.cross_entropy(model(x_adv), y, reduction='sum')
            grad += torch.autograd.grad(loss, x_adv)[0]
        x_adv = x_adv.detach() + step_size * grad.sign()
        x_adv = torch.min(torch.max(x_adv, x - EPS), x + EPS).clamp(0, 1)
    return x_adv.detach()


def frozen_eval(model):
    """The attack's model state: BN running statistics, no parameter gradients (ctx_noparamgrad_and_eval)."""
    class Ctx:
        def __enter__(self):
            self.was = model.training
            model.eval()
            for p in model.parameters():
                p.requires_grad_(False)

        def __exit__(self, *a):
            model.train(self.was)
            for p in model.parameters():
                p.requires_grad_(True)
    return Ctx()


def train(args):
    torch.manual_seed(args.seed)  # initialization
    gen = torch.Generator().manual_seed(10_000 + args.seed)  # shuffling, attacks, noise
    # --init-from / --order-from / --no-random-start: the trajectory comparison (trajectory.py) starts from
    # floatjs's initial weights, takes its batch order and makes the training attack deterministic.
    model = load_floatjs(args.init_from, args.method) if args.init_from else CnnS(args.method)
    x, y = load_split('train', args.limit)
    n = x.shape[0]
    orders = torch.frombuffer(bytearray(open(args.order_from, 'rb').read()), dtype=torch.int32).long().reshape(-1, n) if args.order_from else None
    batches = math.ceil(n / args.batch_size)
    total = args.epochs * batches
    stop = args.steps or total
    dump_at = {int(k) for k in args.dump_at.split(',') if k}
    trace = open(args.trace, 'w') if args.trace else None
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    step_size = 1.25 * EPS / 7
    os.makedirs(args.out, exist_ok=True)
    log = []
    step = 0
    t_start = time.time()
    for epoch in range(args.epochs):
        t0 = time.time()
        if step >= stop:
            break
        order = orders[epoch] if orders is not None else torch.randperm(n, generator=gen)
        loss_sum = 0.0
        for b in range(batches):
            if step >= stop:
                break
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            xb, yb = x[idx], y[idx]
            for g in opt.param_groups:
                g['lr'] = 0.5 * args.lr * (1 + math.cos(math.pi * step / total))
            if trace:
                record = {'step': step, 'lr': opt.param_groups[0]['lr'], **attack_success(model, args, xb, yb, step_size, gen)}
            model.train()
            loss = train_loss(model, args, xb, yb, step_size, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            step += 1
            if trace:
                trace.write(json.dumps({**record, 'loss': loss.item()}) + '\n')
            if step in dump_at:
                torch.save(model.state_dict(), os.path.join(args.out, f'model-step{step}.pt'))
        log.append({'epoch': epoch + 1, 'seconds': time.time() - t0, 'meanLoss': loss_sum / batches})
        print(json.dumps({'event': 'epoch', 'method': args.method, 'seed': args.seed, **log[-1]}), flush=True)
    torch.save(model.state_dict(), os.path.join(args.out, 'model.pt'))
    summary = {'method': args.method, 'seed': args.seed, 'epochs': args.epochs, 'trainSeconds': time.time() - t_start,
               'epochLog': log, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'floatLoss': args.float_loss}
    json.dump(summary, open(os.path.join(args.out, 'summary.json'), 'w'), indent=2)


def attack_success(model, args, xb, yb, step_size, gen):
    """The training attack's success on a batch (pgd-at): clean and adversarial accuracy in eval mode."""
    with frozen_eval(model):
        x_adv = pgd(model, xb, yb, 7, step_size, 1, gen, args.random_start)
        return {'cleanAcc': correct(model, xb, yb, xb.shape[0]).float().mean().item(),
                'advAcc': correct(model, x_adv, yb, xb.shape[0]).float().mean().item()}


def train_loss(model, args, xb, yb, step_size, gen):
    if args.method == 'standard':
        return F.cross_entropy(model(xb), yb)
    if args.method == 'pgd-at':
        with frozen_eval(model):
            x_adv = pgd(model, xb, yb, 7, step_size, 1, gen, args.random_start)
        return F.cross_entropy(model(x_adv), yb)
    m = xb.shape[0]
    h = max(1, min(m - 1, m // 2))
    if args.float_loss == 'fv2':
        # The FLOAT_v2 dump's step: a noise-free forward of the whole batch, rows [0, h) through BN_C and rows
        # [h, m) through BN_A, then the adversarial half; loss = mean_B(0.5 l_c + 0.5 [0, l_a]).
        model.condition('clean', 0.0)
        lc_c = F.cross_entropy(model(xb[:h]), yb[:h], reduction='none')
        model.condition('adv', 0.0)
        lc_a = F.cross_entropy(model(xb[h:]), yb[h:], reduction='none')
        with frozen_eval(model):
            model.condition('adv', 1.0, gen)
            x_adv = pgd(model, xb[h:], yb[h:], 7, step_size, 1, gen, args.random_start)
        model.condition('adv', 1.0, gen)
        la = F.cross_entropy(model(x_adv), yb[h:], reduction='none')
        return (0.5 * torch.cat([lc_c, lc_a]).sum() + 0.5 * la.sum()) / m
    with frozen_eval(model):
        model.condition('adv', 1.0, gen)
        x_adv = pgd(model, xb[h:], yb[h:], 7, step_size, 1, gen, args.random_start)
    model.condition('clean', 0.0)
    lc = F.cross_entropy(model(xb[:h]), yb[:h])
    model.condition('adv', 1.0, gen)
    la = F.cross_entropy(model(x_adv), yb[h:])
    return 0.5 * lc + 0.5 * la


def map_lambda(lam, th):
    """Eq. 6: lambda <= lambda_th selects BN_C with lambda_n = lambda / lambda_th, else BN_A with (lambda - th) / (1 - th)."""
    if lam <= th:
        return 'clean', (0.0 if th == 0 else lam / th)
    return 'adv', (lam - th) / (1 - th)


def load_floatjs(path, method):
    """A floatjs checkpoint exported with `float export --layout pytorch` (names as floatjs, shapes as torch)."""
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    if header.get('__metadata__', {}).get('layout') != 'pytorch':
        sys.exit(f'twin: {path}: expected a file written by `float export --layout pytorch`')
    tensors = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        a, b = info['data_offsets']
        tensors[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32).reshape(info['shape'])
    model = CnnS(method)
    state = {}
    for i in range(3):
        state[f'convs.{i}.weight'] = tensors[f'conv{i + 1}.kernel']
        if method == 'float':
            state[f'convs.{i}.alpha'] = tensors[f'conv{i + 1}.alpha'].reshape(())
        for key in (('clean', 'adv') if method == 'float' else ('single',)):
            src = f'bn{i + 1}.{key}' if key != 'single' else f'bn{i + 1}'
            state[f'norms.{i}.sets.{key}.weight'] = tensors[f'{src}.gamma']
            state[f'norms.{i}.sets.{key}.bias'] = tensors[f'{src}.beta']
            state[f'norms.{i}.sets.{key}.running_mean'] = tensors[f'{src}.movingMean']
            state[f'norms.{i}.sets.{key}.running_var'] = tensors[f'{src}.movingVariance']
            state[f'norms.{i}.sets.{key}.num_batches_tracked'] = torch.tensor(0)
    state['fc.weight'] = tensors['fc.kernel']
    state['fc.bias'] = tensors['fc.bias']
    model.load_state_dict(state)
    return model


def load_model(args):
    if args.floatjs:
        return load_floatjs(args.floatjs, args.method)
    model = CnnS(args.method)
    model.load_state_dict(torch.load(args.model))
    return model


def correct(model, x, y, batch):
    with torch.no_grad():
        return torch.cat([model(x[i:i + batch]).argmax(1) == y[i:i + batch] for i in range(0, x.shape[0], batch)])


def evaluate(args):
    model = load_model(args)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    x, y = load_split('test', args.limit)
    gen = torch.Generator().manual_seed(20_000 + args.seed)
    cells = [(lam, th) for th in LAMBDA_THS for lam in LAMBDAS] if args.method == 'float' else [(None, None)]
    rows = []
    for lam, th in cells:
        norm, lambda_n = map_lambda(lam, th) if lam is not None else ('single', 0.0)
        randomized = lambda_n > 0
        model.condition(norm, lambda_n, gen)
        eot = args.eot if randomized else 1
        draws = args.draws if randomized else 1
        x_adv = torch.cat([pgd(model, x[i:i + 200], y[i:i + 200], 20, 2.5 * EPS / 20, eot, gen) for i in range(0, x.shape[0], 200)])
        ca, ra, ra_adv = [], [], []
        for _ in range(draws):
            c = correct(model, x, y, 200)
            a = correct(model, x_adv, y, 200)
            ca.append(100 * c.float().mean().item())
            ra.append(100 * (c & a).float().mean().item())
            ra_adv.append(100 * a.float().mean().item())
        rows.append({'lambda': lam, 'lambdaTh': th, 'norm': norm, 'lambdaN': lambda_n, 'eot': eot, 'draws': draws,
                     'ca': mean(ca), 'ra': mean(ra), 'raAdv': mean(ra_adv), 'caDraws': ca, 'raDraws': ra})
        print(json.dumps({'event': 'cell', **{k: rows[-1][k] for k in ('lambda', 'lambdaTh', 'ca', 'ra', 'raAdv')}}), flush=True)
    out = {'format': 'floatjs-parity-eval', 'method': args.method, 'source': args.floatjs or args.model, 'testImages': x.shape[0],
           'attack': {'name': 'pgd-20', 'eps': EPS, 'steps': 20, 'stepSize': 2.5 * EPS / 20, 'randomStart': True}, 'rows': rows}
    json.dump(out, open(args.json, 'w'), indent=2)


def mean(v):
    return sum(v) / len(v)


def logits(args):
    """Largest |logit difference| between floatjs's logits (a float32 file, n x 10) and this twin on the same weights."""
    model = load_floatjs(args.floatjs, args.method)
    model.eval()
    norm, lambda_n = map_lambda(args.lam, 0) if args.method == 'float' else ('single', 0.0)
    if lambda_n > 0:
        sys.exit('twin: logits are compared at deterministic conditions only (lambda_n = 0)')
    model.condition(norm, 0.0)
    x, _ = load_split('test', args.n)
    with torch.no_grad():
        ours = model(x)
    ref = torch.frombuffer(bytearray(open(args.ref, 'rb').read()), dtype=torch.float32).reshape(ours.shape)
    diff = (ours - ref).abs().max().item()
    print(json.dumps({'event': 'logits', 'file': args.floatjs, 'n': args.n, 'lambda': args.lam, 'maxAbsDiff': diff,
                      'maxAbsLogit': ref.abs().max().item()}))


def main():
    p = argparse.ArgumentParser(description='PyTorch twin of the fmnist-quick recipes (parity harness)')
    sub = p.add_subparsers(dest='cmd', required=True)
    t = sub.add_parser('train')
    t.add_argument('--method', choices=['standard', 'pgd-at', 'float'], required=True)
    t.add_argument('--seed', type=int, default=1)
    t.add_argument('--out', required=True)
    t.add_argument('--epochs', type=int, default=6)
    t.add_argument('--limit', type=int, default=10_000)
    t.add_argument('--batch-size', type=int, default=128)
    t.add_argument('--lr', type=float, default=0.1)
    t.add_argument('--float-loss', choices=['paper', 'fv2'], default='paper')
    # Diagnostics for the trajectory comparison (trajectory.py); the harness never sets them.
    t.add_argument('--init-from', help='initial weights: a `float export --layout pytorch` file')
    t.add_argument('--order-from', help='batch order: int32 indices, n per epoch (trajectory.mjs order.i32)')
    t.add_argument('--no-random-start', dest='random_start', action='store_false', help='training PGD starts at x')
    t.add_argument('--steps', type=int, default=0, help='stop after this many steps (0: all epochs)')
    t.add_argument('--trace', help='JSON lines per step: lr, loss, attack success on the batch (pgd-at)')
    t.add_argument('--dump-at', default='', help='comma-separated steps after which model-step<k>.pt is written')
    e = sub.add_parser('eval')
    e.add_argument('--method', choices=['standard', 'pgd-at', 'float'], required=True)
    e.add_argument('--model')
    e.add_argument('--floatjs')
    e.add_argument('--json', required=True)
    e.add_argument('--limit', type=int, default=1000)
    e.add_argument('--eot', type=int, default=1)
    e.add_argument('--draws', type=int, default=3)
    e.add_argument('--seed', type=int, default=1)
    g = sub.add_parser('logits')
    g.add_argument('--method', choices=['standard', 'pgd-at', 'float'], required=True)
    g.add_argument('--floatjs', required=True)
    g.add_argument('--ref', required=True)
    g.add_argument('--n', type=int, default=200)
    g.add_argument('--lambda', dest='lam', type=float, default=0)
    args = p.parse_args()
    torch.set_num_threads(int(os.environ.get('PARITY_THREADS', '1')))
    if args.cmd == 'eval' and not (args.model or args.floatjs):
        sys.exit('twin eval: --model or --floatjs is required')
    {'train': train, 'eval': evaluate, 'logits': logits}[args.cmd](args)


if __name__ == '__main__':
    main()
