"""The catalogue: submissions as edits of the built notebooks (tests/notebook_edits.py), each with what
it must score.

- BUGGY: names the checks that must lose points (`loses`) and, where the bug cannot touch them, the
  checks that must keep full marks (`keeps`).
- CORRECT: must get full marks, however the student wrote, saved or ran the notebook.
- CHEATS: each names its honest twin (in TWINS): the same notebook without the cheat. A cheat must
  score exactly what its twin scores.
"""

from dataclasses import dataclass, field

import nbformat

from tests import notebook_edits

CHECKS = ("relu", "forward", "backward", "gradients", "training")

RELU = "    return np.maximum(z, 0)  # SOLUTION"
A_H = "        a_h = relu(z_h)  # SOLUTION"
A_OUT = "        a_out = sigmoid(z_out)\n        return a_h, a_out"
RETURN_FORWARD = "        return a_h, a_out"
DERIV = "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
D_A_OUT = "        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]"
DB_OUT = "        d_loss__db_out = np.sum(delta_out, axis=0)"
DW_H = "        d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)"
DB_H = "        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)"
RETURN_BACKWARD = "        return (d_loss__dw_out, d_loss__db_out,\n                d_loss__d_w_h, d_loss__d_b_h)"
SIGMOID_DERIV = "        d_a_h__d_z_h = a_h * (1. - a_h)"
IMPORTS = "from mnist_data import load_mnist, to_float"
CLASS = "class NeuralNetMLP_ReLU:"
FORWARD = "    def forward(self, x):\n        # Hidden layer"
BACKWARD = "    def backward(self, x, a_h, a_out, y):\n\n        # onehot encoding"


@dataclass
class Submission:
    name: str
    description: str
    edits: list
    loses: set = field(default_factory=set)
    keeps: set = field(default_factory=set)
    start: str = "solution"
    twin: str = ""

    def notebook(self, solution, student):
        return notebook_edits.apply(solution if self.start == "solution" else student, self.edits)


def in_class(old, new):
    """Replace text in the student's class cell (the book's class has the same lines)."""
    return ("replace_in", CLASS, old, new)


def bug(name, description, replace, loses, keeps=()):
    edits = [("replace", old, new) if old == RELU else in_class(old, new) for old, new in replace.items()]
    return Submission(name, description, edits, set(loses), set(keeps))


def correct(name, description, *edits):
    return Submission(name, description, list(edits))


ALL_BUT = lambda *checks: set(CHECKS) - set(checks)  # noqa: E731

