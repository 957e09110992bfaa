import { expect } from 'chai';
import { DecodeError, WeightsError } from '../../lib/errors.js';
import {
  MAX_HEADER_BYTES,
  decodeSafetensors,
  decodeSrcnnWeights,
  encodeSafetensors,
  encodeSrcnnWeights,
  type SafetensorsTensor,
} from '../../lib/weights/safetensors.js';
import type { SrcnnWeights } from '../../lib/weights/types.js';
import { expectSameWeights, tinyWeights } from '../helpers/weights_tiny.js';

const ascii = (s: string): number[] => Array.from(new TextEncoder().encode(s));

/** u64 little-endian of a small number. */
function u64(n: number): number[] {
  const out = new Array<number>(8).fill(0);
  for (let k = 0; k < 6; k++) out[k] = Math.floor(n / 2 ** (8 * k)) % 256;
  return out;
}

/**
 * Builds a file by hand, independently of the encoder: u64 header length, header text, `pad` spaces,
 * then the data bytes.
 */
function fileOf(header: string, data: number[] = [], pad = (8 - (new TextEncoder().encode(header).length % 8)) % 8): Uint8Array {
  const h = ascii(header + ' '.repeat(pad));
  return Uint8Array.from([...u64(h.length), ...h, ...data]);
}

/** Little-endian bytes of float32 values. */
function f32le(values: number[]): number[] {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((x, k) => v.setFloat32(4 * k, x, true));
  return Array.from(b);
}

function decodeError(fn: () => unknown, re: RegExp): void {
  expect(fn).to.throw(DecodeError, re);
}

describe('encodeSafetensors (byte level)', () => {
  // Expected bytes of the reference Rust crate's unit tests (safetensors/src/tensor.rs:
  // test_serialization, test_empty, test_serialization_forced_alignement).
  it('matches the reference serializer: one F32 tensor, header already 8-aligned', () => {
    const out = encodeSafetensors({ 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5) } });
    expect(Array.from(out)).to.deep.equal([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
      0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });
  it('matches the reference serializer: empty file, with and without metadata', () => {
    expect(Array.from(encodeSafetensors({}))).to.deep.equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(encodeSafetensors({}, { framework: 'pt' }))).to.deep.equal([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
      95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
      116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });
  it('matches the reference serializer: header padded with spaces to align the data', () => {
    const out = encodeSafetensors({ attn0: { dtype: 'F32', shape: [1, 1, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5) } });
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).to.equal(65);
    expect(Array.from(out)).to.deep.equal(Array.from(fileOf(header, f32le([0, 1, 2, 3, 4, 5]), 7)));
    expect(out[0]).to.equal(72);
  });
  it('orders tensors by decreasing dtype rank, then name, metadata first', () => {
    const out = encodeSafetensors(
      {
        b: { dtype: 'U8', shape: [3], data: Uint8Array.of(1, 2, 3) },
        c: { dtype: 'F32', shape: [2], data: Float32Array.of(1.5, -2) },
        a: { dtype: 'F64', shape: [], data: Float64Array.of(0.1) },
        a2: { dtype: 'F32', shape: [1, 1], data: Float32Array.of(7) },
        z: { dtype: 'I64', shape: [1], data: BigInt64Array.of(-2n) },
      },
      { k: 'v', 'é': '"quoted"' },
    );
    const header =
      '{"__metadata__":{"k":"v","é":"\\"quoted\\""},' +
      '"z":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},' +
      '"a":{"dtype":"F64","shape":[],"data_offsets":[8,16]},' +
      '"a2":{"dtype":"F32","shape":[1,1],"data_offsets":[16,20]},' +
      '"c":{"dtype":"F32","shape":[2],"data_offsets":[20,28]},' +
      '"b":{"dtype":"U8","shape":[3],"data_offsets":[28,31]}}';
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, 0.1, true);
    const data = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...f64, ...f32le([7, 1.5, -2]), 1, 2, 3];
    expect(Array.from(out)).to.deep.equal(Array.from(fileOf(header, data)));
    expect((out.length - data.length) % 8).to.equal(0);
  });
  it('keeps the serializer order for integer-like names', () => {
    const out = encodeSafetensors(
      { b: { dtype: 'U8', shape: [1], data: Uint8Array.of(1) }, '10': { dtype: 'U8', shape: [1], data: Uint8Array.of(2) }, '9': { dtype: 'U8', shape: [1], data: Uint8Array.of(3) } },
      { z: 'a', '1': 'b' },
    );
    const header =
      '{"__metadata__":{"1":"b","z":"a"},"10":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},' +
      '"9":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}';
    expect(Array.from(out)).to.deep.equal(Array.from(fileOf(header, [2, 3, 1])));
  });
  it('writes tensors little-endian whatever the array view offset', () => {
    const backing = new Int16Array([9, 0x0102, -2, 9]);
    const out = encodeSafetensors({ t: { dtype: 'I16', shape: [2], data: backing.subarray(1, 3) } });
    expect(Array.from(out.subarray(out.length - 4))).to.deep.equal([0x02, 0x01, 0xfe, 0xff]);
  });
});

