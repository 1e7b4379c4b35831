import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loggedRollbacks } from './rollback';
import { dropTornLastLine } from './run-dir';
import { trainLogEvents } from './train-log';

const root = mkdtempSync(join(tmpdir(), 'floatjs-train-log-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const logWith = (text: string | Buffer) => {
  const f = join(root, `log-${n++}.jsonl`);
  writeFileSync(f, text);
  return f;
};
const line = (o: object) => `${JSON.stringify(o)}\n`;
const epoch0 = { event: 'epoch', epoch: 0, seconds: 1.5, meanLoss: 2.2 };
const rollback = { event: 'rollback', step: 3, cause: 'loss is NaN', checkpointEpoch: 1, lrScale: 0.5 };
const valid = line({ event: 'step', epoch: 0, loss: 2 }) + line(epoch0) + line(rollback);

describe('trainLogEvents', () => {
  it('returns the records of one event in order, null for a line that does not parse', () => {
    const f = logWith(`${valid}{"event":"epoch","epo`);
    expect(trainLogEvents(f, 'epoch')).toEqual([epoch0, null]);
    expect(trainLogEvents(f, 'rollback')).toEqual([rollback]);
    expect(trainLogEvents(join(root, 'absent.jsonl'), 'epoch')).toEqual([]);
  });

  it('streams: a 3 MB line is reported unreadable, not kept, and the lines after it are read', () => {
    const long = Buffer.concat([Buffer.from('{"event":"epoch",'), Buffer.alloc(3 << 20, 0x61), Buffer.from('\n')]);
    const other = Buffer.concat([Buffer.from('{"event":"step",'), Buffer.alloc(3 << 20, 0x61), Buffer.from('\n')]);
    const f = logWith(Buffer.concat([Buffer.from(valid), long, other, Buffer.alloc(300, 0), Buffer.from(`\n${valid}`)]));
    expect(trainLogEvents(f, 'epoch')).toEqual([epoch0, null, epoch0]);
    expect(loggedRollbacks(f)).toHaveLength(2);
  });

  it('refuses a FIFO, /dev/zero or a directory by name instead of blocking, reading forever or failing with a bare EISDIR', () => {
    for (const kind of ['fifo', 'devzero', 'dir']) {
      const f = join(root, `${kind}.jsonl`);
      if (kind === 'fifo') execFileSync('mkfifo', [f]);
      if (kind === 'devzero') symlinkSync('/dev/zero', f);
      if (kind === 'dir') mkdirSync(f);
      expect(() => trainLogEvents(f, 'epoch')).toThrow(`${f}: not a regular file`);
      expect(() => dropTornLastLine(f)).toThrow(`${f}: not a regular file`);
    }
  });
});

describe('dropTornLastLine', () => {
  it('cuts a line torn by a kill mid-append and leaves a complete log alone', () => {
    const torn = logWith(`${valid}{"event":"rollback","st`);
    expect(dropTornLastLine(torn)).toBe(true);
    expect(readFileSync(torn, 'utf8')).toBe(valid);
    expect(dropTornLastLine(torn)).toBe(false);
    expect(loggedRollbacks(torn)).toEqual([{ step: 3, cause: 'loss is NaN', checkpointEpoch: 1, lrScale: 0.5 }]);
  });
});
