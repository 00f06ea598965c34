"""The student's process: run the notebook's cells, then serve the grader's checks, each in a fork.

    python -I worker.py FD      (started by client.py inside the sandbox; FD: the control socket)

This process (the zygote) runs the cells the grader sends, one by one, each stopped after its time
limit, and keeps the definitions in effect at the points the grader names. Then, for each check, it
forks a child that answers the grader's calls on a socket of its own: every check starts from the
same state, and a child that hangs or crashes is killed without re-running the notebook.

It imports nothing of the grader: numpy, protocol.py and notebook_env.py, loaded before any student
code runs. Nothing here is trusted by the grader: it only ever reads values back from it.
"""

import __future__

import ast
import ctypes
import gc
import mmap
import os
import signal
import socket
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# What this file calls, bound now: student code may replace numpy's functions or builtins later.
from builtins import BaseException, ModuleNotFoundError, NameError, getattr, isinstance, len, range, setattr, str, tuple  # noqa: E402, UP029, A004

import notebook_env  # noqa: E402
import npz  # noqa: E402
import protocol  # noqa: E402

np_copyto, np_multiply, np_subtract, np_take = np.copyto, np.multiply, np.subtract, np.take
np_frombuffer, np_array_equal, float32, os_fork, os_exit = np.frombuffer, np.array_equal, np.float32, os.fork, os._exit

# a cell's `from __future__ import ...` holds for every later cell, as IPython's compiler keeps it
FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag
GRADED = ("relu", "NeuralNetMLP_ReLU")
PARAMS = ("weight_h", "bias_h", "weight_out", "bias_out")
# backward returns the gradients in this order: output layer first
GRADIENT_OF = {"weight_out": 0, "bias_out": 1, "weight_h": 2, "bias_h": 3}


class CellTimeout(BaseException):
    """BaseException, so that a student's `except Exception` does not swallow it."""


def on_alarm(signum, frame):
    raise CellTimeout()


def error_text(e):
    return f"{type(e).__name__}: {str(e)[:500]}"


# ---------------------------------------------------------------------------------------------
# the notebook


class Notebook:
    def __init__(self, control):
        self.control = control
        self.notes, self.graded = [], {}
        self.flags, self.unbound = 0, set()  # future features in force; names a cell found unbound
        self.ns = notebook_env.main_namespace()
        self.shell = notebook_env.install(self.ns, self.notes)

    def run(self, plan):
        """plan: cells ({"cell": n, "code": src, "extra": bool}) and snapshots ({"snapshot": name}), in
        notebook order. Extra cells come after the last anchor: run only while a graded name is
        still undefined (a definition below its check, e.g. cells run out of order in Jupyter)."""
        pending, skipped = set(), []
        deadline = time.monotonic() + plan["notebook_timeout_s"]
        signal.signal(signal.SIGALRM, on_alarm)
        for step in plan["steps"]:
            if "snapshot" in step:
                name = step["snapshot"]
                value = self.ns.get(name)
                if value is None or value is Ellipsis:
                    pending.add(name)
                else:
                    self.graded[name] = value
                    pending.discard(name)
                continue
            if step.get("extra") and not pending:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                skipped.append(step["cell"])
                continue
            label = step.get("label") or f"Cell {step['cell']}"
            self.run_cell(label, step["cell"], step["code"], min(plan["cell_timeout_s"], left), step.get("line"))
            for name in list(pending):
                if self.ns.get(name) not in (None, Ellipsis):
                    self.graded[name] = self.ns[name]
                    pending.discard(name)
        if skipped:
            self.notes.append(
                f"Cells {', '.join(map(str, skipped))} were not run: the notebook's cells took longer "
                f"than {plan['notebook_timeout_s']:g} s in all. What was defined before was graded."
            )
        self.ns.update(self.graded)  # forward's call to relu finds the graded relu, not a later rebinding
        protocol.send(
            self.control,
            {
                "ready": True,
                "pid": os.getpid(),
                "notes": self.notes,
                "defined": {name: type(value).__name__ for name, value in self.graded.items()},
                "unbound": sorted(self.unbound)[:50],
            },
        )

    def run_cell(self, label, number, source, timeout_s, line=None):
        protocol.send(self.control, {"cell": number, "line": line})  # the grader knows where a crash was
        try:
            code = compile(source, f"<cell {number}>", "exec", flags=self.flags, dont_inherit=True)
        except SyntaxError as e:
            self.notes.append(f"{label} has a syntax error (line {e.lineno}: {e.msg}); it was not run.")
            return
        self.flags |= code.co_flags & FUTURE_FLAGS
        out = notebook_env.CappedOutput()
        sys.stdout = sys.stderr = out
        # re-armed every second, so that a bare `except:` in a loop cannot keep the cell running
        signal.setitimer(signal.ITIMER_REAL, timeout_s, 1.0)
        started = time.monotonic()
        try:
            exec(code, self.ns)
        except CellTimeout:
            self.notes.append(
                f"{label} did not finish within {timeout_s:g} s and was stopped; what it had defined was kept."
            )
        except MemoryError:
            self.notes.append(f"{label} ran out of memory (MemoryError).")
        except ModuleNotFoundError as e:  # an extra import the grading environment lacks (Colab has torch)
            rest = after_import(source, code, e)
            self.notes.append(
                f"{label} raised {error_text(e)}"
                + ("; the rest of the cell was run without it." if rest else "")
                + " The autograder has NumPy, SciPy, scikit-learn and Matplotlib."
            )
            left = timeout_s - (time.monotonic() - started)
            if rest and left > 0:
                signal.setitimer(signal.ITIMER_REAL, 0)
                self.run_cell(label, number, rest, left, line)
        except BaseException as e:  # SystemExit, KeyboardInterrupt and the like too
            self.notes.append(f"{label} raised {error_text(e)}")
            if isinstance(e, NameError) and isinstance(getattr(e, "name", None), str):
                self.unbound.add(e.name[:100])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__


