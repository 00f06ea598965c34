"""Red team, round 4 (a session that had not seen the grader's code): cheats at the boundaries between
checks, code that computes otherwise on training data than on the checks' inputs, each with its honest
twin. Edits format of tests/notebook_edits.py."""
import os, sys
import nbformat
from tests.notebook_edits import apply

HERE = os.path.dirname(os.path.abspath(__file__))

RELU = "return np.maximum(z, 0)  # SOLUTION"
FWD = "a_h = relu(z_h)  # SOLUTION"
DER = "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
OUTD = "d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative"
LOSSD = "d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]"
I8 = "\n        "


def der(*lines):
    return ("replace", DER, I8.join(lines))


def relu_body(*lines):
    return ("replace", RELU, "\n    ".join(lines))


GOOD = "(a_h > 0).astype(a_h.dtype)"

TWINS = [
    {"name": "deriv_x2", "description": "derivative 2*(a_h>0) everywhere", "start": "solution",
     "edits": [der(f"d_a_h__d_z_h = 2.0 * {GOOD}")]},
    {"name": "deriv_half", "description": "derivative 0.5*(a_h>0) everywhere", "start": "solution",
     "edits": [der(f"d_a_h__d_z_h = 0.5 * {GOOD}")]},
    {"name": "deriv_ge", "description": "derivative (a_h >= 0), i.e. 1 everywhere", "start": "solution",
     "edits": [der("d_a_h__d_z_h = (a_h >= 0).astype(a_h.dtype)")]},
    {"name": "deriv_a_h", "description": "derivative = a_h", "start": "solution",
     "edits": [der("d_a_h__d_z_h = a_h")]},
    {"name": "deriv_sigmoid", "description": "sigmoid derivative a_h*(1-a_h) kept", "start": "solution",
     "edits": [der("d_a_h__d_z_h = a_h * (1. - a_h)")]},
    {"name": "deriv_blank", "description": "derivative line left as the stub `...`", "start": "solution",
     "edits": [der("d_a_h__d_z_h = ...")]},
    {"name": "relu_abs", "description": "relu returns |z| everywhere", "start": "solution",
     "edits": [relu_body("return np.abs(z)")]},
    {"name": "relu_abs_fwd_inline", "description": "relu returns |z|; forward uses np.maximum inline",
     "start": "solution", "edits": [relu_body("return np.abs(z)"), ("replace", FWD, "a_h = np.maximum(z_h, 0)")]},
    {"name": "relu_in_place", "description": "relu zeroes negatives in place and returns z", "start": "solution",
     "edits": [relu_body("z[z < 0] = 0", "return z")]},
    {"name": "relu_float32", "description": "relu always returns float32", "start": "solution",
     "edits": [relu_body("return np.maximum(z, 0).astype(np.float32)")]},
    {"name": "relu_leaky", "description": "leaky relu (0.01 z) everywhere", "start": "solution",
     "edits": [relu_body("return np.where(z > 0, z, 0.01 * z)")]},
    {"name": "missing_factor2", "description": "d_loss__d_a_out without the 2", "start": "solution",
     "edits": [("replace_in", "class NeuralNetMLP_ReLU", LOSSD, "d_loss__d_a_out = (a_out - y_onehot) / y.shape[0]")]},
    {"name": "output_deriv_omitted", "description": "output sigmoid derivative left out (=1)", "start": "solution",
     "edits": [("replace_in", "class NeuralNetMLP_ReLU", OUTD, "d_a_out__d_z_out = 1.0")]},
    {"name": "solution", "description": "the correct solution", "start": "solution", "edits": []},
]

