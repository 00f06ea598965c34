"""Messages between grader and worker: a JSON header, then arrays in NumPy's .npy format.
Nothing is ever unpickled, so a message from the student's process cannot run code in the grader."""
import io
import json
import struct

import numpy as np

# Bound at import, before any student code runs in the worker: patching numpy, json or builtins
# later changes nothing here.
from builtins import dict, float, int, isinstance, len, list, repr, tuple, type  # noqa: E402,A004
np_save, np_load, np_asarray, ndarray, generic = np.save, np.load, np.asarray, np.ndarray, np.generic
dumps, loads, pack, unpack, BytesIO = json.dumps, json.loads, struct.pack, struct.unpack, io.BytesIO

MAX_HEADER = 1 << 20
MAX_ARRAY = 512 << 20


def send(stream, header, arrays=()):
    blobs = []
    for a in arrays:
        buf = BytesIO()
        np_save(buf, np_asarray(a), allow_pickle=False)
        blobs.append(buf.getvalue())
    head = dumps(dict(header, n_arrays=len(blobs))).encode()
    stream.write(pack("<I", len(head)) + head)
    for blob in blobs:
        stream.write(pack("<Q", len(blob)) + blob)
    stream.flush()


def _read_exact(stream, n):
    data = stream.read(n)
    if data is None or len(data) != n:
        raise EOFError("the other process closed the connection")
    return data


def receive(stream):
    (n,) = unpack("<I", _read_exact(stream, 4))
    if n > MAX_HEADER:
        raise ValueError("message header too large")
    header = loads(_read_exact(stream, n))
    arrays = []
    for _ in range(int(header.get("n_arrays", 0))):
        (size,) = unpack("<Q", _read_exact(stream, 8))
        if size > MAX_ARRAY:
            raise ValueError("array too large")
        arrays.append(np_load(BytesIO(_read_exact(stream, size)), allow_pickle=False))
    return header, arrays


def encode(value, arrays, depth=0):
    """A JSON description of what student code returned; arrays go to `arrays`."""
    if isinstance(value, (ndarray, generic)) and value.dtype.kind in "biuf":
        arrays.append(np_asarray(value))
        return {"t": "array", "i": len(arrays) - 1, "scalar": isinstance(value, generic)}
    if isinstance(value, bool) or value is None or value is Ellipsis:
        return {"t": "const", "v": repr(value)}
    if isinstance(value, (int, float)):
        return {"t": "num", "v": float(value) if isinstance(value, float) else int(value)}
    if isinstance(value, (tuple, list)) and depth < 2 and len(value) <= 16:
        return {"t": type(value).__name__, "items": [encode(v, arrays, depth + 1) for v in value]}
    try:
        text = repr(value)[:200]
    except Exception:
        text = "?"
    return {"t": "opaque", "type": type(value).__name__, "repr": text}


class Opaque:
    """Something student code returned that is not a number, array, tuple or list."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"


def decode(desc, arrays):
    t = desc["t"]
    if t == "array":
        a = arrays[desc["i"]]
        return a[()] if desc.get("scalar") else a
    if t == "const":
        return {"None": None, "Ellipsis": Ellipsis, "True": True, "False": False}[desc["v"]]
    if t == "num":
        return desc["v"]
    if t in ("tuple", "list"):
        items = [decode(d, arrays) for d in desc["items"]]
        return tuple(items) if t == "tuple" else items
    return Opaque(desc.get("type", "object"), desc.get("repr", ""))
