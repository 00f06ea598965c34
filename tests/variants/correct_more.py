"""More correct student notebooks (a second session that had not seen the grader's code), written as
edits (tests/notebook_edits.py) of the solution or the blank notebook; none repeats correct.py. Each
deserves full marks: other ReLU and derivative idioms and dtypes, class structures (dataclass,
__slots__, type(), mixins, properties, closures, monkeypatching), global state, other editors'
metadata (JupyterLab, Kaggle/papermill, Deepnote, VS Code, Colab forms), magics only a kernel
understands, widgets, stale outputs, disabled code, long experiments, defaults and annotations that
name other cells' constants, `from __future__ import annotations`, namedtuples.

Left out: a notebook in Python 3.12 syntax (the grader runs the Python of grading.yml and says so).
"""

import base64
import random
import struct
import zlib

import nbformat

# ---------------------------------------------------------------------------------------------
# anchors: text of the solution notebook's code cells

R = "    return np.maximum(z, 0)  # SOLUTION"
F = "        a_h = relu(z_h)  # SOLUTION"
B = "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
RELU_DEF = "def relu(z):\n" + R
IMPORTS = "from mnist_data import load_mnist, to_float"
COLAB = 'if "google.colab" in sys.modules:'
DATA = "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()"
BOOK = "class NeuralNetMLP:"
TRAIN = "def minibatch_generator(X, y, minibatch_size, rng=np.random):"
SIGMOID_TRAIN = "model = NeuralNetMLP(num_features=28*28"
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
FWD_DEF = "    def forward(self, x):\n"
BWD_DEF = "    def backward(self, x, a_h, a_out, y):\n"
INIT_NUM_CLASSES = "        self.num_classes = num_classes\n"

# the blank notebook's stubs
S_RELU = "def relu(z):\n    ..."
S_F = "        a_h = ..."
S_B = "        d_a_h__d_z_h = ..."


# ---------------------------------------------------------------------------------------------
# helpers that build ("raw", fn) edits

def _code_cells(nb, anchor):
    return [c for c in nb.cells if c.cell_type == "code" and anchor in c.source]


def in_cell(anchor, old, new):
    """Replace `old` (exactly once) inside the first code cell containing `anchor`."""
    def fn(nb):
        cell = _code_cells(nb, anchor)[0]
        assert cell.source.count(old) == 1, (anchor, old, cell.source.count(old))
        cell.source = cell.source.replace(old, new)
        return nb
    return ("raw", fn)


def append_to(anchor, text):
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


def insert_markdown_before(anchor, text, metadata=None):
    def fn(nb):
        i = nb.cells.index(_code_cells(nb, anchor)[0])
        nb.cells.insert(i, nbformat.v4.new_markdown_cell(text, metadata=metadata or {}))
        return nb
    return ("raw", fn)


def insert_raw_after(anchor, text, metadata=None):
    def fn(nb):
        i = nb.cells.index(_code_cells(nb, anchor)[0])
        nb.cells.insert(i + 1, nbformat.v4.new_raw_cell(text, metadata=metadata or {}))
        return nb
    return ("raw", fn)


def set_cell_metadata(anchor, md):
    def fn(nb):
        _code_cells(nb, anchor)[0].metadata.update(md)
        return nb
    return ("raw", fn)


def on_every_cell(fn_cell):
    def fn(nb):
        for i, c in enumerate(nb.cells):
            fn_cell(i, c)
        return nb
    return ("raw", fn)


# --- outputs --------------------------------------------------------------------------------

