import { expect } from 'chai';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecodeError, IoError, OptionError, ShapeError } from '../../lib/errors.js';
import type { Image } from '../../lib/image/image.js';
import { formatFromPath, readImageFile, writeImageFile } from '../../lib/node/index.js';
import { rejection } from '../helpers/rejection.js';

const img: Image = { width: 5, height: 3, channels: 3, data: Uint8Array.from({ length: 45 }, (_, i) => i * 5) };

describe('node file I/O', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'srcnn-io-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes PNG/BMP by extension (any case) and reads them back; the format comes from the bytes', async () => {
    for (const name of ['a.png', 'b.BMP', 'c.Png']) {
      await writeImageFile(join(dir, name), img);
      expect(await readImageFile(join(dir, name))).to.deep.equal(img);
    }
    expect(readFileSync(join(dir, 'b.BMP')).subarray(0, 2).toString()).to.equal('BM');
    await writeImageFile(join(dir, 'png-bytes.bmp'), img, { format: 'png' });
    expect(readFileSync(join(dir, 'png-bytes.bmp'))[1]).to.equal(0x50); // 'P': the option wins
    expect(await readImageFile(join(dir, 'png-bytes.bmp'))).to.deep.equal(img);
    expect(readdirSync(dir).sort()).to.deep.equal(['a.png', 'b.BMP', 'c.Png', 'png-bytes.bmp']); // no temp files left
  });

  it('formatFromPath', () => {
    expect([formatFromPath('x/y.PNG'), formatFromPath('y.bmp'), formatFromPath('y.jpg'), formatFromPath('png')]).to.deep.equal(['png', 'bmp', null, null]);
  });

  it('replaces an existing file atomically and leaves no temp file', async () => {
    const path = join(dir, 'out.png');
    writeFileSync(path, 'old');
    await writeImageFile(path, img);
    expect(await readImageFile(path)).to.deep.equal(img);
    expect(readdirSync(dir)).to.deep.equal(['out.png']);
  });

  it('refuses to overwrite a protected input, also through a symlink or a hard link', async () => {
    const input = join(dir, 'in.png');
    await writeImageFile(input, img);
    const before = readFileSync(input);
    const other: Image = { ...img, data: new Uint8Array(45) };
    let e = await rejection(writeImageFile(input, other, { protect: [input] }));
    expect(e).to.be.instanceOf(IoError);
    expect((e as IoError).path).to.equal(input);
    expect(e.message).to.match(/refusing to overwrite the protected input/);
    symlinkSync(input, join(dir, 'link.png'));
    e = await rejection(writeImageFile(join(dir, 'link.png'), other, { protect: [input] }));
    expect(e).to.be.instanceOf(IoError);
    linkSync(input, join(dir, 'hard.png'));
    e = await rejection(writeImageFile(join(dir, 'hard.png'), other, { protect: [input] }));
    expect(e).to.be.instanceOf(IoError);
    e = await rejection(writeImageFile(join(dir, '.', 'in.png'), other, { protect: [join(dir, 'sub', '..', 'in.png')] }));
    expect(e).to.be.instanceOf(IoError);
    expect(readFileSync(input).equals(before)).to.equal(true);
    await writeImageFile(join(dir, 'fresh.png'), other, { protect: [input] }); // other paths are fine
  });

  it('a failed write leaves neither the target nor a temp file', async () => {
    const target = join(dir, 'adir.png');
    // renaming a file over a non-empty directory fails after the temp file was written
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), '');
    const e = await rejection(writeImageFile(target, img));
    expect(e).to.be.instanceOf(IoError);
    expect(e.message).to.contain(target);
    expect(readdirSync(dir)).to.deep.equal(['adir.png']);
    const missing = await rejection(writeImageFile(join(dir, 'no', 'such', 'dir.png'), img));
    expect(missing).to.be.instanceOf(IoError);
    expect(missing.message).to.match(/ENOENT/);
  });

  it('checks options and the image before touching the disk', async () => {
    const path = join(dir, 'x.jpg');
    expect(await rejection(writeImageFile(path, img))).to.be.instanceOf(OptionError);
    expect((await rejection(writeImageFile(join(dir, 'a.png'), img, { fromat: 'png' } as never))).message).to.match(/unknown option "fromat"/);
    expect(await rejection(writeImageFile(join(dir, 'a.png'), img, { format: 'gif' as 'png' }))).to.be.instanceOf(OptionError);
    expect(await rejection(writeImageFile(join(dir, 'a.png'), { ...img, width: 0 }))).to.be.instanceOf(ShapeError);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('readImageFile: IoError for a missing file or a directory, DecodeError naming the path for bad bytes', async () => {
    const missing = await rejection(readImageFile(join(dir, 'nope.png')));
    expect(missing).to.be.instanceOf(IoError);
    expect(missing.message).to.match(/nope\.png: cannot read the file \(ENOENT/);
    expect(await rejection(readImageFile(dir))).to.be.instanceOf(IoError);
    const bad = join(dir, 'bad.png');
    writeFileSync(bad, 'not an image at all');
    const e = await rejection(readImageFile(bad));
    expect(e).to.be.instanceOf(DecodeError);
    expect((e as DecodeError).source).to.equal(bad);
    expect(existsSync(bad)).to.equal(true);
  });
});
