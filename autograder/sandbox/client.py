"""The grader's side of the student's process: start it in the strongest sandbox available, run the
notebook's cells, then open a session (a fresh fork) per check. Calls have deadlines; a session whose
code hangs, crashes or runs out of memory is killed and the next call gets a new fork, so a failure
costs the check it happened in and the notebook is never re-run for it. The grader never runs
student code itself: it sends inputs and reads back values (protocol.py).
"""

import ctypes
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CodeRaised, CodeStopped, NotIsolated
from . import isolation, limits, protocol

NOT_RUNNING = (
    "Your code could not be run for this check: the process that ran your notebook stopped answering. "
    "If your notebook does nothing unusual, this is the autograder's fault: tell your instructor."
)
WORKER_FILES = ("worker.py", "protocol.py", "notebook_env.py", "npz.py")
HERE = Path(__file__).resolve().parent
GRACE_S = 5  # past a cell's own limit, before the grader kills what the worker could not stop
ATTEMPTS = 4
MAX_NOTES = 20  # runs of the notebook: each one after the first leaves out what killed the one before
START_S = 60  # for the sandbox's Python and numpy to start


@dataclass
class Files:
    student: Path  # the folder students were given: mnist_data.py, mlp_checks.py, tests/
    mnist: Path  # MNIST as the student's process may see it: no test labels (data.py)


@dataclass
class NotebookRun:
    method: str = ""
    notes: list = field(default_factory=list)
    defined: dict = field(default_factory=dict)
    unbound: list = field(default_factory=list)  # names that cells found unbound (NameError)
    seconds: float = 0.0
    log: list = field(default_factory=list)  # for the instructor: which methods failed and why


class SandboxDied(Exception):
    pass


def clean(text, limit=300):
    """Text from the student's process, as feedback shows it: one line, at most `limit` characters.
    (What the student's code raises is shown to them; it cannot add lines of its own to the feedback.)"""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _without(steps, where, why):
    """The steps without what killed the process: a whole cell is split into its statements (so that
    what came before the culprit still runs); a statement is dropped."""
    import ast

    cell, line = where
    out, note = [], ""
    for step in steps:
        if step.get("cell") != cell or step.get("line") != line:
            out.append(step)
        elif line is None and len(ast.parse(step["code"]).body) > 1:
            lines = step["code"].splitlines()
            for stmt in ast.parse(step["code"]).body:
                first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
                out.append(
                    dict(step, code="\n" * (first - 1) + "\n".join(lines[first - 1 : stmt.end_lineno]), line=first)
                )
            note = f"{step.get('label') or f'Cell {cell}'} {why}; it was run again statement by statement."
        else:
            note = (
                f"{step.get('label') or f'Cell {cell}'}{f', line {line},' if line else ''} {why}; "
                f"{'that statement' if line else 'it'} was left out and your notebook was run again without it."
            )
    return out, note


def _pdeathsig():
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the sandbox dies with the grader


