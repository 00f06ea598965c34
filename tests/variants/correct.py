"""A catalogue of CORRECT student notebooks for the ReLU assignment, written as edits (see
tests/notebook_edits.py) of the solution notebook or of the blank student notebook.

Every variant keeps the three required parts correct (relu, the `a_h = ...` line of forward and the
`d_a_h__d_z_h = ...` line of backward), so each deserves 20/20. They differ in everything around
them, the way real students' notebooks do: scratch cells, magics, debug prints, long experiments,
odd kernels, Colab metadata, saved outputs...
"""

import base64
import random
import struct
import zlib

import nbformat

# ---------------------------------------------------------------------------------------------
# anchors: text of the solution notebook's code cells

R = "    return np.maximum(z, 0)  # SOLUTION"                      # body of relu
F = "        a_h = relu(z_h)  # SOLUTION"                           # forward's a_h line
B = "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"  # backward's derivative line
IMPORTS = "from mnist_data import load_mnist, to_float"
COLAB = 'if "google.colab" in sys.modules:'
DATA = "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()"
BOOK = "class NeuralNetMLP:"
TRAIN = "def minibatch_generator(X, y, minibatch_size, rng=np.random):"
SIGMOID_TRAIN = "model = NeuralNetMLP(num_features=28*28"
RELU_CELL = "def relu(z):"
CLASS = "class NeuralNetMLP_ReLU"
CHECK_RELU = 'grader.check("relu")'
CHECK_FWD = 'grader.check("forward")'
CHECK_BWD = 'grader.check("backward")'
GRADCHECK = "gradient_check_report(NeuralNetMLP_ReLU)"
RELU_TRAIN = "model_relu = NeuralNetMLP_ReLU(num_features=28*28"
PLOT_CURVES = 'ax[0].plot(epochs, epoch_loss, color="C0", label="sigmoid")'
PLOT_WRONG = "wrong = np.flatnonzero(predicted != y_test)[:25]"
PLOT_WEIGHTS = "Hidden-layer weights of the ReLU network"
EXPORT = "grader.export(pdf=False, run_tests=False)"

# the blank notebook's stubs
S_RELU = "def relu(z):\n    ..."
S_F = "        a_h = ..."
S_B = "        d_a_h__d_z_h = ..."


# ---------------------------------------------------------------------------------------------
# small helpers that build ("raw", fn) edits

def _code_cells(nb, anchor):
    return [c for c in nb.cells if c.cell_type == "code" and anchor in c.source]


def in_cell(anchor, old, new):
    """Replace `old` (exactly once) inside the first code cell containing `anchor`."""
    def fn(nb):
        cell = _code_cells(nb, anchor)[0]
        assert cell.source.count(old) == 1, (anchor, old)
        cell.source = cell.source.replace(old, new)
        return nb
    return ("raw", fn)


def append_to(anchor, text):
    """Append text at the end of the first code cell containing `anchor`."""
    def fn(nb):
        cell = _code_cells(nb, anchor)[0]
        cell.source = cell.source.rstrip("\n") + text
        return nb
    return ("raw", fn)


def prepend_to(anchor, text):
    def fn(nb):
        cell = _code_cells(nb, anchor)[0]
        cell.source = text + cell.source
        return nb
    return ("raw", fn)


def insert_markdown_before(anchor, text):
    def fn(nb):
        i = nb.cells.index(_code_cells(nb, anchor)[0])
        nb.cells.insert(i, nbformat.v4.new_markdown_cell(text))
        return nb
    return ("raw", fn)


def insert_raw_after(anchor, text):
    def fn(nb):
        i = nb.cells.index(_code_cells(nb, anchor)[0])
        nb.cells.insert(i + 1, nbformat.v4.new_raw_cell(text))
        return nb
    return ("raw", fn)


def set_cell_metadata(anchor, md):
    def fn(nb):
        _code_cells(nb, anchor)[0].metadata.update(md)
        return nb
    return ("raw", fn)


def _strip_all_tags(nb):
    for c in nb.cells:
        c.metadata.pop("tags", None)
    return nb


def _drop_markdown(nb):
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown"]
    return nb


def _no_kernelspec(nb):
    nb.metadata.pop("kernelspec", None)
    return nb


def _empty_metadata(nb):
    nb.metadata.clear()
    return nb


def _crlf(nb):
    for c in nb.cells:
        c.source = c.source.replace("\r\n", "\n").replace("\n", "\r\n")
    return nb


