"""The student's process: execute the notebook's code cells, then answer the grader's calls.

    python -I worker.py NOTEBOOK CELL_TIMEOUT_S

Started by client.py with its memory limited, as an unprivileged user where the grader is root,
in a scratch folder. It imports nothing of the grader: only numpy and protocol.py, which it
loads before any student code runs. Cells tagged `otter_ignore` are skipped, as Otter does.
"""
import ast
import json
import os
import signal
import sys
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import protocol  # noqa: E402

# What this file calls, bound now: student code may replace numpy's functions or builtins later.
from builtins import BaseException, getattr, len, open, range, setattr, sorted, str  # noqa: E402,A004
concatenate, asarray, float32, float64, load = np.concatenate, np.asarray, np.float32, np.float64, np.load

GRADED = ("relu", "NeuralNetMLP_ReLU")
OUTPUT_CAP = 2000


class CellTimeout(BaseException):
    """BaseException, so that a student's `except Exception` does not swallow it."""


class CappedOutput:
    """stdout/stderr for student code: keeps the first OUTPUT_CAP characters, counts the rest."""

    def __init__(self):
        self.kept, self.dropped = [], 0

    def write(self, s):
        s = str(s)
        room = OUTPUT_CAP - sum(map(len, self.kept))
        self.kept.append(s[:max(room, 0)])
        self.dropped += max(len(s) - max(room, 0), 0)
        return len(s)

    def flush(self):
        pass


def otter_stub():
    """`import otter` in the notebook gets this: grader.check and grader.export do nothing here."""
    module = types.ModuleType("otter")

    class Notebook:
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    module.Notebook = Notebook
    return module


