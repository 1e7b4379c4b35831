import { describe, expect, it } from 'vitest';
import { errorLine } from './cli';

describe("the CLI's error handler", () => {
  it('gives one line for any thrown value (issue 19: a DOMException from atob has a numeric code)', () => {
    let dom: unknown;
    try {
      atob('not base64!');
    } catch (e) {
      dom = e;
    }
    expect(typeof (dom as { code: unknown }).code).toBe('number');
    expect(errorLine(dom)).toMatch(/./);
    expect(errorLine(new Error('first\nsecond'))).toBe('first');
    expect(errorLine('a string')).toBe('a string');
    expect(errorLine(42)).toBe('42');
    expect(errorLine(null)).toBe('null');
    expect(errorLine(undefined)).toBe('undefined');
    expect(errorLine('')).toBe('unknown error');
    expect(errorLine({ code: 7 })).toBe('{"code":7}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorLine(circular)).toBe('[object Object]');
    expect(errorLine(Symbol('s'))).toBe('Symbol(s)');
    expect(errorLine(10n)).toBe('[object BigInt]');
  });
});
