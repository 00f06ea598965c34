"""Limits on the student's processes as a whole: resident memory and the number of processes.

Resident memory, not address space: OpenBLAS's buffers and scikit-learn's imports reserve far more
than they use. Where the grader may create cgroups (v1 or v2, e.g. as root), the sandbox gets its
own: memory (the kernel enforces it) and pids (a fork bomb stops at max_processes). Elsewhere a
thread polls the processes' proportional set size (shared pages counted once, so a forked check is
not charged again for the notebook's data) and kills the largest past the limit, and the process
count falls back to RLIMIT_NPROC (isolation.py). Either way the worker has asked the kernel to kill
the student's processes first if the whole container runs out of memory.
"""

import os
import signal
import threading
import time
from pathlib import Path

POLL_S = 0.05
ROOT = Path("/sys/fs/cgroup")


def children(pid):
    """Direct children of pid."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    kids = []
    for tid in tasks:
        try:
            kids += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            pass
    return kids


def descendants(pid):
    found, todo = [], [pid]
    while todo:
        for c in children(todo.pop()):
            found.append(c)
            todo.append(c)
    return found


def pss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def inner_pid(host_pid):
    """The pid a process has in its own PID namespace (the last field of NSpid)."""
    try:
        for line in Path(f"/proc/{host_pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return None


def _own_cgroups():
    """{controller or "": path of this process's cgroup} from /proc/self/cgroup."""
    found = {}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, rel = line.split(":", 2)
            for c in controllers.split(",") if controllers else [""]:
                found[c] = rel.lstrip("/")
    except OSError:
        pass
    return found


def _write(path, value):
    try:
        path.write_text(value)
        return True
    except OSError:
        return False


class Cgroups:
    """The sandbox's own cgroups under the grader's: {controller: folder}, each with its limit set."""

    def __init__(self, memory_mb, max_processes):
        self.folders, self.v2 = {}, False
        own, name = _own_cgroups(), f"mlp-sandbox-{os.getpid()}-{time.monotonic_ns()}"
        if "memory" in own or "pids" in own:  # v1: a hierarchy per controller
            for controller, files in (
                ("memory", {"memory.limit_in_bytes": memory_mb << 20}),
                ("pids", {"pids.max": max_processes}),
            ):
                folder = ROOT / controller / own.get(controller, "") / name
                if controller in own and self._make(folder, files):
                    self.folders[controller] = folder
                    if controller == "memory":
                        _write(folder / "memory.memsw.limit_in_bytes", str(memory_mb << 20))
        elif "" in own:  # v2: one folder, if the parent delegates the controllers
            parent = ROOT / own[""]
            try:
                delegated = (parent / "cgroup.subtree_control").read_text().split()
            except OSError:
                delegated = []
            files = {"memory.max": memory_mb << 20} if "memory" in delegated else {}
            if "pids" in delegated:
                files["pids.max"] = max_processes
            if files and self._make(parent / name, files):
                self.v2 = True
                for controller in ("memory", "pids"):
                    if f"{controller}.max" in files:
                        self.folders[controller] = parent / name
                _write(parent / name / "memory.swap.max", "0")

    @staticmethod
    def _make(folder, files):
        try:
            folder.mkdir()
        except OSError:
            return False
        if all(_write(folder / key, str(value)) for key, value in files.items()):
            return True
        folder.rmdir()
        return False

    def join(self):
        """In the sandbox's first process, before it execs: its descendants follow."""
        for folder in set(self.folders.values()):
            _write(folder / "cgroup.procs", str(os.getpid()))

    def oom_kills(self):
        folder = self.folders.get("memory")
        if folder is None:
            return 0
        try:
            text = (folder / ("memory.events" if self.v2 else "memory.oom_control")).read_text().split()
            return int(text[text.index("oom_kill") + 1])
        except (OSError, ValueError, IndexError):
            return 0

    def remove(self):
        for folder in set(self.folders.values()):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)


class Guard:
    """Keeps the sandbox within its limits: cgroups where possible, else polling (memory) and
    RLIMIT_NPROC (processes, isolation.py). `kills()` grows each time a process is killed for memory."""

    def __init__(self, memory_mb, max_processes):
        self.limit_mb, self.killed = memory_mb, set()
        self.cgroups = Cgroups(memory_mb, max_processes)
        self.root_pid, self.stopping = None, threading.Event()

    @property
    def kind(self):
        return "cgroup" if "memory" in self.cgroups.folders else "polling"

    @property
    def limits_processes(self):
        return "pids" in self.cgroups.folders

    def preexec(self):
        self.cgroups.join()

    def start(self, root_pid):
        self.root_pid = root_pid
        if "memory" not in self.cgroups.folders:
            threading.Thread(target=self._poll, daemon=True, name="memory-guard").start()

    def _poll(self):
        while not self.stopping.wait(POLL_S):
            sizes = {pid: pss_mb(pid) for pid in descendants(self.root_pid)}
            if sum(sizes.values()) > self.limit_mb and sizes:
                victim = max(sizes, key=sizes.get)
                self.killed.add(victim)
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def kills(self):
        return self.cgroups.oom_kills() + len(self.killed)

    def stop(self):
        self.stopping.set()
        self.cgroups.remove()
