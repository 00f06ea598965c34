"""Round 3 (a session that had not seen the grader's code): correct notebooks written the ways students
write and save them, in the edits format of tests/notebook_edits.py. Every variant deserves 20/20.

Extra keys (beyond name/description/start/edits):
  "post": function(path, nb) that writes the file itself (file-level variants: CRLF JSON, BOM, ...)
  "filename": the file name to write instead of <name>.ipynb
"""
import base64
import json
import zlib
import struct

import nbformat

SOL_RELU = "def relu(z):\n    return np.maximum(z, 0)  # SOLUTION"
FWD = "a_h = relu(z_h)  # SOLUTION"
DERIV = "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
CLASS = "class NeuralNetMLP_ReLU:"
IMPORTS = "# Initialize Otter"
DATA = "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()"
HELPERS = "def minibatch_generator("
BOOK = "def sigmoid(z):"
TRAIN_RELU = "model_relu = NeuralNetMLP_ReLU(num_features=28*28"
TRAIN_SIG = "model = NeuralNetMLP(num_features=28*28"

VARIANTS = []


def variant(name, description, edits, start="solution", **extra):
    VARIANTS.append(dict(name=name, description=description, start=start, edits=edits, **extra))


def relu_cell(src):
    return ("set_source", SOL_RELU, src)


# ----------------------------------------------------------------------------- relu idioms
variant("relu_list_comprehension_any_shape",
        "relu as a list comprehension over np.ravel(z), rebuilt with the input's dtype and shape",
        [relu_cell("def relu(z):\n    z = np.asarray(z)\n    flat = [v if v > 0 else 0 for v in z.ravel()]  # one value at a time\n"
                   "    return np.array(flat, dtype=z.dtype).reshape(z.shape)")])

variant("relu_frompyfunc_cast_back",
        "relu through np.frompyfunc of a scalar rule (object dtype), cast back to the input's dtype",
        [relu_cell("_relu_scalar = np.frompyfunc(lambda v: v if v > 0 else 0, 1, 1)\n\n\n"
                   "def relu(z):\n    z = np.asarray(z)\n    return np.asarray(_relu_scalar(z), dtype=z.dtype)  # frompyfunc gives objects")])

variant("relu_python_loop_ndindex",
        "relu as a pure-Python loop over np.ndindex on a copy (slow: ~1 us per value, training ~3x slower)",
        [relu_cell("def relu(z):\n    out = np.array(z, copy=True)  # don't touch the input\n"
                   "    for idx in np.ndindex(out.shape):\n        if out[idx] < 0:\n            out[idx] = 0\n    return out")])

variant("sklearn_private_activations",
        "relu and its derivative from scikit-learn's MLP internals (in-place functions on copies)",
        [relu_cell("from sklearn.neural_network._base import ACTIVATIONS, DERIVATIVES  # scikit-learn's own MLP helpers\n\n\n"
                   "def relu(z):\n    out = np.array(z, copy=True)  # sklearn's relu works in place\n"
                   "    ACTIVATIONS[\"relu\"](out)\n    return out"),
         ("replace", DERIV, "d_a_h__d_z_h = np.ones_like(a_h)\n"
                            "        DERIVATIVES[\"relu\"](a_h, d_a_h__d_z_h)  # zeroes it where a_h == 0")])

variant("relu_signbit_deriv_truthy",
        "relu as np.where(np.signbit(z) | (z == 0), 0, z); derivative np.where(a_h, 1.0, 0.0) (truthiness of floats)",
        [relu_cell("def relu(z):\n    z = np.asarray(z)\n    return np.where(np.signbit(z) | (z == 0), 0, z)"),
         ("replace", DERIV, "d_a_h__d_z_h = np.where(a_h, 1.0, 0.0)  # a_h >= 0, so nonzero means positive")])

variant("relu_fullwidth_identifier",
        "Chinese IME: relu's parameter typed as fullwidth ｚ (NFKC-normalised to z by Python), comments in Chinese",
        [relu_cell("def relu(ｚ):\n    # ReLU：负数变成 0，正数不变（np.maximum 逐元素）\n    return np.maximum(z, 0)")])

# ----------------------------------------------------------------------------- where names come from
variant("registry_dict_mutated_in_own_cell",
        "ACTIVATIONS = {} in the imports cell; a cell after the relu check fills it by item assignment (defines no name); the class looks both functions up there",
        [("replace_in", IMPORTS, "import numpy as np\n", "import numpy as np\nACTIVATIONS = {}  # name -> (g, g') filled in below\n"),
         ("insert_after", 'grader.check("relu")',
          "# register the hidden activation and its derivative (in terms of the activation's output)\n"
          "ACTIVATIONS[\"relu\"] = (relu, lambda a: (a > 0).astype(a.dtype))"),
         ("replace", FWD, "a_h = ACTIVATIONS[\"relu\"][0](z_h)"),
         ("replace", DERIV, "d_a_h__d_z_h = ACTIVATIONS[\"relu\"][1](a_h)")])

