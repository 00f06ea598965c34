"""How the student's process is started: the strongest isolation this machine allows.

- bubblewrap: its own PID, network, IPC and mount namespaces; a read-only view of the system, this
  Python and nothing else (not the autograder, the reference, the results or the zip); a private
  /tmp; the working folder of its own. As root, the code then runs as `nobody` (setpriv), with no
  capabilities. When the grader ends, everything in the PID namespace ends with it.
- nobody: where namespaces are not allowed (a container without the capability), as root: a
  separate user that cannot read the grader's files, with a process limit; every process of that
  user is killed at the end.
- none: not root and neither of the above: the student's code runs as this user. Said once on
  stderr. Never as root: there the autograder fails closed (errors.NotIsolated).
"""

import os
import pwd
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import NotIsolated

SANDBOX_USER = "nobody"
FOLDER_MB = 64  # the sandbox's working folder and /tmp, and any one file it writes
INSIDE = "/sandbox"  # the working folder as the student's code sees it under bubblewrap


def python_roots():
    """Folders this Python needs: its installation, its virtual environment, its site-packages."""
    roots = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    roots.add(Path(sys.executable).resolve().parent.parent)
    roots |= {Path(p).resolve() for p in sys.path if p and Path(p).is_dir() and "site-packages" in p}
    system = [Path(p) for p in ("/usr", "/bin", "/lib", "/lib64", "/sbin")]
    keep = sorted(r for r in roots if not any(r == s or s in r.parents for s in system))
    return [r for r in keep if not any(p in r.parents for p in keep)]  # outermost only


def sandbox_env(home, tmp, blas_threads, mnist):
    threads = str(blas_threads)
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{tmp}/matplotlib",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": threads,
        "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
        "MNIST_PATH": str(mnist),
    }


class Method:
    """One way to start the sandbox: `argv` and `env` to run the worker, `preexec` in the child."""

    name = "?"
    sandboxed = True

    def __init__(self, scratch, mnist, blas_threads, max_processes, memory_mb):
        self.scratch, self.mnist, self.blas_threads, self.max_processes = scratch, mnist, blas_threads, max_processes
        self.memory_mb = memory_mb

    def prepare(self):
        """Copy or link what the worker needs into the scratch folder."""

    def preexec_limits(self, count_processes=True):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # Not the limit (limits.py limits resident memory): a ceiling on what one process may reserve,
        # far above what correct code uses, so that np.ones((30000, 30000)) is a MemoryError in its cell
        # rather than a process killed with the cell's other definitions.
        data = (4 * self.memory_mb) << 20
        resource.setrlimit(resource.RLIMIT_DATA, (data, data))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FOLDER_MB << 20, FOLDER_MB << 20))


class Bubblewrap(Method):
    name = "bubblewrap"

    @staticmethod
    def available():
        return shutil.which("bwrap") is not None and (os.geteuid() != 0 or shutil.which("setpriv") is not None)

    def argv(self, control_fd):
        root = os.geteuid() == 0
        args = [
            "bwrap",
            "--die-with-parent",
            "--new-session",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname",
            "sandbox",
        ]
        if not root:
            args.append("--unshare-user")
        args += ["--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                args += ["--ro-bind", top, top]
        for etc in (
            "/etc/ld.so.cache",
            "/etc/alternatives",
            "/etc/localtime",
            "/etc/passwd",
            "/etc/group",
            "/etc/nsswitch.conf",
            "/etc/fonts",
            "/etc/ssl",
        ):
            args += ["--ro-bind-try", etc, etc]
        # a private /tmp first: a Python (a venv) that lives under /tmp is bound on top of it
        args += ["--perms", "1777", "--tmpfs", "/tmp"]
        made = set()
        for path in python_roots():
            for parent in reversed(path.parents[:-1]):  # bwrap would make them 0700: nobody could pass
                if parent not in made and str(parent) not in ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/tmp"):
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            args += ["--ro-bind", str(path), str(path)]
        args += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--bind",
            str(self.scratch),
            INSIDE,
            "--ro-bind",
            str(self.mnist),
            f"{INSIDE}/mnist.npz",
            "--chdir",
            INSIDE,
            "--clearenv",
        ]
        for key, value in self.env().items():
            args += ["--setenv", key, value]
        args += ["--cap-drop", "ALL"]
        if root:  # only to become nobody; setpriv drops them for good
            args += [
                "--cap-add",
                "CAP_SETUID",
                "--cap-add",
                "CAP_SETGID",
                "--",
                "setpriv",
                f"--reuid={user().pw_uid}",
                f"--regid={user().pw_gid}",
                "--clear-groups",
                "--inh-caps=-all",
                "--no-new-privs",
            ]
        return args + ["--", sys.executable, "-I", f"{INSIDE}/worker.py", str(control_fd)]

    def env(self):
        return sandbox_env(INSIDE, "/tmp", self.blas_threads, f"{INSIDE}/mnist.npz")

    def prepare(self):
        if os.geteuid() == 0:  # nobody's folder; bwrap, root without capabilities, only enters it
            for path in [self.scratch, *self.scratch.rglob("*")]:
                os.chown(path, user().pw_uid, user().pw_gid)
            os.chmod(self.scratch, 0o711)

    def preexec_limits(self, count_processes=True):
        super().preexec_limits()
        if os.geteuid() == 0 and count_processes:  # no pids cgroup: count nobody's processes (all of them)
            resource.setrlimit(resource.RLIMIT_NPROC, (self.max_processes, self.max_processes))