def _png(width=160, height=90, seed=0):
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            v = 230 if (x // 20 + y // 20) % 2 else rng.randrange(256)
            row += bytes((v, (v * 3) % 256, 255 - v))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()


def _stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def _image(seed, text="<Figure size 1100x400 with 2 Axes>"):
    return nbformat.v4.new_output("display_data", data={"image/png": _png(seed=seed), "text/plain": text})


def _result(count, plain, html=None):
    data = {"text/plain": plain}
    if html:
        data["text/html"] = html
    return nbformat.v4.new_output("execute_result", data=data, execution_count=count)


def _error(ename, evalue, frames=()):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=["\x1b[0;31m" + "-" * 75 + "\x1b[0m", *frames,
                                             f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def _epoch_log(n, relu=True, total=None):
    total = total or n
    out = []
    for e in range(n):
        acc = (0.86 if relu else 0.80) + 0.155 * (1 - 0.8 ** (e + 1))
        out.append(f"Epoch: {e+1:03d}/{total:03d} | Train MSE: {0.06 * 0.85 ** e:.4f} | Train Acc: {acc*100:.2f}% "
                   f"| Valid Acc: {(acc + 0.004)*100:.2f}%\n")
    return "".join(out)


def _passed(name):
    return (f"{name} results: All test cases passed!",
            f"<p><strong><pre style='display: inline;'>{name}</pre></strong> passed! 🍀</p>")


def _failed(name, message):
    return (f"{name} results:\n    {name} - 1 result:\n        ❌ Test case failed\n        {message}",
            f"<p><strong style='color: red;'><pre style='display: inline;'>{name}</pre> results:</strong></p>"
            f"<pre>{message}</pre>")


def default_outputs(source, count, seed):
    for name in ("relu", "forward", "backward"):
        if f'grader.check("{name}")' in source:
            return [_result(count, *_passed(name))]
    if DATA in source:
        return [_stream("train (55000, 784) valid (5000, 784) test (10000, 784)\n"), _image(seed, "<Figure size 800x350 with 10 Axes>")]
    if SIGMOID_TRAIN in source:
        return [_stream(_epoch_log(20, relu=False) + "Sigmoid net, test accuracy: 94.61%\n")]
    if RELU_TRAIN in source:
        return [_stream(_epoch_log(20) + "ReLU net, test accuracy: 96.58%\n")]
    if GRADCHECK in source:
        return [_stream("weight_out relative error 3.71e-10  ok\nbias_out   relative error 1.86e-11  ok\n"
                        "weight_h   relative error 6.02e-09  ok\nbias_h     relative error 2.44e-10  ok\n"),
                _result(count, "{'weight_out': 3.7e-10, 'bias_out': 1.9e-11, 'weight_h': 6.0e-09, 'bias_h': 2.4e-10}")]
    if "plt." in source or "ax[" in source:
        return [_image(seed)]
    if EXPORT in source:
        return [_result(count, "<IPython.core.display.HTML object>",
                        "<p>Your submission has been exported. Click <a href='mlp_relu_2024_10_03T11_02_41_918273.zip' "
                        "download='mlp_relu_2024_10_03T11_02_41_918273.zip' target='_blank'>here</a> to download the zip file.</p>")]
    return []


def executed(counts="sequential", seed=5, overrides=(), cell_md=None):
    """("raw", fn): execution counts and plausible outputs on every code cell. counts: "sequential",
    "shuffled" (cells re-run by hand, out of order) or "partial" (some cells never run: None).
    overrides: (anchor, fn(count) -> outputs) pairs replacing the default outputs of a cell.
    cell_md: fn(index, cell, rng) adding editor-specific metadata."""
    def fn(nb):
        rng = random.Random(seed)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if counts == "shuffled":
            ns = sorted(rng.sample(range(2, 160), len(code)))
            for _ in range(6):
                i, j = rng.sample(range(len(code)), 2)
                ns[i], ns[j] = ns[j], ns[i]
        else:
            ns = list(range(1, len(code) + 1))
        for k, (c, n) in enumerate(zip(code, ns)):
            if counts == "partial" and rng.random() < 0.3:
                c.execution_count, c.outputs = None, []
                continue
            c.execution_count = n
            c.outputs = default_outputs(c.source, n, seed + k)
            for anchor, make in overrides:
                if anchor in c.source:
                    c.outputs = make(n)
        if cell_md:
            for i, c in enumerate(nb.cells):
                cell_md(i, c, rng)
        return nb
    return ("raw", fn)


def _rid(rng, n=12, alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"):
    return "".join(rng.choice(alphabet) for _ in range(n))


def _uuid(rng):
    return "%08x-%04x-%04x-%04x-%012x" % tuple(rng.getrandbits(b) for b in (32, 16, 16, 16, 48))


# ---------------------------------------------------------------------------------------------
# whole-cell sources

BOOK_FORWARD_BODY = '''        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = relu(z_h)
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out
'''

BOOK_BACKWARD_BODY = '''        y_onehot = int_to_onehot(y, self.num_classes)
        d_loss__d_a_out = 2. * (a_out - y_onehot) / y.shape[0]
        d_a_out__d_z_out = a_out * (1. - a_out)  # sigmoid derivative (output layer)
        delta_out = d_loss__d_a_out * d_a_out__d_z_out
        d_loss__dw_out = np.dot(delta_out.T, a_h)
        d_loss__db_out = np.sum(delta_out, axis=0)

        d_loss__a_h = np.dot(delta_out, self.weight_out)
        d_a_h__d_z_h = {deriv}
        delta_h = d_loss__a_h * d_a_h__d_z_h
        d_loss__d_w_h = np.dot(delta_h.T, x)
        d_loss__d_b_h = np.sum(delta_h, axis=0)
        return (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h)
'''

DATACLASS_CLASS = '''from dataclasses import dataclass, field


@dataclass
class NeuralNetMLP_ReLU:
    """The book's MLP with a ReLU hidden layer, as a dataclass (free __repr__, and the sizes are
    fields). The weights are made in __post_init__ exactly as the book does."""

    num_features: int
    num_hidden: int
    num_classes: int
    random_seed: int = 123
    weight_h: np.ndarray = field(init=False, repr=False)
    bias_h: np.ndarray = field(init=False, repr=False)
    weight_out: np.ndarray = field(init=False, repr=False)
    bias_out: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        rng = np.random.RandomState(self.random_seed)
        self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(self.num_hidden, self.num_features))
        self.bias_h = np.zeros(self.num_hidden)
        self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(self.num_classes, self.num_hidden))
        self.bias_out = np.zeros(self.num_classes)

    def forward(self, x):
''' + BOOK_FORWARD_BODY + '''
    def backward(self, x, a_h, a_out, y):
''' + BOOK_BACKWARD_BODY.format(deriv="np.where(a_h > 0, 1.0, 0.0).astype(a_h.dtype)") + '''

NeuralNetMLP_ReLU(784, 50, 10)
'''

MONKEY_CLASS = '''class NeuralNetMLP_ReLU(NeuralNetMLP):
    """Same __init__ as the book. forward and backward are attached in the next two cells
    (I wrote and tested them one at a time)."""
    pass
'''

MONKEY_FORWARD = '''def relu_forward(self, x):
    z_h = np.dot(x, self.weight_h.T) + self.bias_h
    a_h = relu(z_h)
    z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
    a_out = sigmoid(z_out)
    return a_h, a_out


NeuralNetMLP_ReLU.forward = relu_forward

# quick look
_m = NeuralNetMLP_ReLU(784, 50, 10)
_a_h, _a_out = _m.forward(np.random.randn(4, 784))
print(_a_h.min() >= 0, _a_out.shape)
'''

MONKEY_BACKWARD = '''def relu_backward(self, x, a_h, a_out, y):
    y_onehot = int_to_onehot(y, self.num_classes)
    delta_out = 2. * (a_out - y_onehot) / y.shape[0] * a_out * (1. - a_out)
    d_loss__dw_out = delta_out.T @ a_h
    d_loss__db_out = delta_out.sum(axis=0)
    d_loss__a_h = delta_out @ self.weight_out
    d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)
    delta_h = d_loss__a_h * d_a_h__d_z_h
    return d_loss__dw_out, d_loss__db_out, delta_h.T @ x, delta_h.sum(axis=0)


setattr(NeuralNetMLP_ReLU, "backward", relu_backward)
'''

TYPE_BUILT_CLASS = '''def _relu_net_forward(self, x):
''' + BOOK_FORWARD_BODY.replace("        ", "    ") + '''

def _relu_net_backward(self, x, a_h, a_out, y):
''' + BOOK_BACKWARD_BODY.format(deriv="(a_h > 0) + 0.0").replace("        ", "    ") + '''

# a class is just type(name, bases, namespace) -- tried it after the lecture on metaclasses
NeuralNetMLP_ReLU = type("NeuralNetMLP_ReLU", (NeuralNetMLP,), {
    "__doc__": "The book's MLP with a ReLU hidden layer.",
    "forward": _relu_net_forward,
    "backward": _relu_net_backward,
})
NeuralNetMLP_ReLU.__module__ = __name__
print(NeuralNetMLP_ReLU, NeuralNetMLP_ReLU.__mro__)
'''

REUSE_BOOK_CLASS = '''class NeuralNetMLP_ReLU(NeuralNetMLP):
    """Reuses as much of the book's class as possible: __init__, and the output-layer half of
    backward (it does not depend on the hidden activation)."""

    def forward(self, x):
        z_h = x @ self.weight_h.T + self.bias_h
        a_h = relu(z_h)
        a_out = sigmoid(a_h @ self.weight_out.T + self.bias_out)
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):
        # output layer: exactly the book's (its hidden-layer gradients use sigmoid', thrown away)
        d_loss__dw_out, d_loss__db_out, _, _ = super().backward(x, a_h, a_out, y)

        # hidden layer, again, with ReLU's derivative
        y_onehot = int_to_onehot(y, self.num_classes)
        delta_out = 2. * (a_out - y_onehot) / y.shape[0] * (a_out * (1. - a_out))
        d_a_h__d_z_h = np.greater(a_h, 0).astype(a_h.dtype)
        delta_h = (delta_out @ self.weight_out) * d_a_h__d_z_h
        return d_loss__dw_out, d_loss__db_out, delta_h.T @ x, delta_h.sum(axis=0)
'''

CLOSURE_CLASS = '''def make_mlp_class(activation, activation_grad, name):
    """One class per hidden activation; activation_grad is written in terms of the activation."""

    class MLP(NeuralNetMLP):
        def forward(self, x):
            z_h = np.dot(x, self.weight_h.T) + self.bias_h
            a_h = activation(z_h)
            z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
            return a_h, sigmoid(z_out)

        def backward(self, x, a_h, a_out, y):
            y_onehot = int_to_onehot(y, self.num_classes)
            delta_out = 2. * (a_out - y_onehot) / y.shape[0] * a_out * (1. - a_out)
            d_loss__d_a_h = np.dot(delta_out, self.weight_out)
            d_a_h__d_z_h = activation_grad(a_h)
            delta_h = d_loss__d_a_h * d_a_h__d_z_h
            return (np.dot(delta_out.T, a_h), np.sum(delta_out, axis=0),
                    np.dot(delta_h.T, x), np.sum(delta_h, axis=0))

    MLP.__name__ = name
    return MLP


NeuralNetMLP_ReLU = make_mlp_class(relu, lambda a: (a > 0).astype(a.dtype), "NeuralNetMLP_ReLU")
NeuralNetMLP_Sigmoid = make_mlp_class(sigmoid, lambda a: a * (1. - a), "NeuralNetMLP_Sigmoid")
NeuralNetMLP_Tanh = make_mlp_class(np.tanh, lambda a: 1. - a ** 2, "NeuralNetMLP_Tanh")
'''

LAYERS_CLASS = '''class Dense:
    """A fully connected layer: z = x W^T + b."""

    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(loc=0.0, scale=0.1, size=(n_out, n_in))
        self.b = np.zeros(n_out)

    def __call__(self, x):
        return np.dot(x, self.W.T) + self.b


def _layer_param(layer, attr):
    """A property that reads and writes self.<layer>.<attr>, so that train() (which updates
    model.weight_h etc.) still works."""
    return property(lambda self: getattr(getattr(self, layer), attr),
                    lambda self, value: setattr(getattr(self, layer), attr, value))


class NeuralNetMLP_ReLU:

    weight_h = _layer_param("hidden", "W")
    bias_h = _layer_param("hidden", "b")
    weight_out = _layer_param("output", "W")
    bias_out = _layer_param("output", "b")

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
        rng = np.random.RandomState(random_seed)
        self.num_classes = num_classes
        self.hidden = Dense(num_features, num_hidden, rng)
        self.output = Dense(num_hidden, num_classes, rng)

    def forward(self, x):
        z_h = self.hidden(x)
        a_h = relu(z_h)
        a_out = sigmoid(self.output(a_h))
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):
''' + BOOK_BACKWARD_BODY.format(deriv="(a_h > 0).astype(a_h.dtype)") + '''

net = NeuralNetMLP_ReLU(784, 50, 10)
print(net.weight_h is net.hidden.W, net.weight_h.shape, net.bias_out.shape)
'''

SLOTS_CLASS_HEAD = '''class NeuralNetMLP_ReLU:
    # no __dict__: a model is just its parameters (read about __slots__ in Fluent Python)
    __slots__ = ("num_classes", "weight_h", "bias_h", "weight_out", "bias_out")

'''

ABC_CLASS = '''from abc import ABC, abstractmethod


class HiddenActivationMLP(ABC):
    """The book's MLP; subclasses say what the hidden activation is."""

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
        super().__init__()
        self.num_classes = num_classes
        rng = np.random.RandomState(random_seed)
        self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
        self.bias_h = np.zeros(num_hidden)
        self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
        self.bias_out = np.zeros(num_classes)

    @abstractmethod
    def activation(self, z):
        """a = g(z)"""

    @abstractmethod
    def activation_derivative(self, a):
        """g'(z) written with a = g(z)"""

    def forward(self, x):
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = self.activation(z_h)
        a_out = sigmoid(np.dot(a_h, self.weight_out.T) + self.bias_out)
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):
''' + BOOK_BACKWARD_BODY.format(deriv="self.activation_derivative(a_h)") + '''

class NeuralNetMLP_ReLU(HiddenActivationMLP):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def activation(self, z):
        return relu(z)

    def activation_derivative(self, a):
        return np.where(a > 0, np.ones_like(a), np.zeros_like(a))


try:
    HiddenActivationMLP(784, 50, 10)
except TypeError as e:
    print("as expected:", e)
'''

REGISTRY_CLASS = '''ACTIVATIONS = {
    # name: (g, g' written with a = g(z))
    "sigmoid": (sigmoid, lambda a: a * (1. - a)),
    "relu": (relu, lambda a: (a > 0).astype(a.dtype)),
    "tanh": (np.tanh, lambda a: 1. - a ** 2),
}


class NeuralNetMLP_ReLU(NeuralNetMLP):
    """The book's MLP; the hidden activation is a constructor option (ReLU by default)."""

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123, activation="relu", **kwargs):
        super().__init__(num_features, num_hidden, num_classes, random_seed=random_seed)
        if kwargs:
            print("ignoring", kwargs)
        self.activation_name = activation
        self.act, self.act_grad = ACTIVATIONS[activation]

    def forward(self, x):
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = self.act(z_h)
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):
''' + BOOK_BACKWARD_BODY.format(deriv="self.act_grad(a_h)")

SKLEARN_METHODS = '''    # --- sklearn-style conveniences (not part of the assignment) ----------------------------
    def fit(self, X, y, X_valid=None, y_valid=None, **kwargs):
        self.history_ = train(self, X, y, X_valid, y_valid, **kwargs)
        return self

    def predict_proba(self, X):
        return self.forward(to_float(X) if X.dtype == np.uint8 else X)[1]

    def predict(self, X):
        return np.argmax(self.predict_proba(X), axis=1)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == y))

    def __call__(self, x):
        return self.forward(x)[1]

'''

TYPED_PROTOCOL_RELU = '''from __future__ import annotations

from typing import Callable, Final, Protocol

import numpy.typing as npt

FloatArray = npt.NDArray[np.floating]


class Activation(Protocol):
    def __call__(self, z: FloatArray) -> FloatArray: ...


def relu(z: npt.ArrayLike) -> FloatArray:
    """max(0, z) elementwise; a new array, z's shape and dtype."""
    return np.maximum(z, 0)


def relu_prime(a: FloatArray) -> FloatArray:
    """ReLU'(z) from a = relu(z)."""
    return (a > 0).astype(a.dtype)


HIDDEN: Final[Activation] = relu
'''


# ---------------------------------------------------------------------------------------------
# the catalogue

VARIANTS = []


def V(name, description, edits, start="solution"):
    VARIANTS.append({"name": name, "description": description, "start": start, "edits": list(edits)})


def student(relu_body, a_h_line, deriv_line, extra=()):
    """Edits of the blank notebook: relu's body, forward's a_h line, backward's derivative line."""
    return [("replace", S_RELU, "def relu(z):\n" + relu_body),
            ("replace", S_F, a_h_line),
            ("replace", S_B, deriv_line), *extra]


# 1. ReLU idioms (from the blank notebook, as students write them) ---------------------------------
V("s_relu_piecewise",
  "relu with np.piecewise(z, [z <= 0], [0, lambda v: v]); derivative as np.piecewise too",
  student("    z = np.asarray(z)\n    return np.piecewise(z, [z <= 0], [0, lambda v: v])",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.piecewise(a_h, [a_h > 0], [1, 0])"), start="student")

V("s_relu_select",
  "relu with np.select([z > 0], [z], default=0); derivative (a_h > 0) + 0.0",
  student("    return np.select([z > 0], [z], default=0)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = (a_h > 0) + 0.0"), start="student")

V("s_relu_putmask_copy",
  "relu as np.putmask on a copy; derivative in place on a copy of a_h (positives set to 1)",
  student("    out = np.array(z, copy=True)   # never touch z\n    np.putmask(out, out < 0, 0)\n    return out",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = a_h.copy()\n        d_a_h__d_z_h[d_a_h__d_z_h > 0] = 1   # a_h >= 0: the rest is 0 already"),
  start="student")

V("s_relu_copyto_where",
  "relu with np.zeros_like + np.copyto(..., where=z > 0); derivative np.zeros_like then d[a_h > 0] = 1.0",
  student("    out = np.zeros_like(z)\n    np.copyto(out, z, where=z > 0)\n    return out",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.zeros_like(a_h)\n        d_a_h__d_z_h[a_h > 0] = 1.0"), start="student")

V("s_relu_maximum_out_on_copy",
  "relu copies z then np.maximum(out, 0, out=out) in place; derivative np.divide(a_h, a_h, where=a_h > 0)",
  student("    out = np.array(z, copy=True)\n    np.maximum(out, 0, out=out)   # in place, on the copy\n    return out",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.divide(a_h, a_h, out=np.zeros_like(a_h), where=a_h > 0)   # a/a = 1 where a > 0"),
  start="student")

V("s_relu_stack_amax",
  "relu as the max over a stack of z and zeros (np.stack + np.amax(axis=0)); derivative np.logical_not(a_h <= 0).astype(float)",
  student("    z = np.asarray(z)\n    return np.amax(np.stack([z, np.zeros_like(z)]), axis=0)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.logical_not(a_h <= 0).astype(float)"), start="student")

V("s_relu_masked_array",
  "relu through a masked array: np.ma.masked_less_equal(z, 0).filled(0); derivative np.ma.getmaskarray inverted",
  student("    return np.ma.masked_less_equal(z, 0).filled(0)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = (~np.ma.getmaskarray(np.ma.masked_equal(a_h, 0))).astype(a_h.dtype)"), start="student")

V("s_relu_clip_inf_float32_deriv",
  "relu as np.clip(z, 0, np.inf); derivative np.asarray(a_h > 0, dtype=np.float32) (float32 mask times float64)",
  student("    return np.clip(z, 0, np.inf)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.asarray(a_h > 0, dtype=np.float32)"), start="student")

V("s_relu_dtype_aware_zero",
  "relu as np.maximum(z, np.zeros((), dtype=z.dtype)) after np.asarray; derivative np.choose",
  student("    z = np.asarray(z)\n    zero = np.zeros((), dtype=z.dtype)   # same dtype: float32 stays float32\n    return np.maximum(z, zero)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.choose((a_h > 0).astype(np.int8), [0.0, 1.0])"), start="student")

V("s_relu_float32_scalar_zero",
  "relu as np.maximum(z, np.float32(0)) (float32 zero keeps float64 float64); derivative relu(np.sign(a_h))",
  student("    return np.maximum(z, np.float32(0))",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = relu(np.sign(a_h))   # sign is 0 or 1 here anyway"), start="student")

V("s_relu_singledispatch",
  "relu with functools.singledispatch: a float overload (Python max) and the default for arrays",
  student("    return np.maximum(z, 0)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.asarray(a_h > 0).astype(a_h.dtype, copy=False)",
          extra=[("raw", lambda nb: _singledispatch(nb))]), start="student")


def _singledispatch(nb):
    cell = _code_cells(nb, "def relu(z):")[0]
    cell.source = ("from functools import singledispatch\n\n\n@singledispatch\n" + cell.source +
                   "\n\n\n@relu.register(float)\n@relu.register(int)\ndef _(z):\n    return z if z > 0 else 0.0   # plain numbers\n\n\n"
                   "print(relu(-2.0), relu(3), relu(np.array([-1.0, 1.0])))")
    return nb


V("s_relu_ceil_clip_deriv",
  "relu np.where(z > 0, z, 0) cast back with astype(z.dtype, copy=False); derivative np.clip(np.ceil(a_h), 0, 1)",
  student("    z = np.asarray(z)\n    return np.where(z > 0, z, 0).astype(z.dtype, copy=False)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = np.clip(np.ceil(a_h), 0, 1)   # a_h >= 0: ceil is 0 at 0, >= 1 above"), start="student")

V("s_forward_inplace_on_z_h",
  "forward does ReLU in place on z_h (a fresh array) with np.maximum(z_h, 0, out=z_h); derivative (a_h > 0).view(np.int8)",
  student("    return np.maximum(z, 0)",
          "        np.maximum(z_h, 0, out=z_h)   # z_h is a new array here, safe to overwrite\n        a_h = z_h",
          "        d_a_h__d_z_h = (a_h > 0).view(np.int8)"), start="student")

V("s_forward_mask_assign_z_h",
  "forward zeroes z_h's negatives in place (z_h[z_h < 0] = 0) then a_h = z_h; relu itself np.fmax(z, np.zeros_like(z))",
  student("    return np.fmax(z, np.zeros_like(z))",
          "        z_h[z_h < 0] = 0.0   # ReLU in place\n        a_h = z_h",
          "        d_a_h__d_z_h = np.array(a_h > 0, dtype=a_h.dtype)"), start="student")

V("s_torch_try_except_relu",
  "`import torch` in try/except in the imports cell; relu uses torch.relu when torch is there, np.maximum otherwise",
  student("    if torch is not None and isinstance(z, np.ndarray) and z.ndim > 0 and z.dtype in (np.float32, np.float64):\n"
          "        return torch.relu(torch.as_tensor(np.ascontiguousarray(z))).numpy()\n    return np.maximum(z, 0)",
          "        a_h = relu(z_h)",
          "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)",
          extra=[("replace", IMPORTS, IMPORTS + "\n\ntry:\n    import torch   # to compare with PyTorch if it is installed\n"
                                            "except ImportError:\n    torch = None\nprint('torch:', None if torch is None else torch.__version__)")]),
  start="student")

# 2. class structure ---------------------------------------------------------------------------------
V("dataclass_class",
  "NeuralNetMLP_ReLU as a @dataclass with the weights as init=False fields made in __post_init__",
  [("set_source", CLASS, DATACLASS_CLASS)])

V("monkeypatched_methods",
  "NeuralNetMLP_ReLU(NeuralNetMLP) with `pass`; forward and backward written in the next two cells and attached with "
  "NeuralNetMLP_ReLU.forward = ... and setattr(...)",
  [("set_source", CLASS, MONKEY_CLASS), ("insert_after", CLASS, MONKEY_FORWARD),
   ("insert_after", "NeuralNetMLP_ReLU.forward = relu_forward", MONKEY_BACKWARD)])

V("class_built_with_type",
  "forward/backward as module functions and the class made with type('NeuralNetMLP_ReLU', (NeuralNetMLP,), {...})",
  [("set_source", CLASS, TYPE_BUILT_CLASS)])

V("subclass_reuses_book_output_grads",
  "subclass of the book's class: backward calls super().backward() for the output-layer gradients, redoes the hidden ones",
  [("set_source", CLASS, REUSE_BOOK_CLASS)])

V("class_from_closure_factory",
  "make_mlp_class(activation, grad, name) builds a class in a closure; NeuralNetMLP_ReLU = make_mlp_class(relu, ...)",
  [("set_source", CLASS, CLOSURE_CLASS)])

V("layers_with_property_params",
  "Dense layer objects hold W and b; weight_h/bias_h/weight_out/bias_out are properties with setters onto the layers",
  [("set_source", CLASS, LAYERS_CLASS)])

V("slots_class",
  "the given class with __slots__ for its five attributes (no instance __dict__)",
  [in_cell(CLASS, "class NeuralNetMLP_ReLU:\n\n", SLOTS_CLASS_HEAD)])

V("abc_abstract_base",
  "abstract base class (abc.ABC) with abstract activation/activation_derivative; NeuralNetMLP_ReLU implements them",
  [("set_source", CLASS, ABC_CLASS)])

V("activation_registry_kwargs",
  "ACTIVATIONS dict of (g, g') lambdas; NeuralNetMLP_ReLU(..., activation='relu', **kwargs) picks its pair in __init__",
  [("set_source", CLASS, REGISTRY_CLASS),
   ("insert_before", EXPORT, "for act in ('sigmoid', 'tanh', 'relu'):\n    m = NeuralNetMLP_ReLU(784, 50, 10, activation=act)\n"
                             "    _, _, va = train(m, X_train, y_train, X_valid, y_valid, num_epochs=10, log=None)\n"
                             "    print(f'{act:8s} valid acc after 10 epochs: {va[-1]:.2%}')")])

V("sklearn_style_methods",
  "class gains fit/predict_proba/predict/score/__call__ methods and forward(x, return_z=False); used after the checks",
  [in_cell(CLASS, FWD_DEF, SKLEARN_METHODS + "    def forward(self, x, return_z=False):\n"),
   in_cell(CLASS, "        return a_h, a_out", "        if return_z:\n            return a_h, a_out, z_h, z_out\n        return a_h, a_out"),
   ("insert_before", EXPORT, "clf = NeuralNetMLP_ReLU(784, 50, 10).fit(X_train, y_train, X_valid, y_valid, num_epochs=15, log=None)\n"
                             "print('test accuracy', clf.score(X_test, y_test))\nprint(clf.predict(X_test[:20]), y_test[:20])")])

V("old_style_object_super_locals",
  "class NeuralNetMLP_ReLU(object) with super(NeuralNetMLP_ReLU, self).__init__() and self.__dict__.update(locals() copy)",
  [in_cell(CLASS, "class NeuralNetMLP_ReLU:", "class NeuralNetMLP_ReLU(object):"),
   in_cell(CLASS, "        super().__init__()\n", "        super(NeuralNetMLP_ReLU, self).__init__()\n"
                                               "        params = dict(locals())\n        params.pop('self')\n"
                                               "        self.__dict__.update(params)   # keeps num_features etc. too\n"),
   ("replace", B, "        d_a_h__d_z_h = 1. * (a_h > 0.)")])

V("typed_protocol_numpy_typing",
  "relu cell with __future__ annotations, typing.Protocol, Final and numpy.typing; backward uses relu_prime; annotated methods",
  [("set_source", R, TYPED_PROTOCOL_RELU),
   in_cell(CLASS, FWD_DEF, "    def forward(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:\n"),
   in_cell(CLASS, BWD_DEF, "    def backward(self, x: FloatArray, a_h: FloatArray, a_out: FloatArray,\n"
                           "                 y: npt.NDArray[np.integer]) -> tuple[FloatArray, ...]:\n"),
   ("replace", F, "        a_h = HIDDEN(z_h)"),
   ("replace", B, "        d_a_h__d_z_h = relu_prime(a_h)")])

V("defensive_forward_errstate",
  "forward does np.atleast_2d(np.asarray(x)) and wraps the output sigmoid in np.errstate; backward ravels y",
  [in_cell(CLASS, "        z_h = np.dot(x, self.weight_h.T) + self.bias_h",
           "        x = np.atleast_2d(np.asarray(x))   # one image works too\n        z_h = np.dot(x, self.weight_h.T) + self.bias_h"),
   in_cell(CLASS, "        a_out = sigmoid(z_out)", "        with np.errstate(over='ignore'):   # exp overflow for very negative z_out is fine\n"
                                                  "            a_out = sigmoid(z_out)"),
   in_cell(CLASS, "        # onehot encoding\n", "        y = np.asarray(y).ravel()\n        # onehot encoding\n"),
   ("replace", B, "        d_a_h__d_z_h = np.heaviside(a_h, 0.).astype(a_h.dtype, copy=False)")])

# 3. state kept between calls (none of it changes a result) ---------------------------------------
V("global_call_counters",
  "module-level counters N_FORWARD / N_BACKWARD incremented with `global` in forward and backward, printed after training",
  [("replace", IMPORTS, IMPORTS + "\n\nN_FORWARD = 0   # how often forward / backward ran (curiosity)\nN_BACKWARD = 0"),
   in_cell(CLASS, FWD_DEF, FWD_DEF + "        global N_FORWARD\n        N_FORWARD += 1\n"),
   in_cell(CLASS, BWD_DEF, BWD_DEF + "        global N_BACKWARD\n        N_BACKWARD += 1\n"),
   ("insert_after", RELU_TRAIN, "print('forward calls:', N_FORWARD, 'backward calls:', N_BACKWARD)")])

V("relu_lru_cache",
  "relu memoises its results in a bounded OrderedDict keyed by (dtype, shape, bytes) and returns copies",
  [("set_source", R, "from collections import OrderedDict\n\n_RELU_CACHE = OrderedDict()\n_RELU_CACHE_SIZE = 32\n_hits = 0\n\n\n"
                     "def relu(z):\n    \"\"\"ReLU with a small cache (same input bytes -> same output).\"\"\"\n    global _hits\n"
                     "    z = np.asarray(z)\n    key = (z.dtype.str, z.shape, z.tobytes())\n    if key in _RELU_CACHE:\n"
                     "        _hits += 1\n        _RELU_CACHE.move_to_end(key)\n        return _RELU_CACHE[key].copy()\n"
                     "    out = np.maximum(z, 0)\n    _RELU_CACHE[key] = out.copy()\n    if len(_RELU_CACHE) > _RELU_CACHE_SIZE:\n"
                     "        _RELU_CACHE.popitem(last=False)\n    return out\n\n\nrelu(np.arange(-2., 3.)), relu(np.arange(-2., 3.)), _hits")])

V("logging_in_forward_backward",
  "logging module set up in the imports cell; forward/backward call log.debug (level INFO, so silent) and log.info every 1000th backward",
  [("replace", IMPORTS, IMPORTS + "\nimport logging\n\nlogging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(levelname)s: %(message)s')\n"
                                  "log = logging.getLogger('mlp')"),
   ("replace", F, "        a_h = relu(z_h)\n        log.debug('forward: x %s, %.1f%% of hidden units off', x.shape, 100 * np.mean(a_h == 0))"),
   in_cell(CLASS, BWD_DEF, BWD_DEF + "        self._n_backward = getattr(self, '_n_backward', 0) + 1\n"
                           "        if self._n_backward % 1000 == 0:\n            log.info('backward call %d', self._n_backward)\n"),
   ("replace", B, "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)\n        if log.isEnabledFor(logging.DEBUG):\n"
                  "            log.debug('dead units in this batch: %d', int(np.sum(d_a_h__d_z_h.sum(axis=0) == 0)))"),
   ("insert_after", CHECK_BWD, "log.setLevel(logging.DEBUG)\n_m = NeuralNetMLP_ReLU(784, 50, 10)\n_ah, _ao = _m.forward(np.random.randn(5, 784))\n"
                               "_m.backward(np.random.randn(5, 784), _ah, _ao, np.arange(5))\nlog.setLevel(logging.INFO)")])

V("bounded_history_and_stdout_progress",
  "__init__ keeps a deque(maxlen=5) of recent a_h; backward writes a dot to sys.stdout every 550 calls (class-level counter)",
  [("replace", IMPORTS, IMPORTS + "\nfrom collections import deque"),
   in_cell(CLASS, INIT_NUM_CLASSES, INIT_NUM_CLASSES + "        self.recent_a_h = deque(maxlen=5)   # to look at activations while training\n"),
   in_cell(CLASS, "class NeuralNetMLP_ReLU:\n", "class NeuralNetMLP_ReLU:\n    _calls = 0\n"),
   ("replace", F, "        a_h = relu(z_h)\n        self.recent_a_h.append(a_h)"),
   ("replace", B, "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)\n        type(self)._calls += 1\n"
                  "        if type(self)._calls % 550 == 0:\n            sys.stdout.write('.')\n            sys.stdout.flush()")])

V("warn_dead_units",
  "forward warns (warnings.warn, RuntimeWarning) when more than 95% of the hidden units are off; warnings filter 'once'",
  [("replace", IMPORTS, IMPORTS + "\nimport warnings\nwarnings.simplefilter('once', RuntimeWarning)"),
   ("replace", F, "        a_h = relu(z_h)\n        if a_h.size and np.mean(a_h == 0) > 0.95:\n"
                  "            warnings.warn(f'{np.mean(a_h == 0):.0%} of the hidden activations are 0 (dying ReLU?)', RuntimeWarning)")])

# 4. dtype mixes -----------------------------------------------------------------------------------------
V("forward_hidden_float32",
  "forward keeps the hidden activations in float32 (a_h = relu(z_h).astype(np.float32)) 'because train() is float32 anyway'",
  [("replace", F, "        a_h = relu(z_h).astype(np.float32, copy=False)   # float32 is plenty (train() is float32 anyway)")])

V("backward_float64_hidden",
  "backward computes the hidden-layer delta in float64 (derivative and d_loss__a_h cast up) whatever the input dtype",
  [in_cell(CLASS, "        d_loss__a_h = np.dot(delta_out, d_z_out__a_h)",
           "        d_loss__a_h = np.dot(delta_out, d_z_out__a_h).astype(np.float64)"),
   ("replace", B, "        d_a_h__d_z_h = np.float64(1.0) * (a_h > 0)   # float64 for the gradient, whatever a_h is")])

# 5. redefinitions, disabled code, order ---------------------------------------------------------------
V("correct_redefinitions_between_checks",
  "relu np.where in the stub; after its check a faster in-place-on-copy relu replaces it; the class is redefined "
  "(derivative written differently) between the forward and backward checks",
  [("replace", R, "    return np.where(z > 0, z, 0.)"),
   ("insert_after", CHECK_RELU, "# faster version (no temporary from the comparison)\ndef relu(z):\n    out = np.array(z, copy=True)\n"
                                "    np.maximum(out, 0, out=out)\n    return out\n\n\n%timeit relu(np.random.randn(100, 50))"),
   ("raw", lambda nb: _redefine_class_after_forward_check(nb))])


def _redefine_class_after_forward_check(nb):
    cls = _code_cells(nb, CLASS)[0]
    i = nb.cells.index(_code_cells(nb, CHECK_FWD)[0])
    src = ("# v2: same class, derivative without astype\n" +
           cls.source.replace(B, "        d_a_h__d_z_h = np.where(a_h > 0, 1., 0.)"))
    nb.cells.insert(i + 1, nbformat.v4.new_code_cell(src))
    return nb


V("script_false_disabled_cells",
  "old wrong relu and an old class kept in `%%script false --no-raise-error` cells (disabled) right after the real ones",
  [("insert_after", RELU_DEF, "%%script false --no-raise-error\n# old version, disabled (it changed z in place)\n"
                              "def relu(z):\n    z[z < 0] = 0\n    return z"),
   ("insert_after", CLASS, "%%script false --no-raise-error\n# first attempt, sigmoid derivative left in -- disabled\n"
                           "class NeuralNetMLP_ReLU(NeuralNetMLP):\n    pass")])

V("if_false_disabled_blocks",
  "old attempts kept inside `if False:` blocks (a scalar relu, a class with the sigmoid derivative) after the real ones",
  [("insert_after", RELU_DEF, "if False:   # old, keep for the report\n    def relu(z):\n        return z if z > 0 else 0"),
   ("raw", lambda nb: _if_false_class(nb))])


def _if_false_class(nb):
    cls = _code_cells(nb, CLASS)[0]
    old = cls.source.replace(B, "        d_a_h__d_z_h = a_h * (1. - a_h)   # wrong: sigmoid's")
    body = "\n".join(("    " + line) if line.strip() else line for line in old.split("\n"))
    nb.cells.insert(nb.cells.index(cls) + 1, nbformat.v4.new_code_cell("if 0:  # first try, wrong derivative\n" + body))
    return nb


V("markdown_and_raw_with_wrong_code",
  "markdown cells with a whole wrong class in a ```python fence, and a raw cell (raw_mimetype text/x-python) with a wrong relu",
  [insert_markdown_before(CLASS, "My notes. First I wrote\n\n```python\nclass NeuralNetMLP_ReLU(NeuralNetMLP):\n    def forward(self, x):\n"
                                 "        a_h = relu(x)\n        return a_h, a_h\n```\n\nwhich is wrong: the hidden layer needs `x W_h^T + b_h` first."),
   insert_raw_after(RELU_DEF, "def relu(z):\n    return np.abs(z)   # wrong, keep as a reminder", {"raw_mimetype": "text/x-python"}),
   insert_markdown_before(CHECK_BWD, "Derivative: $\\frac{\\partial a_h}{\\partial z_h} = \\mathbb{1}[a_h > 0]$, in code `d = a_h > 0`")])

# 6. magics only a real kernel understands ------------------------------------------------------------
V("get_ipython_explicit_calls",
  "notebook converted back from a .py script: get_ipython().run_line_magic / .system calls instead of % and ! lines",
  [prepend_to(IMPORTS, "get_ipython().run_line_magic('load_ext', 'autoreload')\nget_ipython().run_line_magic('autoreload', '2')\n"),
   ("insert_after", IMPORTS, "get_ipython().system('ls -la')\nget_ipython().run_line_magic('who', '')"),
   prepend_to(CLASS, "get_ipython().run_line_magic('precision', '4')\n\n")])

V("profiling_magics",
  "%%prun on a 1-epoch training, %load_ext line_profiler + %lprun on backward, %pdb off, in cells after the checks",
  [("insert_after", CHECK_BWD, "%pdb off"),
   ("insert_before", EXPORT, "%%prun -s cumulative -l 12\nm = NeuralNetMLP_ReLU(784, 50, 10)\ntrain(m, X_train, y_train, num_epochs=1, log=None)"),
   ("insert_before", EXPORT, "%load_ext line_profiler\n%lprun -f NeuralNetMLP_ReLU.backward train(NeuralNetMLP_ReLU(784, 50, 10), X_train[:5000], y_train[:5000], num_epochs=1)")])

V("matplotlib_widget_and_config",
  "%matplotlib widget and %config Completer.use_jedi = False in the imports cell (JupyterLab with ipympl)",
  [prepend_to(IMPORTS, "%matplotlib widget\n%config Completer.use_jedi = False\n")])

V("store_magic_and_env",
  "%store of the trained model and %env / %set_env lines in experiment cells, %store -r at the top",
  [("insert_after", IMPORTS, "%store -r\n%env PYTHONHASHSEED=0"),
   ("insert_after", RELU_TRAIN, "%store model_relu\n%set_env TRAINED=1")])

# 7. editors and their metadata ----------------------------------------------------------------------------
def _jupyterlab_cell_md(i, c, rng):
    t = 1727946000 + 37 * i
    stamp = lambda s: f"2024-10-03T09:{(t // 60) % 60:02d}:{(t + s) % 60:02d}.{rng.randrange(10**6):06d}Z"
    if c.cell_type == "code":
        c.metadata["execution"] = {"iopub.execute_input": stamp(0), "iopub.status.busy": stamp(0),
                                   "iopub.status.idle": stamp(2), "shell.execute_reply": stamp(2),
                                   "shell.execute_reply.started": stamp(0)}
        if "train(" in c.source:
            c.metadata["jupyter"] = {"outputs_hidden": True}
            c.metadata["scrolled"] = True
    elif c.cell_type == "markdown" and i % 3 == 0:
        c.metadata["jupyter"] = {"source_hidden": True}


V("jupyterlab4_execution_metadata",
  "JupyterLab 4 save: per-cell `execution` timing metadata, hidden outputs/sources, full language_info, executed",
  [("metadata", {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                 "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                   "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                   "pygments_lexer": "ipython3", "version": "3.12.7"}}),
   executed(seed=31, cell_md=_jupyterlab_cell_md)])


def _kaggle_cell_md(i, c, rng):
    if c.cell_type == "code" or c.cell_type == "markdown":
        c.metadata["papermill"] = {"duration": None if c.cell_type == "markdown" else round(rng.uniform(0.01, 40), 6),
                                   "end_time": None, "exception": False, "start_time": None,
                                   "status": "completed"}
    if c.cell_type == "code":
        c.metadata["_kg_hide-input"] = False
        c.metadata["execution"] = {"iopub.execute_input": "2024-10-03T10:01:02.000000Z",
                                   "iopub.status.busy": "2024-10-03T10:01:02.000000Z",
                                   "iopub.status.idle": "2024-10-03T10:01:03.000000Z",
                                   "shell.execute_reply": "2024-10-03T10:01:03.000000Z"}


V("kaggle_papermill",
  "Kaggle notebook: the default Kaggle boilerplate cell (pandas, os.walk /kaggle/input), MNIST_PATH set if the Kaggle "
  "dataset exists, a papermill `parameters` cell, kaggle+papermill metadata, executed",
  [("prepend", "# This Python 3 environment comes with many helpful analytics libraries installed\n"
               "# It is defined by the kaggle/python Docker image: https://github.com/kaggle/docker-python\n"
               "import numpy as np # linear algebra\nimport pandas as pd # data processing, CSV file I/O (e.g. pd.read_csv)\n\n"
               "# Input data files are available in the read-only \"../input/\" directory\nimport os\n"
               "for dirname, _, filenames in os.walk('/kaggle/input'):\n    for filename in filenames:\n"
               "        print(os.path.join(dirname, filename))\n\n"
               "if os.path.exists('/kaggle/input/mnist-keras/mnist.npz'):\n    os.environ['MNIST_PATH'] = '/kaggle/input/mnist-keras/mnist.npz'"),
   ("insert_before", RELU_TRAIN, "# parameters\nLEARNING_RATE = 0.1\nNUM_EPOCHS = 20"),
   in_cell(RELU_TRAIN, "num_epochs=20, learning_rate=0.1)", "num_epochs=NUM_EPOCHS, learning_rate=LEARNING_RATE)"),
   set_cell_metadata("# parameters\nLEARNING_RATE", {"tags": ["parameters"]}),
   ("metadata", {"kaggle": {"accelerator": "none", "dataSources": [{"datasetId": 102285, "sourceId": 242592,
                                                                     "sourceType": "datasetVersion"}],
                            "dockerImageVersionId": 30786, "isGpuEnabled": False, "isInternetEnabled": True,
                            "language": "python", "sourceType": "notebook"},
                 "papermill": {"default_parameters": {}, "duration": 412.37, "end_time": "2024-10-03T10:08:14.123Z",
                               "environment_variables": {}, "exception": None, "input_path": "__notebook__.ipynb",
                               "output_path": "__notebook__.ipynb", "parameters": {},
                               "start_time": "2024-10-03T10:01:21.753Z", "version": "2.6.0"},
                 "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                   "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                   "pygments_lexer": "ipython3", "version": "3.10.14"}}),
   executed(seed=32, cell_md=_kaggle_cell_md)])


def _deepnote(nb):
    rng = random.Random(33)
    for c in nb.cells:
        c.metadata.update({"cell_id": _uuid(rng), "deepnote_cell_type": "code" if c.cell_type == "code" else "markdown"})
        if c.cell_type == "code":
            c.metadata.update({"deepnote_to_be_reexecuted": False, "execution_millis": rng.randrange(3, 90000),
                               "execution_start": 1727950000000 + rng.randrange(10**7),
                               "source_hash": "%08x" % rng.getrandbits(32), "deepnote_output_heights": [21.1875]})
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "<a style='text-decoration:none;line-height:16px;display:flex;color:#5B5B62;padding:10px;justify-content:end;' "
        "href='https://deepnote.com?utm_source=created-in-deepnote-cell&projectId=4f9a1c2e'>Created in Deepnote</a>",
        metadata={"created_in_deepnote_cell": True, "deepnote_cell_type": "markdown"}))
    nb.metadata.update({"deepnote": {}, "deepnote_execution_queue": [],
                        "deepnote_notebook_id": _uuid(rng), "deepnote_persisted_session": {"createdAt": "2024-10-03T10:55:01.311Z"}})
    return nb


V("deepnote_export",
  "exported from Deepnote: cell_id/deepnote_cell_type/execution_millis metadata, the 'Created in Deepnote' markdown cell",
  [executed(seed=34), ("raw", _deepnote)])


def _vscode_cells(i, c, rng):
    c.metadata["vscode"] = {"languageId": "python" if c.cell_type == "code" else "markdown"}


V("vscode_cell_markers",
  "VS Code: `# %%` cell markers pasted inside cells (from a .py draft), cell-level vscode languageId metadata, executed out of order",
  [prepend_to(RELU_DEF, "# %% [relu]\n"), prepend_to(CLASS, "# %%\n# %% network\n"),
   append_to(CLASS, "\n\n# %%\n# quick test\nprint(NeuralNetMLP_ReLU(784, 50, 10).forward(np.zeros((2, 784)))[1].shape)\n"),
   ("metadata", {"kernelspec": {"display_name": "ml (Python 3.11.9)", "language": "python", "name": "python3"},
                 "vscode": {"interpreter": {"hash": "9f1e0c2d7a4b3e5f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f"}}}),
   executed(counts="shuffled", seed=35, cell_md=_vscode_cells)])


def _colab_forms(nb):
    rng = random.Random(36)
    for c in nb.cells:
        c.metadata["id"] = _rid(rng)
        if c.cell_type == "code" and c.outputs:
            c.metadata["outputId"] = _uuid(rng)
            c.metadata["colab"] = {"base_uri": "https://localhost:8080/"}
    for anchor in ("def relu(z):", "# @title Hyperparameters"):
        _code_cells(nb, anchor)[0].metadata["cellView"] = "form"
    return nb


V("colab_forms",
  "Colab with form fields: `#@title` on the relu cell, a hyperparameter cell of #@param sliders used by the training cell",
  [prepend_to(RELU_DEF, "#@title ReLU { display-mode: \"code\" }\n#@markdown `relu(z) = max(0, z)`, elementwise\n"),
   ("insert_before", RELU_TRAIN, "# @title Hyperparameters\nlearning_rate = 0.1  #@param {type:\"slider\", min:0.01, max:1.0, step:0.01}\n"
                                 "num_epochs = 20  #@param {type:\"integer\"}\nnum_hidden = 50  #@param [\"50\", \"100\", \"300\"] {type:\"raw\"}\n"
                                 "use_float64 = False  #@param {type:\"boolean\"}"),
   in_cell(RELU_TRAIN, "num_hidden=50, num_classes=10)", "num_hidden=num_hidden, num_classes=10)"),
   in_cell(RELU_TRAIN, "num_epochs=20, learning_rate=0.1)", "num_epochs=num_epochs, learning_rate=learning_rate)"),
   ("metadata", {"colab": {"provenance": [], "collapsed_sections": ["x7Yc2mQa0PfL"], "name": "mlp_relu.ipynb"},
                 "kernelspec": {"name": "python3", "display_name": "Python 3"}, "language_info": {"name": "python"}}),
   executed(seed=37), ("raw", _colab_forms)])


WIDGET_MODEL = "8c6b1f2e4d3a4b5c9e7f0a1b2c3d4e5f"


def _widget_output(count):
    return [nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": WIDGET_MODEL, "version_major": 2, "version_minor": 0},
        "text/plain": "interactive(children=(FloatSlider(value=0.0, description='shift', max=2.0, min=-2.0), Output()), "
                      "_dom_classes=('widget-interact',))"})]


V("ipywidgets_interact",
  "an @interact slider cell plotting relu (ipywidgets imported in that cell), widget-view output and widget state metadata",
  [("insert_after", CHECK_RELU, "import matplotlib.pyplot as plt\nfrom ipywidgets import interact, FloatSlider\n\n\n"
                                "@interact(shift=FloatSlider(min=-2, max=2, step=0.1, value=0.0))\ndef show(shift=0.0):\n"
                                "    z = np.linspace(-3, 3, 301)\n    plt.plot(z, relu(z - shift))\n    plt.axvline(shift, ls=':')\n    plt.show()"),
   executed(seed=38, overrides=[("@interact(shift=", _widget_output)]),
   ("metadata", {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {
       WIDGET_MODEL: {"model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0",
                      "model_name": "VBoxModel", "state": {"_dom_classes": ["widget-interact"], "children": []}}},
       "version_major": 2, "version_minor": 0}}})])


def _stale_check_outputs(count_fail):
    def make(name, msg):
        return lambda n: [_result(n, *_failed(name, msg))]
    return [(CHECK_RELU, make("relu", "relu(a 2-D array) is wrong for negative inputs: ... That is |z|: ReLU is 0, not -z, for negative z.")),
            (CHECK_FWD, make("forward", "forward(x) raised TypeError: unsupported operand type(s) for *: 'ellipsis' and 'float'.")),
            (CLASS, lambda n: [_error("NameError", "name 'relu' is not defined",
                                      ["Cell \x1b[0;32mIn[7], line 25\x1b[0m, in \x1b[0;36mNeuralNetMLP_ReLU.forward\x1b[0m"])])]


V("stale_failing_outputs",
  "saved with stale outputs from an earlier run (failed relu/forward checks, a NameError in the class cell) and "
  "out-of-order counts; the code itself is now right",
  [executed(counts="shuffled", seed=39, overrides=_stale_check_outputs(True))])

V("partially_run_notebook",
  "some cells never run in the saved session (execution_count null, no outputs), others run; code correct",
  [executed(counts="partial", seed=40)])

# 8. long experiments in their own cells --------------------------------------------------------------
V("early_stopping_while_loop",
  "after the checks: a `while True` early-stopping loop (patience 10, up to 500 epochs) and a plot saved with savefig",
  [("insert_before", EXPORT, "best, best_epoch, epoch = 0.0, 0, 0\nmodel_es = NeuralNetMLP_ReLU(784, 100, 10)\nhistory = []\n"
                             "while True:\n    _, _, va = train(model_es, X_train, y_train, X_valid, y_valid, num_epochs=1,\n"
                             "                     learning_rate=0.1, seed=epoch, log=None)\n    epoch += 1\n    history.append(va[-1])\n"
                             "    if va[-1] > best:\n        best, best_epoch = va[-1], epoch\n"
                             "    elif epoch - best_epoch >= 10 or epoch >= 500:\n        break\n"
                             "print(f'stopped after {epoch} epochs, best valid acc {best:.2%} at epoch {best_epoch}')"),
   ("insert_before", EXPORT, "plt.figure(figsize=(6, 3))\nplt.plot(np.arange(1, len(history) + 1), history)\n"
                             "plt.xlabel('epoch')\nplt.ylabel('valid acc')\nplt.savefig('early_stopping.png', dpi=150)\nplt.show()")])

V("grid_search_three_axes",
  "after the checks: a grid search over learning rate x hidden units x minibatch size (27 runs of 20 epochs) into a "
  "pandas DataFrame, then a heatmap",
  [("insert_before", EXPORT, "import itertools\nimport pandas as pd\n\nrows = []\n"
                             "for lr, hidden, bs in itertools.product([0.05, 0.1, 0.2], [50, 100, 200], [50, 100, 200]):\n"
                             "    m = NeuralNetMLP_ReLU(784, hidden, 10)\n"
                             "    _, _, va = train(m, X_train, y_train, X_valid, y_valid, num_epochs=20, learning_rate=lr,\n"
                             "                     minibatch_size=bs, log=None)\n"
                             "    rows.append(dict(lr=lr, hidden=hidden, batch=bs, valid=va[-1], test=accuracy(y_test, predict(m, X_test))))\n"
                             "    print(rows[-1])\nresults = pd.DataFrame(rows)\nresults.sort_values('valid', ascending=False).head()"),
   ("insert_before", EXPORT, "pivot = results[results.batch == 100].pivot(index='lr', columns='hidden', values='valid')\n"
                             "plt.imshow(pivot.values, cmap='viridis')\nplt.colorbar()\nplt.xticks(range(3), pivot.columns)\n"
                             "plt.yticks(range(3), pivot.index)\nplt.show()")])

V("kfold_cross_validation",
  "after the checks: 5-fold cross-validation of the ReLU net on train+valid (np.array_split of a permutation), 15 epochs per fold",
  [("insert_before", EXPORT, "X_all = np.concatenate([X_train, X_valid])\ny_all = np.concatenate([y_train, y_valid])\n"
                             "folds = np.array_split(np.random.RandomState(0).permutation(len(X_all)), 5)\nscores = []\n"
                             "for k, val_idx in enumerate(folds):\n    tr_idx = np.concatenate([f for j, f in enumerate(folds) if j != k])\n"
                             "    m = NeuralNetMLP_ReLU(784, 50, 10)\n    train(m, X_all[tr_idx], y_all[tr_idx], num_epochs=15, log=None)\n"
                             "    scores.append(accuracy(y_all[val_idx], predict(m, X_all[val_idx])))\n    print(f'fold {k}: {scores[-1]:.4f}')\n"
                             "print('mean', np.mean(scores), '+-', np.std(scores))")])

V("animation_of_training",
  "after the checks: a matplotlib FuncAnimation of the hidden weights over 30 epochs, saved as a GIF and shown as HTML",
  [("insert_before", EXPORT, "from matplotlib import animation\nfrom IPython.display import HTML\n\n"
                             "m = NeuralNetMLP_ReLU(784, 50, 10)\nframes = []\nfor e in range(30):\n"
                             "    train(m, X_train, y_train, num_epochs=1, seed=e, log=None)\n    frames.append(m.weight_h[:10].copy())\n\n"
                             "fig, axes = plt.subplots(1, 10, figsize=(12, 1.6))\nims = [ax.imshow(frames[0][i].reshape(28, 28), cmap='seismic') for i, ax in enumerate(axes)]\n\n\n"
                             "def update(k):\n    for i, im in enumerate(ims):\n        im.set_data(frames[k][i].reshape(28, 28))\n    return ims\n\n\n"
                             "anim = animation.FuncAnimation(fig, update, frames=len(frames), interval=200)\n"
                             "anim.save('weights.gif', writer='pillow')\nHTML(anim.to_jshtml())")])

# 9. combinations --------------------------------------------------------------------------------------
V("combo_colab_torch_compare_dataclass",
  "Colab notebook (GPU) with torch imported in try/except, a cell comparing relu to torch.nn.functional.relu, "
  "and the dataclass version of the class",
  [("metadata", {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []},
                 "kernelspec": {"display_name": "Python 3", "name": "python3"}, "language_info": {"name": "python"}}),
   ("replace", IMPORTS, IMPORTS + "\ntry:\n    import torch\n    import torch.nn.functional as TF\n    DEVICE = 'cuda' if torch.cuda.is_available() else 'cpu'\n"
                                  "except ImportError:\n    torch = TF = None\n    DEVICE = 'cpu'"),
   ("insert_after", CHECK_RELU, "if torch is not None:\n    z = np.random.randn(1000)\n"
                                "    print('same as torch:', np.allclose(relu(z), TF.relu(torch.from_numpy(z)).numpy()))"),
   ("set_source", CLASS, DATACLASS_CLASS),
   executed(seed=41)])

V("combo_monkeypatch_logging_shuffled",
  "monkeypatched forward/backward, a global forward counter, %%time on the patch cells and out-of-order execution counts",
  [("set_source", CLASS, MONKEY_CLASS), ("insert_after", CLASS, "%%time\n" + MONKEY_FORWARD.replace(
      "def relu_forward(self, x):\n", "CALLS = {'forward': 0}\n\n\ndef relu_forward(self, x):\n    CALLS['forward'] += 1\n")),
   ("insert_after", "NeuralNetMLP_ReLU.forward = relu_forward", "%%time\n" + MONKEY_BACKWARD),
   ("insert_after", RELU_TRAIN, "print(CALLS)"),
   executed(counts="shuffled", seed=42)])

V("combo_student_everything_in_class",
  "from the blank notebook: relu also a staticmethod-lambda class attribute, derivative a class-attribute lambda "
  "via staticmethod, plus %%time on the class cell",
  student("    return np.where(z > 0, z, np.zeros_like(z))",
          "        a_h = self.hidden_act(z_h)",
          "        d_a_h__d_z_h = self.hidden_act_grad(a_h)",
          extra=[prepend_to(CLASS, "%%time\n"),
                 in_cell(CLASS, "class NeuralNetMLP_ReLU:\n", "class NeuralNetMLP_ReLU:\n"
                                                               "    hidden_act = staticmethod(lambda z: relu(z))\n"
                                                               "    hidden_act_grad = staticmethod(lambda a: (a > 0) * np.ones((), a.dtype))\n")]),
  start="student")


PY312 = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
         "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                           "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                           "pygments_lexer": "ipython3", "version": "3.12.7"}}