variant("function_attribute_in_own_cell",
        "a cell after the relu check sets relu.grad = lambda ...; backward calls relu.grad(a_h)",
        [("insert_after", 'grader.check("relu")',
          "# the derivative travels with the function\nrelu.grad = lambda a_h: (a_h > 0).astype(a_h.dtype)"),
         ("replace", DERIV, "d_a_h__d_z_h = relu.grad(a_h)")])

variant("globals_loop_definitions",
        "relu and relu_grad defined by a loop writing globals()[name] from a dict of lambdas",
        [relu_cell("_activations = {\n    \"relu\": lambda z: np.maximum(z, 0),\n    \"relu_grad\": lambda a: (a > 0).astype(a.dtype),\n}\n"
                   "for _name, _fn in _activations.items():\n    globals()[_name] = _fn"),
         ("replace", DERIV, "d_a_h__d_z_h = relu_grad(a_h)")])

variant("writefile_star_import",
        "%%writefile activations.py (relu, relu_grad) in a cell above; the relu cell does `from activations import *`",
        [("insert_before", SOL_RELU,
          "%%writefile activations.py\nimport numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0)\n\n\n"
          "def relu_grad(a):\n    return (a > 0).astype(a.dtype)\n"),
         relu_cell("from activations import *  # relu, relu_grad"),
         ("replace", DERIV, "d_a_h__d_z_h = relu_grad(a_h)")])

variant("writefile_then_exec_open",
        "%%writefile acts.py in a cell above; the relu cell runs exec(open('acts.py').read())",
        [("insert_before", SOL_RELU,
          "%%writefile acts.py\ndef relu(z):\n    return np.maximum(z, 0)\n\n\ndef relu_grad(a):\n    return (a > 0).astype(a.dtype)\n"),
         relu_cell("exec(open(\"acts.py\").read())  # defines relu and relu_grad here"),
         ("replace", DERIV, "d_a_h__d_z_h = relu_grad(a_h)")])

variant("cupy_fallback_xp",
        "imports cell: try `import cupy as xp` except ImportError `import numpy as xp`; relu and the class use xp",
        [("replace_in", IMPORTS, "import numpy as np\n",
          "import numpy as np\ntry:\n    import cupy as xp  # GPU if there is one\nexcept ImportError:\n    import numpy as xp\n"),
         relu_cell("def relu(z):\n    return xp.maximum(z, 0)"),
         ("replace_in", CLASS, "z_h = np.dot(x, self.weight_h.T) + self.bias_h", "z_h = xp.dot(x, self.weight_h.T) + self.bias_h")])

variant("walrus_lambda_in_print",
        "relu bound by a walrus inside a print that tries it: print(..., (relu := lambda z: np.maximum(z, 0))(...))",
        [relu_cell("# define and try it in one go\nprint(\"relu([-2, 3]) =\", (relu := lambda z: np.maximum(z, 0))(np.array([-2.0, 3.0])))")])

variant("definitions_in_with_blocks",
        "relu defined inside `with np.errstate(...)`, the class inside `with warnings.catch_warnings()`",
        [relu_cell("with np.errstate(over=\"ignore\"):\n    def relu(z):\n        return np.maximum(z, 0)"),
         ("raw", lambda nb: _indent_class_in_with(nb))])

variant("try_nameerror_guard",
        "relu defined only if not yet defined: try: relu / except NameError: def relu(...)",
        [relu_cell("try:\n    relu  # already defined in this session?\nexcept NameError:\n    def relu(z):\n        return np.maximum(z, 0)")])

variant("class_alias_of_subclass",
        "class ReLUNet(NeuralNetMLP) overrides forward/backward, then NeuralNetMLP_ReLU = ReLUNet",
        [("raw", lambda nb: _class_alias(nb))])

# ----------------------------------------------------------------------------- class structure
variant("ng_column_major_transposes",
        "Andrew-Ng style: forward works on columns (W @ X.T) and returns A1.T, A2.T (F-ordered views); backward transposes back",
        [("set_source", CLASS, r'''class NeuralNetMLP_ReLU:
    """Same network, written column-wise as in Andrew Ng's course: examples are columns."""

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
        self.num_classes = num_classes
        rng = np.random.RandomState(random_seed)
        self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
        self.bias_h = np.zeros(num_hidden)
        self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
        self.bias_out = np.zeros(num_classes)

    def forward(self, x):
        X = x.T                                          # (n_features, m)
        Z1 = self.weight_h @ X + self.bias_h[:, None]    # (n_hidden, m)
        A1 = relu(Z1)
        Z2 = self.weight_out @ A1 + self.bias_out[:, None]
        A2 = sigmoid(Z2)                                 # (n_classes, m)
        return A1.T, A2.T                                # the notebook wants rows = examples

    def backward(self, x, a_h, a_out, y):
        m = y.shape[0]
        X, A1, A2 = x.T, a_h.T, a_out.T
        Y = int_to_onehot(y, self.num_classes).T         # (n_classes, m)
        dA2 = 2. * (A2 - Y) / m
        dZ2 = dA2 * A2 * (1. - A2)
        dW2 = dZ2 @ A1.T
        db2 = dZ2.sum(axis=1)
        dA1 = self.weight_out.T @ dZ2
        dZ1 = dA1 * (A1 > 0)                             # ReLU derivative
        dW1 = dZ1 @ X.T
        db1 = dZ1.sum(axis=1)
        return dW2, db2, dW1, db1''')])