class Nobody(Method):
    name = "nobody"

    @staticmethod
    def available():
        if os.geteuid() != 0:
            return False
        try:
            pw = user()
            probe = subprocess.run(
                [sys.executable, "-I", "-c", "import numpy"],
                cwd="/",
                capture_output=True,
                timeout=60,
                preexec_fn=lambda: become(pw),
            )
        except (KeyError, OSError, subprocess.SubprocessError):
            return False
        return probe.returncode == 0

    def argv(self, control_fd):
        return [sys.executable, "-I", str(self.scratch / "worker.py"), str(control_fd)]

    def env(self):
        return sandbox_env(self.scratch, self.scratch / "tmp", self.blas_threads, self.scratch / "mnist.npz")

    def prepare(self):
        shutil.copy(self.mnist, self.scratch / "mnist.npz")  # the grader's copy is not readable by nobody
        (self.scratch / "tmp").mkdir()
        pw = user()
        for path in [self.scratch, *self.scratch.rglob("*")]:
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def preexec_limits(self, count_processes=True):
        super().preexec_limits()
        if count_processes:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.max_processes, self.max_processes))
        become(user())


class Unsandboxed(Nobody):
    name = "none"
    sandboxed = False
    warned = False

    @staticmethod
    def available():
        return os.geteuid() != 0

    def prepare(self):
        os.symlink(self.mnist, self.scratch / "mnist.npz")
        (self.scratch / "tmp").mkdir()
        if not Unsandboxed.warned:
            Unsandboxed.warned = True
            print(
                "autograder: neither bubblewrap nor a separate user is available here, so the student's code "
                "runs unsandboxed, as you, and can read and write what you can.",
                file=sys.stderr,
            )

    def preexec_limits(self, count_processes=True):
        Method.preexec_limits(self)


METHODS = {"bubblewrap": Bubblewrap, "nobody": Nobody}


def user():
    return pwd.getpwnam(SANDBOX_USER)


def become(pw):
    os.setgroups([])
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)


def candidates(allowed):
    """The methods to try, in order, each checked only when the one before has failed: those
    grading.yml allows that this machine has, then (never as root) running unsandboxed. Raises
    NotIsolated when none is left."""
    for name in allowed:
        if METHODS[name].available():
            yield METHODS[name]
    if Unsandboxed.available():
        yield Unsandboxed
    raise NotIsolated(
        f"none of the isolation methods {', '.join(allowed)} works on this machine: "
        + "; ".join(f"{name}: {why_not(name)}" for name in allowed)
    )


def why_not(name):
    if name == "bubblewrap":
        return "bwrap not found" if shutil.which("bwrap") is None else "setpriv not found"
    return f"user {SANDBOX_USER} cannot run {sys.executable} (its folders are not readable by others?)"


def kill_user_processes():
    """End every process of the sandbox user (double forks included): as that user, kill(-1)."""
    pid = os.fork()
    if pid == 0:
        try:
            become(user())
            os.kill(-1, 9)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