# =============================================================================================
# batch 2: probes of how the autograder picks and runs cells, and of the class's interface

def _interrupted(count):
    return [_stream(_epoch_log(7, total=1000)),
            _error("KeyboardInterrupt", "", [
                f"Cell \x1b[0;32mIn[{count}], line 97\x1b[0m\n\x1b[1;32m     95\x1b[0m net = NeuralNetMLP_ReLU(784, 50, 10)\n"
                "\x1b[0;32m---> 97\x1b[0m \x1b[38;5;28;01mfor\x1b[39;00m epoch \x1b[38;5;129;01min\x1b[39;00m itertools\x1b[38;5;241m.\x1b[39mcount():",
                "Cell \x1b[0;32mIn[12], line 58\x1b[0m, in \x1b[0;36mtrain\x1b[0;34m(model, X_train, y_train, ...)\x1b[0m"])]


V("class_cell_ends_in_endless_training",
  "the class cell ends with `for epoch in itertools.count(): train(...)` (stopped by hand), saved with its KeyboardInterrupt",
  [append_to(CLASS, "\n\n\nimport itertools\nnet = NeuralNetMLP_ReLU(784, 50, 10)\n\nfor epoch in itertools.count():   # stop it by hand when it looks good\n"
                    "    train(net, X_train, y_train, X_valid, y_valid, num_epochs=1, seed=epoch)\n"),
   executed(seed=51, overrides=[("for epoch in itertools.count():", _interrupted)])])