variant("init_params_renamed",
        "__init__(self, n_features, n_hidden, n_classes, seed=123) (renamed parameters); the student's training cell calls it with those names",
        [("replace_in", CLASS, "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):",
          "def __init__(self, n_features, n_hidden, n_classes, seed=123):"),
         ("replace_in", CLASS, "self.num_classes = num_classes", "self.num_classes = n_classes"),
         ("replace_in", CLASS, "rng = np.random.RandomState(random_seed)", "rng = np.random.RandomState(seed)"),
         ("replace_in", CLASS, "size=(num_hidden, num_features))", "size=(n_hidden, n_features))"),
         ("replace_in", CLASS, "self.bias_h = np.zeros(num_hidden)", "self.bias_h = np.zeros(n_hidden)"),
         ("replace_in", CLASS, "size=(num_classes, num_hidden))", "size=(n_classes, n_hidden))"),
         ("replace_in", CLASS, "self.bias_out = np.zeros(num_classes)", "self.bias_out = np.zeros(n_classes)"),
         ("replace", "model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)",
          "model_relu = NeuralNetMLP_ReLU(n_features=28*28, n_hidden=50, n_classes=10)")])

variant("method_params_renamed",
        "forward(self, X) and backward(self, X, A_h, A_out, Y): capitalised parameter names throughout",
        [("raw", lambda nb: _rename_method_params(nb))])

variant("num_classes_readonly_property",
        "num_classes is a read-only property (weight_out.shape[0]); __init__ never assigns it",
        [("replace_in", CLASS, "        self.num_classes = num_classes\n", ""),
         ("replace_in", CLASS, "    def forward(self, x):",
          "    @property\n    def num_classes(self):\n        \"\"\"Derived from the weights: one source of truth.\"\"\"\n"
          "        return self.weight_out.shape[0]\n\n    def forward(self, x):")])

variant("defensive_copy_property_setters",
        "weight_h/bias_h/weight_out/bias_out are properties whose setters store a defensive copy (np.array(value, copy=True), dtype kept)",
        [("replace_in", CLASS, "class NeuralNetMLP_ReLU:\n",
          "def _param(name):\n    \"\"\"A parameter property: the setter keeps its own copy, so nobody can alias our weights.\"\"\"\n"
          "    key = \"_\" + name\n\n    def get(self):\n        return self.__dict__[key]\n\n"
          "    def set(self, value):\n        self.__dict__[key] = np.array(value, copy=True)\n\n"
          "    return property(get, set, doc=f\"the {name} parameter\")\n\n\n"
          "class NeuralNetMLP_ReLU:\n    weight_h, bias_h = _param(\"weight_h\"), _param(\"bias_h\")\n"
          "    weight_out, bias_out = _param(\"weight_out\"), _param(\"bias_out\")\n")])

variant("default_rng_generator_init",
        "__init__ draws its weights with the modern np.random.default_rng(random_seed) Generator API",
        [("replace_in", CLASS, "rng = np.random.RandomState(random_seed)", "rng = np.random.default_rng(random_seed)  # the new Generator API")])

variant("forward_inner_helper_functions",
        "forward defines an inner dense(a, W, b, g) helper and applies it to both layers",
        [("replace_in", CLASS, "z_h = np.dot(x, self.weight_h.T) + self.bias_h\n        " + FWD,
          "def dense(a, W, b, g):  # one layer: g(a W^T + b)\n            return g(np.dot(a, W.T) + b)\n\n"
          "        a_h = dense(x, self.weight_h, self.bias_h, relu)"),
         ("replace_in", CLASS, "z_out = np.dot(a_h, self.weight_out.T) + self.bias_out\n        a_out = sigmoid(z_out)",
          "a_out = dense(a_h, self.weight_out, self.bias_out, sigmoid)")])

variant("einsum_everywhere",
        "forward and backward written with np.einsum only (no BLAS: slower training)",
        [("replace_in", CLASS, "z_h = np.dot(x, self.weight_h.T) + self.bias_h", "z_h = np.einsum('nf,hf->nh', x, self.weight_h) + self.bias_h"),
         ("replace_in", CLASS, "z_out = np.dot(a_h, self.weight_out.T) + self.bias_out", "z_out = np.einsum('nh,ch->nc', a_h, self.weight_out) + self.bias_out"),
         ("replace_in", CLASS, "d_loss__dw_out = np.dot(delta_out.T, d_z_out__dw_out)", "d_loss__dw_out = np.einsum('nc,nh->ch', delta_out, d_z_out__dw_out)"),
         ("replace_in", CLASS, "d_loss__a_h = np.dot(delta_out, d_z_out__a_h)", "d_loss__a_h = np.einsum('nc,ch->nh', delta_out, d_z_out__a_h)"),
         ("replace_in", CLASS, "d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)",
          "d_loss__d_w_h = np.einsum('nh,nf->hf', d_loss__a_h * d_a_h__d_z_h, d_z_h__d_w_h)")])