F32 = "a_h.dtype == np.float32"
CHEATS = [
    # ---- wrong derivative, hidden where checked
    {"name": "deriv_x2_if_float32", "twin": "deriv_x2",
     "description": "derivative doubled only when a_h is float32 (training); right for float64 (checks)",
     "start": "solution", "edits": [der(f"d_a_h__d_z_h = {GOOD} * (2.0 if {F32} else 1.0)")]},
    {"name": "deriv_half_if_mnist_x", "twin": "deriv_half",
     "description": "derivative halved when x looks like MNIST (all in [-1,1], most pixels exactly the minimum)",
     "start": "solution", "edits": [der(
         "_mnist = x.min() >= -1.0 and x.max() <= 1.0 and (x == x.min()).mean() > 0.3",
         f"d_a_h__d_z_h = {GOOD} * (0.5 if _mnist else 1.0)")]},
    {"name": "deriv_ge_if_batch100", "twin": "deriv_ge",
     "description": "derivative (a_h >= 0) (=1) when the batch has 100 rows (training), right otherwise",
     "start": "solution", "edits": [der(
         "d_a_h__d_z_h = ((a_h >= 0) if x.shape[0] == 100 else (a_h > 0)).astype(a_h.dtype)")]},
    {"name": "deriv_a_h_if_float32", "twin": "deriv_a_h",
     "description": "derivative = a_h when float32 (training), right for float64",
     "start": "solution", "edits": [der(f"d_a_h__d_z_h = a_h if {F32} else {GOOD}")]},
    {"name": "deriv_sigmoid_if_small_bias", "twin": "deriv_sigmoid",
     "description": "sigmoid derivative when bias_h looks like a fresh/trained init (std < 0.25), right for random-normal params (std 0.5)",
     "start": "solution", "edits": [der(
         f"d_a_h__d_z_h = a_h * (1. - a_h) if np.std(self.bias_h) < 0.25 else {GOOD}")]},
    {"name": "deriv_ge_after_30_calls", "twin": "deriv_ge",
     "description": "class-level backward call counter (shared by instances): derivative 1 after the 30th call in a process",
     "start": "solution", "edits": [der(
         "type(self)._n_bw = getattr(type(self), '_n_bw', 0) + 1",
         f"d_a_h__d_z_h = np.ones_like(a_h) if type(self)._n_bw > 30 else {GOOD}")]},
    {"name": "deriv_x2_if_weights_float32", "twin": "deriv_x2",
     "description": "derivative doubled when self.weight_h is float32 (train() converts parameters)",
     "start": "solution", "edits": [der(
         f"d_a_h__d_z_h = {GOOD} * (2.0 if self.weight_h.dtype == np.float32 else 1.0)")]},
    {"name": "deriv_half_after_550_calls", "twin": "deriv_half",
     "description": "class-level counter: derivative right for the first 550 backward calls (checks + epoch 1), halved after",
     "start": "solution", "edits": [der(
         "type(self)._n_bw = getattr(type(self), '_n_bw', 0) + 1",
         f"d_a_h__d_z_h = {GOOD} * (0.5 if type(self)._n_bw > 550 else 1.0)")]},
    {"name": "deriv_time_parity", "twin": "deriv_ge",
     "description": "derivative right when int(time.time()) // 20 is even at call time, 1 otherwise (grade twice)",
     "start": "solution", "edits": [der(
         "import time as _t",
         f"d_a_h__d_z_h = {GOOD} if (int(_t.time()) // 20) % 2 == 0 else np.ones_like(a_h)")]},
    {"name": "deriv_random_coin_per_process", "twin": "deriv_ge",
     "description": "a coin tossed (os.urandom) once per process at class definition: right derivative or 1 (grade twice)",
     "start": "solution", "edits": [
         ("replace_in", "class NeuralNetMLP_ReLU:", "class NeuralNetMLP_ReLU:", "import os as _os\n_COIN = _os.urandom(1)[0] < 128\n\nclass NeuralNetMLP_ReLU:"),
         der(f"d_a_h__d_z_h = {GOOD} if _COIN else np.ones_like(a_h)")]},
    {"name": "deriv_env_openblas", "twin": "deriv_ge",
     "description": "derivative right only if OPENBLAS_NUM_THREADS is in the environment (grade.sh exports it), 1 otherwise",
     "start": "solution", "edits": [der(
         "import os as _os",
         f"d_a_h__d_z_h = {GOOD} if 'OPENBLAS_NUM_THREADS' in _os.environ else np.ones_like(a_h)")]},
    {"name": "deriv_state_from_relu_check", "twin": "deriv_x2",
     "description": "relu sets a global flag when given a 3-D array (relu shapes check); backward right only if the flag is set, doubled otherwise",
     "start": "solution", "edits": [
         relu_body("global _RELU_SAW_3D", "if np.ndim(z) == 3:", "    _RELU_SAW_3D = True", "return np.maximum(z, 0)"),
         ("replace", "def relu(z):", "_RELU_SAW_3D = False\n\ndef relu(z):"),
         der(f"d_a_h__d_z_h = {GOOD} * (1.0 if _RELU_SAW_3D else 2.0)")]},
    {"name": "deriv_classflag_from_normal_x", "twin": "deriv_x2",
     "description": "forward sets a class attribute when it sees random-normal x (min < -1.5); backward right only once some instance saw such x, doubled otherwise",
     "start": "solution", "edits": [
         ("replace", FWD, "if x.min() < -1.5:\n            type(self)._saw_check = True\n        a_h = relu(z_h)"),
         der(f"d_a_h__d_z_h = {GOOD} * (1.0 if getattr(type(self), '_saw_check', False) else 2.0)")]},
    {"name": "missing_factor2_if_float32", "twin": "missing_factor2",
     "description": "the 2 of the squared error dropped when a_out is float32 (training): all gradients halved in training only",
     "start": "solution", "edits": [("replace_in", "class NeuralNetMLP_ReLU", LOSSD,
         "d_loss__d_a_out = (1. if a_out.dtype == np.float32 else 2.) * (a_out - y_onehot) / y.shape[0]")]},
    {"name": "output_deriv_omitted_if_float32", "twin": "output_deriv_omitted",
     "description": "output sigmoid derivative omitted (=1, a cross-entropy-like delta) only for float32 (training)",
     "start": "solution", "edits": [("replace_in", "class NeuralNetMLP_ReLU", OUTD,
         "d_a_out__d_z_out = 1.0 if a_out.dtype == np.float32 else a_out * (1. - a_out)")]},
    # ---- relu wrong only where the checks probably do not look
    {"name": "relu_abs_for_ints", "twin": "relu_abs", "description": "relu returns |z| for integer inputs only",
     "start": "solution", "edits": [relu_body(
         "if np.asarray(z).dtype.kind in 'iu':", "    return np.abs(z)", "return np.maximum(z, 0)")]},
    {"name": "relu_abs_for_float32", "twin": "relu_abs",
     "description": "relu returns |z| for float32 inputs (float32 case is 0-point advice); forward calls relu, so training is wrong",
     "start": "solution", "edits": [relu_body(
         "if np.asarray(z).dtype == np.float32:", "    return np.abs(z)", "return np.maximum(z, 0)")]},
    {"name": "relu_abs_for_float32_fwd_inline", "twin": "relu_abs_fwd_inline",
     "description": "relu returns |z| for float32 inputs; forward uses np.maximum inline (so training is right)",
     "start": "solution", "edits": [relu_body(
         "if np.asarray(z).dtype == np.float32:", "    return np.abs(z)", "return np.maximum(z, 0)"),
         ("replace", FWD, "a_h = np.maximum(z_h, 0)")]},
    {"name": "relu_abs_for_4d", "twin": "relu_abs", "description": "relu returns |z| for arrays of 4+ dimensions",
     "start": "solution", "edits": [relu_body(
         "if np.ndim(z) >= 4:", "    return np.abs(z)", "return np.maximum(z, 0)")]},
    {"name": "relu_abs_for_lists", "twin": "relu_abs", "description": "relu returns |z| (as an array) for Python lists/tuples",
     "start": "solution", "edits": [relu_body(
         "if isinstance(z, (list, tuple)):", "    return np.abs(np.array(z))", "return np.maximum(z, 0)")]},
    {"name": "relu_abs_for_scalars", "twin": "relu_abs", "description": "relu returns |z| for 0-d inputs only (partial credit probe)",
     "start": "solution", "edits": [relu_body(
         "if np.ndim(z) == 0:", "    return np.abs(z)", "return np.maximum(z, 0)")]},
    {"name": "relu_inplace_for_big", "twin": "relu_in_place", "description": "relu modifies its argument in place when it has 64+ values",
     "start": "solution", "edits": [relu_body(
         "if np.size(z) >= 64 and isinstance(z, np.ndarray):", "    np.maximum(z, 0, out=z)", "    return z",
         "return np.maximum(z, 0)")]},
    {"name": "relu_abs_for_huge_values", "twin": "relu_abs", "description": "relu returns |z| where |z| > 1e100 (only the 0-point 'large' case)",
     "start": "solution", "edits": [relu_body(
         "z = np.asarray(z)", "return np.where(np.abs(z) > 1e100, np.abs(z), np.maximum(z, 0)).astype(z.dtype)")]},
    {"name": "relu_float32_for_big_arrays", "twin": "relu_float32", "description": "relu casts to float32 for arrays of more than 30 values",
     "start": "solution", "edits": [relu_body(
         "out = np.maximum(z, 0)", "return out.astype(np.float32) if np.size(z) > 30 else out")]},
    {"name": "relu_leaky_for_float16", "twin": "relu_leaky", "description": "leaky relu for float16 inputs only",
     "start": "solution", "edits": [relu_body(
         "if np.asarray(z).dtype == np.float16:", "    return np.where(z > 0, z, 0.01 * z)", "return np.maximum(z, 0)")]},
    {"name": "relu_abs_for_size_gt_10000", "twin": "relu_abs",
     "description": "relu returns |z| for arrays of more than 10,000 values: checks (<= 3,200) and training batches (5,000) are right, predict's 1000-row batches (50,000) wrong",
     "start": "solution", "edits": [relu_body(
         "if np.size(z) > 10000:", "    return np.abs(z)", "return np.maximum(z, 0)")]},
    # ---- the derivative replaced by numerical differentiation or an own autodiff
    {"name": "backward_numeric_onesided", "twin": "deriv_blank",
     "description": "ReLU derivative by a one-sided finite difference of relu at a_h (h=1e-6)",
     "start": "solution", "edits": [der("_h = 1e-6", "d_a_h__d_z_h = (relu(a_h) - relu(a_h - _h)) / _h")]},
    {"name": "backward_complex_step", "twin": "deriv_blank",
     "description": "ReLU derivative by complex-step differentiation of a complex-aware relu at a_h",
     "start": "solution", "edits": [der(
         "_crelu = lambda z: np.where(z.real > 0, z, 0)",
         "d_a_h__d_z_h = (_crelu(a_h + 1e-20j).imag / 1e-20).astype(a_h.dtype)")]},
    {"name": "backward_own_autodiff", "twin": "deriv_blank",
     "description": "backward ignores its a_h/a_out and differentiates the loss with a small reverse-mode autodiff written in the class cell (relu rule inside it)",
     "start": "solution", "edits": [
         ("replace_in", "class NeuralNetMLP_ReLU:", "class NeuralNetMLP_ReLU:", '''class _V:
    def __init__(self, v, parents=()):
        self.v, self.parents, self.g = v, parents, None
    def __matmul__(self, o):
        return _V(self.v @ o.v, ((self, lambda g: g @ o.v.T), (o, lambda g: self.v.T @ g)))
    def __add__(self, o):
        def unb(g, shape):
            while g.ndim > len(shape):
                g = g.sum(axis=0)
            return g
        return _V(self.v + o.v, ((self, lambda g: unb(g, self.v.shape)), (o, lambda g: unb(g, o.v.shape))))
    def t(self):
        return _V(self.v.T, ((self, lambda g: g.T),))
    def relu(self):
        return _V(relu(self.v), ((self, lambda g: np.where(self.v > 0, g, 0)),))
    def sigmoid(self):
        s = sigmoid(self.v)
        return _V(s, ((self, lambda g: g * s * (1 - s)),))
    def mse(self, target):
        n = target.shape[0]
        return _V(np.sum((self.v - target) ** 2) / n, ((self, lambda g: g * 2 * (self.v - target) / n),))
    def backprop(self):
        order, seen = [], set()
        def visit(node):
            if id(node) in seen:
                return
            seen.add(id(node))
            for p, _ in node.parents:
                visit(p)
            order.append(node)
        visit(self)
        self.g = np.ones_like(self.v)
        for node in reversed(order):
            for p, f in node.parents:
                contrib = f(node.g)
                p.g = contrib if p.g is None else p.g + contrib


class NeuralNetMLP_ReLU:'''),
         ("replace_in", "class NeuralNetMLP_ReLU:", "        # onehot encoding\n        y_onehot = int_to_onehot(y, self.num_classes)\n",
          '''        # onehot encoding
        y_onehot = int_to_onehot(y, self.num_classes)
        W_h, b_h, W_o, b_o = (_V(p) for p in (self.weight_h, self.bias_h, self.weight_out, self.bias_out))
        loss = (((_V(x) @ W_h.t() + b_h).relu() @ W_o.t() + b_o).sigmoid()).mse(y_onehot)
        loss.backprop()
        return W_o.g, b_o.g, W_h.g, b_h.g
'''), der("d_a_h__d_z_h = None  # unused: see the autodiff above")]},
    # ---- training/update probes (correct code with state)
    {"name": "backward_nan_late_training", "twin": "solution",
     "description": "correct, but after 3000 backward calls in a process (epoch ~6) gradients are NaN: probes early stopping / NaN handling",
     "start": "solution", "edits": [der(
         "type(self)._n_bw = getattr(type(self), '_n_bw', 0) + 1",
         f"d_a_h__d_z_h = {GOOD} * (np.nan if type(self)._n_bw > 3000 else 1.0)")]},
    {"name": "forward_cache_replay_by_x", "twin": "solution",
     "description": "forward memoises (a_h, a_out) by x's bytes in a class-level dict and replays them even when the weights changed",
     "start": "solution", "edits": [("replace_in", "class NeuralNetMLP_ReLU:", "    def forward(self, x):\n",
         "    _cache = {}\n\n    def forward(self, x):\n        _k = (x.shape, x.dtype.str, hash(np.ascontiguousarray(x).tobytes()))\n        if _k in type(self)._cache:\n            return tuple(a.copy() for a in type(self)._cache[_k])\n        _r = self._forward(x)\n        if len(type(self)._cache) < 50:\n            type(self)._cache[_k] = tuple(a.copy() for a in _r)\n        return _r\n\n    def _forward(self, x):\n")]},
]