def strip_magics(source):
    """IPython lines (%magic, !shell) cannot run in plain Python; they are left out."""
    return "\n".join("pass  # " + line if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


def on_alarm(signum, frame):
    raise CellTimeout()


def code_cells(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if "otter_ignore" in (cell.get("metadata") or {}).get("tags", []):
            continue
        source = cell.get("source", "")
        cells.append((i + 1, "".join(source) if isinstance(source, list) else str(source)))
    return cells


def run_cells(cells, ns, timeout_s):
    """Execute cells in order; note what failed; keep each graded name as its defining cell left it."""
    notes, graded = [], {}
    signal.signal(signal.SIGALRM, on_alarm)
    for number, source in cells:
        try:
            tree = ast.parse(strip_magics(source))
            code = compile(tree, f"<cell {number}>", "exec")
        except SyntaxError as e:
            notes.append(f"Cell {number} has a syntax error (line {e.lineno}: {e.msg}); it was not run.")
            continue
        out = CappedOutput()
        sys.stdout = sys.stderr = out
        # re-armed every second, so that a bare `except:` in a loop cannot keep the cell running
        signal.setitimer(signal.ITIMER_REAL, timeout_s, 1.0)
        try:
            exec(code, ns)
        except CellTimeout:
            notes.append(f"Cell {number} did not finish within {timeout_s:g} s and was stopped.")
        except MemoryError:
            notes.append(f"Cell {number} ran out of memory (MemoryError).")
        except BaseException as e:  # SystemExit, KeyboardInterrupt and the like too
            notes.append(f"Cell {number} raised {type(e).__name__}: {str(e)[:300]}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        if out.dropped:
            notes.append(f"Cell {number} printed {out.dropped + OUTPUT_CAP:,} characters; "
                         f"only the first {OUTPUT_CAP:,} were kept.")
        defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        for name in GRADED:  # the cell that first defines it, as the notebook's stub cell does
            if name in defined and name in ns and name not in graded:
                graded[name] = ns[name]
    for name in GRADED:  # defined some other way (e.g. relu = lambda z: ...): the last value
        if name not in graded and name in ns:
            graded[name] = ns[name]
    ns.update(graded)  # so that forward's call to relu finds the graded relu, not a later rebinding
    return notes, graded


class Server:
    def __init__(self, graded, data_path):
        self.graded, self.models, self.data_path, self.data = graded, {}, data_path, None

    def student(self, name):
        obj = self.graded.get(name)
        if obj is None:
            raise LookupError(f"`{name}` is not defined")
        return obj

    def mnist(self):
        if self.data is None:
            with load(self.data_path) as d:
                self.data = {k: d[k].reshape(len(d[k]), -1) if k.startswith("x") else d[k] for k in d.files}
        return self.data

    def handle(self, header, arrays):
        op = header["op"]
        if op == "relu":
            return self.student("relu")(arrays[0][()] if header.get("scalar") else arrays[0])
        if op == "new":
            model = self.student("NeuralNetMLP_ReLU")(*header["args"])
            self.models[header["id"]] = model
            return None
        model = self.models[header["id"]]
        if op == "set":
            setattr(model, header["name"], arrays[0])
            return None
        if op == "get":
            return getattr(model, header["name"])
        if op == "forward":
            return model.forward(arrays[0])
        if op == "backward":
            return model.backward(*arrays)
        if op == "train_epoch":
            return self.train_epoch(model, arrays[0], header["learning_rate"], header["minibatch_size"])
        if op == "predict":
            X = self.mnist()["x_test"]
            return concatenate([asarray(model.forward(self.to_float(X[i:i + 1000]))[1], dtype=float64)
                                for i in range(0, len(X), 1000)])
        raise ValueError(f"unknown op {op}")

    @staticmethod
    def to_float(X):
        # mnist_data.to_float, with the numpy bound at import: a notebook that patches numpy
        # cannot change the grader's images (tests/test_data.py checks the two agree)
        return X.astype(float32) * float32(2 / 255) - float32(1)

    def train_epoch(self, model, order, lr, size):
        """One epoch of the book's loop in the order the grader chose; a_out of every minibatch
        goes back, and the grader computes the loss from it."""
        X, y = self.mnist()["x_train"], self.mnist()["y_train"]
        outputs = []
        for start in range(0, len(order) - size + 1, size):
            idx = order[start:start + size]
            x, t = self.to_float(X[idx]), y[idx]
            a_h, a_out = model.forward(x)
            d_w_out, d_b_out, d_w_h, d_b_h = model.backward(x, a_h, a_out, t)
            model.weight_h -= lr * d_w_h
            model.bias_h -= lr * d_b_h
            model.weight_out -= lr * d_w_out
            model.bias_out -= lr * d_b_out
            outputs.append(asarray(a_out, dtype=float64))
        return concatenate(outputs)


def main():
    notebook, timeout_s, data_path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    # the protocol keeps the real stdin/stdout; student code gets /dev/null at the fd level
    proto_in, proto_out = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = open(os.devnull)
    sys.__stdout__ = sys.__stderr__ = sys.stdout = sys.stderr = CappedOutput()
    try:
        cells = code_cells(notebook)
    except Exception as e:
        protocol.send(proto_out, {"ready": False, "error": f"{type(e).__name__}: {e}"})
        return
    sys.modules["otter"] = otter_stub()
    sys.path.insert(0, os.getcwd())  # the notebook imports mnist_data.py from its folder
    ns = {"__name__": "__main__", "__builtins__": __builtins__}
    notes, graded = run_cells(cells, ns, timeout_s)
    protocol.send(proto_out, {"ready": True, "notes": notes, "defined": sorted(graded)})
    server = Server(graded, data_path)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        try:
            header, arrays = protocol.receive(proto_in)
        except EOFError:
            return
        try:
            value = server.handle(header, arrays)
            out = []
            reply = {"ok": True, "value": protocol.encode(value, out)}
        except MemoryError:
            out, reply = [], {"ok": False, "error": "MemoryError: your code ran out of memory"}
        except BaseException as e:
            out, reply = [], {"ok": False, "error": f"{type(e).__name__}: {str(e)[:500]}"}
        protocol.send(proto_out, reply, out)


if __name__ == "__main__":
    main()