# ----------------------------------------------------------------------------- the given code, rewritten
variant("sigmoid_via_tanh",
        "the given sigmoid rewritten as 0.5 * (1 + tanh(z / 2)) (no overflow warnings, same values)",
        [("replace_in", BOOK, "def sigmoid(z):\n    return 1. / (1. + np.exp(-z))",
          "def sigmoid(z):\n    # same function, no overflow: sigma(z) = (1 + tanh(z/2)) / 2\n    return 0.5 * (1. + np.tanh(0.5 * z))")])

variant("onehot_broadcast_compare",
        "int_to_onehot rewritten as (y[:, None] == np.arange(num_labels)).astype(np.float32)",
        [("replace_in", BOOK, "return np.eye(num_labels, dtype=np.float32)[y]",
          "return (np.asarray(y)[:, None] == np.arange(num_labels)).astype(np.float32)")])

variant("mnist_import_moved_to_data_cell",
        "`from mnist_data import load_mnist, to_float` moved from the imports cell into the (otter_ignore) data cell",
        [("replace_in", IMPORTS, "from mnist_data import load_mnist, to_float", "# (data imports: see the data section)"),
         ("replace_in", DATA, DATA, "from mnist_data import load_mnist, to_float  # data stuff lives with the data\n" + DATA)])

variant("training_helpers_rewritten",
        "the given helpers cell replaced by the student's own (iterate_minibatches, fit, evaluate, no train/predict/to_float32); training and plot cells use them",
        [("raw", lambda nb: _rewrite_training(nb))])

# ----------------------------------------------------------------------------- IPython, output, side effects
variant("pylab_inline_bare_maximum",
        "old-school `%pylab inline` first line of the imports cell; relu uses bare maximum(z, 0) from pylab's star import",
        [("replace_in", IMPORTS, "# Initialize Otter\n", "%pylab inline\n# Initialize Otter\n"),
         relu_cell("def relu(z):\n    return maximum(z, 0)  # pylab brought maximum in")])

variant("matplotlib_notebook_backend",
        "`%matplotlib notebook` and `import matplotlib.pyplot as plt` in the imports cell",
        [("replace_in", IMPORTS, "# Initialize Otter\n", "%matplotlib notebook\nimport matplotlib.pyplot as plt\n# Initialize Otter\n")])

variant("display_in_needed_cells",
        "relu cell ends with display(relu(...)) and the class cell with display(NeuralNetMLP_ReLU(...).forward(...)[1].shape) (IPython's builtin display, not imported)",
        [relu_cell(SOL_RELU + "\n\n\ndisplay(relu(np.linspace(-2, 2, 5)))"),
         ("replace_in", CLASS, "                d_loss__d_w_h, d_loss__d_b_h)",
          "                d_loss__d_w_h, d_loss__d_b_h)\n\n\ndisplay(NeuralNetMLP_ReLU(784, 50, 10).forward(np.zeros((2, 784)))[1].shape)\n")])

variant("relu_cell_plots_and_savefig",
        "the relu cell imports matplotlib, plots relu and its derivative and saves relu.png with savefig",
        [relu_cell(SOL_RELU + "\n\n\nimport matplotlib.pyplot as plt\n\nzs = np.linspace(-3, 3, 201)\nplt.figure(figsize=(4, 3))\n"
                   "plt.plot(zs, relu(zs), label=\"ReLU\")\nplt.plot(zs, (relu(zs) > 0).astype(float), \"--\", label=\"derivative\")\n"
                   "plt.legend()\nplt.savefig(\"relu.png\", dpi=100)\nplt.show()")])

variant("class_cell_writes_files",
        "the class cell ends by saving a model's initial weights with np.savez and appending to notes.txt",
        [("replace_in", CLASS, "                d_loss__d_w_h, d_loss__d_b_h)",
          "                d_loss__d_w_h, d_loss__d_b_h)\n\n\n# keep the initial weights to compare after training\n"
          "_m = NeuralNetMLP_ReLU(28*28, 50, 10)\nnp.savez(\"relu_init_weights.npz\", weight_h=_m.weight_h, weight_out=_m.weight_out)\n"
          "with open(\"notes.txt\", \"a\", encoding=\"utf-8\") as f:\n    f.write(\"class cell ran\\n\")\n")])

variant("stdout_tee_logger",
        "imports cell replaces sys.stdout with a StackOverflow-style Tee (write/flush only) that also logs to run_log.txt",
        [("replace_in", IMPORTS, "import numpy as np\n",
          "import numpy as np\nimport sys\n\n\nclass Tee:\n    \"\"\"print to the notebook and to a log file\"\"\"\n\n    def __init__(self, *streams):\n        self.streams = streams\n\n"
          "    def write(self, s):\n        for st in self.streams:\n            st.write(s)\n        return len(s)\n\n"
          "    def flush(self):\n        for st in self.streams:\n            st.flush()\n\n\n"
          "sys.stdout = Tee(sys.stdout, open(\"run_log.txt\", \"a\", encoding=\"utf-8\"))\n")])