V("helper_cell_with_error_after_def",
  "backward's helper relu_grad is defined in a cell whose last line raised a NameError (saved error output); the def ran first",
  [("replace", B, "        d_a_h__d_z_h = relu_grad(a_h)"),
   ("insert_after", CHECK_RELU, "def relu_grad(a):\n    \"\"\"d relu(z) / dz, from a = relu(z)\"\"\"\n    return (a > 0).astype(a.dtype)\n\n\n"
                                "relu_grad(relu(z_test))   # z_test? forgot to define it"),
   executed(seed=52, overrides=[("relu_grad(relu(z_test))", lambda n: [_error("NameError", "name 'z_test' is not defined", [
       f"Cell \x1b[0;32mIn[{n}], line 6\x1b[0m\n\x1b[0;32m----> 6\x1b[0m relu_grad(relu(z_test))"])])])])

V("class_defaults_from_training_data",
  "a cell right after the (skipped) data cell sets N_FEATURES = X_train.shape[1], N_CLASSES = len(np.unique(y_train)); "
  "the class's defaults use them",
  [("insert_after", DATA, "N_FEATURES = X_train.shape[1]\nN_CLASSES = len(np.unique(y_train))\nprint(N_FEATURES, N_CLASSES)"),
   in_cell(CLASS, "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
           "def __init__(self, num_features=N_FEATURES, num_hidden=50, num_classes=N_CLASSES, random_seed=123):"),
   ("replace", "model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)", "model_relu = NeuralNetMLP_ReLU()")])