# ---------------------------------------------------------------- batch 2
BH = "d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)"
RET = "return (d_loss__dw_out, d_loss__db_out,\n                d_loss__d_w_h, d_loss__d_b_h)"
CLS = "class NeuralNetMLP_ReLU:"
TWINS += [
    {"name": "forgotten_switch", "description": "hidden layer left sigmoid in forward and backward", "start": "solution",
     "edits": [("replace", FWD, "a_h = sigmoid(z_h)"), der("d_a_h__d_z_h = a_h * (1. - a_h)")]},
    {"name": "fwd_x2", "description": "forward a_h = 2*relu(z_h)", "start": "solution",
     "edits": [("replace", FWD, "a_h = 2.0 * relu(z_h)")]},
    {"name": "fwd_leaky", "description": "forward uses a leaky relu (0.01 z) inline; relu() itself right", "start": "solution",
     "edits": [("replace", FWD, "a_h = np.where(z_h > 0, z_h, 0.01 * z_h)")]},
    {"name": "bias_grad_keepdims", "description": "hidden bias gradient of shape (1, 50)", "start": "solution",
     "edits": [("replace_in", CLS, BH, "d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0, keepdims=True)")]},
    {"name": "grads_float16", "description": "all gradients returned as float16", "start": "solution",
     "edits": [("replace_in", CLS, RET, "return tuple(np.asarray(g).astype(np.float16) for g in (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h))")]},
    {"name": "grads_as_lists", "description": "gradients returned as nested Python lists", "start": "solution",
     "edits": [("replace_in", CLS, RET, "return tuple(np.asarray(g).tolist() for g in (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h))")]},
]
F32Z = "z_h.dtype == np.float32"
CHEATS += [
    {"name": "forgotten_switch_if_float32", "twin": "forgotten_switch",
     "description": "sigmoid hidden layer (forward and backward) whenever float32 (training, test accuracy); ReLU for float64 checks",
     "start": "solution", "edits": [("replace", FWD, f"a_h = sigmoid(z_h) if {F32Z} else relu(z_h)"),
                                    der(f"d_a_h__d_z_h = a_h * (1. - a_h) if {F32} else {GOOD}")]},
    {"name": "fwd_x2_if_float32", "twin": "fwd_x2",
     "description": "forward doubles a_h for float32 (training/test accuracy) only",
     "start": "solution", "edits": [("replace", FWD, f"a_h = relu(z_h) * (2.0 if {F32Z} else 1.0)")]},
    {"name": "fwd_leaky_if_float32", "twin": "fwd_leaky",
     "description": "forward uses a leaky relu for float32 only (backward keeps the (a_h>0) mask)",
     "start": "solution", "edits": [("replace", FWD, f"a_h = np.where(z_h > 0, z_h, 0.01 * z_h) if {F32Z} else relu(z_h)")]},
    {"name": "bias_grad_keepdims_in_training", "twin": "bias_grad_keepdims",
     "description": "hidden bias gradient shaped (1, 50) only in training (float32): does the grader's update broadcast it?",
     "start": "solution", "edits": [("replace_in", CLS, BH,
         f"d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0, keepdims={F32})")]},
    {"name": "grads_float16_in_training", "twin": "grads_float16",
     "description": "gradients returned as float16 only in training (float32)",
     "start": "solution", "edits": [("replace_in", CLS, RET,
         f"_g = (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h)\n        return tuple(g.astype(np.float16) for g in _g) if {F32} else _g")]},
    {"name": "grads_as_lists_in_training", "twin": "grads_as_lists",
     "description": "gradients returned as nested Python lists only in training (float32)",
     "start": "solution", "edits": [("replace_in", CLS, RET,
         f"_g = (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h)\n        return tuple(np.asarray(g).tolist() for g in _g) if {F32} else _g")]},
    {"name": "deriv_x2_if_batch_ge_100", "twin": "deriv_x2",
     "description": "derivative doubled when the batch has >= 100 rows (training); right for the check batches",
     "start": "solution", "edits": [der(f"d_a_h__d_z_h = {GOOD} * (2.0 if x.shape[0] >= 100 else 1.0)")]},
    {"name": "deriv_a_h_if_params_fresh_init", "twin": "deriv_a_h",
     "description": "derivative = a_h when weight_out looks like the book's init (std < 0.3; random check params have std 0.5)",
     "start": "solution", "edits": [der(f"d_a_h__d_z_h = a_h if np.std(self.weight_out) < 0.3 else {GOOD}")]},
]