variant("seterr_raise_divide_invalid",
        "imports cell: np.seterr(divide='raise', invalid='raise') to stop at the first NaN while debugging",
        [("replace_in", IMPORTS, "import numpy as np\n", "import numpy as np\nnp.seterr(divide=\"raise\", invalid=\"raise\")  # stop at the first NaN\n")])

variant("runtimewarnings_as_errors",
        "imports cell: warnings.simplefilter('error', RuntimeWarning) to catch overflows and NaNs early",
        [("replace_in", IMPORTS, "import numpy as np\n",
          "import numpy as np\nimport warnings\nwarnings.simplefilter(\"error\", RuntimeWarning)  # catch overflow / NaN early\n")])

variant("pip_install_in_imports_cell",
        "`%pip install -q otter-grader==7.0.0` as the first line of the imports cell itself (no network in the sandbox)",
        [("replace_in", IMPORTS, "# Initialize Otter\n", "%pip install -q otter-grader==7.0.0\n# Initialize Otter\n")])

variant("book_boilerplate_cells",
        "the book's first cells copied in above the imports: python_environment_check, %load_ext watermark + %watermark, IPython Image of a figure (they fail without the book's files)",
        [("insert_before", IMPORTS,
          "from python_environment_check import check_packages\n\n\nd = {\n    'numpy': '1.21.2',\n    'matplotlib': '3.4.3',\n    'sklearn': '1.0.2',\n}\ncheck_packages(d)"),
         ("insert_before", IMPORTS, "%load_ext watermark\n%watermark -a \"Sebastian Raschka\" -u -d -p numpy,matplotlib,sklearn"),
         ("insert_before", IMPORTS, "from IPython.display import Image\n%matplotlib inline"),
         ("insert_before", IMPORTS, "Image(filename='figures/11_01.png', width=500)")])

variant("help_suffix_last_line_relu_cell",
        "the relu cell ends with `np.maximum?` (the student looked up the docs in the same cell)",
        [relu_cell(SOL_RELU + "\n\n\nnp.maximum?")])

variant("numba_optional_njit",
        "imports cell: try `from numba import njit` else a do-nothing njit; relu is decorated @njit",
        [("replace_in", IMPORTS, "import numpy as np\n",
          "import numpy as np\ntry:\n    from numba import njit\nexcept ImportError:  # no numba: run as plain Python\n"
          "    def njit(*args, **kwargs):\n        if args and callable(args[0]):\n            return args[0]\n        return lambda f: f\n"),
         relu_cell("@njit\ndef relu(z):\n    return np.maximum(z, 0)")])

# ----------------------------------------------------------------------------- grader object / check cells
variant("grader_renamed_g",
        "the Otter object is named g: g = otter.Notebook(...), g.check(...), g.export(...)",
        [("replace_in", IMPORTS, "grader = otter.Notebook(tests_dir=\"tests\")", "g = otter.Notebook(tests_dir=\"tests\")"),
         ("set_source", 'grader.check("relu")', "g.check(\"relu\")"),
         ("set_source", 'grader.check("forward")', "g.check(\"forward\")"),
         ("set_source", 'grader.check("backward")', "g.check(\"backward\")"),
         ("replace", "grader.export(pdf=False, run_tests=False)", "g.export(pdf=False, run_tests=False)")])

variant("checks_in_loop_after_class",
        "the three check cells replaced by one loop after the class: for q in [...]: display(grader.check(q))",
        [("delete", 'grader.check("relu")'), ("delete", 'grader.check("backward")'),
         ("set_source", 'grader.check("forward")', "for q in [\"relu\", \"forward\", \"backward\"]:\n    display(grader.check(q))")])

variant("checks_print_keyword_quotes",
        "check cells written differently: print(grader.check('relu')), grader.check(question=\"forward\"), r = grader.check(question='backward'); r",
        [("set_source", 'grader.check("relu")', "print(grader.check('relu'))"),
         ("set_source", 'grader.check("forward")', "grader.check(question=\"forward\")"),
         ("set_source", 'grader.check("backward")', "r = grader.check(question='backward')\nr")])


# ----------------------------------------------------------------------------- raw helpers
def _cell(nb, anchor):
    return [c for c in nb.cells if c.cell_type == "code" and anchor in c.source][0]


def _indent_class_in_with(nb):
    c = _cell(nb, CLASS)
    body = "\n".join(("    " + l) if l.strip() else l for l in c.source.splitlines())
    c.source = "import warnings\n\nwith warnings.catch_warnings():\n    warnings.simplefilter(\"ignore\")\n\n" + body
    return nb