class Sandbox:
    def __init__(self, cfg, files, blas_threads=1):
        self.cfg, self.files, self.blas_threads = cfg, files, blas_threads
        self.methods = isolation.candidates(cfg.isolation)  # raises NotIsolated when exhausted
        self.method_cls = None
        self.proc = self.control = self.guard = self.scratch = self.method = None

    # -- lifecycle --------------------------------------------------------------------------------
    def _launch(self, method_cls):
        self.scratch = Path(tempfile.mkdtemp(prefix="mlp-sandbox-"))
        for name in WORKER_FILES:
            shutil.copy(HERE / name, self.scratch / name)
        for item in self.files.student.iterdir():
            if item.name in ("__pycache__", "mnist.npz") or item.suffix == ".ipynb":
                continue
            (shutil.copytree if item.is_dir() else shutil.copy)(item, self.scratch / item.name)
        method = method_cls(
            self.scratch, self.files.mnist, self.blas_threads, self.cfg.max_processes, self.cfg.memory_mb
        )
        method.prepare()
        self.guard = limits.Guard(self.cfg.memory_mb, self.cfg.max_processes)
        ours, theirs = socket.socketpair()

        def preexec():
            if method.name != "bubblewrap":
                os.setsid()
            _pdeathsig()
            self.guard.preexec()
            method.preexec_limits(count_processes=not self.guard.limits_processes)

        self.proc = subprocess.Popen(
            method.argv(theirs.fileno()),
            pass_fds=[theirs.fileno()],
            env=method.env(),
            cwd=self.scratch,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=preexec,
        )
        theirs.close()
        self.control, self.method = ours, method
        self.guard.start(self.proc.pid)

    def start(self, plan, deadline):
        """Run the notebook plan (slicing.Plan.message) in a new sandbox; returns NotebookRun. A cell that
        kills its process (or cannot be stopped) is run again statement by statement, and the statement
        that does it is left out; the notebook runs again each time, ATTEMPTS times at most.
        NotIsolated if no method can start the student's process here."""
        run, started = NotebookRun(), time.monotonic()
        steps = list(plan["steps"])
        for attempt in range(ATTEMPTS):
            self._start_worker(run, deadline)
            message = {
                "steps": steps,
                "cell_timeout_s": plan["cell_timeout_s"],
                "notebook_timeout_s": max(0.0, min(plan["notebook_timeout_s"], deadline - time.monotonic())),
            }
            protocol.send(self.control, message)
            try:
                ready = self._run_cells(plan["cell_timeout_s"], deadline)
            except SandboxDied as died:
                where, why = died.args
                self.stop()
                if where is None or attempt == ATTEMPTS - 1 or time.monotonic() > deadline:
                    run.notes.append(f"Your notebook's process stopped ({why}) and could not be run again.")
                    break
                steps, note = _without(steps, where, why)
                run.notes.append(note)
                continue
            worker_notes = [clean(n) for n in list(ready.get("notes", []))[:MAX_NOTES]]
            run.notes += [n for i, n in enumerate(worker_notes) if n not in worker_notes[:i]]
            run.defined = ready.get("defined", {})
            run.unbound = [str(n) for n in ready.get("unbound", [])][:50]
            self._kill_strays(ready.get("pid"))
            break
        run.seconds = time.monotonic() - started
        return run

    def _kill_strays(self, zygote_inner_pid):
        """Processes the notebook's cells left running (a fork bomb, a background job): the checks
        start from the notebook's process alone."""
        if self.proc is None:
            return
        tree = limits.descendants(self.proc.pid)
        zygote = (
            self.proc.pid
            if self.method.name != "bubblewrap"
            else next((p for p in tree if limits.inner_pid(p) == zygote_inner_pid), None)
        )
        if zygote is None:
            return
        keep = {self.proc.pid, zygote} | {p for p in tree if zygote in limits.descendants(p)}  # its ancestors
        for pid in tree:
            if pid not in keep:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _start_worker(self, run, deadline):
        """Launch with the first method that works; a method that fails is logged and the next tried."""
        while True:
            if self.method_cls is None:
                try:
                    self.method_cls = next(self.methods)
                except NotIsolated as e:
                    raise NotIsolated(f"{e}; " + "; ".join(run.log)) from None
            self._launch(self.method_cls)
            try:
                header, _ = self._receive(min(deadline, time.monotonic() + START_S))
                if header.get("hello"):
                    run.method = self.method.name
                    run.log.append(f"the student's processes run as {self._users()}")
                    return
            except (TimeoutError, ValueError, EOFError, OSError):
                pass
            try:
                self.proc.wait(timeout=2)
                err = self.proc.stderr.read().decode(errors="replace").strip()
            except subprocess.TimeoutExpired:
                err = ""
            run.log.append(f"sandbox method {self.method.name} failed to start: {err[-500:] or 'no reply'}")
            self.stop()
            self.method_cls = None

    def _users(self):
        import pwd

        found = set()
        for pid in limits.descendants(self.proc.pid):
            try:
                uid = os.stat(f"/proc/{pid}").st_uid
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            except OSError:
                continue
            if "python" in Path(cmd).name:
                found.add(f"{pwd.getpwuid(uid).pw_name} (uid {uid})")
        return ", ".join(sorted(found)) or "unknown"

    def _run_cells(self, cell_timeout_s, deadline):
        where = None
        while True:
            limit = min(deadline, time.monotonic() + cell_timeout_s + GRACE_S)
            try:
                header, _ = self._receive(limit)
            except TimeoutError:
                raise SandboxDied(where, "did not finish in time and could not be stopped") from None
            except (EOFError, OSError, ValueError):
                raise SandboxDied(where, self._death_reason()) from None
            if header.get("ready"):
                return header
            where = (header.get("cell"), header.get("line"))

    def _death_reason(self):
        kills = self.guard.kills() if self.guard else 0
        code = self.proc.wait() if self.proc else None
        if kills:
            return f"ran out of memory (more than {self.cfg.memory_mb} MB)"
        return f"ended the process (exit code {code})" if code not in (None, -9) else "was killed"

    def _receive(self, deadline):
        return _receive(self.control, deadline)

    def stop(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            self.proc.wait()
            if self.proc.stderr:
                self.proc.stderr.close()
            if self.method is not None and self.method.name == "nobody":
                isolation.kill_user_processes()  # double forks that left the process group
            self.proc = None
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.guard is not None:
            self.guard.stop()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    close = stop

    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # -- sessions ----------------------------------------------------------------------------------
    def session(self, deadline, train=False):
        return Session(self, deadline, train)

    def fork(self, train=False):
        """A new child of the notebook's process: (socket, pid inside, pid outside)."""
        if not self.alive:
            raise CodeStopped(NOT_RUNNING, "crashed")
        try:
            protocol.send(self.control, {"op": "fork", "train": train})
            r, _, _ = select.select([self.control], [], [], 30)
            if not r:
                raise TimeoutError
            header, fds = protocol.receive_with_fds(self.control)
        except (OSError, EOFError, ValueError, TimeoutError):
            raise CodeStopped(NOT_RUNNING, "crashed") from None
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise CodeStopped(f"{NOT_RUNNING} ({clean(header.get('error', 'no connection'), 200)})", "crashed")
        inner = int(header["pid"])
        outer = inner
        if self.method.name == "bubblewrap":
            outer = next((p for p in limits.descendants(self.proc.pid) if limits.inner_pid(p) == inner), None)
        return socket.socket(fileno=fds[0]), outer


def _receive(sock, deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    r, _, _ = select.select([sock], [], [], left)
    if not r:
        raise TimeoutError
    return protocol.receive(sock)


class Session:
    """One check's fork of the notebook's process. Calls raise CodeRaised when the student's code
    raised, CodeStopped (timeout, memory, crashed) when it did not return; after CodeStopped the next
    call forks anew, so the cases of a check are judged on their own."""

    def __init__(self, sandbox, deadline, train=False):
        self.sandbox, self.deadline, self.train = sandbox, deadline, train
        self.sock = self.pid = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self):
        if self.sock is None:
            self.kills_before = self.sandbox.guard.kills()
            self.sock, self.pid = self.sandbox.fork(self.train)
        return self.sock

    def close(self, kill=False):
        if self.sock is not None:
            if kill and self.pid:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.sock.close()
            self.sock = None

    def stopped(self, why):
        """Kill this fork and say why it stopped."""
        if why == "timeout":
            self.close(kill=True)
            return CodeStopped("Your code took longer than the time this check allows.", "timeout")
        time.sleep(0.05)  # let the memory guard or the kernel record what it did
        kind = "memory" if self.sandbox.guard.kills() > self.kills_before else "crashed"
        self.close(kill=True)
        if kind == "memory":
            return CodeStopped(f"Your code ran out of memory (more than {self.sandbox.cfg.memory_mb} MB).", "memory")
        return CodeStopped("Your code ended its process (os._exit, a crash, or a signal).", "crashed")

    def receive(self):
        try:
            return _receive(self.sock, self.deadline)
        except TimeoutError:
            raise self.stopped("timeout") from None
        except (EOFError, OSError, ValueError):
            raise self.stopped("crashed") from None

    def send(self, header, arrays=()):
        """A request whose reply is not awaited (its error, if any, comes with the next reply)."""
        self.open()
        try:
            protocol.send(self.sock, dict(header, reply=False), arrays)
        except OSError:
            raise self.stopped("crashed") from None

    def call(self, header, arrays=()):
        self.open()
        try:
            protocol.send(self.sock, header, arrays)
        except OSError:
            raise self.stopped("crashed") from None
        reply, out = self.receive()
        if not reply.get("ok"):
            raise CodeRaised(clean(reply.get("error", "unknown error")), clean(reply.get("type", ""), 80))
        try:
            return protocol.decode(reply["value"], out)
        except (KeyError, IndexError, TypeError):
            raise self.stopped("crashed") from None


class RemoteFunction:
    """Stands for the student's `relu`: the call runs in the session's fork; an array argument the
    function changed in place comes back changed, as it would in the notebook."""

    __name__ = "relu"

    def __init__(self, session):
        self.session = session

    def __call__(self, z):
        scalar = np.ndim(z) == 0 and not isinstance(z, np.ndarray)
        value, after = self.session.call({"op": "relu", "scalar": scalar}, [np.asarray(z)])
        if isinstance(z, np.ndarray) and isinstance(after, np.ndarray) and after.shape == z.shape:
            np.copyto(z, after, casting="unsafe")
        return value


class RemoteClass:
    """Stands for the student's `NeuralNetMLP_ReLU`; instances are RemoteModel."""

    __name__ = "NeuralNetMLP_ReLU"

    def __init__(self, session):
        self.session = session

    def __call__(self, *args):
        what = f"NeuralNetMLP_ReLU{tuple(args)}"
        self.session.send({"op": "new", "args": list(args), "what": what})
        return RemoteModel(self.session)


class RemoteModel:
    PARAMS = ("weight_h", "bias_h", "weight_out", "bias_out")

    def __init__(self, session):
        object.__setattr__(self, "_session", session)

    def __setattr__(self, name, value):
        self._session.send({"op": "set", "name": name, "what": f"setting model.{name}"}, [value])

    def __getattr__(self, name):
        if name not in self.PARAMS:
            raise AttributeError(name)
        return self._session.call({"op": "get", "name": name})

    def forward(self, x):
        return self._session.call({"op": "forward"}, [x])

    def backward(self, x, a_h, a_out, y):
        return self._session.call({"op": "backward"}, [x, a_h, a_out, y])

    def forward_with(self, name, base, changes, x):
        """a_out of forward(x) with model.<name> set to base changed at one entry (flat index, value) for
        each of changes: one call for all of them."""
        index = np.array([i for i, _ in changes], dtype=np.int64)
        value = np.array([v for _, v in changes], dtype=np.float64)
        return self._session.call({"op": "forward_with", "name": name}, [x, base, index, value])
