"""Messages between the grader and the student's process over a Unix socket: a JSON header, then
arrays in NumPy's .npy format. Nothing is ever unpickled, so a message from the student's process
cannot run code in the grader. Both sides import this file; in the sandbox it is a copy.
"""

import io
import json
import socket
import struct

# Bound at import, before any student code runs in the sandbox: patching numpy, json or builtins
# later changes nothing here.
from builtins import dict, float, int, isinstance, len, list, repr, tuple, type  # noqa: A004, UP029

import numpy as np

np_save, np_load, np_asarray, ndarray, generic = np.save, np.load, np.asarray, np.ndarray, np.generic
dumps, loads, pack, unpack, BytesIO = json.dumps, json.loads, struct.pack, struct.unpack, io.BytesIO
send_fds, recv_fds = socket.send_fds, socket.recv_fds

MAX_HEADER = 1 << 20
MAX_ARRAY = 512 << 20


def send(sock, header, arrays=()):
    blobs = []
    for a in arrays:
        buf = BytesIO()
        np_save(buf, np_asarray(a), allow_pickle=False)
        blobs.append(buf.getvalue())
    head = dumps(dict(header, n_arrays=len(blobs))).encode()
    parts = [pack("<I", len(head)), head]
    for blob in blobs:
        parts += [pack("<Q", len(blob)), blob]
    sock.sendall(b"".join(parts))


def recv_exact(sock, n):
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = sock.recv_into(view[got:])
        if not k:
            raise EOFError("the other process closed the connection")
        got += k
    return bytes(buf)


def receive(sock):
    (n,) = unpack("<I", recv_exact(sock, 4))
    if n > MAX_HEADER:
        raise ValueError("message header too large")
    header = loads(recv_exact(sock, n))
    if not isinstance(header, dict):
        raise ValueError("message header is not an object")
    arrays = []
    for _ in range(int(header.get("n_arrays", 0))):
        (size,) = unpack("<Q", recv_exact(sock, 8))
        if size > MAX_ARRAY:
            raise ValueError("array too large")
        arrays.append(np_load(BytesIO(recv_exact(sock, size)), allow_pickle=False))
    return header, arrays


FD_MESSAGE = 256  # fixed size, so that reading it never reads into the next message


def send_with_fds(sock, header, fds):
    """A small header and open file descriptors (SCM_RIGHTS)."""
    head = dumps(header).encode()
    if len(head) > FD_MESSAGE - 4:
        raise ValueError("header too large")
    send_fds(sock, [(pack("<I", len(head)) + head).ljust(FD_MESSAGE, b" ")], fds)


def receive_with_fds(sock, max_fds=4):
    data, fds, _, _ = recv_fds(sock, FD_MESSAGE, max_fds)
    if not data:
        raise EOFError("the other process closed the connection")
    data += recv_exact(sock, FD_MESSAGE - len(data))
    (n,) = unpack("<I", data[:4])
    if n > FD_MESSAGE - 4:
        raise ValueError("malformed message with file descriptors")
    return loads(data[4 : 4 + n]), fds


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
        kind = "tuple" if isinstance(value, tuple) else "list"  # a namedtuple is a tuple
        return {"t": kind, "items": [encode(v, arrays, depth + 1) for v in value]}
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