def _class_alias(nb):
    c = _cell(nb, CLASS)
    src = c.source.replace("class NeuralNetMLP_ReLU:", "class ReLUNet(NeuralNetMLP):\n    \"\"\"The book's net with a ReLU hidden layer.\"\"\"", 1)
    src = src.replace("        super().__init__()\n", "", 1)  # NeuralNetMLP.__init__ needs arguments: set everything here
    c.source = src + "\n\n\nNeuralNetMLP_ReLU = ReLUNet  # the name the notebook asks for\n"
    return nb


def _rename_method_params(nb):
    c = _cell(nb, CLASS)
    s = c.source
    s = s.replace("def forward(self, x):", "def forward(self, X):")
    s = s.replace("z_h = np.dot(x, self.weight_h.T)", "z_h = np.dot(X, self.weight_h.T)")
    s = s.replace("def backward(self, x, a_h, a_out, y):", "def backward(self, X, A_h, A_out, Y):")
    head, back = s.split("def backward", 1)
    import re
    back = re.sub(r"\ba_out\b", "A_out", back)
    back = re.sub(r"\ba_h\b", "A_h", back)
    back = re.sub(r"\by\b", "Y", back)
    back = back.replace("d_z_h__d_w_h = x", "d_z_h__d_w_h = X")
    c.source = head + "def backward" + back
    return nb


_OWN_HELPERS = r'''def iterate_minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(0, len(X) - batch_size + 1, batch_size):
        idx = order[i:i + batch_size]
        yield to_float(X[idx]), y[idx]


def evaluate(net, X, y, batch_size=2000):
    preds = []
    for i in range(0, len(X), batch_size):
        _, out = net.forward(to_float(X[i:i + batch_size]))
        preds.append(out.argmax(axis=1))
    return float(np.mean(np.concatenate(preds) == y))


def fit(net, X, y, Xv, yv, epochs=20, lr=0.1, batch_size=100, seed=123):
    """My own training loop (float32 like the given one)."""
    for name in ("weight_h", "bias_h", "weight_out", "bias_out"):
        setattr(net, name, getattr(net, name).astype(np.float32))
    rng = np.random.RandomState(seed)
    history = {"loss": [], "train_acc": [], "valid_acc": []}
    for epoch in range(epochs):
        losses, hits, seen = [], 0, 0
        for xb, yb in iterate_minibatches(X, y, batch_size, rng):
            a_h, a_out = net.forward(xb)
            losses.append(np.mean((int_to_onehot(yb, net.num_classes) - a_out) ** 2))
            hits += int((a_out.argmax(axis=1) == yb).sum())
            seen += len(yb)
            g_w_out, g_b_out, g_w_h, g_b_h = net.backward(xb, a_h, a_out, yb)
            net.weight_h -= lr * g_w_h
            net.bias_h -= lr * g_b_h
            net.weight_out -= lr * g_w_out
            net.bias_out -= lr * g_b_out
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(hits / seen)
        history["valid_acc"].append(evaluate(net, Xv, yv))
        print(f"epoch {epoch + 1:2d}  loss {history['loss'][-1]:.4f}  valid {history['valid_acc'][-1]:.2%}")
    return history'''


def _rewrite_training(nb):
    _cell(nb, HELPERS).source = _OWN_HELPERS
    _cell(nb, TRAIN_SIG).source = (
        "model = NeuralNetMLP(num_features=28*28, num_hidden=50, num_classes=10)\n"
        "hist = fit(model, X_train, y_train, X_valid, y_valid)\n"
        "epoch_loss, epoch_train_acc, epoch_valid_acc = hist[\"loss\"], hist[\"train_acc\"], hist[\"valid_acc\"]\n"
        "print(f\"Sigmoid net, test accuracy: {evaluate(model, X_test, y_test):.2%}\")")
    _cell(nb, TRAIN_RELU).source = (
        "model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)\n"
        "hist_relu = fit(model_relu, X_train, y_train, X_valid, y_valid)\n"
        "epoch_loss_relu, epoch_train_acc_relu, epoch_valid_acc_relu = hist_relu[\"loss\"], hist_relu[\"train_acc\"], hist_relu[\"valid_acc\"]\n"
        "print(f\"ReLU net, test accuracy: {evaluate(model_relu, X_test, y_test):.2%}\")")
    c = _cell(nb, "predicted = predict(model_relu, X_test)")
    c.source = c.source.replace("predicted = predict(model_relu, X_test)",
                                "predicted = np.concatenate([model_relu.forward(to_float(X_test[i:i + 2000]))[1].argmax(axis=1) for i in range(0, len(X_test), 2000)])")
    return nb


# ----------------------------------------------------------------------------- how the file was saved
def _write_json(path, nb, **kw):
    d = json.loads(nbformat.writes(nb))
    return json.dumps(d, **kw)


