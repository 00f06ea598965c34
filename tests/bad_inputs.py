"""Submissions that are not what the autograder expects: broken files, hangs, memory bombs,
floods of output, tampering. Each: how to make it, the score it must get (its honest code's
score: `score`, or at most `at_most`), and a text its feedback must contain."""
import json
import zipfile
from dataclasses import dataclass

import nbformat

from tests.submissions import A_H, RELU


@dataclass
class Bad:
    name: str
    filename: str
    make: object            # (solution, student) -> bytes
    message: str            # must appear in what the student sees
    score: float = None     # exactly this total, or
    at_most: float = None   # at most this total


def nb_bytes(nb):
    return nbformat.writes(nb).encode()


def with_cell(nb, source, before=None):
    nb = nbformat.from_dict(nb)
    index = len(nb.cells) if before is None else next(i for i, c in enumerate(nb.cells) if before in c.source)
    nb.cells.insert(index, nbformat.v4.new_code_cell(source))
    return nb


def replaced(nb, old, new):
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        cell.source = cell.source.replace(old, new)
    return nb


def graded_code(nb):
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code"
                       and "otter_ignore" not in c.metadata.get("tags", []))


def a_zip(entries):
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


TAMPER = """\
import builtins, numpy as np, numpy.testing, random
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
numpy.testing.assert_allclose = lambda *a, **k: None
np.random.seed = lambda *a, **k: None
random.seed = lambda *a, **k: None
builtins.abs = lambda x: 0
builtins.sum = lambda *a, **k: 0
builtins.print = lambda *a, **k: None
try:
    import otter.execute
    otter.execute.Checker.check = lambda *a, **k: None
except Exception:
    pass
check_case = lambda *a, **k: None
grader = None
"""

WRITES = """\
import os
for path in ["tests/relu.py", "../tests/relu.py", "grading.yml", "../grading.yml", "results.json",
             "../results/results.json"]:
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as f:
            f.write("name = 'relu'\\npoints = 100\\n")
    except OSError:
        pass
"""

BAD = [
    Bad("not_json", "mlp_relu.ipynb", lambda s, t: b"{ this is not json", "not valid JSON", score=0),
    Bad("json_not_notebook", "mlp_relu.ipynb", lambda s, t: json.dumps({"answer": 42}).encode(),
        "not a Jupyter notebook", score=0),
    Bad("empty_notebook", "mlp_relu.ipynb", lambda s, t: nb_bytes(nbformat.v4.new_notebook()),
        "`relu` is not defined", score=0),
    Bad("python_file", "mlp_relu.py", lambda s, t: graded_code(s).encode(), "a Python file; the autograder grades the notebook",
        score=0),
    Bad("zip_without_notebook", "submission.zip", lambda s, t: a_zip({"notes.txt": "hello"}),
        "No notebook (.ipynb) was found", score=0),
    Bad("syntax_error_in_relu", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(replaced(s, RELU, "    return np.maximum(z, 0")), "syntax error", score=4),
    Bad("cell_raises", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(with_cell(s, "raise RuntimeError('boom')", before="def relu")),
        "raised RuntimeError: boom", score=20),
    Bad("missing_class", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(replaced(s, "class NeuralNetMLP_ReLU:", "class SomethingElse:")),
        "`NeuralNetMLP_ReLU` is not defined", score=3),
    Bad("different_constructor", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(replaced(s, "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
                                       "def __init__(self, sizes, random_seed=123):")),
        "positional argument", at_most=3 + 4),
    Bad("nan_forward", "mlp_relu.ipynb", lambda s, t: nb_bytes(replaced(s, A_H, "        a_h = relu(z_h) * np.nan")),
        "NaN", at_most=7),
    Bad("memory_bomb_cell", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(with_cell(s, "import numpy as np\nhog = np.ones((30000, 30000))\nhog[:] = 2")),
        "ran out of memory", score=20),
    Bad("memory_bomb_relu", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(replaced(s, RELU, "    hog = np.ones((30000, 30000))\n    return np.maximum(z, 0)")),
        "MemoryError", at_most=4),
    Bad("prints_megabytes", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(with_cell(s, "for _ in range(100):\n    print('x' * 100_000)")),
        "only the first", score=20),
    Bad("writes_files", "mlp_relu.ipynb", lambda s, t: nb_bytes(with_cell(s, WRITES, before="def relu")),
        "", score=20),
    Bad("hanging_cell", "mlp_relu.ipynb", lambda s, t: nb_bytes(with_cell(s, "while True:\n    pass", before="def relu")),
        "did not finish within", score=20),
    Bad("hanging_cell_catches_everything", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(with_cell(s, "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass")),
        "did not finish within", at_most=20),
    Bad("hanging_forward", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(replaced(s, A_H, "        while True:\n            pass")),
        "longer than", score=4 + 3),  # backward (given the reference's activations) and relu still count
    Bad("tampering_blank", "mlp_relu.ipynb", lambda s, t: nb_bytes(with_cell(t, TAMPER)), "", score=0),
    Bad("tampering_solution", "mlp_relu.ipynb", lambda s, t: nb_bytes(with_cell(s, TAMPER)), "", score=20),
    Bad("renamed", "my homework (final).ipynb", lambda s, t: nb_bytes(s), "", score=20),
    Bad("graded_names_redefined_later", "mlp_relu.ipynb",
        lambda s, t: nb_bytes(with_cell(s, "relu = lambda z: z\nclass NeuralNetMLP_ReLU:\n    pass")), "", score=20),
]
