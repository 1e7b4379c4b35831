/**
 * Child-process bodies of the hostile-input suite for the official-format dataset readers (CIFAR binary batches
 * and their tar/tar.gz, SVHN MAT v5, STL-10 binary, tar, zip). Each body runs after the suite's prelude (mutate,
 * fuzz, attempt, plant, tarHead, `testing` = @floatjs/datasets/testing) and builds its valid files with the
 * datasets' own fixture writers, in the official layouts. PNG: no reader decodes PNG (image folders decode
 * through decodeJpeg, which refuses PNG bytes by signature), so PNG appears only as a crafted case of the JPEG body.
 */
export const DATASET_READERS: Record<string, string> = {
  cifar: `
    const fake = await testing.writeFakeCifar10(path.join(root, 'valid'), { train: 5, test: 3, layout: 'archive' });
    const tar = zlib.gunzipSync(fs.readFileSync(fake.archive));
    const load = (d) => datasets.loadCifar('cifar10', 'test', { dir: d, verify: false });
    const inDir = (name) => (d, b) => (fs.mkdirSync(d), fs.writeFileSync(path.join(d, name), b), d);
    await fuzz('batch', Buffer.from(fake.files['test_batch.bin']), inDir('test_batch.bin'), load, 20);
    // An uncompressed tar under the .tar.gz name: the reader tells the two apart by content.
    await fuzz('tar', tar, inDir('cifar-10-binary.tar.gz'), load, 14);
    await fuzz('tgz', fs.readFileSync(fake.archive), inDir('cifar-10-binary.tar.gz'), load, 6);
    const record = Buffer.from(fake.files['test_batch.bin']).subarray(0, 3073);
    const crafted = {
      // 3 GB of records claimed by a 4 KB archive: rejected before the images array is allocated.
      huge: Buffer.concat([tarHead('cifar-10-batches-bin/test_batch.bin', (3073 * 1e6).toString(8)), record]),
      base256: Buffer.concat([tarHead('cifar-10-batches-bin/test_batch.bin', Buffer.from([0x80, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0])), record]),
      outside: Buffer.concat([tarHead('../../../etc/test_batch.bin', '6001'), record, Buffer.alloc(3073), Buffer.alloc(1024 + 510)]),
      // Two records claimed, one and a bit present: within what the file can hold, so the reader meets the end.
      truncated: Buffer.concat([tarHead('cifar-10-batches-bin/test_batch.bin', (3073 * 2).toString(8)), record, Buffer.alloc(2900)]),
    };
    for (const [kind, bytes] of Object.entries(crafted)) {
      const d = path.join(root, 'c-' + kind); fs.mkdirSync(d); fs.writeFileSync(path.join(d, 'cifar-10-binary.tar.gz'), bytes);
      await attempt(d, () => load(d));
    }
    for (const kind of ['fifo', 'devzero', 'dir']) {
      for (const name of ['test_batch.bin', 'cifar-10-binary.tar.gz']) {
        const d = path.join(root, 'c-' + kind + '-' + name); fs.mkdirSync(d); plant(kind, path.join(d, name));
        await attempt(path.join(d, name), () => load(d));
      }
    }`,
  svhn: `
    const packed = await testing.writeFakeSvhn(path.join(root, 'packed'), { train: 2, test: 3, extra: 1 });
    const plain = await testing.writeFakeSvhn(path.join(root, 'plain'), { train: 2, test: 3, extra: 1, compress: false });
    const load = (d) => datasets.loadSvhn('test', { dir: d, verify: false });
    const inDir = (d, b) => (fs.mkdirSync(d), fs.writeFileSync(path.join(d, 'test_32x32.mat'), b), d);
    await fuzz('packed', Buffer.from(packed.files['test_32x32.mat']), inDir, load, 20);
    await fuzz('plain', Buffer.from(plain.files['test_32x32.mat']), inDir, load, 20);
    // X's dimensions sit at byte 160 (32, 32, 3, N) and its real part's byte count at 188, in the uncompressed file.
    const patch = (edit) => { const b = Buffer.from(plain.files['test_32x32.mat']); edit(b); return b; };
    const crafted = {
      images: patch((b) => { b.writeInt32LE(1398101, 172); b.writeUInt32LE(1398101 * 3072, 188); }),
      element: patch((b) => b.writeUInt32LE(0xfffffff0, 132)),
      negative: patch((b) => b.writeInt32LE(-3, 172)),
      truncated: patch(() => {}).subarray(0, 3000),
      // A 1 KB zlib element whose matrix claims 1,000,000 images.
      inflated: (() => {
        const head = patch((b) => { b.writeInt32LE(1e6, 172); b.writeUInt32LE(3072e6, 188); b.writeUInt32LE(3072e6 + 64, 132); }).subarray(128, 192);
        const z = zlib.deflateSync(Buffer.concat([head, Buffer.alloc(1024, 7)]));
        const tag = Buffer.alloc(8); tag.writeUInt32LE(15, 0); tag.writeUInt32LE(z.length, 4);
        return Buffer.concat([Buffer.from(plain.files['test_32x32.mat']).subarray(0, 128), tag, z]);
      })(),
    };
    for (const [kind, bytes] of Object.entries(crafted)) await attempt(inDir(path.join(root, 's-' + kind), bytes), () => load(path.join(root, 's-' + kind)));
    for (const kind of ['fifo', 'devzero', 'dir']) {
      const d = path.join(root, 's-' + kind); fs.mkdirSync(d); plant(kind, path.join(d, 'test_32x32.mat'));
      await attempt(path.join(d, 'test_32x32.mat'), () => load(d));
    }`,
  'stl-10': `
    const fake = await testing.writeFakeStl10(path.join(root, 'valid'), { train: 2, test: 2, unlabeled: 1, layout: 'archive' });
    const tar = zlib.gunzipSync(fs.readFileSync(fake.archive));
    const inDir = (name) => (d, b) => (fs.mkdirSync(d), fs.writeFileSync(path.join(d, name), b), d);
    await fuzz('tar', tar, inDir('stl10_binary.tar.gz'), (d) => datasets.loadStl10('test', { dir: d, verify: false }), 20);
    const flat = (d, name, b) => { fs.mkdirSync(d); for (const [n, v] of Object.entries(fake.files)) fs.writeFileSync(path.join(d, n), n === name ? b : v); return d; };
    await fuzz('folds', Buffer.from(fake.files['fold_indices.txt']), (d, b) => flat(d, 'fold_indices.txt', b), (d) => datasets.loadStl10('train', { dir: d, verify: false, fold: 3 }), 10);
    await fuzz('y', Buffer.from(fake.files['test_y.bin']), (d, b) => flat(d, 'test_y.bin', b), (d) => datasets.loadStl10('test', { dir: d, verify: false }), 10);
    const unlabeled = async (d) => { for await (const c of datasets.streamStl10Unlabeled({ dir: d, verify: false })) void c; };
    const crafted = {
      // Labels claiming 8 G examples: their count must not size the images array (27,648 bytes each).
      labels: Buffer.concat([tarHead('stl10_binary/test_y.bin', (8e9).toString(8)), Buffer.alloc(512, 1)]),
      modest: Buffer.concat([tarHead('stl10_binary/test_y.bin', (40000).toString(8)), Buffer.alloc(512, 1)]),
      images: Buffer.concat([tarHead('stl10_binary/test_X.bin', (27648 * 1e5).toString(8)), Buffer.alloc(27648)]),
      unlabeled: Buffer.concat([tarHead('stl10_binary/unlabeled_X.bin', (27648 * 1e5).toString(8)), Buffer.alloc(27648)]),
    };
    for (const [kind, bytes] of Object.entries(crafted)) {
      const d = path.join(root, 't-' + kind); fs.mkdirSync(d); fs.writeFileSync(path.join(d, 'stl10_binary.tar.gz'), bytes);
      await attempt(d, () => (kind === 'unlabeled' ? unlabeled(d) : datasets.loadStl10('test', { dir: d, verify: false })));
    }
    const outside = flat(path.join(root, 't-fold'), 'fold_indices.txt', Buffer.from(Array.from({ length: 10 }, () => '0 7\\n').join('')));
    await attempt(outside, () => datasets.loadStl10('train', { dir: outside, verify: false, fold: 0 }));
    for (const kind of ['fifo', 'devzero', 'dir']) {
      const d = flat(path.join(root, 't-' + kind), 'none', null); for (const n of ['test_X.bin', 'unlabeled_X.bin']) { fs.rmSync(path.join(d, n)); plant(kind, path.join(d, n)); }
      await attempt(path.join(d, 'test_X.bin'), () => datasets.loadStl10('test', { dir: d, verify: false }));
      await attempt(path.join(d, 'unlabeled_X.bin'), () => unlabeled(d));
    }`,
  tar: `
    const fake = await testing.writeFakeCifar10(path.join(root, 'valid'), { train: 5, test: 2, layout: 'archive' });
    const valid = zlib.gunzipSync(fs.readFileSync(fake.archive));
    const read = async (f) => { const t = await testing.openTarFile(f); try { for await (const e of t.entries) for await (const c of e.chunks()) void c; } finally { await t.close(); } };
    await fuzz('a', valid, (f, b) => (fs.writeFileSync(f + '.tar', b), f + '.tar'), read, 30);
    await fuzz('z', fs.readFileSync(fake.archive), (f, b) => (fs.writeFileSync(f + '.tar.gz', b), f + '.tar.gz'), read, 10);
    const pax = (key, value) => {
      const body = ' ' + key + '=' + value + '\\n'; const rec = body.length + 2 + body; // two-digit record lengths
      return Buffer.concat([tarHead('PaxHeader', rec.length.toString(8), 'x'), Buffer.from(rec), Buffer.alloc(512 - rec.length)]);
    };
    const crafted = {
      octal: Buffer.concat([tarHead('a.bin', '77777777777'), Buffer.alloc(512)]),
      base256: Buffer.concat([tarHead('a.bin', Buffer.from([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), Buffer.alloc(512)]),
      negative: Buffer.concat([tarHead('a.bin', Buffer.alloc(12, 0xff)), Buffer.alloc(512)]),
      longname: Buffer.concat([tarHead('././@LongLink', (2 << 20).toString(8), 'L'), Buffer.alloc(512)]),
      paxsize: Buffer.concat([pax('size', '99999999999999999999'), tarHead('a.bin', '1'), Buffer.alloc(512)]),
      paxhuge: Buffer.concat([pax('size', '999999999999'), tarHead('a.bin', '1'), Buffer.alloc(512)]),
      paxpath: Buffer.concat([pax('path', '../../../../etc/passwd'), tarHead('a.bin', '1'), Buffer.alloc(1536)]),
      checksum: (() => { const h = tarHead('a.bin', '1'); h[0] ^= 1; return Buffer.concat([h, Buffer.alloc(512)]); })(),
      truncated: Buffer.concat([tarHead('a.bin', '1130'), Buffer.alloc(100)]),
    };
    for (const [kind, bytes] of Object.entries(crafted)) { const f = path.join(root, kind + '.tar'); fs.writeFileSync(f, bytes); await attempt(f, () => read(f)); }
    for (const kind of ['fifo', 'devzero', 'dir']) { const f = path.join(root, kind + '.tar'); plant(kind, f); await attempt(f, () => read(f)); }`,
  zip: `
    const fake = await testing.writeFakeTinyImagenet(path.join(root, 'valid'), { perClass: 1, valPerClass: 1, classes: ['n01443537', 'n02123045'] });
    const valid = fs.readFileSync(fake.zipPath);
    const read = (f) => { const z = testing.openZip(f); try { for (const e of z.entries) if (!e.isDirectory) z.read(e); } finally { z.close(); } };
    await fuzz('z', valid, (f, b) => (fs.writeFileSync(f + '.zip', b), f + '.zip'), read, 40);
    const eocd = valid.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    // The central header of the first file entry (directories are never read).
    const cd = valid.indexOf(Buffer.from('tiny-imagenet-200/wnids.txt'), valid.readUInt32LE(eocd + 16)) - 46;
    const patch = (edit) => { const b = Buffer.from(valid); edit(b); return b; };
    const crafted = {
      count: patch((b) => { b.writeUInt16LE(65000, eocd + 8); b.writeUInt16LE(65000, eocd + 10); }),
      saturated: patch((b) => b.writeUInt16LE(0xffff, eocd + 10)),
      directory: patch((b) => b.writeUInt32LE(0x7ffffff0, eocd + 16)),
      local: patch((b) => b.writeUInt32LE(0x7ffffff0, cd + 42)),
      inflated: patch((b) => b.writeUInt32LE(0xfffffff0, cd + 24)),
      name: patch((b) => b.writeUInt16LE(0xffff, cd + 28)),
      truncated: valid.subarray(0, valid.length - 30),
    };
    for (const [kind, bytes] of Object.entries(crafted)) { const f = path.join(root, kind + '.zip'); fs.writeFileSync(f, bytes); await attempt(f, () => read(f)); }
    for (const kind of ['fifo', 'devzero', 'dir']) { const f = path.join(root, kind + '.zip'); plant(kind, f); await attempt(f, () => read(f)); }`,
};
