"""Which cells to run, and where each graded definition is taken.

What is graded is what the notebook means: the definition of `relu` (or `NeuralNetMLP_ReLU`) in
effect when the notebook, run top to bottom, reaches its `grader.check` cell (the last such cell; the
end of the notebook if there is none). A scratch cell above it that defines a first version, or a
"bonus" cell below it that redefines it, changes nothing.

Only the cells those definitions need are run: the cells that bind or change a name they use, and,
in turn, what those cells use (a backward slice over names, to a fixed point). A cell that trains a
model, sweeps learning rates or draws plots binds nothing the definitions use and is not run; its
time never counts. The rules lean towards running a cell: a star import, `exec`, `globals()`, `%run`,
`%cd`, `!`, `%%writefile`, `%pylab`, a `".py"` file name (a module written with `open`) or a change to
`sys.path` or `os.environ` make a cell always run, and a
cell runs if it assigns an attribute of a needed name, passes one to a function, calls one of its
methods, or calls a function of the notebook that changes one, or if it names a file (a string such
as "config.json") that a cell run names too: the one may write what the other reads.
"""

import ast
import builtins
import re
from dataclasses import dataclass, field

GRADED = {"relu": ("relu",), "NeuralNetMLP_ReLU": ("forward", "backward")}  # name: its grader.check names
# builtins that do not change their arguments: print(x) or len(x) does not need a cell to run for x's sake
PURE_CALLS = {
    "print",
    "len",
    "repr",
    "str",
    "type",
    "isinstance",
    "issubclass",
    "id",
    "hash",
    "sorted",
    "list",
    "tuple",
    "dict",
    "set",
    "frozenset",
    "sum",
    "min",
    "max",
    "abs",
    "round",
    "format",
    "getattr",
    "hasattr",
    "callable",
    "dir",
    "help",
    "display",
    "enumerate",
    "zip",
    "range",
    "iter",
    "bool",
    "int",
    "float",
    "any",
    "all",
    "reversed",
}
DYNAMIC = {"exec", "eval", "globals", "vars", "locals", "__import__", "execfile"}
ENVIRONMENT_MAGICS = {
    "run",
    "cd",
    "env",
    "writefile",
    "file",
    "pylab",
    "load",
    "sx",
    "system",
    "bash",
    "sh",
    "script",
    "pip",
    "conda",
    "aimport",
    "autoreload",
}
# calls that change where imports and files are found: a cell that makes one always runs
ENVIRONMENT_CALLS = {
    ("sys", "path", "append"),
    ("sys", "path", "insert"),
    ("sys", "path", "extend"),
    ("os", "chdir"),
    ("os", "putenv"),
    ("os", "environ", "update"),
    ("os", "environ", "setdefault"),
    ("importlib", "reload"),
    ("site", "addsitedir"),
    ("sys", "modules", "update"),
}


FILE_NAME = re.compile(r"[\w\-./\\]+\.[A-Za-z][A-Za-z0-9]{0,7}")  # "mlp_config.json", "out/w.npy"


@dataclass
class Facts:
    """What one cell does to the notebook's names, as far as its code shows."""

    binds: set = field(default_factory=set)
    uses: set = field(default_factory=set)
    nested_uses: set = field(default_factory=set)  # read inside its functions, classes and lambdas
    changes: set = field(default_factory=set)  # names whose objects it may change
    calls: set = field(default_factory=set)  # notebook functions it calls at the top level
    modules: set = field(default_factory=set)  # names it binds to modules (import)
    always: bool = False  # effects the analysis cannot follow
    files: set = field(default_factory=set)  # string constants that look like file names
    functions: dict = field(default_factory=dict)  # name: globals the function changes
    function_calls: dict = field(default_factory=dict)  # name: names the function calls