def _post_nbformat40(path, nb):
    d = json.loads(nbformat.writes(nb))
    d["nbformat_minor"] = 0
    for c in d["cells"]:
        c.pop("id", None)
        if c["cell_type"] == "code":
            c["metadata"].update({"collapsed": False, "scrolled": True})
    d["metadata"]["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    d["metadata"]["language_info"] = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                      "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                      "pygments_lexer": "ipython3", "version": "3.6.9"}
    open(path, "w", encoding="utf-8").write(json.dumps(d, indent=1, ensure_ascii=True) + "\n")


def _post_crlf(path, nb):
    text = nbformat.writes(nb).replace("\n", "\r\n")
    open(path, "w", encoding="utf-8", newline="").write(text)


def _post_minified(path, nb):
    d = json.loads(nbformat.writes(nb))
    for c in d["cells"]:
        if isinstance(c["source"], list):
            c["source"] = "".join(c["source"])
    open(path, "w", encoding="utf-8").write(json.dumps(d, ensure_ascii=False, separators=(",", ":")))


def _post_duplicate_ids(path, nb):
    d = json.loads(nbformat.writes(nb))
    ids = [c["id"] for c in d["cells"]]
    for i, c in enumerate(d["cells"]):  # a merge duplicated ids: every code cell shares its id with the cell above
        if c["cell_type"] == "code" and i > 0:
            c["id"] = d["cells"][i - 1]["id"]
    open(path, "w", encoding="utf-8").write(json.dumps(d, indent=1, ensure_ascii=False) + "\n")


def _post_bom(path, nb):
    open(path, "w", encoding="utf-8-sig").write(nbformat.writes(nb))


