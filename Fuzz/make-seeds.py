#!/usr/bin/env python3
"""Writes the fuzzers' seed inputs, Fuzz/corpus/TARGET/seed-NNN.bin: small valid files of
each format (and a few near misses), so that mutation starts from inputs that get past the
magic numbers. Run from anywhere; rewrites the seed folders."""
import gzip, json, os, struct, zlib

here = os.path.dirname(os.path.abspath(__file__))


def write(target, seeds):
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.startswith("seed-"):
            os.remove(os.path.join(folder, name))
    for number, data in enumerate(seeds, 1):
        if isinstance(data, str):
            data = data.encode()
        assert len(data) <= 1024, (target, number, len(data))
        with open(os.path.join(folder, "seed-%03d.bin" % number), "wb") as file:
            file.write(data)


def gz(data):
    # mtime 0 keeps the seeds byte-for-byte reproducible.
    return gzip.compress(data, mtime=0)


def safetensors(tensors, metadata=None):
    """tensors: (name, dtype, shape, bytes) in order; header padded to 8 bytes as the
    reference writer does."""
    header, offset, payload = {}, 0, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        payload += data
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + payload


def f32(*values):
    return struct.pack("<%df" % len(values), *values)


def f64(*values):
    return struct.pack("<%dd" % len(values), *values)


def architecture(input_size, layers, loss="softmax-cross-entropy"):
    return json.dumps({"inputSize": input_size, "layers": layers, "loss": loss}, separators=(",", ":"))


def dense(inputs, outputs, bias=True):
    return {"dense": {"inputs": inputs, "outputs": outputs, "bias": bias}}


def activation(name):
    return {"activation": {"function": name}}


# MARK: safetensors
write("safetensors", [
    safetensors([("0.weight", "F32", [2, 2], f32(1, -2, 3.5, 0)), ("0.bias", "F64", [2], f64(0.25, -8))],
                {"format": "pt"}),
    safetensors([("empty", "F32", [0, 4], b""), ("scale", "F32", [], f32(2))]),
    safetensors([("h", "F16", [2], b"\x00\x3c\x00\xc0"), ("b", "BF16", [2], b"\x80\x3f\x00\x40"),
                 ("i", "I32", [1], b"\x07\x00\x00\x00"), ("u", "U8", [3], b"\x01\x02\x03")]),
    safetensors([("x", "F64", [1, 1], f64(1.5))], {"note": "\u00e9\\u00e9 \"quoted\""}),
    b"\x02\x00\x00\x00\x00\x00\x00\x00{}",
])

# MARK: json
write("json", [
    '{"a":[1,2.5,-3e-2,"x",true,false,null],"b":{"c":{}}}',
    '[1e308, -0, 0.1, 123456789012345678901234567890, -9223372036854775808]',
    '"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/"',
    '  [[[[[[[[[[ ]]]]]]]]]]  ',
    '{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}',
])

# MARK: idx
def idx(dimensions, payload):
    return bytes([0, 0, 8, len(dimensions)]) + b"".join(struct.pack(">I", d) for d in dimensions) + payload

images = idx([2, 3, 3], bytes(range(18)))
labels = idx([4], bytes([7, 2, 1, 0]))
write("idx", [images, labels, gz(images), idx([1, 1, 1, 2], b"\xff\x00"), bytes([0, 0, 0x0D, 1, 0, 0, 0, 1]) + f32(1)])

# MARK: npy
def npy(descr, shape, payload, version=1, fortran="False"):
    shape_text = "(%s,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
    dictionary = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text)
    preamble = 10 if version == 1 else 12
    header = dictionary.encode()
    header += b" " * (-(preamble + len(header) + 1) % 64) + b"\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header + payload

write("npy", [
    npy("<f4", [2, 3], f32(0, 1, 2, 3, 4, 5)),
    npy("<f8", [2], f64(0.5, -1)),
    npy("|u1", [4], bytes([7, 2, 1, 0])),
    npy(">i2", [2, 1], struct.pack(">2h", -3, 4), version=2),
    npy("<i8", [], struct.pack("<q", 9), version=3),
    npy("|b1", [0, 5], b""),
])

# MARK: gzip
write("gzip", [
    gz(b"hello, gzip\n" * 4),
    gz(b"first member\n") + gz(b"second member\n"),
    gzip.compress(b"stored, not deflated", compresslevel=0, mtime=0),
    zlib.compress(b"a zlib stream, not gzip"),
    gz(b""),
])

# MARK: csv
write("csv", [
    "x1,x2,label\n0.5,1,0\n-2,3.25,1\n",
    "1,2,3\r\n4,5,6\r\n\r\n",
    "a, b\n1e3, -0\n  ,\n",
    "1,2\n3,nan\n",
    "0x10,inf\n1.7976931348623157e308,-5\n",
])

# MARK: cs229-csv
write("cs229-csv", [
    "0,1,2\n3,4,5\n",
    "7.000000000000000000e+00,0.000000000000000000e+00\n1.000000000000000000e+00,2.500000000000000000e-01\n",
    "7\n2\n1\n0\n",
    b"\xef\xbb\xbf 1 , 2 \r\n3,4\r\n\n",
    gz(b"1,2,3\n4,5,6\n"),
    "1,2\n3,nan\n",
])

# MARK: model-file
weights0 = f32(0.5, -0.25, 1, 0, -1, 2)  # 3 x 2
bias0 = f32(0.1, 0.2, 0.3)
weights2 = f32(1, -1, 0.5)  # 1 x 3
bias2 = f32(-0.5)
write("model-file", [
    safetensors(
        [("0.weight", "F32", [3, 2], weights0), ("0.bias", "F32", [3], bias0),
         ("2.weight", "F32", [1, 3], weights2), ("2.bias", "F32", [1], bias2)],
        {"format": "pt", "backprop.architecture": architecture(2, [dense(2, 3), activation("tanh"), dense(3, 1)],
                                                                 "binary-cross-entropy")}),
    safetensors(
        [("0.weight", "F64", [2, 2], f64(1, 0, 0, 1))],
        {"format": "pt", "backprop.architecture": architecture(2, [dense(2, 2, False)])}),
    safetensors(
        [("0.weight", "F32", [3, 2], weights0), ("0.bias", "F32", [3], bias0),
         ("2.weight", "F32", [1, 3], weights2)],
        {"format": "pt"}),
])
