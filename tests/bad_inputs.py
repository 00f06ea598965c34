"""Submissions that are not what the autograder expects: broken files, hangs, memory bombs, floods of
output, tampering, and attacks on the sandbox. Each: how to make it (bytes of the uploaded file), the
score it must get (its honest code's score: `score`, or at most `at_most`), and a text the student's
feedback must contain."""

import io
import json
import zipfile
from dataclasses import dataclass

import nbformat

from tests.notebook_edits import apply
from tests.submissions import A_H, CLASS, IMPORTS, RELU

SOLUTION, STUDENT = "solution", "student"


@dataclass
class Bad:
    name: str
    filename: str
    make: object  # (solution, student) -> bytes
    message: str  # must appear in what the student sees
    score: float = None  # exactly this total, or
    at_most: float = None  # at most this total


def nb_bytes(nb):
    return nbformat.writes(nb).encode()


def edited(start, *edits):
    return lambda s, t: nb_bytes(apply(s if start == SOLUTION else t, list(edits)))


def a_zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def graded_code(nb):
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code")


TAMPER = """\
import builtins, numpy as np, numpy.testing, random
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
numpy.testing.assert_allclose = lambda *a, **k: None
np.random.seed = lambda *a, **k: None
random.seed = lambda *a, **k: None
builtins.abs = lambda x: 0
builtins.print = lambda *a, **k: None
check_case = lambda *a, **k: None
grader = None
"""

# looks everywhere the autograder's files could be, and runs the reference if it finds it
STEAL_REFERENCE = """\
import glob, os
for path in (glob.glob("/autograder/**/mlp.py", recursive=True) + glob.glob("/work/**/reference/mlp.py", recursive=True)
             + glob.glob("/tmp/**/reference/mlp.py", recursive=True) + glob.glob("../**/mlp.py", recursive=True)):
    try:
        source = open(path).read()
        exec(source.replace("from mnist_data import to_float", ""), globals())
        break
    except Exception:
        pass
"""

WRITE_RESULTS = """\
import glob, json, os
fake = json.dumps({"score": 20, "tests": [{"name": n, "score": s, "max_score": s} for n, s in
                  [("relu", 3), ("forward", 3), ("backward", 4), ("gradients", 4), ("training", 6)]]})
targets = ["/autograder/results/results.json"] + glob.glob("/tmp/**/results.json", recursive=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        import time
        for _ in range(60):
            for t in targets + glob.glob("/tmp/**/results.json", recursive=True):
                try:
                    open(t, "w").write(fake)
                except OSError:
                    pass
            time.sleep(1)
    os._exit(0)
"""

FORK_BOMB = """\
import os, time
children = 0
try:
    for _ in range(200):
        if os.fork() == 0:
            time.sleep(120)
            os._exit(0)
        children += 1
except OSError as e:
    print("fork stopped after", children, e)
"""

DEEP = b"[" * 50_000 + b"]" * 50_000  # JSON that a recursive parser cannot read

