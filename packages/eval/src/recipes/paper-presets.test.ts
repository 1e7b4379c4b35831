import { architectureNames } from '@floatjs/engine';
import { describe, expect, it } from 'vitest';
import { PAPER_INPUTS, PAPER_PRESETS, type PaperPreset } from './paper-presets';

/** Sentences quoted verbatim from the FLOAT paper (WACV 2023); the numbers below are read out of them. */
const PAPER = {
  attack: 'For adversarial image generation during training, we used the PGD- k attack with ϵ and k set to 8/255 and 7, respectively.',
  tiny: 'For Tiny-ImageNet we trained the model for 120 epochs with an initial learning rate of 0.1 and used cosine decay.',
  cifar100: 'For CIFAR-100, we followed same hyperparameter settings as that with CIFAR-10.',
  lambdas: 'we chose a set of λ_n s as $S_{\\lambda_n} = \\{0.0, 0.2, 0.7, 1.0\\}$',
  lambdaTh: 'two different settings of λ_{th} , 0.0 (similar to OAT) and 0.5',
  pgd20: 'We follow [43] to generate the PGD-20 perturbations and set the number of steps to 20, keeping other hyperparameters the same as PGD-7.',
  epochs200: 'the normalized per-epoch training time (averaged over 200 epochs)',
};

const numbers = (text: string) => [...text.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
const byName = (name: string): PaperPreset => {
  const p = PAPER_PRESETS.find((q) => q.name === name);
  if (!p) throw new Error(`no preset ${name}`);
  return p;
};
/** FLOAT's and OAT's attacks/pgd.py default step size. */
const referenceStep = (eps: number, steps: number) => Math.min(1.25 * eps, eps + 4 / 255) / steps;

describe('PAPER_PRESETS', () => {
  it('has one preset per paper experiment, each on its dataset and a model the engine zoo registers', () => {
    expect(PAPER_PRESETS.map((p) => [p.name, p.dataset, p.model])).toEqual([
      ['cifar10-resnet34', 'cifar10', 'resnet34'],
      ['cifar100-resnet34', 'cifar100', 'resnet34'],
      ['svhn-wrn16-8', 'svhn', 'wrn16-8'],
      ['stl10-wrn40-2', 'stl10', 'wrn40-2'],
      ['tinyimagenet-resnet18', 'tiny-imagenet-200', 'resnet18-64'],
      ['imagenet100-resnet18', 'imagenet100', 'resnet18-imagenet'],
    ]);
    const zoo = architectureNames();
    for (const p of PAPER_PRESETS) expect(zoo, p.name).toContain(p.model);
    expect(PAPER_INPUTS['tiny-imagenet-200']).toMatchObject({ height: 64, width: 64, numClasses: 200 });
  });

  it('trains with PGD-7 at ε = 8/255 and the reference code\'s step size (10/255/7, not 2/255)', () => {
    const [eps, eps255, steps] = numbers(PAPER.attack).slice(-3);
    expect([eps, eps255, steps]).toEqual([8, 255, 7]);
    for (const p of PAPER_PRESETS) {
      expect(p.trainAttack.eps, p.name).toBe(eps / eps255);
      expect(p.trainAttack.steps, p.name).toBe(steps);
      expect(p.trainAttack.stepSize, p.name).toBeCloseTo(10 / 255 / 7, 12);
      expect(p.trainAttack.stepSize, p.name).toBe(referenceStep(p.trainAttack.eps, 7));
      expect(p.trainAttack.randomStart, p.name).toBe(true);
    }
  });

  it('evaluates with PGD-20 that keeps the PGD-7 settings, over S_λn and both λ_th', () => {
    expect(numbers(PAPER.pgd20)).toContain(20);
    const lambdas = numbers(PAPER.lambdas.split('=')[1]);
    expect(lambdas).toEqual([0, 0.2, 0.7, 1]);
    const ths = numbers(PAPER.lambdaTh).filter((v) => v < 1);
    expect(ths).toEqual([0, 0.5]);
    for (const p of PAPER_PRESETS) {
      expect(p.eval.attack, p.name).toEqual({ ...p.trainAttack, steps: 20, stepSize: referenceStep(p.trainAttack.eps, 20) });
      expect(p.eval.lambdas, p.name).toEqual(lambdas);
      expect(p.eval.lambdaThs, p.name).toEqual(ths);
      expect(p.eval.eot, p.name).toBeGreaterThanOrEqual(2);
    }
  });

  it('Tiny-ImageNet: 120 epochs, initial lr 0.1, cosine decay', () => {
    const [epochs, lr] = numbers(PAPER.tiny);
    expect([epochs, lr]).toEqual([120, 0.1]);
    expect(byName('tinyimagenet-resnet18')).toMatchObject({ epochs, lr, schedule: 'cosine' });
  });

  it('CIFAR-100 uses the CIFAR-10 settings; CIFAR-10/SVHN/STL-10 use OAT\'s code defaults (200 epochs, bs 128, SGD 0.1/0.9/5e-4, cosine)', () => {
    expect(PAPER.cifar100).toMatch(/same hyperparameter settings as that with CIFAR-10/);
    const strip = ({ name: _n, description: _d, dataset: _s, ...rest }: PaperPreset) => rest;
    expect(strip(byName('cifar100-resnet34'))).toEqual(strip(byName('cifar10-resnet34')));
    expect(numbers(PAPER.epochs200)).toEqual([200]);
    for (const name of ['cifar10-resnet34', 'svhn-wrn16-8', 'stl10-wrn40-2']) {
      expect(byName(name), name).toMatchObject({ epochs: 200, batchSize: 128, lr: 0.1, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine' });
    }
  });

  it('has unique names and no subset limits (full datasets)', () => {
    expect(new Set(PAPER_PRESETS.map((p) => p.name)).size).toBe(PAPER_PRESETS.length);
    for (const p of PAPER_PRESETS) {
      expect(p.trainLimit, p.name).toBeUndefined();
      expect(p.testLimit, p.name).toBeUndefined();
    }
  });
});
