/**
 * A minimal ONNX model writer for the peer benchmarks: an SRCNN network as `Conv` (+ `Relu`) nodes
 * with its weights as initializers, serialised to protobuf bytes by hand (no onnx/protobufjs
 * dependency), so onnxruntime-web can load the same weights as srcnn-ts.
 *
 * Protobuf wire format (protobuf.dev/programming-guides/encoding): each field is a varint key
 * `field << 3 | wireType`, then a varint (type 0), 4 little-endian bytes (type 5) or a varint
 * length and the bytes (type 2: strings, bytes, nested messages). Repeated scalars are written
 * unpacked (one key per element), which every proto2/proto3 parser accepts.
 *
 * Field numbers from onnx/onnx.proto (IR version 7, opset 11): ModelProto {ir_version 1,
 * producer_name 2, graph 7, opset_import 8}; OperatorSetIdProto {domain 1, version 2}; GraphProto
 * {node 1, name 2, initializer 5, input 11, output 12}; NodeProto {input 1, output 2, name 3,
 * op_type 4, attribute 5}; AttributeProto {name 1, ints 8, type 20 (INTS = 7)}; TensorProto {dims 1,
 * data_type 2 (FLOAT = 1), name 8, raw_data 9 (little-endian)}; ValueInfoProto {name 1, type 2};
 * TypeProto {tensor_type 1}; TypeProto.Tensor {elem_type 1, shape 2}; TensorShapeProto {dim 1};
 * Dimension {dim_value 1}.
 */
import type { LayerWeights } from '../../lib/weights/types.js';

const VARINT = 0;
const LEN = 2;
const FLOAT = 1;
const ATTR_INTS = 7;

/** Appends protobuf fields to a growing byte list. */
class Message {
  readonly bytes: number[] = [];

  private varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`onnx writer: varint out of range: ${v}`);
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  int(field: number, v: number): this {
    this.varint((field << 3) | VARINT);
    this.varint(v);
    return this;
  }

  raw(field: number, data: Uint8Array | readonly number[]): this {
    this.varint((field << 3) | LEN);
    this.varint(data.length);
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]!);
    return this;
  }

  str(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  msg(field: number, m: Message): this {
    return this.raw(field, m.bytes);
  }
}

function ints(name: string, values: readonly number[]): Message {
  const a = new Message().str(1, name);
  for (const v of values) a.int(8, v);
  return a.int(20, ATTR_INTS);
}

function tensor(name: string, dims: readonly number[], data: Float32Array): Message {
  const t = new Message();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT).str(8, name);
  const le = new Uint8Array(data.length * 4);
  const view = new DataView(le.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
  return t.raw(9, le);
}

function valueInfo(name: string, dims: readonly number[]): Message {
  const shape = new Message();
  for (const d of dims) shape.msg(1, new Message().int(1, d));
  const tensorType = new Message().int(1, FLOAT).msg(2, shape);
  return new Message().str(1, name).msg(2, new Message().msg(1, tensorType));
}

/**
 * The ONNX model bytes of `layers` (OIHW weights, NCHW tensors) for a fixed input of
 * 1 x in x h x w: one Conv per layer (stride 1, explicit pads for 'same'), a Relu after each
 * 'relu' layer. Input 'x', output 'y'. 'same' layers must use zero padding (ONNX Conv pads with
 * zeros only).
 * @throws RangeError for a replicate-padded layer or an activation other than relu/linear.
 */
export function srcnnOnnx(layers: readonly LayerWeights[], h: number, w: number): Uint8Array {
  const graph = new Message();
  let cur = 'x';
  let [ch, cw] = [h, w];
  layers.forEach((l, i) => {
    const { kernel: [kh, kw], in: cin, out, padding, paddingMode, activation } = l.spec;
    if (padding === 'same' && paddingMode !== 'zeros') throw new RangeError(`onnx writer: layer ${i} pads with '${paddingMode}'; ONNX Conv pads with zeros`);
    const pt = padding === 'same' ? (kh - 1) >> 1 : 0;
    const pl = padding === 'same' ? (kw - 1) >> 1 : 0;
    const pb = padding === 'same' ? kh - 1 - pt : 0;
    const pr = padding === 'same' ? kw - 1 - pl : 0;
    graph.msg(5, tensor(`w${i}`, [out, cin, kh, kw], l.weights));
    graph.msg(5, tensor(`b${i}`, [out], l.bias));
    const conv = new Message().str(1, cur).str(1, `w${i}`).str(1, `b${i}`).str(2, `conv${i}`).str(3, `conv${i}`).str(4, 'Conv');
    conv.msg(5, ints('kernel_shape', [kh, kw])).msg(5, ints('pads', [pt, pl, pb, pr])).msg(5, ints('strides', [1, 1]));
    graph.msg(1, conv);
    cur = `conv${i}`;
    if (activation === 'relu') {
      graph.msg(1, new Message().str(1, cur).str(2, `relu${i}`).str(3, `relu${i}`).str(4, 'Relu'));
      cur = `relu${i}`;
    } else if (activation !== 'linear') {
      throw new RangeError(`onnx writer: layer ${i} has activation '${String(activation)}'`);
    }
    [ch, cw] = [ch + pt + pb - kh + 1, cw + pl + pr - kw + 1];
  });
  // The last node writes 'y': rename its output by adding an Identity (ORT removes it).
  graph.msg(1, new Message().str(1, cur).str(2, 'y').str(3, 'out').str(4, 'Identity'));
  graph.str(2, 'srcnn');
  graph.msg(11, valueInfo('x', [1, layers[0]!.spec.in, h, w]));
  graph.msg(12, valueInfo('y', [1, layers[layers.length - 1]!.spec.out, ch, cw]));
  const model = new Message().int(1, 7).str(2, 'srcnn-ts bench').msg(7, graph).msg(8, new Message().str(1, '').int(2, 11));
  return Uint8Array.from(model.bytes);
}