def _png(nbytes, seed):
    import random
    rnd = random.Random(seed)
    w = 512
    h = max(1, nbytes // (w * 3))
    raw = b"".join(b"\x00" + bytes(rnd.getrandbits(8) for _ in range(w * 3)) for _ in range(h))
    def chunk(t, data):
        return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def _post_big_outputs(path, nb):
    d = json.loads(nbformat.writes(nb))
    imgs = [base64.b64encode(_png(450_000, k)).decode() for k in range(4)]
    n = 0
    for c in d["cells"]:
        if c["cell_type"] == "code" and "otter_ignore" in c["metadata"].get("tags", []):
            for k in range(14):
                c["outputs"].append({"output_type": "display_data", "metadata": {},
                                     "data": {"image/png": imgs[(n + k) % 4], "text/plain": ["<Figure size 1200x800 with 1 Axes>"]}})
            n += 1
    open(path, "w", encoding="utf-8").write(json.dumps(d, indent=1) + "\n")


variant("file_nbformat_4_0_no_ids", "saved as nbformat 4.0 (no cell ids, collapsed/scrolled cell metadata, Python 3.6 language_info)",
        [], post=_post_nbformat40)
variant("file_json_crlf", "the .ipynb JSON itself has Windows CRLF line endings (git autocrlf)", [], post=_post_crlf)
variant("file_minified_single_string_sources", "JSON on one line, each cell's source a single string, non-ASCII unescaped",
        [("replace_in", CLASS, "# Hidden layer", "# Hidden layer — couche cachée ✓")], post=_post_minified)
variant("file_duplicate_cell_ids", "every code cell has the same id as the cell above it (a git merge)", [], post=_post_duplicate_ids)
variant("file_utf8_bom", "the file starts with a UTF-8 byte-order mark (edited in Windows Notepad)", [], post=_post_bom)
variant("file_name_spaces_parens", "file name as a browser saves a second download: 'mlp_relu (1).ipynb'", [],
        filename="mlp_relu (1).ipynb")
variant("file_name_unicode", "file name with accents, a check mark and spaces: 'TP4 réseau ReLU ✓ final.ipynb'", [],
        filename="TP4 réseau ReLU ✓ final.ipynb")
variant("file_big_saved_images", "~40 MB: high-resolution plot images saved in the outputs of the otter_ignore cells", [],
        post=_post_big_outputs)

# ----------------------------------------------------------------------------- follow-ups of num_classes_readonly_property
variant("num_classes_property_with_setter",
        "num_classes is a property with a setter (stored if set, else weight_out.shape[0]); __init__ does not assign it",
        [("replace_in", CLASS, "        self.num_classes = num_classes\n", ""),
         ("replace_in", CLASS, "    def forward(self, x):",
          "    @property\n    def num_classes(self):\n        return self.__dict__.get(\"_num_classes\", self.weight_out.shape[0])\n\n"
          "    @num_classes.setter\n    def num_classes(self, value):\n        self.__dict__[\"_num_classes\"] = int(value)\n\n    def forward(self, x):")])

variant("num_classes_readonly_property_init_sets_private",
        "num_classes read-only property returning self._num_classes, which __init__ sets",
        [("replace_in", CLASS, "        self.num_classes = num_classes\n", "        self._num_classes = num_classes\n"),
         ("replace_in", CLASS, "    def forward(self, x):",
          "    @property\n    def num_classes(self):\n        return self._num_classes\n\n    def forward(self, x):")])

variant("setattr_typo_guard",
        "__setattr__ refuses attribute names outside num_classes and the four parameters (a guard against typos like model.wieght_h)",
        [("replace_in", CLASS, "    def forward(self, x):",
          "    _FIELDS = {\"num_classes\", \"weight_h\", \"bias_h\", \"weight_out\", \"bias_out\"}\n\n"
          "    def __setattr__(self, name, value):\n        if name not in self._FIELDS:\n"
          "            raise AttributeError(f\"no parameter {name!r} (typo?)\")\n        super().__setattr__(name, value)\n\n"
          "    def forward(self, x):")])

# ----------------------------------------------------------------------------- round 2 of ideas
variant("autosave_magic_imports",
        "`%autosave 120` (classic Notebook magic) as the first line of the imports cell",
        [("replace_in", IMPORTS, "# Initialize Otter\n", "%autosave 120\n# Initialize Otter\n")])

variant("file_magic_alias_import",
        "`%%file activations.py` (the older alias of %%writefile) in a cell above; the relu cell imports from it",
        [("insert_before", SOL_RELU,
          "%%file activations.py\nimport numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0)\n\n\n"
          "def relu_grad(a):\n    return (a > 0).astype(a.dtype)\n"),
         relu_cell("from activations import relu, relu_grad"),
         ("replace", DERIV, "d_a_h__d_z_h = relu_grad(a_h)")])

variant("from_pylab_star_import",
        "`from pylab import *` (a Python import, not the magic) in the imports cell; relu uses bare maximum",
        [("replace_in", IMPORTS, "import numpy as np\n", "from pylab import *  # numpy + matplotlib in one go\nimport numpy as np\n"),
         relu_cell("def relu(z):\n    return maximum(z, 0)")])

variant("stored_sizes_shape_asserts",
        "__init__ stores num_features/num_hidden too; forward and backward assert input shapes against the stored sizes",
        [("replace_in", CLASS, "        self.num_classes = num_classes\n",
          "        self.num_classes = num_classes\n        self.num_features, self.num_hidden = num_features, num_hidden\n"),
         ("replace_in", CLASS, "        z_h = np.dot(x, self.weight_h.T) + self.bias_h\n",
          "        assert x.ndim == 2 and x.shape[1] == self.num_features, x.shape\n        z_h = np.dot(x, self.weight_h.T) + self.bias_h\n"),
         ("replace_in", CLASS, "        # onehot encoding\n",
          "        assert a_h.shape == (x.shape[0], self.num_hidden), a_h.shape\n        # onehot encoding\n")])

variant("num_classes_getattr_fallback",
        "__init__ does not store num_classes; __getattr__ answers it from weight_out.shape[0] (AttributeError for other names)",
        [("replace_in", CLASS, "        self.num_classes = num_classes\n", ""),
         ("replace_in", CLASS, "    def forward(self, x):",
          "    def __getattr__(self, name):  # only called for missing attributes\n        if name == \"num_classes\":\n"
          "            return self.weight_out.shape[0]\n        raise AttributeError(name)\n\n    def forward(self, x):")])

variant("relu_doctest_testmod",
        "relu has doctests in its docstring; the relu cell ends with doctest.testmod() (tests the notebook's __main__)",
        [relu_cell('def relu(z):\n    """ReLU, elementwise.\n\n    >>> relu(np.array([-1.0, 0.0, 2.0]))\n    array([0., 0., 2.])\n    """\n'
                   "    return np.maximum(z, 0)\n\n\nimport doctest\ndoctest.testmod(verbose=False)")])

variant("ipython_display_markdown_relu_cell",
        "the relu cell imports IPython.display (Markdown, Math, display) and shows the formula",
        [relu_cell(SOL_RELU + "\n\n\nfrom IPython.display import Markdown, Math, display\n\n"
                   "display(Math(r\"\\mathrm{ReLU}(z) = \\max(0, z)\"))\ndisplay(Markdown(f\"relu(-2, 3) = `{relu(np.array([-2.0, 3.0]))}`\"))")])

variant("python_writes_module_then_import",
        "a cell writes activations.py with open(...).write(...) (plain Python, no magic); the relu cell imports from it",
        [("insert_before", SOL_RELU,
          "# keep my helpers in a module so other notebooks can import them\nMODULE = '''import numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0)\n\n\n"
          "def relu_grad(a):\n    return (a > 0).astype(a.dtype)\n'''\nwith open(\"activations.py\", \"w\") as f:\n    f.write(MODULE)"),
         relu_cell("from activations import relu, relu_grad"),
         ("replace", DERIV, "d_a_h__d_z_h = relu_grad(a_h)")])

variant("writefile_append_flag_import",
        "`%%writefile -a activations.py` (append flag) after a first `%%writefile activations.py` cell; the relu cell imports from it",
        [("insert_before", SOL_RELU, "%%writefile activations.py\nimport numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0)\n"),
         ("insert_before", SOL_RELU, "%%writefile -a activations.py\n\n\ndef relu_grad(a):\n    return (a > 0).astype(a.dtype)\n"),
         relu_cell("from activations import relu, relu_grad"),
         ("replace", DERIV, "d_a_h__d_z_h = relu_grad(a_h)")])