def after_import(source, code, error):
    """The cell's source after the top-level import statement that raised error (blank lines keep
    the line numbers), or "" if what raised was not such a statement."""
    tb, line = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code is code:
            line = tb.tb_lineno
        tb = tb.tb_next
    statement = next((s for s in ast.parse(source).body if s.lineno <= (line or 0) <= s.end_lineno), None)
    if not isinstance(statement, (ast.Import, ast.ImportFrom)):
        return ""
    rest = source.splitlines()[statement.end_lineno :]
    return "\n" * statement.end_lineno + "\n".join(rest) if any(r.strip() for r in rest) else ""


# ---------------------------------------------------------------------------------------------
# a check's child: answers calls on its own socket


class Child:
    def __init__(self, sock, graded):
        self.sock, self.graded, self.model = sock, graded, None
        self.deferred = None  # the error of a request sent without waiting for its reply

    def student(self, name):
        obj = self.graded.get(name)
        if obj is None:
            raise LookupError(f"`{name}` is not defined")
        return obj

    def serve(self):
        while True:
            try:
                header, arrays = protocol.receive(self.sock)
            except (EOFError, OSError):
                return
            if header.get("op") == "train":
                self.train(header, arrays)
                return
            if self.deferred is not None:  # a request before this one failed: say so, instead of going on
                if header.get("reply", True):
                    protocol.send(self.sock, self.deferred)
                    self.deferred = None
                continue
            out = []
            try:
                reply = {"ok": True, "value": protocol.encode(self.handle(header, arrays), out)}
            except MemoryError:
                out, reply = (
                    [],
                    {"ok": False, "error": "MemoryError: your code ran out of memory", "type": "MemoryError"},
                )
            except BaseException as e:
                out, reply = [], {"ok": False, "error": error_text(e), "type": type(e).__name__}
            if header.get("reply", True):
                protocol.send(self.sock, reply, out)
            elif not reply["ok"]:
                reply["error"] += f" (in {header.get('what', header['op'])})"
                self.deferred = reply

    def handle(self, header, arrays):
        op = header["op"]
        if op == "relu":
            z = arrays[0][()] if header.get("scalar") else arrays[0]
            value = self.student("relu")(z)
            return (value, z) if not header.get("scalar") else (value, None)
        if op == "new":
            self.model = self.student("NeuralNetMLP_ReLU")(*header["args"])
            return None
        if op == "set":
            setattr(self.model, header["name"], arrays[0])
            return None
        if op == "get":
            return getattr(self.model, header["name"])
        if op == "forward":
            return self.model.forward(arrays[0])
        if op == "backward":
            return self.model.backward(*arrays)
        if op == "forward_with":  # the numeric gradient check's evaluations, in one call
            x, base, index, value = arrays
            outs = []
            for i, v in zip(index, value):
                param = base.copy()
                param.flat[i] = v
                setattr(self.model, header["name"], param)
                outs.append(np.asarray(self.model.forward(x)[1], dtype=np.float64))
            return np.stack(outs)
        raise ValueError(f"unknown op {op}")

    # -- the grader's training loop, this side of it ---------------------------------------------
    def train(self, header, arrays):
        """Run the book's loop with the grader's minibatches: each step's gradients go into a ring
        of slots the grader reads, the update is applied to the parameters the model holds, and
        every `block` steps a byte tells the grader a block of slots is ready. The grader mirrors
        each update with its own copy and checks, at the end of each epoch, that the model's
        parameters are exactly what the updates made them."""
        try:
            self._train(header, arrays)
        except BaseException as e:
            self.fail(f"training stopped: {error_text(e)}")

    def fail(self, message, **extra):
        self.sock.sendall(b"X")
        protocol.send(self.sock, dict(extra, error=message))

    def _train(self, header, arrays):
        (orders,) = arrays
        shapes = [tuple(s) for s in header["shapes"]]
        sizes = [int(np.prod(s)) for s in shapes]
        n_params, block, lr = sum(sizes), header["block"], float32(header["learning_rate"])
        size, (_, n_hidden, n_classes) = header["minibatch_size"], header["args"]
        width = n_params + size * (n_hidden + n_classes)  # a slot: the step's gradients, then a_h and a_out
        fds = self.train_fds
        params = np_frombuffer(mmap.mmap(fds[0], n_params * 4), dtype=np.float32)
        ring = np_frombuffer(mmap.mmap(fds[1], 2 * block * width * 4), dtype=np.float32).reshape(2 * block, width)
        readback = np_frombuffer(mmap.mmap(fds[2], n_params * 4), dtype=np.float32)
        images = np.asarray(npz.member(header["images"], "x_train"))  # plain arrays: no memmap per minibatch
        images = images.reshape(images.shape[0], -1)
        labels = np.asarray(npz.member(header["images"], "y_train"))

        def split(flat):
            out, start = [], 0
            for shape, size in zip(shapes, sizes):
                out.append(flat[start : start + size].reshape(shape))
                start += size
            return out

        views = split(params)
        slots = [ring[i, :n_params] for i in range(2 * block)]
        slot_views = [split(slot) for slot in slots]
        activations = [
            (
                ring[i, n_params : n_params + size * n_hidden].reshape(size, n_hidden),
                ring[i, n_params + size * n_hidden :].reshape(size, n_classes),
            )
            for i in range(2 * block)
        ]
        model = self.student("NeuralNetMLP_ReLU")(*header["args"])
        for name, view in zip(PARAMS, views):
            setattr(model, name, view)
        keeps_views = self.check_params(model, views)
        last = params.copy()  # the parameters as the last update left them
        if keeps_views is None:
            return
        steps = orders.shape[1] // size
        u8 = np.empty((size, images.shape[1]), dtype=np.uint8)
        xbuf = np_frombuffer(mmap.mmap(-1, size * images.shape[1] * 4), dtype=np.float32).reshape(size, -1)
        scale, one = float32(2 / 255), float32(1)
        credits, step = 2, 0
        for epoch in range(orders.shape[0]):
            order = orders[epoch]
            for k in range(steps):
                slot = step % (2 * block)
                if slot % block == 0:
                    if credits == 0:
                        if protocol.recv_exact(self.sock, 1) != b"C":
                            return
                        credits += 1
                    credits -= 1
                idx = order[k * size : (k + 1) * size]
                # mnist_data.to_float, into a buffer: the same float32 values, no allocation
                np_take(images, idx, axis=0, out=u8, mode="clip")
                np_copyto(xbuf, u8, casting="unsafe")
                np_multiply(xbuf, scale, out=xbuf)
                np_subtract(xbuf, one, out=xbuf)
                if not keeps_views:  # a model that copies what it is given: give it the parameters again
                    for name, view in zip(PARAMS, views):
                        setattr(model, name, view)
                    if self.check_params(model, views) is None:
                        return
                try:
                    a_h, a_out = model.forward(xbuf)
                except Exception as e:  # it ran on the checks' inputs: not on these
                    self.fail(
                        f"forward raised {error_text(e)} (epoch {epoch + 1}, minibatch {k + 1})", refutes="forward"
                    )
                    return
                if not self.activations(a_h, a_out, activations[slot], epoch, k):  # before backward may change them
                    return
                try:
                    grads = model.backward(xbuf, a_h, a_out, labels[idx])
                except Exception as e:
                    self.fail(
                        f"backward raised {error_text(e)} (epoch {epoch + 1}, minibatch {k + 1})", refutes="backward"
                    )
                    return
                if not np_array_equal(params, last):  # said here, before a spot check blames what it changes
                    self.fail(
                        f"forward or backward changed the model's parameters themselves (epoch {epoch + 1}, "
                        f"minibatch {k + 1}): only the training loop's update may change them."
                    )
                    return
                # the step the grader mirrors: its slot holds learning_rate * gradient, in float32
                if not self.scaled_gradients(grads, slot_views[slot], lr, shapes, epoch, k):
                    return
                np_subtract(params, slots[slot], out=params)  # the book's W -= learning_rate * dW
                np_copyto(last, params)
                if keeps_views:
                    for name, view in zip(PARAMS, views):
                        if getattr(model, name) is not view:
                            keeps_views = False
                step += 1
                if step % block == 0:
                    self.sock.sendall(b"B")
            np_copyto(readback, params)
            self.sock.sendall(b"E")
        if step % block:
            self.sock.sendall(b"B")
        self.sock.sendall(b"D")

    def check_params(self, model, views):
        """True if the model keeps the arrays it was given, False if it keeps equal copies; None
        (after telling the grader) if it keeps something else: frozen or swapped parameters."""
        same = True
        for name, view in zip(PARAMS, views):
            got = getattr(model, name)
            if got is view:
                continue
            same = False
            if not (isinstance(got, np.ndarray) and got.shape == view.shape and np_array_equal(got, view)):
                self.fail(
                    f"after `model.{name} = W`, `model.{name}` is not W: your NeuralNetMLP_ReLU does not keep "
                    "the parameters it is given (a property or __setattr__ that ignores assignments?)",
                    kind="params",
                )
                return None
        return same

    def scaled_gradients(self, grads, slot, lr, shapes, epoch, k):
        where = f"(epoch {epoch + 1}, minibatch {k + 1})"
        if not isinstance(grads, tuple) or len(grads) != 4:
            self.fail(
                f"backward returned {type(grads).__name__}, not a tuple of four gradients {where}", refutes="backward"
            )
            return False
        for name, view in zip(PARAMS, slot):
            g = grads[GRADIENT_OF[name]]
            if not isinstance(g, (np.ndarray, np.generic)):
                self.fail(
                    f"the gradient for {name} is a {type(g).__name__}, not a NumPy array {where}", refutes="backward"
                )
                return False
            if g.shape != view.shape:
                self.fail(f"the gradient for {name} has shape {g.shape}, not {view.shape} {where}", refutes="backward")
                return False
            np_multiply(g, lr, out=view, casting="unsafe")
        return True

    def activations(self, a_h, a_out, views, epoch, k):
        """forward's outputs, for the steps the grader recomputes (it does not say which)."""
        for what, a, view in (("a_h", a_h, views[0]), ("a_out", a_out, views[1])):
            if not isinstance(a, (np.ndarray, np.generic)) or a.shape != view.shape:
                where = f"(epoch {epoch + 1}, minibatch {k + 1})"
                self.fail(
                    f"forward's {what} has shape {getattr(a, 'shape', None)}, not {view.shape} {where}",
                    refutes="forward",
                )
                return False
            np_copyto(view, a, casting="unsafe")
        return True