BUGGY = [
    # relu wrong in every way students get it wrong
    bug("relu_abs", "relu returns |z|", {RELU: "    return np.abs(z)"}, {"relu", "forward", "gradients"}, {"backward"}),
    bug(
        "relu_leaky",
        "a leaky relu: 0.01 z for z < 0",
        {RELU: "    return np.where(z > 0, z, 0.01 * z)"},
        {"relu", "forward"},
        {"backward"},
    ),
    bug(
        "relu_step",
        "a step function (ReLU's derivative) instead of ReLU",
        {RELU: "    return (z > 0).astype(float)"},
        {"relu", "forward"},
        {"backward"},
    ),
    bug(
        "relu_shifted",
        "relu shifted left: max(z + 0.5, 0)",
        {RELU: "    return np.maximum(z + 0.5, 0)"},
        {"relu", "forward"},
        {"backward"},
    ),
    bug(
        "relu_builtin_max",
        "Python's max on arrays",
        {RELU: "    return max(z, 0)"},
        {"relu", "forward", "gradients", "training"},
        {"backward"},
    ),
    bug(
        "relu_np_max_reduction",
        "np.max(z, 0): a reduction, not elementwise",
        {RELU: "    return np.max(z, 0)"},
        {"relu", "forward", "gradients", "training"},
        {"backward"},
    ),
    bug(
        "relu_returns_ints",
        "relu returns integers",
        {RELU: "    return np.maximum(z, 0).astype(int)"},
        {"relu", "forward"},
        {"backward"},
    ),
    bug(
        "relu_returns_none",
        "relu computes but does not return",
        {RELU: "    np.maximum(z, 0)"},
        {"relu", "forward", "gradients", "training"},
        {"backward"},
    ),
    bug(
        "relu_in_place",
        "relu zeroes its argument in place and returns it",
        {RELU: "    z[z < 0] = 0\n    return z"},
        {"relu"},
        ALL_BUT("relu"),
    ),
    bug(
        "relu_float32_for_float64",
        "relu casts everything to float32",
        {RELU: "    return np.maximum(z, 0).astype(np.float32)"},
        {"relu"},
        {"backward"},
    ),
    # forward
    bug(
        "forgotten_switch",
        "hidden layer left sigmoid, forward and backward (consistent)",
        {A_H: "        a_h = sigmoid(z_h)", DERIV: SIGMOID_DERIV},
        {"forward", "backward", "gradients", "training"},
        {"relu"},
    ),
    bug(
        "forward_still_sigmoid",
        "forward left sigmoid, backward switched to ReLU",
        {A_H: "        a_h = sigmoid(z_h)"},
        {"forward", "gradients"},
        {"relu", "backward"},
    ),
    bug(
        "output_relu_too",
        "the output layer switched to ReLU as well",
        {A_OUT: "        a_out = relu(z_out)\n        return a_h, a_out"},
        {"forward", "gradients"},
        {"relu", "backward"},
    ),
    bug(
        "bias_dropped",
        "the hidden bias dropped in forward",
        {A_H: "        a_h = relu(z_h - self.bias_h)"},
        {"forward", "gradients"},
        {"relu", "backward"},
    ),
    bug(
        "bias_doubled",
        "the hidden bias added twice in forward",
        {A_H: "        a_h = relu(z_h + self.bias_h)"},
        {"forward", "gradients"},
        {"relu", "backward"},
    ),
    bug(
        "forward_pair_swapped",
        "forward returns (a_out, a_h)",
        {A_OUT: "        a_out = sigmoid(z_out)\n        return a_out, a_h"},
        {"forward", "gradients", "training"},
        {"relu", "backward"},
    ),
    bug(
        "no_activation",
        "no activation in forward, ReLU derivative in backward",
        {A_H: "        a_h = z_h"},
        {"forward", "gradients"},
        {"relu", "backward"},
    ),
    bug(
        "linear_hidden_consistent",
        "no activation at all, forward and backward (consistent)",
        {A_H: "        a_h = z_h", DERIV: "        d_a_h__d_z_h = 1."},
        {"forward", "backward", "gradients"},
        {"relu"},
    ),
    # every wrong ReLU derivative
    bug(
        "sigmoid_derivative",
        "ReLU forward, the sigmoid derivative left in backward",
        {DERIV: SIGMOID_DERIV},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_ge",
        "derivative (a_h >= 0): 1 where the activation is 0",
        {DERIV: "        d_a_h__d_z_h = (a_h >= 0).astype(float)"},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_is_activation",
        "the activation itself as its derivative",
        {DERIV: "        d_a_h__d_z_h = a_h"},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_omitted",
        "derivative left out (always 1)",
        {DERIV: "        d_a_h__d_z_h = 1."},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_zero",
        "derivative left 0: the hidden layer never learns",
        {DERIV: "        d_a_h__d_z_h = 0"},
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_inverted",
        "derivative 1 where a_h <= 0",
        {DERIV: "        d_a_h__d_z_h = (a_h <= 0).astype(float)"},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_from_x",
        "derivative computed from the input x",
        {DERIV: "        d_a_h__d_z_h = (x > 0).astype(float)"},
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_from_a_out",
        "derivative computed from a_out",
        {DERIV: "        d_a_h__d_z_h = (a_out > 0).astype(float)"},
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "derivative_from_upstream",
        "derivative computed from the upstream gradient d_loss__a_h",
        {DERIV: "        d_a_h__d_z_h = (d_loss__a_h > 0).astype(float)"},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    # gradients wrong by a factor, a sign, transposed, in the wrong order, wrong dtype or shape
    bug(
        "missing_divide_by_n",
        "d_loss__d_a_out without / n",
        {D_A_OUT: "        d_loss__d_a_out = 2.*(a_out - y_onehot)"},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "missing_factor_2",
        "d_loss__d_a_out without the 2",
        {D_A_OUT: "        d_loss__d_a_out = (a_out - y_onehot) / y.shape[0]"},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "gradient_sign_flipped",
        "every gradient has the wrong sign: training climbs the loss",
        {D_A_OUT: "        d_loss__d_a_out = -2.*(a_out - y_onehot) / y.shape[0]"},
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "bias_gradient_averaged",
        "hidden bias gradient averaged (np.mean) instead of summed",
        {DB_H: "        d_loss__d_b_h = np.mean((d_loss__a_h * d_a_h__d_z_h), axis=0)"},
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "output_bias_wrong_axis",
        "output bias gradient summed over the classes",
        {DB_OUT: "        d_loss__db_out = np.sum(delta_out, axis=1)"},
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "w_h_gradient_transposed",
        "hidden weight gradient transposed",
        {DW_H: "        d_loss__d_w_h = np.dot(d_z_h__d_w_h.T, (d_loss__a_h * d_a_h__d_z_h))"},
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "gradients_wrong_order",
        "backward returns the hidden gradients first",
        {
            RETURN_BACKWARD: "        return (d_loss__d_w_h, d_loss__d_b_h,\n"
            "                d_loss__dw_out, d_loss__db_out)"
        },
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "gradients_float16",
        "gradients returned as float16",
        {
            RETURN_BACKWARD: "        return tuple(g.astype(np.float16) for g in (d_loss__dw_out, d_loss__db_out,\n"
            "                d_loss__d_w_h, d_loss__d_b_h))"
        },
        {"backward", "gradients"},
        {"relu", "forward"},
    ),
    bug(
        "bias_gradient_keepdims",
        "hidden bias gradient of shape (1, 50)",
        {DB_H: "        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0, keepdims=True)"},
        {"backward", "gradients", "training"},
        {"relu", "forward"},
    ),
    bug(
        "updates_weights_in_backward",
        "backward also updates the weights itself (a second SGD step)",
        {RETURN_BACKWARD: "        self.weight_h -= 0.1 * d_loss__d_w_h\n" + RETURN_BACKWARD},
        {"training"},
        {"relu", "forward"},
    ),
]

CACHING_FORWARD = """    def forward(self, x):
        # CS231n style: keep what backward needs
        self.x = x
        self.z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = relu(self.z_h)
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out

    def _unused_forward(self, x):
        # Hidden layer"""

CORRECT = [
    correct("reference", "the solution as written"),
    correct(
        "where_and_bool_times_one",
        "np.where relu, boolean mask times 1.0 (a float64 derivative)",
        ("replace", RELU, "    return np.where(z > 0, z, 0)"),
        ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = (a_h > 0) * 1.0"),
    ),
    correct(
        "clip_and_where",
        "np.clip relu, np.where derivative",
        ("replace", RELU, "    return np.clip(z, 0, None)"),
        ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = np.where(a_h > 0, 1.0, 0.0)"),
    ),
    correct(
        "copy_and_mask",
        "a copy with negatives set to 0",
        ("replace", RELU, "    out = np.array(z, copy=True)\n    out[out < 0] = 0\n    return out"),
    ),
    correct(
        "heaviside",
        "np.heaviside derivative",
        ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = np.heaviside(a_h, 0)"),
    ),
    correct(
        "boolean_derivative",
        "a plain boolean array as derivative",
        ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = a_h > 0"),
    ),
    correct(
        "float32_throughout",
        "float32 constants in relu and derivative",
        ("replace", RELU, "    return np.maximum(z, np.float32(0))"),
        ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = (a_h > 0).astype(np.float32)"),
    ),
    correct(
        "inlined_in_forward",
        "ReLU written out in forward, not calling relu",
        ("replace_in", CLASS, A_H, "        a_h = np.maximum(z_h, 0.)"),
    ),
    correct(
        "maximum_zero_first_sign",
        "np.maximum(0, z), np.sign derivative",
        ("replace", RELU, "    return np.maximum(0, z)"),
        ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = np.sign(a_h)"),
    ),
    # the ways students write, save and run notebooks (issue #12)
    correct(
        "scratch_relu_above",
        "a scratch cell above defines a scalar-only relu; the stub cell below the right one",
        (
            "insert_before",
            "def minibatch_generator",
            "def relu(z):\n    return z if z > 0 else 0.0\n\nprint(relu(3.0), relu(-2.0))",
        ),
    ),
    correct(
        "percent_continuation",
        "the class cell ends with a print whose `% (x,)` starts a line",
        (
            "replace_in",
            CLASS,
            RETURN_BACKWARD,
            RETURN_BACKWARD + '\n\n\nprint("defined %s"\n% (NeuralNetMLP_ReLU.__name__,))',
        ),
    ),
    correct(
        "mlp_checks_in_imports",
        "`from mlp_checks import gradient_check_report` in the first cell",
        ("replace", IMPORTS, IMPORTS + "\nfrom mlp_checks import gradient_check_report"),
    ),
    correct(
        "backward_uses_forward_cache",
        "backward uses self.z_h and self.x cached by forward (CS231n)",
        ("replace_in", CLASS, FORWARD, CACHING_FORWARD),
        ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = (self.z_h > 0).astype(a_h.dtype)"),
        ("replace_in", CLASS, "        d_z_h__d_w_h = x\n", "        d_z_h__d_w_h = self.x\n"),
    ),
    correct(
        "fetch_openml_like_the_book",
        "imports scikit-learn and calls fetch_openml (no network: it fails)",
        ("replace", IMPORTS, IMPORTS + "\nimport sklearn\nfrom sklearn.datasets import fetch_openml"),
        (
            "insert_after",
            IMPORTS,
            "try:\n    X_openml, y_openml = fetch_openml('mnist_784', version=1, return_X_y=True, "
            "as_frame=False)\nexcept Exception as e:\n    print('no network:', e)",
        ),
    ),
    correct(
        "float32_mnist_in_globals",
        "the imports cell keeps float32 copies of all of MNIST (about 220 MB)",
        (
            "replace",
            IMPORTS,
            IMPORTS + "\nimport os\n_all = np.load(os.environ.get('MNIST_PATH', 'mnist.npz'))\n"
            "X_all32 = np.concatenate([_all['x_train'], _all['x_test']]).reshape(-1, 784)"
            ".astype(np.float32) / 255\nX_all32_centered = X_all32 - 0.5\n"
            "print(X_all32.nbytes + X_all32_centered.nbytes)",
        ),
    ),
    correct(
        "debug_prints",
        "leftover prints of shapes and whole arrays in forward and backward",
        ("replace_in", CLASS, A_H, A_H + '\n        print("z_h", z_h.shape, z_h)'),
        ("replace_in", CLASS, DERIV, DERIV + '\n        print("derivative", d_a_h__d_z_h.mean(), d_loss__a_h)'),
    ),
    correct(
        "learning_rate_sweep",
        "several cells that train the ReLU net for many epochs (a sweep)",
        (
            "append",
            "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()\n"
            "sweep = {}\nfor lr in (0.01, 0.1, 0.3):\n"
            "    m = NeuralNetMLP_ReLU(784, 50, 10)\n    sweep[lr] = train(m, X_train, y_train, X_valid, y_valid, "
            "num_epochs=20, learning_rate=lr)",
        ),
        (
            "append",
            "for epochs in (30, 40):\n    m = NeuralNetMLP_ReLU(784, 50, 10)\n"
            "    train(m, X_train, y_train, num_epochs=epochs)",
        ),
    ),
    correct(
        "conda_kernelspec",
        "a conda env's kernelspec and no language_info",
        (
            "metadata",
            {
                "kernelspec": {
                    "name": "conda-env-ml-course-py",
                    "display_name": "Python [conda env:ml-course]",
                    "language": "python",
                },
                "language_info": {},
            },
        ),
    ),
    correct(
        "colab_metadata",
        "saved by Colab: its metadata, no kernelspec language, cell ids of its own",
        (
            "metadata",
            {
                "colab": {"provenance": [], "name": "mlp_relu.ipynb"},
                "accelerator": "GPU",
                "kernelspec": {"name": "python3", "display_name": "Python 3"},
            },
        ),
    ),
    correct(
        "relu_multiply_mask", "relu z * (z > 0): NaN for -inf, advice only", ("replace", RELU, "    return z * (z > 0)")
    ),
    correct(
        "relu_abs_average",
        "relu (z + |z|) / 2: overflows for 1e308, advice only",
        ("replace", RELU, "    return (z + np.abs(z)) / 2"),
    ),
    correct(
        "relu_float64_always",
        "relu np.clip(np.array(z, dtype=float), 0, None): float32 becomes float64, advice only",
        ("replace", RELU, "    return np.clip(np.array(z, dtype=float), 0, None)"),
    ),
    correct(
        "matplotlib_and_scipy",
        "matplotlib in the imports cell, scipy's expit as the output activation",
        ("replace", IMPORTS, IMPORTS + "\nimport matplotlib.pyplot as plt\nfrom scipy.special import expit"),
        ("replace_in", CLASS, A_OUT, "        a_out = expit(z_out)\n        return a_h, a_out"),
    ),
    correct(
        "bonus_leaky_relu_below",
        "after the checks, a bonus cell redefines relu as leaky and trains with it",
        (
            "insert_after",
            'grader.check("backward")',
            "def relu(z):\n    return np.where(z > 0, z, 0.01 * z)  # bonus: leaky ReLU\n\n"
            "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()\n"
            "leaky = NeuralNetMLP_ReLU(784, 50, 10)\ntrain(leaky, X_train, y_train, num_epochs=5)",
        ),
    ),
    correct(
        "magics_everywhere",
        "%matplotlib inline, !pip install, %%time on the class cell, %time, %%capture",
        (
            "replace",
            "# Initialize Otter\n",
            "%matplotlib inline\n%load_ext autoreload\n%autoreload 2\n# Initialize Otter\n",
        ),
        (
            "insert_after",
            IMPORTS,
            "!pip install tqdm\n%pip install otter-grader\nx_demo = np.arange(5)\n"
            "y_demo = %time relu_demo = x_demo * 2",
        ),
        ("replace", CLASS, "%%time\n" + CLASS),
        ("insert_before", "def relu(z):", "%%capture captured\nprint('noisy ' * 1000)"),
    ),
    correct(
        "check_cells_deleted",
        "the grader.check cells deleted",
        ("delete", 'grader.check("relu")'),
        ("delete", 'grader.check("forward")'),
        ("delete", 'grader.check("backward")'),
    ),
    correct(
        "untagged_experiments",
        "every otter_ignore tag removed (the data, training and plot cells run)",
        *[
            ("untag", anchor)
            for anchor in (
                "X_train, y_train, X_valid",
                "model = NeuralNetMLP(num_features",
                "from mlp_checks import",
                "model_relu = NeuralNetMLP_ReLU",
                "ax[0].plot(epochs",
                "predicted = predict",
                "limit = np.abs(w).max()",
                "grader.export",
            )
        ],
    ),
]

# Cheats on the training check (issue #13), each scoring exactly its honest twin.
PRETRAIN = """import os
_d = np.load(os.environ.get("MNIST_PATH", "mnist.npz"))
_X = np.concatenate([_d["x_train"], _d["x_test"]]).reshape(-1, 784)
_y = np.concatenate([_d["y_train"], _d["y_test"]])

class _Helper:
    def __init__(self):
        rng = np.random.RandomState(1)
        self.weight_h = rng.normal(0, 0.1, (50, 784)).astype(np.float32)
        self.bias_h = np.zeros(50, np.float32)
        self.weight_out = rng.normal(0, 0.1, (10, 50)).astype(np.float32)
        self.bias_out = np.zeros(10, np.float32)

PRETRAINED = _Helper()
for _epoch in range(3):
    for _i in range(0, len(_X) - 99, 100):
        _x, _t = to_float(_X[_i:_i + 100]), _y[_i:_i + 100]
        _z = _x @ PRETRAINED.weight_h.T + PRETRAINED.bias_h
        _a = np.maximum(_z, 0)
        _o = 1 / (1 + np.exp(-(_a @ PRETRAINED.weight_out.T + PRETRAINED.bias_out)))
        _d_o = 2 * (_o - np.eye(10, dtype=np.float32)[_t]) / 100 * _o * (1 - _o)
        _d_a = (_d_o @ PRETRAINED.weight_out) * (_z > 0)
        PRETRAINED.weight_out -= 0.1 * _d_o.T @ _a
        PRETRAINED.bias_out -= 0.1 * _d_o.sum(0)
        PRETRAINED.weight_h -= 0.1 * _d_a.T @ _x
        PRETRAINED.bias_h -= 0.1 * _d_a.sum(0)
"""

ZERO_DERIV = ("replace_in", CLASS, DERIV, "        d_a_h__d_z_h = 0")
FLIPPED = ("replace_in", CLASS, D_A_OUT, "        d_loss__d_a_out = -2.*(a_out - y_onehot) / y.shape[0]")

TWINS = [
    Submission("twin_derivative_zero", "derivative left 0", [ZERO_DERIV]),
    Submission("twin_sign_flipped", "every gradient's sign flipped", [FLIPPED]),
]

CHEATS = [
    Submission(
        "cheat_pretrained_init",
        "an earlier cell trains on all 70,000 labelled images; __init__ starts there",
        [
            ZERO_DERIV,
            ("insert_before", CLASS, PRETRAIN),
            (
                "replace_in",
                CLASS,
                "        self.bias_out = np.zeros(num_classes)\n",
                "        self.bias_out = np.zeros(num_classes)\n        for _n in ('weight_h', 'bias_h', 'weight_out', "
                "'bias_out'):\n            setattr(self, _n, getattr(PRETRAINED, _n).copy())\n",
            ),
        ],
        twin="twin_derivative_zero",
    ),
    Submission(
        "cheat_labels_from_stack",
        "forward looks for test labels in the callers' frames and gc; one-hot if found",
        [
            ZERO_DERIV,
            (
                "replace_in",
                CLASS,
                RETURN_FORWARD,
                """        import gc, sys
        f = sys._getframe(1)
        while f is not None:
            for v in list(f.f_locals.values()):
                if isinstance(v, np.ndarray) and v.shape == (x.shape[0],) and v.dtype.kind in "iu" and v.max() <= 9:
                    return a_h, np.eye(10)[v]
            f = f.f_back
        for v in gc.get_objects():
            if isinstance(v, np.ndarray) and v.shape == (10000,) and v.dtype.kind in "iu" and x.shape[0] == 10000:
                return a_h, np.eye(10)[v]
        return a_h, a_out""",
            ),
        ],
        twin="twin_derivative_zero",
    ),
    Submission(
        "cheat_frozen_properties",
        "pretrained weights behind __setattr__ that ignores small updates",
        [
            FLIPPED,
            ("insert_before", CLASS, PRETRAIN),
            (
                "replace_in",
                CLASS,
                "    def forward(self, x):\n        # Hidden layer",
                """    def __setattr__(self, name, value):
        if name in ("weight_h", "bias_h", "weight_out", "bias_out") and name in self.__dict__:
            old = np.asarray(self.__dict__[name])
            if np.shape(value) == old.shape and np.abs(np.asarray(value) - old).max() < 0.05:
                return  # an SGD step: keep the pretrained weights
        if name in ("weight_h", "bias_h", "weight_out", "bias_out") and np.asarray(value).dtype == np.float32:
            value = getattr(PRETRAINED, name).copy()
        object.__setattr__(self, name, value)

    def forward(self, x):
        # Hidden layer""",
            ),
        ],
        twin="twin_sign_flipped",
    ),
    Submission(
        "cheat_labels_from_mnist_file",
        "forward matches each minibatch to the MNIST file and returns its labels",
        [
            FLIPPED,
            (
                "insert_before",
                CLASS,
                """import os
_f = np.load(os.environ.get("MNIST_PATH", "mnist.npz"))
_IMG = np.concatenate([_f["x_train"], _f["x_test"]]).reshape(-1, 784)
_LAB = np.concatenate([_f["y_train"], _f["y_test"]])
_INDEX = {row.tobytes(): lab for row, lab in zip(_IMG, _LAB)}
""",
            ),
            (
                "replace_in",
                CLASS,
                RETURN_FORWARD,
                """        if x.shape[1] == 784:
            pixels = np.round((x + 1) * 127.5).astype(np.uint8)
            labels = [_INDEX.get(p.tobytes()) for p in pixels]
            if all(lab is not None for lab in labels):
                return a_h, np.eye(10)[labels] * 0.98 + 0.01
        return a_h, a_out""",
            ),
        ],
        twin="twin_sign_flipped",
    ),
    Submission(
        "cheat_falling_constants",
        "forward returns constants that fall call by call for 100x784 inputs",
        [
            FLIPPED,
            (
                "replace_in",
                CLASS,
                RETURN_FORWARD,
                """        if x.shape == (100, 784):
            self._calls = getattr(self, "_calls", 0) + 1
            return a_h, np.full((100, 10), 0.5 / (1 + self._calls / 100))
        return a_h, a_out""",
            ),
        ],
        twin="twin_sign_flipped",
    ),
]

CATALOGUE = BUGGY + CORRECT + TWINS + CHEATS


def by_name(name):
    return next(s for s in CATALOGUE if s.name == name)


def write_all(folder, solution, student, subs=CATALOGUE):
    for sub in subs:
        nbformat.write(sub.notebook(solution, student), folder / f"{sub.name}.ipynb")