V("dropout_flag_off_by_default",
  "forward(self, x, training=False) with inverted dropout only when training=True (never by train())",
  [in_cell(CLASS, FWD_DEF, "    def forward(self, x, training=False, p_drop=0.2, rng=None):\n"),
   ("replace", F, "        a_h = relu(z_h)\n        if training:   # inverted dropout, off unless asked for\n"
                  "            rng = rng or np.random\n            keep = rng.random_sample(a_h.shape) >= p_drop\n"
                  "            a_h = a_h * keep / (1. - p_drop)")])

V("init_reseeds_global_rng_float32_weights",
  "__init__ calls np.random.seed(random_seed) and draws float32 weights with np.random.normal (older-book style)",
  [in_cell(CLASS, "        rng = np.random.RandomState(random_seed)\n", "        np.random.seed(random_seed)   # reproducible\n        rng = np.random\n"),
   in_cell(CLASS, "            loc=0.0, scale=0.1, size=(num_hidden, num_features))",
           "            loc=0.0, scale=0.1, size=(num_hidden, num_features)).astype(np.float32)"),
   in_cell(CLASS, "            loc=0.0, scale=0.1, size=(num_classes, num_hidden))",
           "            loc=0.0, scale=0.1, size=(num_classes, num_hidden)).astype(np.float32)"),
   in_cell(CLASS, "        self.bias_h = np.zeros(num_hidden)", "        self.bias_h = np.zeros(num_hidden, dtype=np.float32)"),
   in_cell(CLASS, "        self.bias_out = np.zeros(num_classes)", "        self.bias_out = np.zeros(num_classes, dtype=np.float32)")])

