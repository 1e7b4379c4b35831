import { architectureNames, createModel, getArchitecture } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureArchitecture, narrowArchitectureFor, parseNarrowArchitectureName } from './narrow-architectures';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('narrow architectures', () => {
  it('parses the names narrowArchitectureName writes', () => {
    expect(parseNarrowArchitectureName('cnn-s-w0_5')).toEqual({ base: 'cnn-s', width: 0.5 });
    expect(parseNarrowArchitectureName('wrn16-8-w0_75')).toEqual({ base: 'wrn16-8', width: 0.75 });
    expect(parseNarrowArchitectureName('cnn-s')).toBeNull();
    expect(parseNarrowArchitectureName('cnn-s-w1')).toBeNull();
  });

  it('registers a sub-network on first use, with half the channels, and leaves other names alone', () => {
    expect(getArchitecture('resnet20-w0_5')).toBeUndefined();
    ensureArchitecture('resnet20-w0_5');
    ensureArchitecture('resnet20-w0_5'); // idempotent
    expect(architectureNames()).toContain('resnet20-w0_5');
    const m = createModel('resnet20-w0_5', { height: 8, width: 8, channels: 3, numClasses: 10 }, [], 1);
    // resnet20's stem conv is [3, 3, 3, 16]: the image channels stay, the filters halve.
    expect(m.variables.get(m.layers[0].name + '.kernel')!.shape).toEqual([3, 3, 3, 8]);
    m.dispose();
    expect(narrowArchitectureFor('cnn-s', 0.75)).toBe('cnn-s-w0_75');
    ensureArchitecture('no-such-model'); // createModel reports unknown names
    expect(getArchitecture('no-such-model')).toBeUndefined();
    expect(() => ensureArchitecture('nope-w0_5')).toThrow(/width-0.5 sub-network of "nope", which is not registered/);
    expect(() => ensureArchitecture('cnn-s-w0_50')).toThrow(/is named "cnn-s-w0_5"/);
  });
});
