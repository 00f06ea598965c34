"""A submission's code cells, as IPython would run them.

Cells that are not plain Python go through IPython's own input transformer (`TransformerManager`),
so line and cell magics, `!shell` lines and `x?` become the calls IPython makes, and a `%` that is
an operator stays one. Magics that only time or capture their code (`%time`, `%%time`, `%%capture`,
`%prun`) are replaced by that code, so that it runs and defines what it defines; the rest stay calls
to the sandbox's `get_ipython()` (sandbox/notebook_env.py). The kernelspec, language metadata,
outputs and tags of a notebook do not matter.
"""

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

RUNS_ITS_BODY = {"time", "prun", "capture"}  # cell magics whose body runs as the cell


class NotANotebook(ValueError):
    """The file cannot be read as a notebook; the message says what to upload instead."""


@dataclass
class Cell:
    number: int  # position in the notebook, counting every cell from 1, as students count them
    source: str
    code: str = ""  # Python to run
    tree: ast.Module = None  # None: the cell cannot be parsed
    error: str = ""
    magics: list = field(default_factory=list)  # [(kind, name)] of get_ipython() calls left in the code

    @property
    def label(self):
        """How a student finds the cell (Jupyter shows no numbers): its number and its first line."""
        lines = (line.strip() for line in self.source.splitlines())
        first = next((line for line in lines if line and not line.startswith("#")), "")
        if not first:
            return f"Cell {self.number}"
        return f"Cell {self.number} (`{first[:40]}{'…' if len(first) > 40 else ''}`)"


def read(path):
    """The code cells of a notebook file, in order."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8-sig", errors="replace"))  # -sig: a BOM, as Notepad writes
    except (ValueError, RecursionError) as e:
        why = "it is nested too deeply" if isinstance(e, RecursionError) else e
        raise NotANotebook(
            f"{Path(path).name} is not a Jupyter notebook: it is not valid JSON ({why}). "
            "Was it truncated, or saved by another program?"
        ) from None
    if not isinstance(nb, dict):
        raise NotANotebook(f"{Path(path).name} is JSON but not a Jupyter notebook.")
    raw = nb.get("cells")
    if raw is None and isinstance(nb.get("worksheets"), list):  # nbformat 3
        raw = [dict(c, source=c.get("input", "")) for ws in nb["worksheets"] for c in ws.get("cells", [])]
    if not isinstance(raw, list):
        raise NotANotebook(f"{Path(path).name} is JSON but not a Jupyter notebook (it has no cells).")
    cells = []
    for i, c in enumerate(raw):
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            continue
        source = c.get("source", "")
        source = "".join(map(str, source)) if isinstance(source, list) else str(source)
        cells.append(parse(Cell(i + 1, source)))
    return cells


# Deeper syntax trees (real code nests a few dozen levels) would take the grader's own recursive
# walks over them past Python's recursion limit: such a cell is reported and not run.
MAX_DEPTH = 200


def parse(cell):
    try:
        try:
            cell.tree = ast.parse(cell.source)
            cell.code = cell.source
        except (SyntaxError, ValueError):
            cell.code = ipython_code(cell.source)
            cell.tree = Splice(cell).visit(ast.parse(cell.code))
            ast.fix_missing_locations(cell.tree)
            cell.code = ast.unparse(cell.tree)
        if depth(cell.tree) > MAX_DEPTH:
            raise RecursionError
    except (SyntaxError, ValueError) as e:
        cell.tree, cell.code = None, ""
        line = getattr(e, "lineno", None)
        cell.error = f"a syntax error{f' (line {line}: {e.msg})' if line else ''}"
    except (RecursionError, MemoryError):  # what CPython's parser raises for such trees, too
        cell.tree, cell.code = None, ""
        cell.error = f"code nested more than {MAX_DEPTH} levels deep, more than the autograder reads"
    return cell


def depth(tree):
    """The depth of a syntax tree, without recursion."""
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, d = todo.pop()
        deepest = max(deepest, d)
        todo.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


_transformer = None


def ipython_code(source):
    global _transformer
    if _transformer is None:  # imported only for notebooks that need it: it takes a tenth of a second
        from IPython.core.inputtransformer2 import TransformerManager

        _transformer = TransformerManager()
    return _transformer.transform_cell(source)


def magic_call(node):
    """(kind, name, line, body) of a get_ipython().run_line_magic/run_cell_magic/system call, else None."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "get_ipython"
    ):
        return None
    args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
    kind = node.func.attr
    if kind == "run_line_magic" and len(args) >= 2:
        return kind, args[0], args[1], None
    if kind == "run_cell_magic" and len(args) >= 3:
        return kind, args[0], args[1], args[2]
    return kind, None, args[0] if args else None, None


class Splice(ast.NodeTransformer):
    """%time/%prun: the timed code itself; %%time, %%prun, %%capture: the cell's body itself."""

    def __init__(self, cell):
        self.cell = cell

    def visit_Expr(self, node):
        found = magic_call(node.value)
        if found is None:
            return self.generic_visit(node)
        kind, name, line, body = found
        try:
            if kind == "run_line_magic" and name in ("time", "prun") and line is not None:
                return [self.visit(n) for n in ast.parse(line).body]
            if kind == "run_cell_magic" and name in RUNS_ITS_BODY and body is not None:
                inner = parse(Cell(self.cell.number, body))
                if inner.tree is None:
                    return node
                self.cell.magics += inner.magics
                stmts = list(inner.tree.body)
                target = line.split()[-1] if name == "capture" and line and line.split() else None
                if target and target.isidentifier():
                    stmts.insert(0, ast.parse(f"{target} = __import__('notebook_env').CapturedOutput()").body[0])
                return stmts
        except SyntaxError:
            pass
        self.cell.magics.append((kind, name))
        return node

    def visit_Call(self, node):
        found = magic_call(node)
        if found is None:
            return self.generic_visit(node)
        kind, name, line, _ = found
        if kind == "run_line_magic" and name in ("time", "prun") and line is not None:
            try:
                return self.visit(ast.parse(line, mode="eval").body)
            except SyntaxError:
                pass
        self.cell.magics.append((kind, name))
        return node