V("namedtuple_returns",
  "forward returns a namedtuple ForwardPass(a_h, a_out) and backward a namedtuple Gradients(...) (both are tuples)",
  [prepend_to(CLASS, "from collections import namedtuple\n\nForwardPass = namedtuple('ForwardPass', ['a_h', 'a_out'])\n"
                     "Gradients = namedtuple('Gradients', ['d_w_out', 'd_b_out', 'd_w_h', 'd_b_h'])\n\n\n"),
   in_cell(CLASS, "        return a_h, a_out", "        return ForwardPass(a_h, a_out)"),
   in_cell(CLASS, "        return (d_loss__dw_out, d_loss__db_out,\n                d_loss__d_w_h, d_loss__d_b_h)",
           "        return Gradients(d_loss__dw_out, d_loss__db_out,\n                         d_loss__d_w_h, d_loss__d_b_h)"),
   ("insert_after", CHECK_BWD, "out = NeuralNetMLP_ReLU(784, 50, 10).forward(np.zeros((3, 784)))\nprint(out.a_h.shape, out.a_out.shape)")])

WRITEFILE_CLASS = '''%%writefile relu_net.py
"""My ReLU MLP as a module, so that I can reuse it in the project."""
import numpy as np


def sigmoid(z):
    return 1. / (1. + np.exp(-z))


def relu(z):
    return np.maximum(z, 0)


def int_to_onehot(y, num_labels):
    return np.eye(num_labels, dtype=np.float32)[y]


class NeuralNetMLP_ReLU:

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
        self.num_classes = num_classes
        rng = np.random.RandomState(random_seed)
        self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
        self.bias_h = np.zeros(num_hidden)
        self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
        self.bias_out = np.zeros(num_classes)

    def forward(self, x):
''' + BOOK_FORWARD_BODY + '''
    def backward(self, x, a_h, a_out, y):
''' + BOOK_BACKWARD_BODY.format(deriv="(a_h > 0).astype(a_h.dtype)")

