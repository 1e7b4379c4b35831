import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeIdx } from '@floatjs/datasets/testing';

/**
 * Writes a small Fashion-MNIST-layout dataset (raw IDX, official file names) whose class is a bright
 * horizontal band at row 2·label, so a model can learn it in a few steps. Returns the directory.
 */
export function writeTinyDataset(nTrain = 64, nTest = 40): string {
  const dir = mkdtempSync(join(tmpdir(), 'floatjs-eval-'));
  const write = (prefix: string, n: number) => {
    const images = new Uint8Array(n * 28 * 28);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const label = i % 10;
      labels[i] = label;
      for (let c = 0; c < 28; c++) {
        images[i * 784 + (2 * label + 3) * 28 + c] = 255;
        images[i * 784 + ((i * 7 + c * 3) % 784)] ||= 40;
      }
    }
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx([n, 28, 28], images));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx([n], labels));
  };
  write('train', nTrain);
  write('t10k', nTest);
  return dir;
}