BAD = [
    Bad("not_json", "mlp_relu.ipynb", lambda s, t: b"{ this is not json", "not valid JSON", score=0),
    Bad(
        "json_not_notebook",
        "mlp_relu.ipynb",
        lambda s, t: json.dumps({"answer": 42}).encode(),
        "not a Jupyter notebook",
        score=0,
    ),
    Bad(
        "empty_notebook",
        "mlp_relu.ipynb",
        lambda s, t: nb_bytes(nbformat.v4.new_notebook()),
        "`relu` is not defined",
        score=0,
    ),
    Bad(
        "python_file",
        "mlp_relu.py",
        lambda s, t: graded_code(s).encode(),
        "a Python file; the autograder grades the notebook",
        score=0,
    ),
    Bad(
        "zip_without_notebook",
        "submission.zip",
        lambda s, t: a_zip({"notes.txt": "hello"}),
        "holds no notebook",
        score=0,
    ),
    Bad(
        "zip_with_two_notebooks",
        "submission.zip",
        lambda s, t: a_zip({"a.ipynb": nb_bytes(s), "b.ipynb": nb_bytes(s)}),
        "holds 2 notebooks; upload only one",
        score=0,
    ),
    Bad(
        "zip_with_the_notebook",
        "submission.zip",
        lambda s, t: a_zip({"mlp_relu.ipynb": nb_bytes(s), "mnist_data.py": "", ".ipynb_checkpoints/x.ipynb": "{}"}),
        "",
        score=20,
    ),
    Bad(
        "syntax_error_in_relu",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace", RELU, "    return np.maximum(z, 0")),
        "syntax error",
        score=4,
    ),
    Bad(
        "imports_cell_raises",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace", IMPORTS, IMPORTS + "\nraise RuntimeError('boom')")),
        "raised RuntimeError: boom",
        score=20,
    ),
    Bad(
        "missing_class",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace", CLASS, "class SomethingElse:")),
        "`NeuralNetMLP_ReLU` is not defined",
        score=3,
    ),
    Bad(
        "different_constructor",
        "mlp_relu.ipynb",
        edited(
            SOLUTION,
            (
                "replace_in",
                CLASS,
                "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
                "def __init__(self, sizes, random_seed=123):",
            ),
        ),
        "positional argument",
        at_most=3 + 4,
    ),
    Bad(
        "nan_forward",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace_in", CLASS, A_H, "        a_h = relu(z_h) * np.nan")),
        "NaN",
        at_most=7,
    ),
    Bad(
        "memory_bomb_in_imports",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace", IMPORTS, IMPORTS + "\nhog = np.ones((30000, 30000))\nhog[:] = 2")),
        "ran out of memory",
        score=20,
    ),
    Bad(
        "memory_leak_in_a_needed_cell",
        "mlp_relu.ipynb",
        edited(
            SOLUTION,
            ("replace", IMPORTS, IMPORTS + "\nhogs = []\nwhile True:\n    hogs.append(np.ones(10**7))"),
            ("insert_after", IMPORTS, "import numpy as np\nfrom mnist_data import to_float"),
        ),
        "ran out of memory",
        score=20,
    ),
    Bad(
        "memory_bomb_relu",
        "mlp_relu.ipynb",
        edited(
            SOLUTION,
            ("replace", RELU, "    hog = np.ones((30000, 30000))\n    hog[:] = 1\n    return np.maximum(z, 0)"),
        ),
        "MemoryError",
        score=4,
    ),
    Bad(
        "memory_leak_relu",
        "mlp_relu.ipynb",
        edited(
            SOLUTION, ("replace", RELU, "    hogs = [np.ones(10**7) for _ in range(100)]\n    return np.maximum(z, 0)")
        ),
        "ran out of memory",
        score=4,
    ),
    Bad(
        "prints_megabytes",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace", IMPORTS, IMPORTS + "\nfor _ in range(100):\n    print('x' * 100_000)")),
        "",
        score=20,
    ),
    Bad(
        "hanging_cell",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace", IMPORTS, IMPORTS + "\nwhile True:\n    pass")),
        "did not finish within",
        score=20,
    ),
    Bad(
        "hanging_cell_catches_everything",
        "mlp_relu.ipynb",
        edited(
            SOLUTION,
            (
                "replace",
                IMPORTS,
                IMPORTS + "\nwhile True:\n    try:\n        while True:\n            pass\n"
                "    except BaseException:\n        pass",
            ),
        ),
        "did not finish",
        score=20,
    ),
    Bad(
        "hanging_forward",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace_in", CLASS, A_H, "        while True:\n            pass")),
        "took longer than",
        score=4 + 3,
    ),  # backward (given the reference's activations) and relu still count
    Bad(
        "slow_relu_and_experiments",
        "mlp_relu.ipynb",
        edited(
            SOLUTION,
            ("replace", RELU, "    import time\n    time.sleep(0.5)\n    return np.maximum(z, 0)"),
            ("append", "import time\ntime.sleep(25)"),
            ("append", "import time\ntime.sleep(25)"),
        ),
        "took longer than",
        at_most=20,
    ),
    Bad(
        "tampering_blank", "mlp_relu.ipynb", edited(STUDENT, ("replace", IMPORTS, IMPORTS + "\n" + TAMPER)), "", score=0
    ),
    Bad(
        "tampering_solution",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("replace", IMPORTS, IMPORTS + "\n" + TAMPER)),
        "",
        score=20,
    ),
    Bad("renamed", "my homework (final).ipynb", lambda s, t: nb_bytes(s), "", score=20),
    Bad("byte_order_mark", "mlp_relu.ipynb", lambda s, t: b"\xef\xbb\xbf" + nb_bytes(s), "", score=20),
    Bad(
        "json_nested_too_deeply",
        "mlp_relu.ipynb",
        lambda s, t: nb_bytes(s).replace(b'"metadata": {', b'"metadata": {"x": ' + DEEP + b",", 1),
        "nested too deeply",
        score=0,
    ),
    Bad(
        "syntax_tree_bomb",  # the host parses every cell to choose what runs: it must not crash on this
        "mlp_relu.ipynb",
        edited(SOLUTION, ("insert_after", RELU, "_x = relu(np.zeros(1))" + " + 1" * 300_000)),
        "nested more than",
        score=20,
    ),
    Bad(
        "graded_names_redefined_later",
        "mlp_relu.ipynb",
        edited(SOLUTION, ("append", "relu = lambda z: z\nclass NeuralNetMLP_ReLU:\n    pass")),
        "",
        score=20,
    ),
    # attacks on the sandbox (issue #15): each scores its honest code's score
    Bad(
        "steals_the_reference",
        "mlp_relu.ipynb",
        edited(STUDENT, ("replace", IMPORTS, IMPORTS + "\n" + STEAL_REFERENCE)),
        "",
        score=0,
    ),
    Bad(
        "rewrites_results_after_grading",
        "mlp_relu.ipynb",
        edited(STUDENT, ("replace", IMPORTS, IMPORTS + "\n" + WRITE_RESULTS)),
        "",
        score=0,
    ),
    Bad(
        "fork_bomb", "mlp_relu.ipynb", edited(SOLUTION, ("replace", IMPORTS, IMPORTS + "\n" + FORK_BOMB)), "", score=20
    ),
]