V("writefile_class_module",
  "the whole class written to relu_net.py with %%writefile (own sigmoid/relu/onehot) and imported (importlib.reload) in the class cell",
  [("set_source", CLASS, "import importlib\nimport relu_net\n\nimportlib.reload(relu_net)   # pick up edits of relu_net.py\n"
                         "from relu_net import NeuralNetMLP_ReLU\n\nNeuralNetMLP_ReLU"),
   ("insert_before", "import relu_net", WRITEFILE_CLASS)])

V("writefile_and_run_helpers",
  "relu written to helpers.py with %%writefile and brought in with `%run helpers.py` in the relu cell",
  [("set_source", RELU_DEF, "%run helpers.py\n\nprint(relu(np.array([-1.0, 0.5])))"),
   ("insert_before", "%run helpers.py", "%%writefile helpers.py\nimport numpy as np\n\n\ndef relu(z):\n    \"\"\"ReLU, elementwise\"\"\"\n"
                                        "    return np.where(z > 0, z, np.zeros_like(z))\n\n\nif __name__ == '__main__':\n    print('helpers loaded')\n")])

V("capture_and_time_stacked",
  "the relu cell starts with two stacked cell magics, %%capture out then %%time",
  [prepend_to(RELU_DEF, "%%capture out\n%%time\n"), ("insert_after", CHECK_RELU, "out.show()")])

V("generalized_relu_alpha_zero",
  "relu(z, alpha=0.0) written as a leaky ReLU whose default slope 0 makes it ReLU; derivative with the same alpha",
  [("set_source", RELU_DEF, "def relu(z, alpha=0.0):\n    \"\"\"Leaky ReLU; alpha=0 (the default) is the plain ReLU.\"\"\"\n"
                            "    z = np.asarray(z)\n    return np.where(z > 0, z, z * alpha if alpha else 0)\n\n\n"
                            "def relu_grad(a, alpha=0.0):\n    return np.where(a > 0, 1.0, alpha).astype(a.dtype)"),
   ("replace", B, "        d_a_h__d_z_h = relu_grad(a_h)")])

PARAMS_DICT_CLASS = '''class NeuralNetMLP_ReLU:
    """Parameters live in self.params (easy to save / loop over); model.weight_h etc. still work."""

    PARAM_NAMES = ("weight_h", "bias_h", "weight_out", "bias_out")

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
        object.__setattr__(self, "params", {})
        self.num_classes = num_classes
        rng = np.random.RandomState(random_seed)
        self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
        self.bias_h = np.zeros(num_hidden)
        self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
        self.bias_out = np.zeros(num_classes)

    def __getattr__(self, name):   # only called when normal lookup fails
{getattr_body}
    def __setattr__(self, name, value):
        if name in self.PARAM_NAMES:
            self.params[name] = value
        else:
            object.__setattr__(self, name, value)

    def forward(self, x):
''' + BOOK_FORWARD_BODY + '''
    def backward(self, x, a_h, a_out, y):
''' + BOOK_BACKWARD_BODY.format(deriv="(a_h > 0).astype(a_h.dtype)") + '''

m = NeuralNetMLP_ReLU(784, 50, 10)
print(sorted(m.params), m.weight_h.shape)
'''

V("params_dict_getattr_setattr",
  "parameters kept in a self.params dict, exposed as model.weight_h etc. through __getattr__/__setattr__ (AttributeError when missing)",
  [("set_source", CLASS, PARAMS_DICT_CLASS.replace("{getattr_body}",
      "        params = self.__dict__.get(\"params\", {})\n        if name in params:\n            return params[name]\n"
      "        raise AttributeError(f\"{type(self).__name__!r} object has no attribute {name!r}\")\n"))])

V("params_dict_getattr_keyerror",
  "same params dict, but the classic __getattr__ `return self.params[name]` (a missing attribute raises KeyError)",
  [("set_source", CLASS, PARAMS_DICT_CLASS.replace("{getattr_body}", "        return self.params[name]\n"))])


def _class_twice_same_cell(nb):
    cls = _code_cells(nb, CLASS)[0]
    draft = cls.source.replace(F, "        a_h = sigmoid(z_h)   # TODO relu").replace(B, "        d_a_h__d_z_h = a_h * (1. - a_h)   # TODO")
    cls.source = "# v1 (still sigmoid)\n" + draft + "\n\n\n# v2 -- the real one\n" + cls.source
    return nb


V("class_twice_same_cell",
  "the class cell holds a first (still sigmoid) version of the class and, below it, the finished one",
  [("raw", _class_twice_same_cell)])

V("relu_defined_below_class_same_cell",
  "the relu stub cell only says `# see below`; relu is defined at the bottom of the class cell (forward looks it up at call time)",
  [("set_source", RELU_DEF, "# relu: see the class cell below, I put everything together there"),
   append_to(CLASS, "\n\n\ndef relu(z):\n    return np.maximum(z, 0)\n"),
   ("delete", CHECK_RELU), ("insert_after", CLASS, CHECK_RELU)])

V("del_book_class_before_checks",
  "NeuralNetMLP_ReLU subclasses the book's class, then a clean-up cell `del NeuralNetMLP, model; gc.collect()` before the checks",
  [("set_source", CLASS, REUSE_BOOK_CLASS),
   ("insert_after", CLASS, "import gc\n# the sigmoid net is not needed any more\ndel NeuralNetMLP\ntry:\n    del model\nexcept NameError:\n    pass\ngc.collect()")])

V("input_prompt_after_checks",
  "after the checks a cell asks `int(input('how many epochs? '))` before training (a beginner's habit)",
  [("insert_after", CHECK_BWD, "n_epochs = int(input('how many epochs? ') or 5)\n"
                               "m = NeuralNetMLP_ReLU(784, 50, 10)\ntrain(m, X_train, y_train, X_valid, y_valid, num_epochs=n_epochs)")])

