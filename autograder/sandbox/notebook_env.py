"""What a notebook finds in the sandbox that Jupyter would give it: `get_ipython()` for the magics
the grader left in (IPython's own transformer turned them into calls), `display`, a stand-in for
`otter` (grader.check does nothing here) and output that costs nothing (no one reads it here).
Shipped into the sandbox beside worker.py.
"""

import builtins
import os
import sys
import types

OUTPUT_CAP = 2000

# Magics that change nothing the grade depends on, or that the grader cannot honour here
# (no network, no shell): the cell goes on as if they had run.
QUIET_MAGICS = {
    "matplotlib",
    "config",
    "load_ext",
    "reload_ext",
    "unload_ext",
    "autoreload",
    "aimport",
    "precision",
    "who",
    "whos",
    "who_ls",
    "lsmagic",
    "pinfo",
    "pinfo2",
    "psearch",
    "history",
    "xmode",
    "colors",
    "notebook",
    "pprint",
    "magic",
    "alias_magic",
    "automagic",
    "doctest_mode",
    "store",
    "bookmark",
    "dhist",
    "pwd",
    "ls",
    "page",
    "pdef",
    "pdoc",
    "psource",
    "pfile",
    "reset",
    "reset_selective",
    "tb",
    "debug",
    "pdb",
    "recall",
    "rerun",
    "save",
    "logstart",
    "logstop",
    "logon",
    "logoff",
    "logstate",
    "killbgscripts",
    "qtconsole",
    "connect_info",
    "edit",
    "gui",
    "load",
    "macro",
    "paste",
    "cpaste",
}
NOT_RUN_MAGICS = {
    "pip",
    "conda",
    "mamba",
    "micromamba",
    "uv",
    "sx",
    "system",
    "sc",
    "bash",
    "sh",
    "script",
    "perl",
    "ruby",
    "python",
    "python2",
    "python3",
    "pypy",
    "sql",
    "html",
    "HTML",
    "javascript",
    "js",
    "latex",
    "markdown",
    "svg",
    "writefile_a",
}


class CappedOutput:
    """stdout/stderr for student code: keeps the first OUTPUT_CAP characters, counts the rest."""

    def __init__(self):
        self.kept, self.size, self.dropped = [], 0, 0

    def write(self, s):
        s = str(s)
        room = OUTPUT_CAP - self.size
        if room > 0:
            self.kept.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(len(s) - max(room, 0), 0)
        return len(s)

    @property
    def full(self):
        return self.size >= OUTPUT_CAP

    def flush(self):
        pass

    def isatty(self):
        return False

    def text(self):
        return "".join(self.kept)


_real_print = builtins.print


def quiet_print(*args, sep=" ", end="\n", file=None, flush=False):
    """print that does not even format its arguments when they would go to the notebook's output,
    which no one reads here: a forward that prints its arrays at every call, or a cell that prints
    200,000 numbers, costs nothing. Printing to a file, or to a redirected sys.stdout, works."""
    target = sys.stdout if file is None else file
    if isinstance(target, CappedOutput):
        target.dropped += 1
        return
    _real_print(*args, sep=sep, end=end, file=target, flush=flush)


def otter_module():
    """`import otter` in the notebook gets this: grader.check, export and the rest do nothing."""
    module = types.ModuleType("otter")
    module.__doc__ = "stand-in for Otter inside the autograder's sandbox"

    class Notebook:
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    module.Notebook = Notebook
    module.__getattr__ = lambda name: Notebook
    return module


class CapturedOutput:
    """What `%%capture name` binds: the cell's output is not kept here."""

    stdout = stderr = ""
    outputs = []

    def show(self):
        pass

    __call__ = show


class Shell:
    """get_ipython() for the magics that IPython's transformer left as calls."""

    def __init__(self, namespace, notes):
        self.user_ns, self.notes = namespace, notes

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def run_line_magic(self, name, line, _stack_depth=1):
        if name in ("time", "prun", "timeit"):  # the grader splices these in; kept for get_ipython() calls
            code = compile(line, "<magic>", "exec")
            exec(code, self.user_ns, None if name != "timeit" else {})
            return None
        if name == "env":
            key, _, value = line.replace("=", " ", 1).partition(" ")
            if value.strip():
                os.environ[key.strip()] = value.strip()
            return os.environ.get(key.strip()) if key.strip() else dict(os.environ)
        if name == "cd":
            try:
                os.chdir(os.path.expanduser(line.strip() or "~"))
            except OSError as e:
                self.note(f"%cd {line.strip()}: {e}")
            return None
        if name == "pylab":  # what IPython's import_pylab runs (deprecated, still in old course notebooks)
            names = "import numpy, matplotlib\nfrom matplotlib import pylab, mlab, pyplot\nnp, plt = numpy, pyplot\n"
            if "--no-import-all" not in line:
                names += "from matplotlib.pylab import *\nfrom numpy import *\n"
            exec(names, self.user_ns)
            return None
        if name == "run":
            args = line.split()
            path = next((a for a in args if not a.startswith("-")), None)
            if path:
                ns = self.user_ns if "-i" in args else {"__name__": "__main__"}
                with open(path) as f:
                    exec(compile(f.read(), path, "exec"), ns)
                if ns is not self.user_ns:
                    self.user_ns.update({k: v for k, v in ns.items() if not k.startswith("__")})
            return None
        return self._skip(name, line)

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "prun", "capture"):
            if name == "capture" and line.split():
                self.user_ns[line.split()[-1]] = CapturedOutput()
            exec(compile(cell, "<cell magic>", "exec"), self.user_ns)
            return None
        if name == "timeit":
            exec(compile(cell, "<cell magic>", "exec"), self.user_ns, {})
            return None
        if name in ("writefile", "file"):  # %%file: its older name
            args = line.split()
            path = next((a for a in args if not a.startswith("-")), None)
            if path:
                with open(path, "a" if ("-a" in args or "--append" in args) else "w") as f:
                    f.write(cell)
            return None
        return self._skip(name, line)

    def _skip(self, name, line):
        if name in NOT_RUN_MAGICS:
            self.note(
                f"%{name} {line}".strip()[:80] + ": not run by the autograder (no shell or network "
                "here; numpy, scipy, scikit-learn and matplotlib are installed)."
            )
        elif name not in QUIET_MAGICS:
            self.note(f"%{name}: a magic the autograder does not run; the rest of the cell was run.")
        return None

    def system(self, cmd):
        self.note(f"!{cmd}"[:80] + ": shell commands are not run by the autograder.")

    def getoutput(self, cmd, split=True):
        self.system(cmd)
        return [] if split else ""

    def __getattr__(self, name):  # get_ipython().kernel, .display_formatter, ...: harmless stand-ins
        return lambda *args, **kwargs: None


def main_namespace():
    """The namespace of a new `__main__` module, as IPython's: `sys.modules[__name__]`, pickle and
    `getattr(sys.modules["__main__"], name)` find the notebook's definitions there."""
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module
    return module.__dict__


def install(namespace, notes):
    """Make the notebook's namespace look like a Jupyter kernel's, enough to run its cells."""
    shell = Shell(namespace, notes)
    builtins.get_ipython = lambda: shell
    builtins.display = lambda *args, **kwargs: None
    builtins.print = quiet_print
    sys.modules["otter"] = otter_module()
    namespace.update({"__name__": "__main__", "__builtins__": builtins, "In": [], "Out": {}})
    return shell