describe('decodeSafetensors', () => {
  it('reads a hand-built file (any header order, metadata, empty and scalar tensors)', () => {
    const header =
      '{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]},"__metadata__":{"note":"hi"},' +
      '"n":{"dtype":"U16","shape":[2],"data_offsets":[4,8]},"e":{"dtype":"F64","shape":[0,3],"data_offsets":[24,24]},' +
      '"s":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}';
    const data = [0xff, 0xff, 0xff, 0x7f, 0x34, 0x12, 1, 0, ...f32le([1, -0.5, 3.25, 1e-3])];
    const { tensors, metadata } = decodeSafetensors(fileOf(header, data), 'hand.safetensors');
    expect(metadata).to.deep.equal({ note: 'hi' });
    expect(Object.keys(tensors).sort()).to.deep.equal(['e', 'n', 's', 'w']);
    expect(tensors.w!.dtype).to.equal('F32');
    expect(tensors.w!.shape).to.deep.equal([2, 2]);
    expect(tensors.w!.data).to.be.instanceOf(Float32Array);
    expect(Array.from(tensors.w!.data as Float32Array)).to.deep.equal([1, -0.5, 3.25, Math.fround(1e-3)]);
    expect(Array.from(tensors.n!.data as Uint16Array)).to.deep.equal([0x1234, 1]);
    expect(Array.from(tensors.s!.data as Int32Array)).to.deep.equal([0x7fffffff]);
    expect(tensors.e!.data).to.be.instanceOf(Float64Array);
    expect(tensors.e!.data.length).to.equal(0);
  });
  it('copies tensors out: results own aligned buffers and do not alias the input', () => {
    const file = encodeSafetensors({ x: { dtype: 'F64', shape: [2], data: Float64Array.of(1, 2) } });
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const bytes = shifted.subarray(3); // misaligned view
    const t = decodeSafetensors(bytes).tensors.x!;
    expect(t.data.byteOffset).to.equal(0);
    expect(t.data.buffer).to.not.equal(shifted.buffer);
    bytes.fill(0);
    expect(Array.from(t.data as Float64Array)).to.deep.equal([1, 2]);
  });
  it('keeps keys such as __proto__ as ordinary entries', () => {
    const file = fileOf('{"__metadata__":{"__proto__":"m"},"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [5]);
    const { tensors, metadata } = decodeSafetensors(file);
    expect(Object.keys(tensors)).to.deep.equal(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).to.equal(Object.prototype);
    expect(Object.keys(metadata)).to.deep.equal(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(metadata, '__proto__')!.value).to.equal('m');
  });

  describe('errors (DecodeError naming the source and tensor)', () => {
    const ok = '{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    it('short file', () => {
      decodeError(() => decodeSafetensors(new Uint8Array(0), 'f.st'), /^f\.st: truncated.*0 bytes/);
      decodeError(() => decodeSafetensors(new Uint8Array(7), 'f.st'), /truncated/);
    });
    it('header length over 100 MB or past the end', () => {
      decodeError(() => decodeSafetensors(Uint8Array.from([...u64(MAX_HEADER_BYTES + 1), ...ascii('{}')])), /exceeds/);
      decodeError(() => decodeSafetensors(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, ...ascii('{}')])), /exceeds/);
      decodeError(() => decodeSafetensors(Uint8Array.from([...u64(100), ...ascii('{}      ')]), 'f'), /^f: truncated.*header length 100/);
    });
    it('header not UTF-8, not starting with {, or not JSON', () => {
      decodeError(() => decodeSafetensors(Uint8Array.from([...u64(8), 0x7b, 0xff, 0x7d, 32, 32, 32, 32, 32])), /UTF-8/);
      decodeError(() => decodeSafetensors(fileOf(' {}')), /start with '\{'/);
      decodeError(() => decodeSafetensors(fileOf('[]')), /start with '\{'/);
      decodeError(() => decodeSafetensors(fileOf('{"a":')), /not valid JSON/);
    });
    it('bad __metadata__', () => {
      decodeError(() => decodeSafetensors(fileOf('{"__metadata__":[]}')), /__metadata__/);
      decodeError(() => decodeSafetensors(fileOf('{"__metadata__":{"steps":3}}')), /__metadata__ value 'steps'/);
    });
    it('bad entries name the tensor', () => {
      decodeError(() => decodeSafetensors(fileOf('{"t":5}')), /'t': entry is not an object/);
      decodeError(() => decodeSafetensors(fileOf('{"t":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0])), /'t': unknown dtype "F17"/);
      decodeError(() => decodeSafetensors(fileOf('{"t":{"shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0])), /'t': unknown dtype/);
      for (const shape of ['[-1]', '[1.5]', '"2"', '[null]']) {
        decodeError(() => decodeSafetensors(fileOf(`{"t":{"dtype":"U8","shape":${shape},"data_offsets":[0,1]}}`, [0])), /'t': shape/);
      }
      for (const off of ['[0]', '[4,0]', '[-4,0]', '[0,1,2]', '[0,"4"]', 'null']) {
        decodeError(() => decodeSafetensors(fileOf(`{"t":{"dtype":"U8","shape":[1],"data_offsets":${off}}}`, [0])), /'t': data_offsets/);
      }
    });
    it('offsets inconsistent with shape x dtype size', () => {
      decodeError(() => decodeSafetensors(fileOf('{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', f32le([1, 2]))), /'t'.*hold 8 bytes.*needs 12/);
    });
    it('overlapping, gapped or offset tensors', () => {
      const two = (a: string, b: string, n: number) =>
        fileOf(`{"a":{"dtype":"U8","shape":[4],"data_offsets":${a}},"b":{"dtype":"U8","shape":[4],"data_offsets":${b}}}`, new Array<number>(n).fill(1));
      decodeError(() => decodeSafetensors(two('[0,4]', '[2,6]', 6)), /'b' starts at byte 2 of the data, expected 4/);
      decodeError(() => decodeSafetensors(two('[0,4]', '[0,4]', 4)), /starts at byte 0 of the data, expected 4/);
      decodeError(() => decodeSafetensors(two('[0,4]', '[5,9]', 9)), /'b' starts at byte 5 of the data, expected 4/);
      decodeError(() => decodeSafetensors(two('[4,8]', '[8,12]', 12)), /'a' starts at byte 4 of the data, expected 0/);
    });
    it('byte buffer shorter or longer than the tensors', () => {
      decodeError(() => decodeSafetensors(fileOf(ok, f32le([1])), 'f'), /^f: truncated.*need 8 data bytes.*has 4/);
      decodeError(() => decodeSafetensors(fileOf(ok, [...f32le([1, 2]), 0])), /1 bytes after the last tensor/);
      decodeError(() => decodeSafetensors(fileOf('{}', [0])), /after the last tensor/);
    });
    it('a non-Uint8Array input', () => {
      decodeError(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array), /Uint8Array/);
    });
    it('every truncation of a valid file is a DecodeError, and so is an extra byte', () => {
      const file = encodeSafetensors(
        { w: { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }, b: { dtype: 'I8', shape: [3], data: Int8Array.of(-1, 0, 1) } },
        { format: 'x' },
      );
      expect(decodeSafetensors(file).metadata).to.deep.equal({ format: 'x' });
      for (let n = 0; n < file.length; n++) {
        let err: unknown;
        try {
          decodeSafetensors(file.subarray(0, n), 'cut.st');
        } catch (e) {
          err = e;
        }
        expect(err, `truncated to ${n} bytes`).to.be.instanceOf(DecodeError);
        expect((err as DecodeError).source).to.equal('cut.st');
      }
      const longer = new Uint8Array(file.length + 1);
      longer.set(file);
      decodeError(() => decodeSafetensors(longer), /after the last tensor/);
    });
  });
});

describe('encodeSafetensors errors (WeightsError naming the tensor)', () => {
  const enc = (t: Record<string, unknown>, m?: Record<string, unknown>) => () =>
    encodeSafetensors(t as Record<string, SafetensorsTensor>, m as Record<string, string>);
  it('rejects mismatched data', () => {
    expect(enc({ w: { dtype: 'F32', shape: [2], data: Float64Array.of(1, 2) } })).to.throw(WeightsError, /'w' is F32 and needs a Float32Array, got Float64Array/);
    expect(enc({ w: { dtype: 'F32', shape: [3], data: Float32Array.of(1, 2) } })).to.throw(WeightsError, /'w' has 2 values, shape \[3\] needs 3/);
    expect(enc({ w: { dtype: 'F32', shape: [-2], data: Float32Array.of(1, 2) } })).to.throw(WeightsError, /'w' shape/);
    expect(enc({ w: { dtype: 'f32', shape: [1], data: Float32Array.of(1) } })).to.throw(WeightsError, /'w' has unknown dtype "f32"/);
    expect(enc({ w: [1, 2] })).to.throw(WeightsError, /'w' has unknown dtype/);
  });
  it('rejects a tensor named __metadata__ and non-string metadata', () => {
    expect(enc({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).to.throw(WeightsError, /__metadata__/);
    expect(enc({}, { steps: 5 })).to.throw(WeightsError, /metadata 'steps' must be a string/);
  });
});

describe('SRCNN weights in safetensors', () => {
  const rich = (): SrcnnWeights => {
    const w = tinyWeights();
    Object.assign(w.meta, {
      source: 'srcnn-ts train --arch 3-1-3',
      steps: 1000,
      psnr: { set5: 36.51, set14: 32.1 },
      dataChecksum: 'sha256:abc',
      looksLikeJson: '42',
      augment: false,
    });
    return w;
  };

  it('round-trips layers bit-exactly and meta with its types', () => {
    const w = rich();
    expectSameWeights(decodeSrcnnWeights(encodeSrcnnWeights(w), 'rt'), w);
  });
  it('stores OIHW F32 tensors and documented metadata', () => {
    const w = tinyWeights();
    w.meta.steps = 7;
    const { tensors, metadata } = decodeSafetensors(encodeSrcnnWeights(w));
    expect(Object.keys(tensors).sort()).to.deep.equal(['layers.0.bias', 'layers.0.weight', 'layers.1.bias', 'layers.1.weight', 'layers.2.bias', 'layers.2.weight']);
    expect(tensors['layers.0.weight']!.shape).to.deep.equal([4, 1, 3, 3]);
    expect(tensors['layers.1.weight']!.shape).to.deep.equal([2, 4, 1, 1]);
    expect(tensors['layers.2.bias']!.shape).to.deep.equal([1]);
    expect(tensors['layers.2.bias']!.dtype).to.equal('F32');
    expect(metadata).to.deep.equal({
      format: 'srcnn-ts/1',
      architecture: '3-1-3',
      scale: '3',
      colour: 'matlab-y',
      layers: JSON.stringify([
        { padding: 'same', paddingMode: 'replicate', activation: 'relu' },
        { padding: 'same', paddingMode: 'replicate', activation: 'relu' },
        { padding: 'valid', paddingMode: 'zeros', activation: 'linear' },
      ]),
      name: 'tiny',
      steps: '7',
      json_keys: '["steps"]',
    });
  });

  describe('encode errors', () => {
    it('rejects invalid weights and reserved or unencodable meta', () => {
      const w = tinyWeights();
      w.layers[1]!.weights[3] = NaN;
      expect(() => encodeSrcnnWeights(w)).to.throw(WeightsError, /layers\.1\.weight\[3\].*NaN/);
      for (const key of ['format', 'layers', 'json_keys']) {
        const v = tinyWeights();
        v.meta[key] = 'x';
        expect(() => encodeSrcnnWeights(v), key).to.throw(WeightsError, new RegExp(`'${key}' is reserved`));
      }
      const b = tinyWeights();
      b.meta.big = 10n;
      expect(() => encodeSrcnnWeights(b)).to.throw(WeightsError, /'big'.*cannot be JSON-encoded/);
      const f = tinyWeights();
      f.meta.fn = () => 1;
      expect(() => encodeSrcnnWeights(f)).to.throw(WeightsError, /'fn'.*cannot be JSON-encoded/);
    });
  });

  describe('decode errors (WeightsError naming the tensor)', () => {
    /** Re-encodes a valid file after editing its tensors and metadata. */
    function edited(edit: (t: Record<string, SafetensorsTensor>, m: Record<string, string>) => void): Uint8Array {
      const { tensors, metadata } = decodeSafetensors(encodeSrcnnWeights(tinyWeights()));
      edit(tensors, metadata);
      return encodeSafetensors(tensors, metadata);
    }
    const bad = (bytes: Uint8Array, re: RegExp) => expect(() => decodeSrcnnWeights(bytes, 'm.safetensors')).to.throw(WeightsError, re);

    it('plain or foreign safetensors', () => {
      bad(encodeSafetensors({}), /^m\.safetensors: not an srcnn-ts weights file/);
      bad(edited((_t, m) => (m.format = 'srcnn-ts/2')), /unsupported weights format 'srcnn-ts\/2'/);
    });
    it('missing, unexpected, wrong-dtype and wrong-shape tensors', () => {
      bad(edited((t) => delete t['layers.1.bias']), /tensor 'layers\.1\.bias' is missing/);
      bad(edited((t) => (t.extra = { dtype: 'U8', shape: [1], data: Uint8Array.of(1) })), /unexpected tensor 'extra'/);
      bad(edited((t) => (t['layers.3.weight'] = { dtype: 'F32', shape: [1], data: Float32Array.of(1) })), /unexpected tensor 'layers\.3\.weight'/);
      bad(
        edited((t) => (t['layers.0.weight'] = { dtype: 'F64', shape: [4, 1, 3, 3], data: new Float64Array(36) })),
        /tensor 'layers\.0\.weight' is F64, expected F32/,
      );
      bad(edited((t) => (t['layers.0.weight'] = { dtype: 'F32', shape: [4, 9], data: new Float32Array(36) })), /layers\.0\.weight must be OIHW \(rank 4\)/);
      bad(edited((t) => (t['layers.0.bias'] = { dtype: 'F32', shape: [3], data: new Float32Array(3) })), /layers\.0\.bias has shape \[3\], expected \[4\]/);
      bad(
        edited((t) => (t['layers.1.weight'] = { dtype: 'F32', shape: [2, 3, 1, 1], data: new Float32Array(6) })),
        /layers\.0 outputs 4 channels but layers\.1 expects 3/,
      );
    });
    it('NaN and Infinity name the tensor and index', () => {
      bad(edited((t) => ((t['layers.2.weight']!.data as Float32Array)[17] = NaN)), /m\.safetensors: layers\.2\.weight\[17\] \(index \[0, 1, 2, 2\] of \[1, 2, 3, 3\]\) is NaN/);
      bad(edited((t) => ((t['layers.0.bias']!.data as Float32Array)[1] = -Infinity)), /layers\.0\.bias\[1\].*is -Infinity/);
    });
    it('malformed metadata', () => {
      bad(edited((_t, m) => delete m.layers), /__metadata__\.layers is missing/);
      bad(edited((_t, m) => (m.layers = '[{')), /__metadata__\.layers is not valid JSON/);
      bad(edited((_t, m) => (m.layers = '[]')), /non-empty JSON array/);
      bad(edited((_t, m) => (m.layers = '[1, 2, 3]')), /__metadata__\.layers\[0\] must be an object/);
      bad(edited((_t, m) => (m.layers = m.layers!.replace('"valid"', '"full"'))), /layers\.2\.padding must be 'valid' or 'same', got "full"/);
      bad(edited((_t, m) => (m.layers = m.layers!.replace('"linear"', '"tanh"'))), /layers\.2\.activation/);
      bad(edited((_t, m) => (m.scale = '0')), /scale must be a positive integer, got "0"/);
      bad(edited((_t, m) => (m.scale = '2.5')), /scale/);
      bad(edited((_t, m) => delete m.scale), /scale/);
      bad(edited((_t, m) => (m.colour = 'bt709')), /meta\.colour must be/);
      bad(edited((_t, m) => delete m.architecture), /meta\.architecture/);
      bad(edited((_t, m) => (m.json_keys = '["nope"]')), /json_keys names 'nope'/);
      bad(edited((_t, m) => (m.json_keys = '"x"')), /json_keys must be a JSON array of strings/);
      bad(edited((_t, m) => ((m.json_keys = '["name"]'), (m.name = '{bad'))), /__metadata__\.name is not valid JSON/);
    });
    it('structural damage is a DecodeError', () => {
      const bytes = encodeSrcnnWeights(tinyWeights());
      expect(() => decodeSrcnnWeights(bytes.subarray(0, bytes.length - 1), 'cut')).to.throw(DecodeError, /^cut: truncated/);
    });
  });
});