V("systemexit_stop_cell",
  "after the checks a `raise SystemExit('stop here: the rest is slow')` cell guards the long experiments below it",
  [("insert_after", CHECK_BWD, "raise SystemExit(\"stop here: the rest is slow (run the cells below by hand)\")"),
   ("insert_before", EXPORT, "assert False, 'do not run all'\n" + "for h in (100, 300, 1000):\n    m = NeuralNetMLP_ReLU(784, h, 10)\n"
                             "    train(m, X_train, y_train, X_valid, y_valid, num_epochs=50)")])

V("backward_recomputes_forward",
  "backward ignores its a_h/a_out arguments and recomputes them with self.forward(x) 'to be safe'",
  [in_cell(CLASS, BWD_DEF, BWD_DEF + "        a_h, a_out = self.forward(x)   # recompute, so they surely belong to this x\n")])

V("backward_inplace_mask_on_a_h",
  "backward turns a_h into the derivative in place (a_h[a_h > 0] = 1) after a_h's last other use (dw_out); borderline",
  [("replace", B, "        d_a_h__d_z_h = a_h        # reuse the memory, a_h is not needed below\n"
                  "        d_a_h__d_z_h[d_a_h__d_z_h > 0] = 1")])


def _nbgrader(nb):
    ids = {RELU_DEF: ("relu", 3), CLASS: ("mlp_relu", 17)}
    for c in nb.cells:
        c.metadata["trusted"] = True
        for anchor, (gid, pts) in ids.items():
            if c.cell_type == "code" and anchor in c.source:
                c.metadata["nbgrader"] = {"cell_type": "code", "checksum": "%032x" % random.Random(gid).getrandbits(128),
                                          "grade": False, "grade_id": gid, "locked": False, "schema_version": 3,
                                          "solution": True, "task": False}
        if c.cell_type == "code" and "grader.check(" in c.source:
            c.metadata.update({"deletable": False, "editable": False,
                               "nbgrader": {"grade": True, "grade_id": "check_" + str(len(c.source)), "locked": True,
                                            "points": 1, "schema_version": 3, "solution": False, "task": False}})
    nb.metadata["celltoolbar"] = "Create Assignment"
    nb.nbformat_minor = 4   # saved by the classic Notebook 6 (no cell ids)
    return nb


V("nbgrader_metadata_nbformat44",
  "an old course template: nbgrader cell metadata, deletable/editable false, trusted, celltoolbar, nbformat 4.4 without cell ids",
  [("raw", _nbgrader)])

V("py312_fstring_after_checks",
  "an experiment cell after the checks uses Python 3.12 f-string syntax (same quotes nested: f\"{d[\"relu\"]}\")",
  [("insert_before", EXPORT, "results = {}\nfor name in (\"relu\", \"sigmoid\"):\n"
                             "    m = NeuralNetMLP_ReLU(784, 50, 10) if name == \"relu\" else NeuralNetMLP(784, 50, 10)\n"
                             "    train(m, X_train, y_train, num_epochs=5, log=None)\n    results[name] = accuracy(y_test, predict(m, X_test))\n"
                             "print(f\"relu {results[\"relu\"]:.2%} vs sigmoid {results[\"sigmoid\"]:.2%}\")"),
   ("metadata", PY312)])

V("match_statement_activation",
  "the class takes activation='relu' and uses `match` statements (Python 3.10) in forward and backward",
  [in_cell(CLASS, "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
           "def __init__(self, num_features, num_hidden, num_classes, random_seed=123, activation=\"relu\"):"),
   in_cell(CLASS, INIT_NUM_CLASSES, INIT_NUM_CLASSES + "        self.activation = activation\n"),
   ("replace", F, "        match self.activation:\n            case \"relu\":\n                a_h = relu(z_h)\n"
                  "            case \"sigmoid\":\n                a_h = sigmoid(z_h)\n            case other:\n"
                  "                raise ValueError(f\"unknown activation {other!r}\")"),
   ("replace", B, "        match self.activation:\n            case \"relu\":\n                d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)\n"
                  "            case \"sigmoid\":\n                d_a_h__d_z_h = a_h * (1. - a_h)\n            case _:\n"
                  "                raise ValueError(self.activation)")])

V("errstate_decorator_markdown_magics",
  "relu decorated with @np.errstate(all='ignore'); %%markdown and %%latex cells with the student's explanation",
  [("replace", RELU_DEF, "@np.errstate(all='ignore')\ndef relu(z):\n    return np.maximum(z, 0)"),
   ("insert_after", "@np.errstate(all='ignore')", "%%markdown\n**ReLU** is `max(0, z)`; its derivative is the step function."),
   ("insert_after", "%%markdown", "%%latex\n$$\\frac{d}{dz}\\mathrm{ReLU}(z) = \\begin{cases}1 & z > 0\\\\ 0 & z \\le 0\\end{cases}$$")])

V("check_calls_global_env",
  "the check cells pass global_env=globals() explicitly and print the result's repr",
  [("replace", CHECK_RELU, "r = grader.check(\"relu\", global_env=globals())\nprint(repr(r))\nr"),
   ("replace", CHECK_FWD, "grader.check(\"forward\", global_env=globals())"),
   ("replace", CHECK_BWD, "grader.check(\"backward\", globals())")])


def _stderr_outputs(count):
    return [_stream("/tmp/ipykernel_4711/2215793310.py:2: RuntimeWarning: overflow encountered in exp\n"
                    "  return 1. / (1. + np.exp(-z))\n", "stderr"),
            _stream(_epoch_log(20) + "ReLU net, test accuracy: 96.51%\n")]


V("stderr_warnings_in_outputs",
  "executed notebook whose training outputs include stderr RuntimeWarnings and whose class cell shows a DeprecationWarning",
  [executed(seed=53, overrides=[(RELU_TRAIN, _stderr_outputs),
                                (CLASS, lambda n: [_stream("/usr/lib/python3/dist-packages/ipykernel/ipkernel.py:283: "
                                                           "DeprecationWarning: `should_run_async` will not call `transform_cell` automatically\n",
                                                           "stderr")])])])


# =============================================================================================
# batch 3: names the class or relu needs at *definition* time (default arguments, annotations,
# __future__ flags), and result types that are tuples without being `tuple`

V("hyperparams_cell_init_defaults",
  "a 'Hyperparameters' cell after the imports (N_HIDDEN, SEED, LEARNING_RATE, EPOCHS) whose names are the defaults of "
  "__init__ and the settings of the training cell",
  [("insert_after", IMPORTS, "# Hyperparameters (all in one place)\nN_HIDDEN = 50\nSEED = 123\nLEARNING_RATE = 0.1\nEPOCHS = 20"),
   in_cell(CLASS, "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
           "def __init__(self, num_features=28*28, num_hidden=N_HIDDEN, num_classes=10, random_seed=SEED):"),
   ("replace", "model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)", "model_relu = NeuralNetMLP_ReLU()"),
   in_cell("model_relu = NeuralNetMLP_ReLU()", "num_epochs=20, learning_rate=0.1)", "num_epochs=EPOCHS, learning_rate=LEARNING_RATE)")])

V("typed_alias_cell_annotations",
  "a cell of type aliases (numpy.typing NDArray) above relu; relu and the class methods are annotated with them (no __future__ import)",
  [("insert_before", RELU_DEF, "from typing import Tuple\n\nimport numpy.typing as npt\n\n"
                               "FloatArray = npt.NDArray[np.floating]\nLabels = npt.NDArray[np.integer]"),
   ("replace", RELU_DEF, "def relu(z: FloatArray) -> FloatArray:\n    return np.maximum(z, 0)"),
   in_cell(CLASS, FWD_DEF, "    def forward(self, x: FloatArray) -> Tuple[FloatArray, FloatArray]:\n"),
   in_cell(CLASS, BWD_DEF, "    def backward(self, x: FloatArray, a_h: FloatArray, a_out: FloatArray, y: Labels):\n")])

V("relu_default_from_config_cell",
  "a config cell sets NEGATIVE_SLOPE = 0.0; relu(z, negative_slope=NEGATIVE_SLOPE) is ReLU for that default",
  [("insert_after", IMPORTS, "# config\nNEGATIVE_SLOPE = 0.0   # 0 -> ReLU, 0.01 -> leaky ReLU (for the bonus)"),
   ("replace", RELU_DEF, "def relu(z, negative_slope=NEGATIVE_SLOPE):\n    if negative_slope:\n"
                         "        return np.where(z > 0, z, negative_slope * z)\n    return np.maximum(z, 0)")])

V("typed_namedtuple_forward",
  "forward returns a typing.NamedTuple ForwardResult(a_h, a_out) (a tuple: `a_h, a_out = model.forward(x)` still works)",
  [prepend_to(CLASS, "from typing import NamedTuple\n\n\nclass ForwardResult(NamedTuple):\n    a_h: np.ndarray\n    a_out: np.ndarray\n\n\n"),
   in_cell(CLASS, "        return a_h, a_out", "        return ForwardResult(a_h, a_out)")])

V("future_annotations_first_cell",
  "`from __future__ import annotations` alone in the first code cell (it holds for the whole kernel); the class has methods "
  "annotated with forward references to itself (fit -> NeuralNetMLP_ReLU, copy -> NeuralNetMLP_ReLU)",
  [("prepend", "from __future__ import annotations"),
   in_cell(CLASS, FWD_DEF, "    def copy(self) -> NeuralNetMLP_ReLU:\n        import copy\n        return copy.deepcopy(self)\n\n"
                           "    def fit(self, X, y, **kwargs) -> NeuralNetMLP_ReLU:\n        train(self, X, y, **kwargs)\n        return self\n\n" + FWD_DEF)])

V("py312_fstring_in_class_repr",
  "Python 3.12 student (recent Colab/Anaconda): the class's __repr__ uses an f-string with nested same quotes, f\"{self.sizes[\"hidden\"]}\"",
  [in_cell(CLASS, INIT_NUM_CLASSES, INIT_NUM_CLASSES + "        self.sizes = {\"features\": num_features, \"hidden\": num_hidden, \"classes\": num_classes}\n"),
   in_cell(CLASS, FWD_DEF, "    def __repr__(self):\n        return f\"NeuralNetMLP_ReLU({self.sizes[\"features\"]}, {self.sizes[\"hidden\"]}, {self.sizes[\"classes\"]})\"\n\n" + FWD_DEF),
   ("metadata", PY312)])

VARIANTS = [v for v in VARIANTS if v["name"] != "py312_fstring_in_class_repr"]
