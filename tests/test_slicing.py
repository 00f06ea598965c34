"""Reading a notebook as IPython runs it, and choosing the cells the graded definitions need."""

import nbformat
import pytest

from autograder import notebook, slicing


def cells_of(*sources, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return notebook.read(path)


def plan_of(*sources, tmp_path):
    return slicing.plan(cells_of(*sources, tmp_path=tmp_path))


RELU = "def relu(z):\n    return np.maximum(z, 0)"
CLASS = "class NeuralNetMLP_ReLU:\n    def forward(self, x):\n        return relu(x @ self.w), sigmoid(x)"
CHECKS = ('grader.check("relu")', 'grader.check("forward")')


def ran(plan):
    return [s["cell"] for s in plan.steps if "cell" in s and not s["extra"]]


def test_magics_come_out_as_ipython_runs_them(tmp_path):
    cells = cells_of(
        "%matplotlib inline\nimport numpy as np",
        "%%time\nx = np.ones(3)\n!ls",
        "y = %time np.zeros(2)",
        "%%capture out\nprint('noisy')",
        "!pip install tqdm",
        'print("a %s"\n% (3,))',
        "   indented = 1\n   more = 2",
        tmp_path=tmp_path,
    )
    assert all(c.tree is not None for c in cells), [c.error for c in cells]
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in cells[0].code
    assert cells[1].code.startswith("x = np.ones(3)") and "get_ipython().system('ls')" in cells[1].code
    assert cells[2].code == "y = np.zeros(2)"
    assert "out = __import__('notebook_env').CapturedOutput()" in cells[3].code
    assert cells[5].code == 'print("a %s"\n% (3,))'  # valid Python is left alone: `%` stays an operator
    assert cells[6].code == "indented = 1\nmore = 2"


def test_a_syntax_error_is_reported_not_fatal(tmp_path):
    cells = cells_of("def relu(z):\n    return np.maximum(z, 0", RELU, tmp_path=tmp_path)
    assert cells[0].tree is None and "syntax error" in cells[0].error
    plan = slicing.plan(cells)
    assert plan.unparsable == [("Cell 1 (`def relu(z):`)", cells[0].error)] and ran(plan) == [2]


def test_cells_too_deep_or_large_to_parse_are_reported_not_fatal(tmp_path):
    cells = cells_of(
        "x = 1" + " + 1" * 300_000,  # CPython's parser: RecursionError
        "x = " + "-" * 200_000 + "1",  # MemoryError
        "y = " + "-" * 300 + "1",  # parses, deeper than the grader's walks should go
        "import numpy as np\nx = 1" + " + 1" * 150,  # real code: what students write
        RELU,
        tmp_path=tmp_path,
    )
    assert [c.tree is None for c in cells] == [True, True, True, False, False]
    assert all("nested more than" in c.error for c in cells[:3])
    assert ran(slicing.plan(cells)) == [4, 5]


def test_a_notebook_with_a_byte_order_mark_or_nested_too_deeply(tmp_path):
    path = tmp_path / "bom.ipynb"
    path.write_bytes(
        b"\xef\xbb\xbf" + nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(RELU)])).encode()
    )
    assert notebook.read(path)[0].tree is not None
    path.write_text('{"cells": [], "metadata": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(notebook.NotANotebook, match="nested too deeply"):
        notebook.read(path)


def test_only_what_the_definitions_need_runs(tmp_path):
    plan = plan_of(
        "import numpy as np\nimport matplotlib.pyplot as plt",
        "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
        "X = np.load('mnist.npz')['x_train']\nplt.imshow(X[0])",
        RELU,
        CHECKS[0],
        CLASS,
        "model = NeuralNetMLP_ReLU()\nfor lr in (0.1, 0.3):\n    train(model, X, lr)",
        CHECKS[1],
        "fig, ax = plt.subplots()\nax.plot([1, 2])",
        tmp_path=tmp_path,
    )
    assert ran(plan) == [1, 2, 4, 6]
    assert plan.skipped == [3, 5, 7, 8, 9]


def test_the_definition_in_effect_at_its_check_is_graded(tmp_path):
    plan = plan_of(
        "import numpy as np",
        "def relu(z):\n    return z if z > 0 else 0",
        RELU,
        CHECKS[0],
        CLASS,
        CHECKS[1],
        "def relu(z):\n    return np.where(z > 0, z, 0.01 * z)  # bonus",
        tmp_path=tmp_path,
    )
    steps = [s.get("cell") or s["snapshot"] for s in plan.steps]
    assert steps == [1, 2, 3, "relu", 5, "NeuralNetMLP_ReLU", 7]
    assert plan.steps[-1]["extra"]  # the bonus cell runs only if relu were still undefined at its check


def test_without_check_cells_the_last_definition_is_graded(tmp_path):
    plan = plan_of("import numpy as np", RELU, CLASS, "def relu(z):\n    return np.maximum(z, 0.0)", tmp_path=tmp_path)
    assert ran(plan) == [1, 2, 3, 4] and [s["snapshot"] for s in plan.steps if "snapshot" in s] == [
        "relu",
        "NeuralNetMLP_ReLU",
    ]


def test_a_cell_that_changes_a_needed_name_runs(tmp_path):
    plan = plan_of(
        "import numpy as np",
        "CONFIG = {}",
        "def setup():\n    CONFIG['alpha'] = 0.0",
        "setup()",
        "CONFIG.update(beta=1)",
        "def relu(z):\n    return np.maximum(z, CONFIG['alpha'])",
        "NeuralNetMLP_ReLU = None",
        "NeuralNetMLP_ReLU.extra = 1",
        "print(len(CONFIG))",
        tmp_path=tmp_path,
    )
    assert ran(plan) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_read_before_bound_needs_the_earlier_binding(tmp_path):
    plan = plan_of(
        "import numpy as np",
        "SCALE = 1.0",
        "SCALE = SCALE * 2",
        "x = 3",
        "def relu(z):\n    return np.maximum(z, 0) * SCALE\n\nvalues = [relu(x) for x in range(3)]",
        tmp_path=tmp_path,
    )
    assert ran(plan) == [1, 2, 3, 5]  # the comprehension's x is its own: cell 4 is not needed


@pytest.mark.parametrize(
    "effect",
    [
        "import sys\nsys.path.append('..')",
        "%cd ..",
        "exec('relu = abs')",
        "from helpers import *",
        "%%writefile helpers.py\nX = 1",
        "%run helpers.py",
        "%%file helpers.py\nX = 1",  # %%writefile's older name
        "with open('helpers.py', 'w') as f:\n    f.write('X = 1')",  # a module written by Python
        "%pylab inline",  # binds all of numpy and pylab
    ],
)
def test_cells_whose_effects_cannot_be_followed_always_run(effect, tmp_path):
    plan = plan_of("import numpy as np", effect, RELU, tmp_path=tmp_path)
    assert 2 in ran(plan)


def test_module_method_calls_do_not_pull_in_training_cells(tmp_path):
    plan = plan_of(
        "import numpy as np",
        "def train(m):\n    np.random.seed(0)\n    m.fit()",
        RELU,
        "np.random.seed(1)\nm = object()\ntrain(m)",
        tmp_path=tmp_path,
    )
    assert ran(plan) == [1, 3]


@pytest.mark.parametrize(
    "definition",
    [
        "def relu(z, slope=SLOPE):\n    return np.maximum(z, slope * z)",  # a default value
        "def relu(z: Array) -> Array:\n    return np.maximum(z, 0)",  # annotations
        "class NeuralNetMLP_ReLU:\n    def __init__(self, n=SLOPE):\n        self.n = n",  # a method's default
        "class NeuralNetMLP_ReLU:\n    def forward(self, x: Array):\n        return x",  # a method's annotation
        "relu = (lambda z, s=SLOPE: np.maximum(z, s * z))",  # a lambda's default
    ],
)
def test_names_a_definition_evaluates_where_it_stands_are_needed(definition, tmp_path):
    plan = plan_of(
        "import numpy as np", "SLOPE = 0.0\nArray = np.ndarray", "plot_things()", definition, tmp_path=tmp_path
    )
    assert ran(plan) == [1, 2, 4]


def test_a_future_import_always_runs_and_labels_name_the_first_line(tmp_path):
    plan = plan_of("from __future__ import annotations", "# the model\n\nimport numpy as np", RELU, tmp_path=tmp_path)
    assert ran(plan) == [1, 2, 3]
    assert [s["label"] for s in plan.steps if "cell" in s][1] == "Cell 2 (`import numpy as np`)"


def test_names_found_unbound_pull_in_the_cells_that_bind_them(tmp_path):
    cells = cells_of("import numpy as np", "SLOPE = 0.0", RELU, tmp_path=tmp_path)
    first = slicing.plan(cells)
    assert first.skipped == [2] and first.binders_skipped(["SLOPE", "nothing"]) == {"SLOPE"}
    assert ran(slicing.plan(cells, also={"SLOPE"})) == [1, 2, 3]


def test_a_cell_that_names_a_file_a_needed_cell_names_runs(tmp_path):
    plan = plan_of(
        "import json\nimport numpy as np",
        "json.dump({'scale': 0.1}, open('mlp_config.json', 'w'))",  # writes what the relu cell reads
        "np.save('weights.npy', np.zeros(3))",  # a file no needed cell names
        "SCALE = json.load(open('mlp_config.json'))['scale']\n" + RELU,
        tmp_path=tmp_path,
    )
    assert ran(plan) == [1, 2, 4]