# ---------------------------------------------------------------------------------------------
# the zygote's loop


def wait_readable(fd):
    """Block until fd has data, holding the GIL: threads the notebook started stay frozen meanwhile
    instead of using the CPU the checks need (ctypes.PyDLL keeps the GIL during the call)."""
    libc = ctypes.PyDLL(None)

    class PollFd(ctypes.Structure):
        _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]

    entry = PollFd(fd, 1, 0)  # POLLIN
    while libc.poll(ctypes.byref(entry), 1, -1) < 0:
        pass


def reap():
    """Collect children that ended (earlier checks' forks, processes the grader killed)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def serve_forks(control, notebook):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    gc.freeze()  # the notebook's objects stay out of the collector's way: forks copy fewer pages
    while True:
        reap()
        wait_readable(control.fileno())
        try:
            header, _ = protocol.receive(control)
        except (EOFError, OSError):
            return
        if header.get("op") != "fork":
            return
        reap()
        parent_end, child_end = socket.socketpair()
        try:
            pid = os_fork()
        except OSError as e:
            parent_end.close()
            child_end.close()
            protocol.send_with_fds(control, {"error": f"could not start a process for the check: {e}"}, [])
            continue
        if pid == 0:
            control.close()
            parent_end.close()
            child = Child(child_end, notebook.graded)
            try:
                if header.get("train"):  # the shared memory of the training loop comes first
                    child.train_fds = protocol.receive_with_fds(child_end)[1]
                child.serve()
            finally:
                os_exit(0)
        child_end.close()
        protocol.send_with_fds(control, {"pid": pid}, [parent_end.fileno()])
        parent_end.close()


def main():
    control = socket.socket(fileno=int(sys.argv[1]))
    # the protocol has its own socket; student code gets /dev/null at the fd level
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = open(os.devnull)
    sys.__stdout__ = sys.__stderr__ = sys.stdout = sys.stderr = notebook_env.CappedOutput()
    try:  # if the container runs out of memory, the kernel kills the student's processes first
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass
    sys.path.insert(0, os.getcwd())  # the notebook imports mnist_data.py and mlp_checks.py from here
    notebook = Notebook(control)
    protocol.send(control, {"hello": True, "pid": os.getpid()})
    header, _ = protocol.receive(control)
    notebook.run(header)
    serve_forks(control, notebook)


if __name__ == "__main__":
    main()