def root_name(node):
    """x for x, x.a.b, x[1].c, x.f().g; None otherwise."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def attribute_path(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return tuple(reversed(parts))


def definition_time(node):
    """What a def, class or lambda statement evaluates where it stands, before its body ever runs:
    decorators, base classes, default values and (without `from __future__ import annotations`)
    annotations."""
    out = list(getattr(node, "decorator_list", [])) + list(getattr(node, "bases", []))
    out += [k.value for k in getattr(node, "keywords", [])]
    args = getattr(node, "args", None)
    if args is not None:
        out += args.defaults + [d for d in args.kw_defaults if d is not None]
        every = args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
        out += [a.annotation for a in every if a is not None and a.annotation is not None]
    if getattr(node, "returns", None) is not None:
        out.append(node.returns)
    return out


def target_names(target):
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(target_names(t) for t in target.elts)) if target.elts else set()
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return set()


class Scope(ast.NodeVisitor):
    """Names a function or class body reads from outside, and the globals it changes."""

    def __init__(self, node):
        self.local, self.read, self.calls, self.declared_global = set(), set(), set(), set()
        self.changes, self.methods = set(), set()  # roots stored into; roots whose methods it calls
        args = getattr(node, "args", None)
        if args is not None:
            for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if a is not None:
                    self.local.add(a.arg)
        body = node.body if isinstance(node.body, list) else [node.body]
        for stmt in body:
            self.visit(stmt)
        for n in definition_time(node):  # evaluated outside the body, but read all the same
            self.visit(n)

    def visit_Global(self, node):
        self.declared_global |= set(node.names)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            self.read.add(node.id)
        elif node.id in self.declared_global:
            self.changes.add(node.id)
        else:
            self.local.add(node.id)

    def visit_FunctionDef(self, node):
        self.local.add(node.name)
        inner = Scope(node)
        self.read |= inner.read - inner.local
        self.changes |= inner.changes
        self.methods |= inner.methods
        for n in definition_time(node):  # in this scope: `def f(x=x)` reads this scope's x
            self.visit(n)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        inner = Scope(node)
        self.read |= inner.read - inner.local
        for n in definition_time(node):
            self.visit(n)

    def visit_ClassDef(self, node):
        self.local.add(node.name)
        inner = Scope(node)
        self.read |= inner.read - inner.local
        self.changes |= inner.changes
        self.methods |= inner.methods
        for n in definition_time(node):
            self.visit(n)

    def visit_Import(self, node):
        for alias in node.names:
            self.local.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import

    def _store_root(self, target):
        root = root_name(target)
        if root and isinstance(target, (ast.Attribute, ast.Subscript)):
            self.changes.add(root)

    def visit_Assign(self, node):
        for t in node.targets:
            self._store_root(t)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._store_root(node.target)
        self.generic_visit(node)

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name):
            self.calls.add(node.func.id)
        elif isinstance(node.func, ast.Attribute):
            root = root_name(node.func)
            if root:
                self.methods.add(root)  # obj.update(...): counts if obj is a global but not a module
        self.generic_visit(node)

    def free(self):
        return self.read - self.local

    def global_changes(self):
        free = self.free() | self.declared_global
        return (self.changes & free) | {("method", n) for n in self.methods & free}


def facts(tree, magics=()):
    """Facts of a cell's module-level code. `uses` are the names it needs from other cells: those it
    reads before binding them itself, and those its functions and classes read that it never binds."""
    f = Facts()
    for kind, name in magics:
        if kind in ("system", "getoutput") or name in ENVIRONMENT_MAGICS:
            f.always = True
    for stmt in tree.body:
        _statement(stmt, f)
    first = {}  # name: is its first module-level occurrence a read?
    for name, is_read in _occurrences(tree):
        first.setdefault(name, is_read)
    read_first = {name for name, is_read in first.items() if is_read}
    f.uses = read_first | (f.nested_uses - f.binds)
    return f


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _occurrences(node):
    """(name, is_read) of module-level names in the order Python evaluates them: an assignment's
    value before its targets; inside comprehensions only what they read from outside; not inside
    function, class or lambda bodies (their reads are nested_uses)."""
    if isinstance(node, ast.Name):
        yield node.id, isinstance(node.ctx, ast.Load)
    elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
        if node.value is not None:
            yield from _occurrences(node.value)
        for target in getattr(node, "targets", None) or [node.target]:
            yield from _occurrences(target)
    elif isinstance(node, ast.AugAssign):
        yield from _occurrences(node.value)
        if isinstance(node.target, ast.Name):
            yield node.target.id, True
        else:
            yield from _occurrences(node.target)
    elif isinstance(node, COMPREHENSIONS):
        local = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        yield from _occurrences(node.generators[0].iter)
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in local:
                yield n.id, True
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        for n in definition_time(node):
            yield from _occurrences(n)
        yield node.name, False
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            yield (alias.asname or alias.name).split(".")[0], False
    elif isinstance(node, ast.Lambda):
        for n in definition_time(node):
            yield from _occurrences(n)
    else:
        for child in ast.iter_child_nodes(node):
            yield from _occurrences(child)


def _statement(stmt, f):
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        f.binds.add(stmt.name)
        scope = Scope(stmt)
        f.nested_uses |= scope.free()
        if isinstance(stmt, ast.ClassDef):
            f.nested_uses |= {root_name(b) for b in stmt.bases} - {None}
        f.functions[stmt.name] = scope.global_changes()
        f.function_calls[stmt.name] = scope.calls
        if scope.free() & DYNAMIC:
            f.always = True
        return
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for alias in stmt.names:
            if alias.name == "*":
                f.always = True
                continue
            name = (alias.asname or alias.name).split(".")[0]
            f.binds.add(name)
            f.modules.add(name)
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            f.always = True  # it changes how every later cell compiles, as in IPython
        if isinstance(stmt, ast.ImportFrom) and stmt.module in ("sys", "os"):
            f.always = f.always or any(a.name in ("path", "chdir", "environ", "putenv") for a in stmt.names)
        return
    for node in ast.walk(stmt):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and node is not stmt:
            scope = Scope(node)
            f.nested_uses |= scope.free()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                f.binds.add(node.name)
                f.functions[node.name] = scope.global_changes()
                f.function_calls[node.name] = scope.calls
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                f.uses.add(node.id)
                if node.id in DYNAMIC:
                    f.always = True
            else:
                f.binds.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
            root = root_name(node)
            if root:
                f.changes.add(root)
                if root in ("sys", "os"):  # sys.path[...] = ..., os.environ[...] = ...
                    f.always = True
        elif isinstance(node, ast.Call):
            if attribute_path(node.func) in ENVIRONMENT_CALLS:
                f.always = True
            if isinstance(node.func, ast.Name):
                f.calls.add(node.func.id)
                if node.func.id in ("setattr", "delattr") and node.args:
                    f.changes |= {root_name(node.args[0])} - {None}
            elif isinstance(node.func, ast.Attribute):
                f.changes |= {("method", root_name(node.func))} - {("method", None)}
            if not (isinstance(node.func, ast.Name) and node.func.id in PURE_CALLS):
                f.changes |= {("argument", a.id) for a in node.args if isinstance(a, ast.Name)}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(".py"):
            f.always = True  # it may write a module that a later cell imports
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and FILE_NAME.fullmatch(node.value):
            f.files.add(node.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            _statement(node, f)
        elif isinstance(node, ast.alias):
            pass
        elif isinstance(node, ast.ExceptHandler) and node.name:
            f.binds.add(node.name)
        elif isinstance(node, ast.MatchAs) and node.name:
            f.binds.add(node.name)
        elif isinstance(node, ast.Global):
            f.binds |= set(node.names)
    if isinstance(stmt, ast.Assign):
        for t in stmt.targets:
            f.binds |= target_names(t)


def checked_names(tree):
    """The grader.check("...") names a cell calls."""
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "check"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


@dataclass
class Plan:
    steps: list  # {"cell": n, "code": src, "extra": bool} and {"snapshot": name}, in notebook order
    run: list  # cell numbers that will (or may) run
    skipped: list  # cell numbers not run because nothing graded needs them
    unparsable: list  # (cell label, why)
    binds: dict = field(default_factory=dict)  # cell number: the names it binds

    def binders_skipped(self, names):
        """The names of `names` that a cell not run would bind."""
        return {n for cell in self.skipped for n in self.binds.get(cell, ()) if n in names}

    def message(self, cell_timeout_s, notebook_timeout_s):
        return {"steps": self.steps, "cell_timeout_s": cell_timeout_s, "notebook_timeout_s": notebook_timeout_s}


def plan(cells, graded=GRADED, also=()):
    """The steps that run the cells the graded definitions need and take each definition at its anchor.
    also: names needed besides (those a first run found unbound)."""
    parsed = [c for c in cells if c.tree is not None]
    info = {c.number: facts(c.tree, c.magics) for c in parsed}
    anchors = {}
    for name, checks in graded.items():
        hits = [c.number for c in parsed if checked_names(c.tree) & set(checks)]
        anchors[name] = max(hits) if hits else None
    last_anchor = max((a for a in anchors.values() if a is not None), default=None)
    if any(a is None for a in anchors.values()):
        last_anchor = None  # some definition is taken at the end: every cell may matter
    modules = set().union(*(f.modules for f in info.values())) if info else set()
    changers = {}  # notebook function: globals it changes, through the functions it calls too
    calls = {}
    for f in info.values():
        for fn, changed in f.functions.items():
            changers.setdefault(fn, set()).update(changed)
            calls.setdefault(fn, set()).update(f.function_calls.get(fn, ()))
    for _ in range(len(changers)):
        for fn in changers:
            for callee in calls.get(fn, ()):
                changers[fn] |= changers.get(callee, set())

    def hits(changes, needed):
        for change in changes:
            how, name = change if isinstance(change, tuple) else ("store", change)
            if name in needed and not (how == "method" and name in modules):
                return True
        return False

    def touches(f, needed):
        return (
            bool(f.binds & needed)
            or bool(f.files & files)
            or hits(f.changes, needed)
            or any(hits(changers.get(fn, ()), needed) for fn in f.calls)
        )

    bound = set().union(*(f.binds for f in info.values())) if info else set()
    not_ours = set(dir(builtins)) - bound  # print, super, len...: the notebook does not define them
    needed, include = set(graded) | set(also), set()
    files = set()  # file names the cells run name
    if any(f.always and bool({"exec", "eval", "globals", "vars", "locals"} & f.uses) for f in info.values()):
        include = set(info)  # names reached dynamically: run everything
    changed = True
    while changed:
        changed = False
        for number, f in info.items():
            if number in include or not (f.always or touches(f, needed)):
                continue
            include.add(number)
            needed |= f.uses - not_ours
            files |= f.files
            changed = True
    steps = []
    snapshots_after = {}
    for name, anchor in anchors.items():
        snapshots_after.setdefault(anchor, []).append(name)
    for c in cells:
        if c.number in include:
            steps.append(
                {
                    "cell": c.number,
                    "label": c.label,
                    "code": c.code,
                    "extra": last_anchor is not None and c.number > last_anchor,
                }
            )
        for name in snapshots_after.get(c.number, []):
            steps.append({"snapshot": name})
    steps += [{"snapshot": name} for name in snapshots_after.get(None, [])]
    return Plan(
        steps=steps,
        run=sorted(include),
        skipped=sorted(set(info) - include),
        unparsable=[(c.label, c.error) for c in cells if c.tree is None],
        binds={n: f.binds for n, f in info.items()},
    )