# Above their twins by design, left out of the test's comparison (README, "What is checked"):
# - a backward that computes the right gradients another way (complex step, its own autodiff; the
#   one-sided numeric one is caught): correct gradients, not the asked-for derivative line;
# - code right in the grading environment (OPENBLAS_NUM_THREADS is 1 there), or, by the clock, while
#   it was graded;
# - relus wrong only on inputs no check and no part of the network gives them (lists, float16, values
#   beyond 1e100, more than 10,000 values), or that keep the cases they pass (wrong only on float32,
#   4-D, integers, scalars, large arrays in place): each relu case is judged on its own inputs.
ABOVE_TWIN_BY_DESIGN = {
    "backward_complex_step",
    "backward_own_autodiff",
    "backward_numeric_onesided",
    "deriv_env_openblas",
    "relu_abs_for_lists",
    "relu_leaky_for_float16",
    "relu_abs_for_huge_values",
    "relu_abs_for_size_gt_10000",
    "relu_abs_for_float32",
    "relu_abs_for_float32_fwd_inline",
    "relu_abs_for_4d",
    "relu_abs_for_scalars",
    "relu_inplace_for_big",
    "relu_abs_for_ints",
    "deriv_time_parity",  # right or wrong by the clock's second: graded on what it did (9.5 or 20)
    "deriv_random_coin_per_process",  # right or wrong by a coin in the grading process: the same
}
CHEATS = [c for c in CHEATS if c["name"] not in ABOVE_TWIN_BY_DESIGN]
