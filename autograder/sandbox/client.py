"""The grader's side of the student's process: start it, call into it with deadlines, restart it
after a hang or a crash. `StudentCode` gives the checks `relu` and `NeuralNetMLP_ReLU` as
stand-ins that forward each call, so the checks run unchanged and never in the student's process."""
import os
import pwd
import resource
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import protocol

WORKER = Path(__file__).resolve().with_name("worker.py")
SANDBOX_USER = "nobody"


class StudentProcessDied(Exception):
    pass


class RemoteError(Exception):
    """Student code raised; the message is "ExceptionType: text"."""


def _drop_privileges_possible():
    """Root can run the student's code as `nobody` if that user can execute this Python."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        return None
    try:
        probe = subprocess.run([sys.executable, "-c", "import numpy"], preexec_fn=_demote(user, None),
                               capture_output=True, cwd="/", timeout=60)
    except (OSError, subprocess.SubprocessError):  # e.g. Python under a home folder only root may enter
        return None
    return user if probe.returncode == 0 else None


def _demote(user, memory_mb):
    def preexec():
        os.setsid()
        if memory_mb:
            limit = memory_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if user is not None:
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
    return preexec


class StudentProcess:
    """One worker process with the student's notebook executed in it."""

    def __init__(self, notebook, data_path, cell_timeout_s, memory_mb, startup_timeout_s, support_files=(),
                 blas_threads=1):
        self.notebook, self.data_path, self.support_files = Path(notebook), Path(data_path), support_files
        self.cell_timeout_s, self.memory_mb, self.startup_timeout_s = cell_timeout_s, memory_mb, startup_timeout_s
        self.user = _drop_privileges_possible()
        self.proc, self.notes, self.defined, self.start_error = None, [], [], None
        self.blas_threads = str(blas_threads)
        self._next_id = 0

    # -- lifecycle --------------------------------------------------------------------------
    def start(self):
        # everything the student's process may read is copied here: the worker itself, the
        # notebook, what its cells import and the data; the grader's folders can stay closed
        self.scratch = Path(tempfile.mkdtemp(prefix="student-"))
        for path in (WORKER, WORKER.with_name("protocol.py"), *self.support_files):
            shutil.copy(path, self.scratch / Path(path).name)
        shutil.copy(self.notebook, self.scratch / "submission.ipynb")
        shutil.copy(self.data_path, self.scratch / "mnist.npz")
        if self.user is not None:
            for path in [self.scratch, *self.scratch.iterdir()]:
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.scratch),
               "OMP_NUM_THREADS": self.blas_threads, "OPENBLAS_NUM_THREADS": self.blas_threads,
               "MKL_NUM_THREADS": self.blas_threads,
               "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
        env["MNIST_PATH"] = str(self.scratch / "mnist.npz")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "worker.py", "submission.ipynb", str(self.cell_timeout_s), "mnist.npz"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=self.scratch, env=env,
            preexec_fn=_demote(self.user, self.memory_mb))
        try:
            header, _ = self._receive(self.startup_timeout_s)
        except TimeoutError:
            self.stop()
            self.start_error = (f"your notebook's cells did not finish within {self.startup_timeout_s:g} s in all; "
                                "is there a loop that never ends?")
            return self
        except StudentProcessDied as e:
            self.stop()
            self.start_error = f"running your notebook's cells failed: {e}"
            return self
        if not header.get("ready"):
            self.start_error = f"your notebook could not be read: {header.get('error')}"
            self.stop()
        self.notes, self.defined = header.get("notes", []), header.get("defined", [])
        return self

    def stop(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            self.proc = None
        if getattr(self, "scratch", None):
            shutil.rmtree(self.scratch, ignore_errors=True)

    def restart(self):
        self.stop()
        return self.start()

    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # -- calls ------------------------------------------------------------------------------
    def _receive(self, timeout_s):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout_s)
        if not ready:
            raise TimeoutError(f"took longer than {timeout_s:g} s")
        try:
            return protocol.receive(self.proc.stdout)
        except (EOFError, ValueError, OSError):  # it died, or wrote something that is no message
            garbled = self.proc.poll() is None
            try:
                os.killpg(self.proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            code = self.proc.returncode
            why = ("it wrote something that is not a reply" if garbled
                   else "killed: out of memory?" if code in (-9, 137) else f"exit code {code}")
            raise StudentProcessDied(f"the process running your code stopped ({why})") from None

    def call(self, header, arrays=(), timeout_s=30):
        """Send a request; return the decoded value or raise RemoteError / TimeoutError."""
        if not self.alive:
            raise StudentProcessDied("the process running your code is not running")
        try:
            protocol.send(self.proc.stdin, header, arrays)
        except (BrokenPipeError, OSError):
            raise StudentProcessDied("the process running your code stopped") from None
        reply, out = self._receive(timeout_s)
        if not reply.get("ok"):
            raise RemoteError(reply.get("error", "unknown error"))
        return protocol.decode(reply["value"], out)

    def new_id(self):
        self._next_id += 1
        return self._next_id


class RemoteFunction:
    """Stands for the student's `relu`."""

    def __init__(self, process, timeout_s):
        self.process, self.timeout_s, self.__name__ = process, timeout_s, "relu"

    def __call__(self, z):
        import numpy as np
        return self.process.call({"op": "relu", "scalar": np.ndim(z) == 0 and not isinstance(z, np.ndarray)},
                                 [np.asarray(z)], self.timeout_s)


class RemoteClass:
    """Stands for the student's `NeuralNetMLP_ReLU`; instances are RemoteModel."""

    __name__ = "NeuralNetMLP_ReLU"

    def __init__(self, process, timeout_s):
        self.process, self.timeout_s = process, timeout_s

    def __call__(self, *args):
        model_id = self.process.new_id()
        self.process.call({"op": "new", "id": model_id, "args": list(args)}, (), self.timeout_s)
        return RemoteModel(self.process, model_id, self.timeout_s)


class RemoteModel:
    PARAMS = ("weight_h", "bias_h", "weight_out", "bias_out")

    def __init__(self, process, model_id, timeout_s):
        object.__setattr__(self, "_p", (process, model_id, timeout_s))

    def __setattr__(self, name, value):
        process, model_id, timeout_s = self._p
        process.call({"op": "set", "id": model_id, "name": name}, [value], timeout_s)

    def __getattr__(self, name):
        if name not in self.PARAMS:
            raise AttributeError(name)
        process, model_id, timeout_s = self._p
        return process.call({"op": "get", "id": model_id, "name": name}, (), timeout_s)

    def forward(self, x):
        process, model_id, timeout_s = self._p
        return process.call({"op": "forward", "id": model_id}, [x], timeout_s)

    def backward(self, x, a_h, a_out, y):
        process, model_id, timeout_s = self._p
        return process.call({"op": "backward", "id": model_id}, [x, a_h, a_out, y], timeout_s)

    def train_epoch(self, order, learning_rate, minibatch_size, timeout_s):
        process, model_id, _ = self._p
        return process.call({"op": "train_epoch", "id": model_id, "learning_rate": learning_rate,
                             "minibatch_size": minibatch_size}, [order], timeout_s)

    def predict_test(self, timeout_s):
        process, model_id, _ = self._p
        return process.call({"op": "predict", "id": model_id}, (), timeout_s)