def _tabs_in_class(nb):
    cell = _code_cells(nb, CLASS)[0]
    lines = []
    for line in cell.source.split("\n"):
        stripped = line.lstrip(" ")
        n = len(line) - len(stripped)
        lines.append("\t" * (n // 4) + " " * (n % 4) + stripped)
    cell.source = "\n".join(lines)
    return nb


def _move_class_before_relu(nb):
    cls = _code_cells(nb, CLASS)[0]
    nb.cells.remove(cls)
    i = nb.cells.index(_code_cells(nb, RELU_CELL)[0])
    nb.cells.insert(i, cls)
    return nb


def _draft_class_before(nb):
    """A first copy of the class, still with the `...` stubs, and its failed forward check, above
    the finished class (the student duplicated the cell and went on in the copy)."""
    cls = _code_cells(nb, CLASS)[0]
    i = nb.cells.index(cls)
    draft = cls.source.replace(F, "        a_h = ...  # TODO").replace(B, "        d_a_h__d_z_h = ...  # TODO")
    nb.cells.insert(i, nbformat.v4.new_code_cell(CHECK_FWD))
    nb.cells.insert(i, nbformat.v4.new_code_cell("# first try (copy of the cell below)\n" + draft))
    return nb


# ---------------------------------------------------------------------------------------------
# executed outputs (what a saved, run notebook carries)

def _png(width=480, height=260, seed=0):
    """A real PNG (noise with stripes), base64: plots make notebooks heavy."""
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            v = 255 if (x // 40 + y // 40) % 2 else rng.randrange(256)
            row += bytes((v, (v * 7) % 256, (255 - v)))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()


def _stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def _image(seed, text="<Figure size 800x350 with 10 Axes>"):
    return nbformat.v4.new_output("display_data", data={"image/png": _png(seed=seed), "text/plain": text})


def _result(count, plain, html=None):
    data = {"text/plain": plain}
    if html:
        data["text/html"] = html
    return nbformat.v4.new_output("execute_result", data=data, execution_count=count)


def _error(ename, evalue, frames=()):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=["\x1b[0;31m" + "-" * 75 + "\x1b[0m", *frames, f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def _epoch_log(n, relu=False, start=0.0):
    lines = []
    for e in range(n):
        acc = (0.80 if not relu else 0.86) + 0.155 * (1 - 0.8 ** (e + 1)) + start
        lines.append(f"Epoch: {e+1:03d}/{n:03d} | Train MSE: {0.06 * 0.85 ** e:.4f} | Train Acc: {acc*100:.2f}% "
                     f"| Valid Acc: {(acc + 0.004)*100:.2f}%\n")
    return "".join(lines)


PASSED = {c: (f"{c} results: All test cases passed!",
              f"<p><strong><pre style='display: inline;'>{c}</pre></strong> passed! 🍀</p>")
          for c in ("relu", "forward", "backward")}


def _outputs_for(source, count, seed):
    s = source
    if "grader.check(" in s:
        for name in PASSED:
            if f'grader.check("{name}")' in s:
                return [_result(count, *PASSED[name])]
    if DATA in s:
        return [_stream("train (55000, 784) valid (5000, 784) test (10000, 784)\n"), _image(seed)]
    if SIGMOID_TRAIN in s:
        return [_stream(_epoch_log(20) + "Sigmoid net, test accuracy: 94.61%\n")]
    if RELU_TRAIN in s:
        return [_stream(_epoch_log(20, relu=True) + "ReLU net, test accuracy: 96.58%\n")]
    if GRADCHECK in s:
        return [_stream("weight_out relative error 3.71e-10  ok\nbias_out   relative error 1.86e-11  ok\n"
                        "weight_h   relative error 6.02e-09  ok\nbias_h     relative error 2.44e-10  ok\n"),
                _result(count, "{'weight_out': 3.7e-10, 'bias_out': 1.9e-11, 'weight_h': 6.0e-09, 'bias_h': 2.4e-10}")]
    if "plt." in s or "ax[" in s:
        return [_image(seed, "<Figure size 1100x400 with 2 Axes>")]
    if EXPORT in s:
        return [_result(count, "<IPython.core.display.HTML object>",
                        "<p>Your submission has been exported. Click <a href='mlp_relu_2024_10_02T21_14_07_123456.zip' "
                        "download='mlp_relu_2024_10_02T21_14_07_123456.zip' target='_blank'>here</a> to download the zip file.</p>")]
    return []


def executed(order="sequential", colab=False, seed=7):
    """("raw", fn): give every code cell an execution count and plausible outputs, as a saved,
    run notebook has. order="shuffled" gives out-of-order counts (cells re-run by hand)."""
    def fn(nb):
        rng = random.Random(seed)
        code = [c for c in nb.cells if c.cell_type == "code"]
        counts = list(range(1, len(code) + 1))
        if order == "shuffled":
            counts = sorted(rng.sample(range(3, 140), len(code)))
            for _ in range(5):
                i, j = rng.sample(range(len(code)), 2)
                counts[i], counts[j] = counts[j], counts[i]
        for k, (c, n) in enumerate(zip(code, counts)):
            c.execution_count = n
            c.outputs = _outputs_for(c.source, n, seed + k)
            if colab:
                cid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") for _ in range(12))
                c.metadata.update({"id": cid, "colab": {"base_uri": "https://localhost:8080/", "height": 300}})
                if c.outputs:
                    c.metadata["outputId"] = "%08x-%04x-%04x-%04x-%012x" % tuple(rng.getrandbits(b) for b in (32, 16, 16, 16, 48))
        if colab:
            for c in nb.cells:
                if c.cell_type == "markdown":
                    c.metadata["id"] = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
        return nb
    return ("raw", fn)


def outputs_on(anchor, outputs_fn, count=None):
    def fn(nb):
        c = _code_cells(nb, anchor)[0]
        c.outputs = outputs_fn()
        c.execution_count = count
        return nb
    return ("raw", fn)


def _huge_debug_output():
    block = ("forward x (100, 784) z_h (100, 50)\n"
             "[[0.         1.2093842  0.         ... 0.31899217 0.         2.0182347 ]\n"
             " [0.4377372  0.         0.         ... 0.         0.9178164  0.        ]\n"
             " ...\n"
             " [0.         0.         1.7702317  ... 0.         0.         0.5530217 ]]\n"
             "backward d_a_h__d_z_h (100, 50) grad w_h (50, 784)\n")
    return [_stream(block * 30000 + "Epoch: 001/020 | Train MSE: 0.0307 | Train Acc: 85.91% | Valid Acc: 92.10%\n")]


def _interrupted_output():
    return [_stream(_epoch_log(37, relu=True).replace("/020", "/1000")),
            _error("KeyboardInterrupt", "", [
                "Cell \x1b[0;32mIn[41], line 3\x1b[0m\n\x1b[1;32m      1\x1b[0m big = NeuralNetMLP_ReLU(28*28, 300, 10)\n"
                "\x1b[0;32m----> 3\x1b[0m hist = train(big, X_train, y_train, X_valid, y_valid, num_epochs=1000, learning_rate=0.05)",
                "Cell \x1b[0;32mIn[12], line 58\x1b[0m, in \x1b[0;36mtrain\x1b[0;34m(model, X_train, y_train, ...)\x1b[0m"])]


# ---------------------------------------------------------------------------------------------
# whole-cell sources used by several variants

SUBCLASS_BOOK = '''class NeuralNetMLP_ReLU(NeuralNetMLP):
    """The book's MLP with a ReLU hidden layer. __init__ (the weights) is inherited as it is;
    only forward and backward change."""

    def forward(self, x):
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = relu(z_h)
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):
        y_onehot = int_to_onehot(y, self.num_classes)

        # output layer (sigmoid, as in the book)
        d_loss__d_a_out = 2. * (a_out - y_onehot) / y.shape[0]
        d_a_out__d_z_out = a_out * (1. - a_out)
        delta_out = d_loss__d_a_out * d_a_out__d_z_out
        d_loss__dw_out = np.dot(delta_out.T, a_h)
        d_loss__db_out = np.sum(delta_out, axis=0)

        # hidden layer (ReLU)
        d_loss__a_h = np.dot(delta_out, self.weight_out)
        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)
        delta_h = d_loss__a_h * d_a_h__d_z_h
        d_loss__d_w_h = np.dot(delta_h.T, x)
        d_loss__d_b_h = np.sum(delta_h, axis=0)

        return d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h
'''

HOOK_SUBCLASS = '''class MLPWithActivation(NeuralNetMLP):
    """The book's network with the hidden activation as a hook, so that each activation only
    overrides `activation` and `activation_grad`."""

    def activation(self, z):
        return sigmoid(z)

    def activation_grad(self, a):
        """d a / d z, written with the activation's output a."""
        return a * (1. - a)

    def forward(self, x):
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = self.activation(z_h)
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):
        y_onehot = int_to_onehot(y, self.num_classes)
        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]
        d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative
        delta_out = d_loss__d_a_out * d_a_out__d_z_out
        d_loss__dw_out = np.dot(delta_out.T, a_h)
        d_loss__db_out = np.sum(delta_out, axis=0)
        d_loss__a_h = np.dot(delta_out, self.weight_out)
        d_a_h__d_z_h = self.activation_grad(a_h)
        d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, x)
        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)
        return (d_loss__dw_out, d_loss__db_out,
                d_loss__d_w_h, d_loss__d_b_h)


class NeuralNetMLP_ReLU(MLPWithActivation):
    """Only what changes for ReLU."""

    def activation(self, z):
        return relu(z)

    def activation_grad(self, a_h):
        return (a_h > 0).astype(a_h.dtype)   # 1 where z > 0 (there a_h = z > 0), else 0
'''

TYPED_CLASS = '''from __future__ import annotations  # lets me write tuple[...] hints everywhere

from typing import Tuple

Array = np.ndarray


class NeuralNetMLP_ReLU:
    """One hidden ReLU layer, sigmoid outputs, MSE loss (the book's network with ReLU).

    Parameters
    ----------
    num_features, num_hidden, num_classes : layer sizes (784, 50, 10 for MNIST)
    random_seed : seed of the initial weights
    """

    def __init__(self, num_features: int, num_hidden: int, num_classes: int, random_seed: int = 123) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.num_features, self.num_hidden = num_features, num_hidden
        rng = np.random.RandomState(random_seed)
        self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
        self.bias_h = np.zeros(num_hidden)
        self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
        self.bias_out = np.zeros(num_classes)

    def __repr__(self) -> str:
        return f"NeuralNetMLP_ReLU({self.weight_h.shape[1]}, {self.weight_h.shape[0]}, {self.num_classes})"

    # --- helpers -------------------------------------------------------------------------
    def _hidden(self, x: Array) -> Array:
        """Pre-activation of the hidden layer, [n_examples, n_hidden]."""
        assert x.ndim == 2 and x.shape[1] == self.weight_h.shape[1], f"bad input shape {x.shape}"
        return np.dot(x, self.weight_h.T) + self.bias_h

    def _output(self, a_h: Array) -> Array:
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        return sigmoid(z_out)

    @staticmethod
    def _relu_grad(a_h: Array) -> Array:
        """ReLU'(z) from a_h = ReLU(z): 1 where a_h > 0, else 0."""
        return (a_h > 0).astype(a_h.dtype)

    # --- the book's interface ------------------------------------------------------------
    def forward(self, x: Array) -> Tuple[Array, Array]:
        z_h = self._hidden(x)
        a_h = relu(z_h)
        a_out = self._output(a_h)
        assert a_h.shape == (x.shape[0], self.weight_h.shape[0])
        assert a_out.shape == (x.shape[0], self.num_classes)
        return a_h, a_out

    def backward(self, x: Array, a_h: Array, a_out: Array, y: Array) -> tuple[Array, Array, Array, Array]:
        assert a_h.shape[0] == a_out.shape[0] == y.shape[0] == x.shape[0]
        y_onehot = int_to_onehot(y, self.num_classes)
        d_loss__d_a_out = 2. * (a_out - y_onehot) / y.shape[0]
        d_a_out__d_z_out = a_out * (1. - a_out)  # sigmoid derivative
        delta_out = d_loss__d_a_out * d_a_out__d_z_out
        d_loss__dw_out = np.dot(delta_out.T, a_h)
        d_loss__db_out = np.sum(delta_out, axis=0)

        d_loss__a_h = np.dot(delta_out, self.weight_out)
        d_a_h__d_z_h = self._relu_grad(a_h)
        delta_h = d_loss__a_h * d_a_h__d_z_h
        d_loss__d_w_h = np.dot(delta_h.T, x)
        d_loss__d_b_h = np.sum(delta_h, axis=0)
        assert d_loss__d_w_h.shape == self.weight_h.shape
        return (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h)
'''

LEAKY_BONUS = '''# BONUS (not graded): leaky ReLU instead of ReLU, same class
def relu(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z)

model_leaky = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)
hist_leaky = train(model_leaky, X_train, y_train, X_valid, y_valid, num_epochs=20, learning_rate=0.1)
print(f"leaky ReLU test acc: {accuracy(y_test, predict(model_leaky, X_test)):.2%}")
'''

SWEEP_CELL = '''# learning-rate sweep, lr = {lr}
model_lr{tag} = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)
hist_lr{tag} = train(model_lr{tag}, X_train, y_train, X_valid, y_valid, num_epochs={epochs}, learning_rate={lr})
print("lr={lr}: test acc", accuracy(y_test, predict(model_lr{tag}, X_test)))
'''


def sweep_cells(lrs, epochs):
    return [("insert_before", EXPORT, SWEEP_CELL.format(lr=lr, tag=str(lr).replace(".", "_"), epochs=epochs))
            for lr in lrs]


def colab_metadata(gpu=True):
    md = {"colab": {"provenance": [{"file_id": "1pQk0W3nYh2x9rF7aT5bLmZcVd8eUoJs4", "timestamp": 1727901234567}],
                    "toc_visible": True},
          "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)"},
          "language_info": {"name": "python"}}
    if gpu:
        md["accelerator"] = "GPU"
        md["colab"]["gpuType"] = "T4"
    return md


# ---------------------------------------------------------------------------------------------
# the catalogue

VARIANTS = []


def V(name, description, edits, start="solution"):
    VARIANTS.append({"name": name, "description": description, "start": start, "edits": list(edits)})


# 1. scratch relus above the real one ---------------------------------------------------------
V("scratch_scalar_relu_max_top",
  "scratch cell right after the imports defines a first scalar-only relu with max(z, 0); real relu in the stub",
  [("insert_after", IMPORTS, "# quick try: relu for one number\ndef relu(z):\n    return max(z, 0)\n\nprint(relu(3.5), relu(-2))")])

V("scratch_scalar_relu_if_before_stub",
  "scratch cell just above the stub with an if/else scalar relu, then the vectorised one in the stub",
  [("insert_before", R, "def relu(z):\n    if z > 0:\n        return z\n    else:\n        return 0\n\n"
                        "for v in [-2, -0.5, 0, 0.5, 2]:\n    print(v, relu(v))")])

V("scratch_scalar_relu_array_error",
  "scalar relu scratch cell, then a cell that calls it on an array and raised ValueError (left in), then the fixed stub",
  [("insert_before", R, "def relu(z):\n    return z if z > 0 else 0\n\nrelu(-3.0), relu(4.0)"),
   ("insert_before", R, "relu(np.array([-1.0, 2.0]))   # ValueError: truth value of an array is ambiguous -> use np.maximum"),
   ("replace", R, "    return np.maximum(z, 0)   # elementwise, works on arrays")])

# 2. debug prints with a `%` at the start of a line ----------------------------------------------
V("debug_print_percent_continuation",
  "class cell ends with a debug print split over two lines, the second starting with `% (...)`",
  [append_to(CLASS, '\n\n\n_x_dbg = np.zeros((3, 28*28))\n_a_h_dbg, _a_out_dbg = NeuralNetMLP_ReLU(28*28, 50, 10).forward(_x_dbg)\n'
                    'print("shapes %s"\n      % (str((_a_h_dbg.shape, _a_out_dbg.shape)),))\n')])

V("debug_print_percent_in_forward",
  "forward prints shapes with a `%`-format continued on the next line (runs on every call)",
  [("replace", F, "        a_h = relu(z_h)\n        if x.shape[0] < 100:\n            print(\"z_h %s -> a_h %s\"\n"
                  "                  % (z_h.shape, a_h.shape))")])

# 3. gradient check import moved to the top ---------------------------------------------------------
V("gradient_import_top",
  "`from mlp_checks import gradient_check_report` moved into the first imports cell",
  [("replace", "from mlp_checks import gradient_check_report\n", ""),
   ("replace", IMPORTS, IMPORTS + "\nfrom mlp_checks import gradient_check_report")])

# 4. CS231n-style caches ---------------------------------------------------------------------------
V("cs231n_cache_z_h",
  "forward caches (x, z_h) on self as CS231n does; backward's ReLU derivative uses the cached z_h",
  [("replace", F, "        a_h = relu(z_h)\n        self.cache = (x, z_h)   # CS231n style: keep what backward needs"),
   ("replace", B, "        _, z_h = self.cache\n        d_a_h__d_z_h = (z_h > 0).astype(a_h.dtype)   # relu'(z)")])

V("cs231n_fully_cached",
  "forward stores self.x, self.z_h, self.a_h; backward uses those caches instead of its x / a_h arguments",
  [("replace", F, "        a_h = relu(z_h)\n        self.x, self.z_h, self.a_h = x, z_h, a_h"),
   in_cell(CLASS, "        # onehot encoding\n        y_onehot",
           "        x, a_h = self.x, self.a_h   # use the values cached by forward\n\n        # onehot encoding\n        y_onehot"),
   ("replace", B, "        d_a_h__d_z_h = np.where(self.z_h > 0, 1.0, 0.0)")])

# 5. scikit-learn's fetch_openml ------------------------------------------------------------------
V("sklearn_fetch_openml_cell",
  "cells that load MNIST with sklearn's fetch_openml as in the book (fails offline) and split with train_test_split",
  [("replace", IMPORTS, IMPORTS + "\nfrom sklearn.datasets import fetch_openml\nfrom sklearn.model_selection import train_test_split"),
   ("insert_after", DATA, "# the book's way\nX, y = fetch_openml('mnist_784', version=1, return_X_y=True)\nX = X.values\ny = y.astype(int).values\n"
                          "X = ((X / 255.) - .5) * 2\nprint(X.shape, y.shape)"),
   ("insert_after", "X, y = fetch_openml(", "X_temp, X_test_book, y_temp, y_test_book = train_test_split(\n"
                                           "    X, y, test_size=10000, random_state=123, stratify=y)\n"
                                           "X_train_book, X_valid_book, y_train_book, y_valid_book = train_test_split(\n"
                                           "    X_temp, y_temp, test_size=5000, random_state=123, stratify=y_temp)")])

V("sklearn_imports_metrics",
  "imports sklearn (metrics, preprocessing) in the imports cell and uses confusion_matrix after training",
  [("replace", IMPORTS, IMPORTS + "\nimport sklearn\nfrom sklearn.metrics import accuracy_score, confusion_matrix, classification_report\n"
                                  "from sklearn.preprocessing import OneHotEncoder"),
   ("insert_after", RELU_TRAIN, "y_pred = predict(model_relu, X_test)\nprint(accuracy_score(y_test, y_pred))\n"
                                "print(confusion_matrix(y_test, y_pred))\nprint(classification_report(y_test, y_pred))")])

# 6. float32 copies of all of MNIST in globals ------------------------------------------------------
V("float32_copies_globals",
  "a cell keeps float32 copies of all of MNIST (~220 MB) in globals, used by a later experiment",
  [("insert_after", DATA, "# float copies of everything so I don't convert every time\nX_train_f = to_float(X_train)\n"
                          "X_valid_f = to_float(X_valid)\nX_test_f = to_float(X_test)\n"
                          "print(X_train_f.nbytes / 1e6 + X_valid_f.nbytes / 1e6 + X_test_f.nbytes / 1e6, 'MB')"),
   ("insert_after", RELU_TRAIN, "a_h_all, a_out_all = model_relu.forward(X_test_f)\nprint('dead units:', np.sum(a_h_all.max(axis=0) == 0))")])

V("float32_copies_self_loaded",
  "an untagged cell loads MNIST again itself and makes float32 copies of all of it (plus float64 train)",
  [("insert_after", IMPORTS, "Xtr, ytr, Xva, yva, Xte, yte = load_mnist()\nXtr32, Xva32, Xte32 = to_float(Xtr), to_float(Xva), to_float(Xte)\n"
                             "Xtr64 = Xtr32.astype(np.float64)  # for the gradient experiments\nprint(Xtr32.dtype, Xtr32.shape, Xtr64.nbytes // 2**20, 'MiB')")])

# 7. leftover debug prints ----------------------------------------------------------------------------
V("debug_prints_forward_backward",
  "leftover prints in forward and backward: shapes and whole arrays on every call",
  [("replace", F, "        a_h = relu(z_h)\n        print('forward x', x.shape, 'z_h', z_h.shape)\n        print(a_h)"),
   ("replace", B, "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)\n        print('backward d_a_h__d_z_h', d_a_h__d_z_h.shape)\n"
                  "        print(d_a_h__d_z_h)")])

V("debug_prints_huge_saved_output",
  "debug prints in forward/backward and the ~10 MB of printed arrays saved in the training cell's output",
  [("replace", F, "        a_h = relu(z_h)\n        print('forward x', x.shape, 'z_h', z_h.shape)\n        print(a_h)"),
   ("replace", B, "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)\n        print('backward d_a_h__d_z_h', d_a_h__d_z_h.shape, 'grad w_h', self.weight_h.shape)"),
   outputs_on(RELU_TRAIN, _huge_debug_output, 23)])

# 8. learning-rate / size sweeps: long cells -------------------------------------------------------------
V("lr_sweep_long_cells",
  "learning-rate sweep: four untagged cells each training the ReLU net for 40 epochs",
  sweep_cells([0.01, 0.05, 0.2, 0.5], 40))

V("hidden_size_sweep_long",
  "one untagged cell training ReLU nets of 50..500 hidden units for 30 epochs each, and plotting",
  [("insert_before", EXPORT, "results = {}\nfor h in [50, 100, 200, 500]:\n"
                             "    m = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=h, num_classes=10)\n"
                             "    _, _, va = train(m, X_train, y_train, X_valid, y_valid, num_epochs=30, learning_rate=0.1, log=None)\n"
                             "    results[h] = (va[-1], accuracy(y_test, predict(m, X_test)))\n    print(h, results[h])\n\n"
                             "plt.plot(list(results), [v[1] for v in results.values()], 'o-')\nplt.xscale('log')\nplt.show()")])

V("interrupted_long_training",
  "an untagged 1000-epoch training of a 300-unit net, saved with its KeyboardInterrupt output",
  [("insert_before", EXPORT, "big = NeuralNetMLP_ReLU(28*28, 300, 10)\n\nhist = train(big, X_train, y_train, X_valid, y_valid, num_epochs=1000, learning_rate=0.05)"),
   outputs_on("big = NeuralNetMLP_ReLU(28*28, 300, 10)", _interrupted_output, 41)])

# 9. kernels and metadata -------------------------------------------------------------------------------
V("kernel_conda_env",
  "notebook saved from a conda env kernel (conda-env-ml-course-py)",
  [("metadata", {"kernelspec": {"display_name": "Python [conda env:ml-course]", "language": "python",
                                "name": "conda-env-ml-course-py"},
                 "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                   "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                   "pygments_lexer": "ipython3", "version": "3.10.14"}})])

V("kernel_course_name",
  "kernelspec of the course's JupyterHub kernel (name cs-ml-fa24, display 'CS ML (Python 3.11)')",
  [("metadata", {"kernelspec": {"display_name": "CS ML (Python 3.11)", "language": "python", "name": "cs-ml-fa24"}})])

V("language_info_r_like",
  "python kernelspec but an R-like language_info (notebook once opened with an R kernel)",
  [("metadata", {"language_info": {"codemirror_mode": "r", "file_extension": ".r", "mimetype": "text/x-r-source",
                                   "name": "R", "pygments_lexer": "r", "version": "4.3.2"}})])

V("kernel_ir_r",
  "kernelspec and language_info of an R kernel (ir), code still Python",
  [("metadata", {"kernelspec": {"display_name": "R", "language": "R", "name": "ir"},
                 "language_info": {"codemirror_mode": "r", "file_extension": ".r", "mimetype": "text/x-r-source",
                                   "name": "R", "pygments_lexer": "r", "version": "4.3.2"}})])

V("no_kernelspec", "notebook metadata without a kernelspec", [("raw", _no_kernelspec)])

V("empty_metadata", "notebook metadata completely empty", [("raw", _empty_metadata)])

V("kernel_vscode_venv",
  "saved by VS Code: kernelspec '.venv', vscode interpreter hash, full language_info",
  [("metadata", {"kernelspec": {"display_name": ".venv", "language": "python", "name": "python3"},
                 "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                   "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                   "pygments_lexer": "ipython3", "version": "3.12.4"},
                 "vscode": {"interpreter": {"hash": "3c2b7a4f0e9d1b6a8c5e2f7d4a1b9c0e6f3d8a2b5c7e1f4a9d0b3c6e8f2a5d7"}}})])

V("kernel_jupyterlite_pyodide",
  "saved by JupyterLite: Pyodide kernel metadata",
  [("metadata", {"kernelspec": {"display_name": "Python (Pyodide)", "language": "python", "name": "python"},
                 "language_info": {"codemirror_mode": {"name": "python", "version": 3}, "file_extension": ".py",
                                   "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                   "pygments_lexer": "ipython3", "version": "3.8"}})])

V("colab_executed",
  "Colab notebook: colab/accelerator metadata, python3 'Python 3 (ipykernel)', cell ids/outputIds, executed outputs",
  [("metadata", colab_metadata()),
   ("insert_after", IMPORTS, "!nvidia-smi\n!ls -la"),
   executed(colab=True, seed=11)])

V("colab_tags_stripped_drive",
  "Colab notebook whose cell tags were lost, MNIST on Drive (guarded drive.mount), executed outputs",
  [("metadata", colab_metadata(gpu=False)), ("raw", _strip_all_tags),
   ("insert_after", COLAB, 'if "google.colab" in sys.modules:\n    from google.colab import drive\n'
                           '    drive.mount("/content/drive")\n    os.environ["MNIST_PATH"] = "/content/drive/MyDrive/ml/mnist.npz"'),
   executed(colab=True, seed=12)])

V("colab_drive_unguarded",
  "Colab notebook with an unguarded `from google.colab import drive; drive.mount(...)` cell and %cd to Drive",
  [("metadata", colab_metadata()),
   ("insert_after", COLAB, "from google.colab import drive\ndrive.mount('/content/drive')\n%cd /content/drive/MyDrive/ML/hw4"),
   executed(colab=True, seed=13)])

# 10. relu written in many ways ---------------------------------------------------------------------
V("relu_mul_mask", "relu as z * (z > 0)", [("replace", R, "    return z * (z > 0)")])
V("relu_abs_half", "relu as (z + np.abs(z)) / 2", [("replace", R, "    return (z + np.abs(z)) / 2")])
V("relu_clip_float_copy", "relu as np.clip(np.array(z, dtype=float), 0, None)",
  [("replace", R, "    return np.clip(np.array(z, dtype=float), 0, None)")])
V("relu_where", "relu as np.where(z > 0, z, 0.0)", [("replace", R, "    return np.where(z > 0, z, 0.0)")])
V("relu_maximum_zero_first", "relu as np.maximum(0, z)", [("replace", R, "    return np.maximum(0, z)")])
V("relu_clip_method", "relu as z.clip(min=0)", [("replace", R, "    return z.clip(min=0)")])
V("relu_mask_on_copy", "relu by boolean masking on a copy (np.copy then out[out < 0] = 0)",
  [("replace", R, "    out = np.copy(z)       # don't touch the input!\n    out[out < 0] = 0\n    return out")])
V("relu_heaviside", "relu as np.heaviside(z, 0) * z", [("replace", R, "    return np.heaviside(z, 0) * z")])
V("relu_lambda", "relu as a lambda bound to the name relu",
  [("set_source", R, "relu = lambda z: np.maximum(z, 0.)")])
V("relu_fmax", "relu as np.fmax(z, 0)", [("replace", R, "    return np.fmax(z, 0)")])
V("relu_where_lt", "relu as np.where(z < 0, 0, z)", [("replace", R, "    return np.where(z < 0, 0, z)")])
V("relu_maximum_zeros_like", "relu as np.maximum(z, np.zeros_like(z))",
  [("replace", R, "    return np.maximum(z, np.zeros_like(z))")])
V("relu_asarray_typed_docstring", "typed relu with a docstring, np.asarray first and an example",
  [("set_source", R, 'def relu(z: np.ndarray) -> np.ndarray:\n    """Rectified linear unit, elementwise.\n\n'
                     '    >>> relu(np.array([-1.0, 0.0, 2.0]))\n    array([0., 0., 2.])\n    """\n'
                     '    z = np.asarray(z)\n    return np.maximum(z, 0)\n\n\nprint(relu(np.array([-1.0, 0.0, 2.0])))')])
V("relu_np_vectorize", "relu as np.vectorize of a scalar if/else (slow but right)",
  [("set_source", R, "def _relu_scalar(v):\n    return v if v > 0 else 0.0\n\nrelu = np.vectorize(_relu_scalar)")])
V("relu_out_param", "relu with np.empty_like and np.maximum(..., out=)",
  [("replace", R, "    out = np.empty_like(z)\n    np.maximum(z, 0, out=out)\n    return out")])
V("relu_callable_class", "relu is an instance of a ReLU class with __call__ (and a derivative method)",
  [("set_source", R, "class ReLU:\n    \"\"\"relu(z) and its derivative\"\"\"\n    def __call__(self, z):\n        return np.maximum(z, 0)\n\n"
                     "    def derivative(self, a):\n        return (a > 0).astype(a.dtype)\n\n    def __repr__(self):\n        return 'ReLU()'\n\n\nrelu = ReLU()\nrelu")])
V("relu_functools_partial", "relu = functools.partial(np.maximum, 0.0)",
  [("set_source", R, "from functools import partial\n\nrelu = partial(np.maximum, 0.0)   # relu(z) = np.maximum(0.0, z)\nrelu(np.array([-2., 3.]))")])
V("relu_try_except", "relu wrapped in try/except with a fallback, checking its input type",
  [("replace", R, "    try:\n        return np.maximum(z, 0)\n    except TypeError:\n        z = np.asarray(z, dtype=float)\n        return np.maximum(z, 0)")])
V("relu_multiply_greater", "relu as np.multiply(z, np.greater(z, 0))",
  [("replace", R, "    return np.multiply(z, np.greater(z, 0))")])

# 11. matplotlib at the top, scipy's expit ---------------------------------------------------------
V("matplotlib_top_scipy_expit",
  "imports matplotlib in the first cell and uses scipy.special.expit instead of sigmoid in the class",
  [("replace", IMPORTS, IMPORTS + "\nimport matplotlib.pyplot as plt\nfrom scipy.special import expit"),
   in_cell(CLASS, "        a_out = sigmoid(z_out)", "        a_out = expit(z_out)   # same as sigmoid, no overflow warning")])

# 12. magics -----------------------------------------------------------------------------------------
V("magics_inline_autoreload",
  "%matplotlib inline, %load_ext autoreload, %autoreload 2 and %config in the imports cell",
  [prepend_to(IMPORTS, "%matplotlib inline\n%load_ext autoreload\n%autoreload 2\n%config InlineBackend.figure_format = 'retina'\n\n")])

V("magic_time_class_cell", "%%time on top of the class cell", [prepend_to(CLASS, "%%time\n")])

V("magic_capture_cells",
  "%%capture on a noisy new cell and %%capture out on the sigmoid training cell",
  [prepend_to(SIGMOID_TRAIN, "%%capture sigmoid_log\n"),
   ("insert_after", SIGMOID_TRAIN, "%%capture\nfor lr in [0.05, 0.1]:\n    m = NeuralNetMLP_ReLU(784, 50, 10)\n"
                                   "    train(m, X_train[:5000], y_train[:5000], num_epochs=2, learning_rate=lr)")])

V("magic_time_timeit_who",
  "%time, %timeit relu(np.random.randn(1000)) and %who / %whos cells after the relu check",
  [("insert_after", CHECK_RELU, "%timeit relu(np.random.randn(1000))\n%time r = relu(np.random.randn(10**6))"),
   ("insert_after", "%timeit relu", "%who\n%whos ndarray")])

V("pip_install_cells",
  "!pip install tqdm and %pip install cells at the top",
  [("prepend", "!pip install tqdm\n%pip install -q matplotlib scikit-learn")])

V("help_and_shell_magics",
  "np.maximum? / relu?? help cells, !ls, files = !ls tests, a %%bash cell",
  [("insert_before", R, "np.maximum?"),
   ("insert_after", CHECK_RELU, "relu??"),
   ("insert_after", IMPORTS, "!ls\nfiles = !ls tests\nprint(files)"),
   ("insert_after", "files = !ls tests", "%%bash\necho hello from bash\npython --version\nls -la | head")])

V("reset_xmode_precision",
  "%reset -f first, %xmode Minimal, %precision 4 and %env in the notebook",
  [("prepend", "%reset -f"),
   prepend_to(IMPORTS, "%xmode Minimal\n%precision 4\n"),
   ("insert_after", IMPORTS, "%env OMP_NUM_THREADS=2")])

V("writefile_relu_module",
  "relu written to relu_utils.py with %%writefile and imported in the stub cell",
  [("set_source", R, "from relu_utils import relu\n\nrelu(np.array([-1.5, 0.0, 2.0]))"),
   ("insert_before", "from relu_utils import relu",
    '%%writefile relu_utils.py\nimport numpy as np\n\n\ndef relu(z):\n    """ReLU, elementwise, a new array of z\'s shape and dtype."""\n    return np.maximum(z, 0)\n')])

# 13. bonus leaky relu after the checks ------------------------------------------------------------
V("bonus_leaky_after_checks_end",
  "bonus cell at the very end redefines relu as leaky ReLU and trains NeuralNetMLP_ReLU with it",
  [("append", LEAKY_BONUS)])

V("bonus_leaky_right_after_backward_check",
  "bonus leaky relu cell right after grader.check(\"backward\"), above the gradient check and training",
  [("insert_after", CHECK_BWD, LEAKY_BONUS.replace("num_epochs=20", "num_epochs=5"))])

V("bonus_class_redefined_after_checks",
  "after the checks the student redefines NeuralNetMLP_ReLU with a leaky hidden layer for an experiment",
  [("insert_before", EXPORT, "# experiment: leaky version of the class (after the checks)\n"
                             "class NeuralNetMLP_ReLU(NeuralNetMLP_ReLU):\n    def forward(self, x):\n"
                             "        z_h = x @ self.weight_h.T + self.bias_h\n        a_h = np.where(z_h > 0, z_h, 0.01 * z_h)\n"
                             "        return a_h, sigmoid(a_h @ self.weight_out.T + self.bias_out)\n\n"
                             "m = NeuralNetMLP_ReLU(784, 50, 10)\ntrain(m, X_train, y_train, X_valid, y_valid, num_epochs=3)")])

V("monkeypatch_then_restore",
  "an experiment cell monkeypatches NeuralNetMLP_ReLU.forward (dropout) and restores it in finally",
  [("insert_before", EXPORT, "_orig_forward = NeuralNetMLP_ReLU.forward\n\ndef forward_dropout(self, x, p=0.2):\n"
                             "    a_h, _ = _orig_forward(self, x)\n    a_h = a_h * (np.random.rand(*a_h.shape) > p) / (1 - p)\n"
                             "    return a_h, sigmoid(a_h @ self.weight_out.T + self.bias_out)\n\n"
                             "NeuralNetMLP_ReLU.forward = forward_dropout\ntry:\n    m = NeuralNetMLP_ReLU(784, 50, 10)\n"
                             "    train(m, X_train, y_train, X_valid, y_valid, num_epochs=3)\nfinally:\n"
                             "    NeuralNetMLP_ReLU.forward = _orig_forward")])

# 14. relu defined again and again ------------------------------------------------------------------
V("relu_redefined_several_cells",
  "relu defined in four cells in a row (wrong tries: np.max, abs, in-place), the last one, above the check, right",
  [("insert_before", R, "def relu(z):\n    return np.max(z, 0)   # hmm, returns one number"),
   ("insert_before", R, "def relu(z):\n    return np.abs(z)"),
   ("insert_before", R, "def relu(z):\n    z[z < 0] = 0   # modifies z!\n    return z"),
   ("replace", R, "    return np.maximum(z, 0)   # final version")])

V("relu_check_twice_first_failing",
  "a wrong relu (np.max) with its own grader.check cell, then the fixed relu and grader.check again",
  [("insert_before", R, "def relu(z):\n    return np.max(z, 0)"),
   ("insert_before", R, CHECK_RELU),
   ("replace", R, "    return np.maximum(z, 0)   # fixed: elementwise max")])

V("class_cell_duplicated_earlier_draft",
  "an earlier draft copy of the class cell (stubs still `...`) and its failing forward check above the finished class",
  [("raw", _draft_class_before)])

V("class_before_relu_cell",
  "class cell moved above the relu cell (the class looks relu up at call time); checks after both",
  [("raw", _move_class_before_relu)])

# 15. the derivative in many ways -------------------------------------------------------------------
V("deriv_mul_float", "derivative as (a_h > 0) * 1.0 (float64)", [("replace", B, "        d_a_h__d_z_h = (a_h > 0) * 1.0")])
V("deriv_where_int", "derivative as np.where(a_h > 0, 1, 0)", [("replace", B, "        d_a_h__d_z_h = np.where(a_h > 0, 1, 0)")])
V("deriv_bool", "derivative as the boolean mask (a_h > 0)", [("replace", B, "        d_a_h__d_z_h = (a_h > 0)")])
V("deriv_sign", "derivative as np.sign(a_h)", [("replace", B, "        d_a_h__d_z_h = np.sign(a_h)   # a_h >= 0 so sign is 0 or 1")])
V("deriv_heaviside", "derivative as np.heaviside(a_h, 0)", [("replace", B, "        d_a_h__d_z_h = np.heaviside(a_h, 0)")])
V("deriv_recompute_z_h", "derivative from z_h recomputed inside backward",
  [("replace", B, "        z_h = np.dot(x, self.weight_h.T) + self.bias_h\n        d_a_h__d_z_h = (z_h > 0).astype(float)")])
V("deriv_helper_function", "derivative through a relu_derivative(a_h) helper defined next to relu",
  [("replace", R, R + "\n\n\ndef relu_derivative(a):\n    \"\"\"d relu / d z, from a = relu(z)\"\"\"\n    return (a > 0).astype(a.dtype)"),
   ("replace", B, "        d_a_h__d_z_h = relu_derivative(a_h)")])
V("deriv_ones_masked", "derivative via np.ones_like then zeroing where a_h <= 0",
  [("replace", B, "        d_a_h__d_z_h = np.ones_like(a_h)\n        d_a_h__d_z_h[a_h <= 0] = 0")])
V("deriv_greater_float32", "derivative as np.greater(a_h, 0).astype(np.float32)",
  [("replace", B, "        d_a_h__d_z_h = np.greater(a_h, 0).astype(np.float32)")])

# 16. class structure --------------------------------------------------------------------------------
V("subclass_book_mlp",
  "NeuralNetMLP_ReLU subclasses the book's NeuralNetMLP, inherits __init__ and rewrites forward/backward compactly",
  [("set_source", CLASS, SUBCLASS_BOOK)])

V("hook_subclass_activation",
  "a base class with activation/activation_grad hooks; NeuralNetMLP_ReLU overrides only the two hooks",
  [("set_source", CLASS, HOOK_SUBCLASS)])

V("typed_refactor_asserts",
  "class with `from __future__ import annotations`, type hints, docstrings, helper methods and shape asserts",
  [("set_source", CLASS, TYPED_CLASS)])

V("staticmethod_relu_in_class",
  "relu also as a staticmethod of the class; forward calls self.relu",
  [("replace", F, "        a_h = self.relu(z_h)"),
   in_cell(CLASS, "    def forward(self, x):", "    @staticmethod\n    def relu(z):\n        return np.maximum(z, 0)\n\n    def forward(self, x):")])

V("self_activation_attribute",
  "__init__ stores self.activation = relu (and its derivative); forward/backward call them",
  [in_cell(CLASS, "        self.num_classes = num_classes\n",
           "        self.num_classes = num_classes\n        self.activation = relu\n        self.activation_prime = lambda a: (a > 0).astype(a.dtype)\n"),
   ("replace", F, "        a_h = self.activation(z_h)"),
   ("replace", B, "        d_a_h__d_z_h = self.activation_prime(a_h)")])

V("forward_inline_matmul",
  "forward with @ and np.maximum inline (no call to relu), backward with a mask multiply",
  [in_cell(CLASS, "        z_h = np.dot(x, self.weight_h.T) + self.bias_h", "        z_h = x @ self.weight_h.T + self.bias_h"),
   ("replace", F, "        a_h = np.maximum(z_h, 0)"),
   ("replace", B, "        d_a_h__d_z_h = 1.0 * (a_h > 0)")])

V("he_init_and_defaults",
  "class with default sizes (784, 50, 10), He initialisation of weight_h and a different default seed",
  [in_cell(CLASS, "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
           "def __init__(self, num_features=784, num_hidden=50, num_classes=10, random_seed=1):"),
   in_cell(CLASS, "loc=0.0, scale=0.1, size=(num_hidden, num_features))",
           "loc=0.0, scale=np.sqrt(2. / num_features), size=(num_hidden, num_features))  # He init for ReLU")])

V("global_constants",
  "global constants N_FEATURES/N_HIDDEN/N_CLASSES/LR in the imports cell, used as defaults and in training",
  [("replace", IMPORTS, IMPORTS + "\n\nN_FEATURES = 28 * 28\nN_HIDDEN = 50\nN_CLASSES = 10\nLR = 0.1\nEPOCHS = 20"),
   in_cell(CLASS, "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
           "def __init__(self, num_features=N_FEATURES, num_hidden=N_HIDDEN, num_classes=N_CLASSES, random_seed=123):"),
   ("replace", "model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)", "model_relu = NeuralNetMLP_ReLU()"),
   in_cell("model_relu = NeuralNetMLP_ReLU()", "num_epochs=20, learning_rate=0.1)", "num_epochs=EPOCHS, learning_rate=LR)")])

V("call_counter_and_repr",
  "forward counts its calls on self (getattr default) and the class has a __repr__",
  [("replace", F, "        a_h = relu(z_h)\n        self.n_forward = getattr(self, 'n_forward', 0) + 1"),
   in_cell(CLASS, "    def forward(self, x):", "    def __repr__(self):\n        return f'NeuralNetMLP_ReLU(hidden={self.weight_h.shape[0]})'\n\n    def forward(self, x):")])

# 17. extra imports, seeds, warnings --------------------------------------------------------------
V("extra_imports_seed_warnings",
  "imports scipy, sklearn.metrics, time, tqdm, collections; np.random.seed(42); warnings.filterwarnings('ignore')",
  [("replace", IMPORTS, IMPORTS + "\nimport time\nimport warnings\nfrom collections import defaultdict, Counter\nimport scipy\n"
                                  "from scipy import stats\nfrom sklearn.metrics import accuracy_score\n"
                                  "try:\n    from tqdm.auto import tqdm\nexcept ImportError:\n    tqdm = lambda x, **kw: x\n\n"
                                  "warnings.filterwarnings('ignore')\nnp.random.seed(42)"),
   ("insert_after", CHECK_RELU, "np.random.seed(0)\nt0 = time.time()\nprint(Counter(np.sign(relu(np.random.randn(1000)))))\nprint(time.time() - t0)")])

V("numpy_star_import",
  "`from numpy import *` in the imports cell; relu and the class use bare maximum / where",
  [("replace", IMPORTS, IMPORTS + "\nfrom numpy import *"),
   ("replace", R, "    return maximum(z, 0)"),
   ("replace", B, "        d_a_h__d_z_h = where(a_h > 0, 1.0, 0.0)")])

V("mlp_checks_star_import",
  "`from mlp_checks import *` and `from mnist_data import *` in the imports cell",
  [("replace", IMPORTS, IMPORTS + "\nfrom mnist_data import *\nfrom mlp_checks import *")])

V("seterr_printoptions",
  "np.seterr(all='ignore') and np.set_printoptions(precision=3, suppress=True, linewidth=120) at the top",
  [("replace", IMPORTS, IMPORTS + "\nnp.seterr(all='ignore')\nnp.set_printoptions(precision=3, suppress=True, linewidth=120)")])

V("windows_mnist_path_env",
  "the imports cell sets os.environ['MNIST_PATH'] to the student's own Windows path",
  [("replace", IMPORTS, IMPORTS + "\nimport os\nos.environ[\"MNIST_PATH\"] = r\"C:\\Users\\jdoe\\Downloads\\mnist.npz\"")])

V("sigmoid_clipped", "the given sigmoid changed to clip its input (no overflow warnings)",
  [("replace", "    return 1. / (1. + np.exp(-z))", "    return 1. / (1. + np.exp(-np.clip(z, -500, 500)))  # clip: no overflow warnings")])

V("onehot_float64_book", "int_to_onehot changed back to the book's float64",
  [("replace", "    return np.eye(num_labels, dtype=np.float32)[y]", "    return np.eye(num_labels)[y]   # float64 like the book")])

V("train_modified_tqdm",
  "the given train() changed: tqdm progress bar over epochs and default num_epochs=5",
  [("replace", "def minibatch_generator(X, y, minibatch_size, rng=np.random):",
    "from tqdm.auto import tqdm\n\n\ndef minibatch_generator(X, y, minibatch_size, rng=np.random):"),
   ("replace", "y_valid=None, num_epochs=20,", "y_valid=None, num_epochs=5,"),
   ("replace", "    for e in range(num_epochs):", "    for e in tqdm(range(num_epochs), desc='epochs'):")])

# 18. saving the model ---------------------------------------------------------------------------------
V("save_model_np_pickle",
  "experiment cells saving the trained model with np.savez and pickle, then loading both back",
  [("insert_after", RELU_TRAIN, "import pickle\nnp.savez('relu_model.npz', weight_h=model_relu.weight_h, bias_h=model_relu.bias_h,\n"
                                "         weight_out=model_relu.weight_out, bias_out=model_relu.bias_out)\n"
                                "with open('relu_model.pkl', 'wb') as f:\n    pickle.dump(model_relu, f)\nnp.save('hist.npy', np.array(epoch_loss_relu))"),
   ("insert_after", "pickle.dump(model_relu, f)", "with open('relu_model.pkl', 'rb') as f:\n    m2 = pickle.load(f)\n"
                                                    "params = np.load('relu_model.npz')\nm3 = NeuralNetMLP_ReLU(784, 50, 10)\n"
                                                    "for k in params.files:\n    setattr(m3, k, params[k])\n"
                                                    "print(accuracy(y_test, predict(m2, X_test)), accuracy(y_test, predict(m3, X_test)))")])

V("load_saved_model_top",
  "an untagged cell near the top loads a previously pickled model if the file exists",
  [("insert_after", IMPORTS, "import os, pickle\nif os.path.exists('relu_model.pkl'):\n    with open('relu_model.pkl', 'rb') as f:\n"
                             "        old_model = pickle.load(f)\n    print('loaded old model')\nelse:\n    old_model = None")])

# 19. Otter cells ------------------------------------------------------------------------------------
V("export_cell_untagged", "grader.export(...) cell without its otter_ignore tag", [("untag", EXPORT)])
V("no_check_cells", "the student deleted the three grader.check cells",
  [("delete", CHECK_RELU), ("delete", CHECK_FWD), ("delete", CHECK_BWD)])
V("check_all_at_end", "grader.check_all() appended at the end", [("append", "grader.check_all()")])
V("check_result_assigned", "check results assigned to variables and printed",
  [("replace", CHECK_RELU, 'res_relu = grader.check("relu")\nres_relu'),
   ("replace", CHECK_FWD, 'r = grader.check("forward")\nprint(r)'),
   ("replace", CHECK_BWD, 'display(grader.check("backward"))')])
V("otter_default_tests_dir", "otter.Notebook() with no arguments (default tests dir)",
  [("replace", 'grader = otter.Notebook(tests_dir="tests")', "grader = otter.Notebook()")])
V("all_tags_stripped", "every cell tag removed (copied cells into a new notebook): trainings and plots untagged",
  [("raw", _strip_all_tags)])

# 20. everything else students do ------------------------------------------------------------------
V("if_main_smoke_test",
  "class cell ends with an `if __name__ == \"__main__\":` smoke test on real training images",
  [append_to(CLASS, "\n\n\nif __name__ == \"__main__\":\n    _m = NeuralNetMLP_ReLU(28*28, 50, 10)\n"
                    "    _a_h, _a_out = _m.forward(to_float(X_train[:5]))\n    print(_a_h.shape, _a_out.shape, (_a_h >= 0).all())\n")])

V("class_cell_smoke_test_x_train",
  "class cell ends with an unguarded quick test that uses X_train from the (skipped) data cell",
  [append_to(CLASS, "\n\n\n# quick test\nnn = NeuralNetMLP_ReLU(784, 50, 10)\nah, ao = nn.forward(to_float(X_train[:10]))\n"
                    "grads = nn.backward(to_float(X_train[:10]), ah, ao, y_train[:10])\nprint([g.shape for g in grads])\n")])

V("unicode_everywhere",
  "comments in French/Chinese with emoji, a Greek identifier in relu, unicode prints",
  [("replace", R, "    # ReLU(z) = max(0, z), élément par élément — 逐元素 ✅\n    ζ = np.asarray(z)\n    return np.maximum(ζ, 0)"),
   ("replace", F, "        a_h = relu(z_h)  # activation cachée (ReLU) 🔥"),
   ("replace", B, "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # dérivée: 1 si z>0, sinon 0 — 导数"),
   ("insert_after", CHECK_RELU, "print('relu ✓ → ', relu(np.array([-1.0, 0.0, 2.0])), 'π≈', np.pi, '∑ =', relu(np.arange(-3., 4.)).sum())")])

V("typos_in_comments",
  "typo-ridden comments and a TODO left in the stubs",
  [("replace", R, "    # relu = max(0,z) elemntwise, dont modifiy z!!  TODO: chek dtype\n    return np.maximum(z, 0)"),
   ("replace", B, "        # derivitive of relu: 1 if a_h>0 els 0 (teh kink at 0 -> 0)\n        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)")])

V("tabs_indentation_class", "class cell indented with tabs instead of spaces", [("raw", _tabs_in_class)])

V("crlf_line_endings", "every cell source with Windows CRLF line endings", [("raw", _crlf)])

V("syntax_error_scratch_cell",
  "a half-written scratch cell with a SyntaxError (missing colon) left above the real relu",
  [("insert_before", R, "def relu(z)\n    return np.maximum(z, 0)")])

V("name_error_cell_left",
  "a cell left with a NameError / AttributeError (sklearn-style model.fit) after the checks",
  [("insert_after", CHECK_BWD, "model.fit(X_train, y_train)   # oops, not sklearn\nrelu_model.score(X_test, y_test)")])

V("empty_and_comment_cells",
  "empty cells and comment-only cells scattered around",
  [("insert_after", IMPORTS, ""), ("insert_before", R, "# Problem 1 starts here"),
   ("insert_after", CHECK_RELU, "   \n"), ("insert_before", CLASS, "#"), ("append", "")])

V("raw_and_markdown_cells",
  "student's markdown answers (with code blocks) and a raw cell holding an old relu",
  [insert_markdown_before(R, "**My answer:** ReLU is `max(0, z)`:\n\n```python\ndef relu(z):\n    return max(0, z)\n```\n"
                             "but that only works for scalars, so I use `np.maximum`."),
   insert_raw_after(R, "def relu(z):\n    return z if z > 0 else 0\n# old version, kept for reference")])

V("try_except_everything",
  "try/except around the class definition, the checks and the trainings",
  [("raw", lambda nb: _wrap_in_try(nb, CLASS)),
   ("replace", CHECK_BWD, "try:\n    display(grader.check(\"backward\"))\nexcept Exception as e:\n    print('check failed', e)")])


def _wrap_in_try(nb, anchor):
    cell = _code_cells(nb, anchor)[0]
    body = "\n".join(("    " + line) if line.strip() else line for line in cell.source.split("\n"))
    cell.source = "try:\n" + body + "\nexcept Exception as e:\n    print('class definition failed:', e)\n    raise\n"
    return nb


V("executed_outputs_local",
  "a run notebook saved with outputs: execution counts, epoch logs, images, check results",
  [("metadata", {"language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                   "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                   "pygments_lexer": "ipython3", "version": "3.11.9"}}),
   executed(seed=21)])

V("executed_out_of_order_counts",
  "a saved notebook whose execution counts are out of order (cells re-run by hand), with outputs",
  [executed(order="shuffled", seed=22)])

V("deleted_markdown_cells", "the student deleted every markdown cell", [("raw", _drop_markdown)])

V("merged_relu_and_check",
  "relu definition and grader.check(\"relu\") merged into one cell",
  [("delete", CHECK_RELU), ("replace", R, R + "\n\n\ngrader.check(\"relu\")")])

V("merged_everything_one_cell",
  "relu, the class and the three checks all in one cell (display() for each check)",
  [("delete", CHECK_RELU), ("delete", CHECK_FWD), ("delete", CHECK_BWD),
   ("raw", lambda nb: _merge_relu_into_class(nb))])


def _merge_relu_into_class(nb):
    relu_cell = _code_cells(nb, R)[0]
    cls = _code_cells(nb, CLASS)[0]
    cls.source = (relu_cell.source + "\n\n\ndisplay(grader.check(\"relu\"))\n\n\n" + cls.source
                  + "\n\n\ndisplay(grader.check(\"forward\"))\ndisplay(grader.check(\"backward\"))\n")
    nb.cells.remove(relu_cell)
    return nb


V("load_data_untagged",
  "the student loads MNIST in a new untagged cell after the imports (and prints a few labels)",
  [("insert_after", IMPORTS, "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()\nprint(y_train[:20])")])

V("student_start_np_where",
  "from the blank notebook: relu with np.where, a_h = relu(z_h), derivative np.where(a_h > 0, 1.0, 0.0)",
  [("replace", S_RELU, "def relu(z):\n    return np.where(z > 0, z, 0)"),
   ("replace", S_F, "        a_h = relu(z_h)"),
   ("replace", S_B, "        d_a_h__d_z_h = np.where(a_h > 0, 1.0, 0.0)")], start="student")

V("student_start_plain",
  "from the blank notebook: np.maximum(0, z), relu(z_h), (a_h > 0).astype(float) and nothing else changed",
  [("replace", S_RELU, "def relu(z):\n    return np.maximum(0, z)"),
   ("replace", S_F, "        a_h = relu(z_h)"),
   ("replace", S_B, "        d_a_h__d_z_h = (a_h > 0).astype(float)")], start="student")

V("nb_metadata_extras",
  "notebook metadata full of extension state: toc, varInspector, celltoolbar, widgets",
  [("metadata", {"celltoolbar": "Tags", "toc": {"base_numbering": 1, "nav_menu": {}, "number_sections": True,
                                                "sideBar": True, "toc_cell": False, "toc_window_display": True},
                 "varInspector": {"cols": {"lenName": 16, "lenType": 16, "lenVar": 40}, "kernels_config": {},
                                  "window_display": False},
                 "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}}}),
   set_cell_metadata(CLASS, {"scrolled": True, "collapsed": False, "jupyter": {"source_hidden": False},
                             "ExecuteTime": {"end_time": "2024-10-02T21:14:07.123Z", "start_time": "2024-10-02T21:14:07.100Z"}})])


# ---------------------------------------------------------------------------------------------
# batch 2: where the autograder picks the cells it runs, and what those cells do

V("expit_imported_in_tagged_data_cell",
  "`from scipy.special import expit` added to the (otter_ignore) data cell next to the matplotlib import, used in the class",
  [("replace", "import matplotlib.pyplot as plt  # here: the autograder runs only the cells your code needs, and it needs no plots",
    "import matplotlib.pyplot as plt  # here: the autograder runs only the cells your code needs, and it needs no plots\nfrom scipy.special import expit"),
   in_cell(CLASS, "        a_out = sigmoid(z_out)", "        a_out = expit(z_out)")])

V("relu_tuple_unpacked_factory",
  "relu and its derivative made by a factory function and bound by tuple unpacking",
  [("set_source", R, "def make_relu():\n    def f(z):\n        return np.maximum(z, 0)\n\n    def df(a):\n        return (a > 0).astype(a.dtype)\n\n"
                     "    return f, df\n\n\nrelu, relu_prime = make_relu()"),
   ("replace", B, "        d_a_h__d_z_h = relu_prime(a_h)")])

V("relu_timed_decorator",
  "relu decorated with a call-counting decorator defined in an earlier scratch cell",
  [("insert_after", IMPORTS, "import functools\n\nCALLS = {}\n\n\ndef counted(fn):\n    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):\n"
                             "        CALLS[fn.__name__] = CALLS.get(fn.__name__, 0) + 1\n        return fn(*args, **kwargs)\n    return wrapper"),
   ("replace", "def relu(z):\n" + R, "@counted\ndef relu(z):\n    return np.maximum(z, 0)")])

V("capture_magic_on_relu_cell",
  "the relu cell starts with %%capture (the student silenced its test prints)",
  [("replace", "def relu(z):\n" + R, "%%capture\ndef relu(z):\n    return np.maximum(z, 0)\n\nprint(relu(np.linspace(-3, 3, 7)))")])

V("helper_defined_after_class",
  "backward calls relu_grad(), defined in its own cell between the class cell and the checks",
  [("replace", B, "        d_a_h__d_z_h = relu_grad(a_h)"),
   ("insert_after", CLASS, "def relu_grad(a_h):\n    \"\"\"derivative of relu, as a function of its output\"\"\"\n    return (a_h > 0).astype(a_h.dtype)")])

V("sigmoid_onehot_redefined_after_checks",
  "after the checks, experiment cells redefine sigmoid (a stable version, same values) and int_to_onehot (float64)",
  [("insert_before", EXPORT, "# numerically stable sigmoid, same values\ndef sigmoid(z):\n    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))\n\n\n"
                             "def int_to_onehot(y, num_labels):\n    return np.eye(num_labels)[y]\n\n\nm = NeuralNetMLP_ReLU(784, 50, 10)\n"
                             "train(m, X_train, y_train, X_valid, y_valid, num_epochs=2)")])

V("loop_variable_shadows_relu_after_checks",
  "an activation-comparison loop after the checks uses `relu` as its loop variable, so relu ends up leaky",
  [("insert_before", EXPORT, "def leaky(z):\n    return np.where(z > 0, z, 0.01 * z)\n\n\nacts = {'relu': relu, 'leaky': leaky}\n"
                             "for name, relu in acts.items():   # forward looks up the global relu\n"
                             "    m = NeuralNetMLP_ReLU(784, 50, 10)\n    _, _, va = train(m, X_train, y_train, X_valid, y_valid, num_epochs=3, log=None)\n"
                             "    print(name, va[-1])")])

V("reset_at_end",
  "a final clean-up cell `%reset -f` after the export cell",
  [("append", "%reset -f")])

V("class_cell_trains_inline",
  "the class cell itself ends with the 20-epoch training of the ReLU net and a print of the test accuracy",
  [append_to(CLASS, "\n\n\nnet = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)\n"
                    "hist = train(net, X_train, y_train, X_valid, y_valid, num_epochs=20, learning_rate=0.1)\n"
                    "print('test acc', accuracy(y_test, predict(net, X_test)))\n")])

V("class_cell_trains_long",
  "the class cell ends with a learning-rate sweep (3 x 30 epochs) right under the class",
  [append_to(CLASS, "\n\n\nfor lr in (0.05, 0.1, 0.2):\n    net = NeuralNetMLP_ReLU(784, 50, 10)\n"
                    "    hist = train(net, X_train, y_train, X_valid, y_valid, num_epochs=30, learning_rate=lr, log=None)\n"
                    "    print(lr, hist[2][-1], accuracy(y_test, predict(net, X_test)))\n")])

V("relu_cell_timeit_inline",
  "%timeit and %time lines inside the relu cell, after the def",
  [("replace", R, R.replace("  # SOLUTION", "") + "\n\n\n%timeit relu(np.random.randn(10**6))\n%time _ = relu(np.random.randn(10**7))")])

V("relu_cell_huge_print",
  "the relu cell prints relu of a 200,000-value array in full (threshold=sys.maxsize)",
  [("replace", R, R.replace("  # SOLUTION", "") + "\n\n\nimport sys\nnp.set_printoptions(threshold=sys.maxsize)\n"
                  "print(relu(np.random.randn(200_000)))\nnp.set_printoptions(threshold=1000)")])

V("imports_cell_loads_float64_data",
  "the first imports cell loads MNIST and keeps float64 and float32 copies of all of it (~660 MB)",
  [("replace", IMPORTS, IMPORTS + "\n\nX_tr, y_tr, X_va, y_va, X_te, y_te = load_mnist()\n"
                                  "X_all64 = np.concatenate([X_tr, X_va, X_te]).astype(np.float64) / 255.   # 440 MB\n"
                                  "X_all32 = to_float(np.concatenate([X_tr, X_va, X_te]))                   # 220 MB\n"
                                  "print(X_all64.nbytes / 2**20, X_all32.nbytes / 2**20)")])

V("tqdm_import_unguarded_top",
  "`from tqdm import tqdm` (unguarded) in the first imports cell",
  [("replace", IMPORTS, IMPORTS + "\nfrom tqdm import tqdm")])

V("seaborn_pandas_imports_top",
  "`import pandas as pd` and `import seaborn as sns` in the imports cell (seaborn for a confusion matrix)",
  [("replace", IMPORTS, IMPORTS + "\nimport pandas as pd\nimport seaborn as sns"),
   ("insert_after", RELU_TRAIN, "cm = pd.crosstab(y_test, predict(model_relu, X_test))\nsns.heatmap(cm, annot=True, fmt='d')\nplt.show()")])

V("cd_magic_top",
  "`%cd ~/courses/ml/hw4` and sys.path.append('..') at the top of the imports cell",
  [prepend_to(IMPORTS, "%cd ~/courses/ml/hw4\nimport sys\nsys.path.append('..')\n")])

V("html_javascript_cells",
  "%%html and %%javascript cells (a styled note, a console.log)",
  [("insert_after", IMPORTS, "%%html\n<style>.jp-OutputArea pre {font-size: 11px}</style>\n<b>My notebook</b>"),
   ("insert_after", CHECK_RELU, "%%javascript\nconsole.log('relu done')")])

V("no_otter_at_all",
  "student without Otter: otter lines commented out, check cells and export cell deleted",
  [("replace", 'import otter\ngrader = otter.Notebook(tests_dir="tests")', '# import otter\n# grader = otter.Notebook(tests_dir="tests")'),
   ("delete", CHECK_RELU), ("delete", CHECK_FWD), ("delete", CHECK_BWD), ("delete", EXPORT)])

V("checks_moved_to_end",
  "the three grader.check cells moved to the end of the notebook, after the trainings and plots",
  [("delete", CHECK_RELU), ("delete", CHECK_FWD), ("delete", CHECK_BWD),
   ("insert_before", EXPORT, CHECK_RELU), ("insert_before", EXPORT, CHECK_FWD), ("insert_before", EXPORT, CHECK_BWD)])

V("deriv_nonzero", "derivative as (a_h != 0) cast to a_h's dtype",
  [("replace", B, "        d_a_h__d_z_h = (a_h != 0).astype(a_h.dtype)   # a_h >= 0, so nonzero means z > 0")])

V("deriv_astype_bool", "derivative as a_h.astype(bool).astype(a_h.dtype)",
  [("replace", B, "        d_a_h__d_z_h = a_h.astype(bool).astype(a_h.dtype)")])

V("relu_numpy_alias_in_cell",
  "relu cell re-imports numpy under another alias and uses it",
  [("replace", "def relu(z):\n" + R, "import numpy as onp\n\n\ndef relu(z):\n    return onp.maximum(z, 0)")])

V("grader_recreated_and_relu_in_if",
  "grader re-created in a later cell, and relu defined inside an `if True:` block",
  [("replace", "def relu(z):\n" + R, "if True:   # so I can fold the cell\n    def relu(z):\n        return np.maximum(z, 0)"),
   ("insert_before", CHECK_RELU, "import otter\ngrader = otter.Notebook(tests_dir='tests')")])

V("classmethod_factory_and_properties",
  "class gains a from_book() classmethod and a read-only n_params property",
  [in_cell(CLASS, "    def forward(self, x):", "    @classmethod\n    def from_book(cls):\n        return cls(num_features=28*28, num_hidden=50, num_classes=10)\n\n"
                                               "    @property\n    def n_params(self):\n        return sum(p.size for p in (self.weight_h, self.bias_h, self.weight_out, self.bias_out))\n\n"
                                               "    def forward(self, x):")])


# ---------------------------------------------------------------------------------------------
# batch 3: tags, stub text, notebook size

def _copy_tagged_cell_as_helper(nb):
    """The student copied the (otter_ignore-tagged) gradient-check cell, tags and all, and turned
    the copy into the helper that backward calls, placed right after the class."""
    tagged = _code_cells(nb, GRADCHECK)[0]
    cls = _code_cells(nb, CLASS)[0]
    helper = nbformat.v4.new_code_cell("def relu_grad(a_h):\n    return (a_h > 0).astype(a_h.dtype)\n",
                                       metadata=dict(tagged.metadata))
    nb.cells.insert(nb.cells.index(cls) + 1, helper)
    return nb


V("helper_in_copied_tagged_cell",
  "backward's helper relu_grad lives in a copy of a tagged cell (the copy kept the otter_ignore tag)",
  [("replace", B, "        d_a_h__d_z_h = relu_grad(a_h)"), ("raw", _copy_tagged_cell_as_helper)])


def _relu_in_tagged_cell(nb):
    data = _code_cells(nb, DATA)[0]
    data.source += "\n\n\ndef my_relu(z):\n    return np.maximum(z, 0)\n"
    return nb


V("relu_alias_from_tagged_cell",
  "the real relu is written in the (otter_ignore) data cell as my_relu; the stub cell says relu = my_relu",
  [("raw", _relu_in_tagged_cell), ("set_source", R, "relu = my_relu")])


def _markdown_attachment(nb):
    md = nbformat.v4.new_markdown_cell("My sketch of ReLU:\n\n![relu.png](attachment:relu.png)")
    md["attachments"] = {"relu.png": {"image/png": _png(120, 80, seed=3)}}
    nb.cells.insert(nb.cells.index(_code_cells(nb, R)[0]), md)
    return nb


V("markdown_attachment", "a markdown cell with a pasted image attachment above relu", [("raw", _markdown_attachment)])

V("other_cell_tags",
  "relu and class cells carry other tags (raises-exception, hide-input, remove-output)",
  [set_cell_metadata(R, {"tags": ["raises-exception"]}), set_cell_metadata(CLASS, {"tags": ["hide-input", "remove-output"]})])


def _tag_own_experiments(nb):
    for c in nb.cells:
        if c.cell_type == "code" and "# learning-rate sweep" in c.source:
            c.metadata["tags"] = ["otter_ignore"]
    return nb


V("student_tags_own_experiments",
  "a diligent student tagged their own learning-rate sweep cells otter_ignore",
  sweep_cells([0.05, 0.2], 30) + [("raw", _tag_own_experiments)])

V("otter_solution_markers_comments",
  "Otter Assign style `# BEGIN SOLUTION` / `# END SOLUTION` comments around the three answers",
  [("replace", R, "    # BEGIN SOLUTION\n    return np.maximum(z, 0)\n    # END SOLUTION"),
   ("replace", F, "        # BEGIN SOLUTION\n        a_h = relu(z_h)\n        # END SOLUTION"),
   ("replace", B, "        # BEGIN SOLUTION NO PROMPT\n        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)\n        # END SOLUTION")])

V("unreachable_raise_after_return",
  "nbgrader-style leftovers: `# YOUR CODE HERE` and an unreachable `raise NotImplementedError()` after the return",
  [("replace", R, "    # YOUR CODE HERE\n    return np.maximum(z, 0)\n    raise NotImplementedError()")])

V("ellipsis_statement_left",
  "a stray `...` statement left on its own line in forward and in relu",
  [("replace", R, "    ...\n    return np.maximum(z, 0)"), ("replace", F, "        a_h = relu(z_h)\n        ...")])

V("stub_text_in_comments",
  "the original stub lines kept as comments (`# a_h = ...`) above the answers",
  [("replace", R, "    # ...   (stub)\n    return np.maximum(z, 0)"),
   ("replace", F, "        # a_h = ...   <- stub was here\n        a_h = relu(z_h)"),
   ("replace", B, "        # d_a_h__d_z_h = ...   <- stub\n        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)")])

V("stub_kept_then_overwritten",
  "the `= ...` stub lines left in place, each followed by the real assignment",
  [("replace", F, "        a_h = ...\n        a_h = relu(z_h)"),
   ("replace", B, "        d_a_h__d_z_h = ...\n        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)")])

V("einsum_backward",
  "backward's hidden gradients written with np.einsum and np.matmul",
  [in_cell(CLASS, "        d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)",
           "        d_loss__d_w_h = np.einsum('ni,nj->ij', d_loss__a_h * d_a_h__d_z_h, d_z_h__d_w_h)"),
   in_cell(CLASS, "        d_loss__a_h = np.dot(delta_out, d_z_out__a_h)", "        d_loss__a_h = np.matmul(delta_out, d_z_out__a_h)")])

V("relu_twice_same_cell",
  "the relu cell defines a wrong relu first and the right one below it, in the same cell",
  [("replace", "def relu(z):\n" + R, "def relu(z):\n    return max(0, z)   # only scalars\n\n\ndef relu(z):\n    return np.maximum(0, z)")])


def _many_scratch_cells(nb):
    i = nb.cells.index(_code_cells(nb, EXPORT)[0])
    for k in range(300):
        nb.cells.insert(i + k, nbformat.v4.new_code_cell(f"x{k} = relu(np.array([{k - 150}.0]))\nprint({k}, x{k})"))
    return nb


V("many_scratch_cells",
  "300 tiny scratch cells after the checks (each calls relu and prints)",
  [("raw", _many_scratch_cells)])

V("imports_cell_loads_float32_data",
  "the first imports cell loads MNIST and keeps float32 copies of all of it (~220 MB)",
  [("replace", IMPORTS, IMPORTS + "\n\nX_tr, y_tr, X_va, y_va, X_te, y_te = load_mnist()\n"
                                  "X_tr32, X_va32, X_te32 = to_float(X_tr), to_float(X_va), to_float(X_te)   # 220 MB\n"
                                  "print(X_tr32.shape, X_tr32.dtype)")])

V("imports_cell_loads_data",
  "the first imports cell also loads MNIST (uint8, as given) and prints the shapes",
  [("replace", IMPORTS, IMPORTS + "\n\nX_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()\n"
                                  "print(X_train.shape, X_valid.shape, X_test.shape)")])

V("class_cell_book_normalization_full",
  "class cell ends with a sanity check on all training images normalised the book's way (float64, ~700 MB peak)",
  [append_to(CLASS, "\n\n\n# sanity check on the whole training set, scaled as in the book\n"
                    "X_check = ((X_train / 255.) - .5) * 2\n_, a_out_check = NeuralNetMLP_ReLU(784, 50, 10).forward(X_check)\n"
                    "print('mean output', a_out_check.mean())\ndel X_check\n")])

V("relu_cell_big_benchmark",
  "the relu cell benchmarks relu on 40 million values (~640 MB) with %time",
  [("replace", R, R.replace("  # SOLUTION", "") + "\n\n\nz_big = np.random.randn(40_000_000)\n%time r_big = relu(z_big)\nprint(r_big.min(), r_big.max())\n"
                  "del z_big, r_big")])
