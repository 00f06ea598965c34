"""More cheats and attacks, each with its honest twin (a second session that had not seen the grader's
code, playing a clever student), in the format of cheats.py: memorised answers for the checks'
inputs (reproduced from the public mlp_checks.py and its seeds), a forward that plays along with a
wrong backward in the numeric check, steering the training to pretrained weights, patching what the
sandbox's worker uses, state shared through the sandbox's folder, startup hooks.

Left out of CHEATS (their "runs" cases differ from the twins' by design): deriv_blank_memo_steer and
blank_notebook_memo_taylor_steer, whose `...` is replaced by code that runs (and so earns the public
"runs" points any running code earns) while their twins raise.
"""

import base64
import io

import numpy as np

from tests.variants import memo_data, pretrained

# ---------------------------------------------------------------------------------------------
# anchors in the solution notebook (and the student notebook)

RELU_SOL = "return np.maximum(z, 0)  # SOLUTION"
AH_SOL = "a_h = relu(z_h)  # SOLUTION"
D_SOL = "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
CLASS = "class NeuralNetMLP_ReLU:"
RELU_CELL = "def relu(z):"
CHECK_RELU = 'grader.check("relu")'
CHECK_FWD = 'grader.check("forward")'
CHECK_BWD = 'grader.check("backward")'
GRADCHECK = "gradient_check_report(NeuralNetMLP_ReLU)"

# honest mistakes (the twins' code)
T_DERIV0 = [("replace", D_SOL, "d_a_h__d_z_h = 0")]
T_DERIV_BLANK = [("replace", D_SOL, "d_a_h__d_z_h = ...")]
T_SIGNFLIP = [("replace", D_SOL, "d_a_h__d_z_h = -(a_h > 0).astype(a_h.dtype)")]
T_DERIV_SIG = [("replace", D_SOL, "d_a_h__d_z_h = a_h * (1. - a_h)  # (sigmoid's, copied from above)")]
T_FWDSIG = [("replace", AH_SOL, "a_h = sigmoid(z_h)")]
T_FWDSHIFT = [("replace", AH_SOL, "a_h = relu(z_h) * (1 + 2e-4)")]
T_RELUABS = [("replace", RELU_SOL, "return np.abs(z)")]
T_RELU_INPLACE = [("replace", RELU_SOL, "z[z < 0] = 0\n    return z")]
T_RELU_BLANK = [("replace", RELU_SOL, "...")]

TWINS = [
    {"name": "solution", "description": "the reference solution, unchanged (20/20)", "start": "solution", "edits": []},
    {"name": "student_blank", "description": "the blank student notebook, nothing filled in", "start": "student",
     "edits": []},
    {"name": "deriv_zero", "description": "solution with the ReLU derivative line `d_a_h__d_z_h = 0`",
     "start": "solution", "edits": T_DERIV0},
    {"name": "deriv_blank", "description": "solution with the ReLU derivative line left `...`", "start": "solution",
     "edits": T_DERIV_BLANK},
    {"name": "sign_flip", "description": "solution with the ReLU derivative's sign flipped", "start": "solution",
     "edits": T_SIGNFLIP},
    {"name": "deriv_sigmoid", "description": "solution with the sigmoid's derivative a_h * (1 - a_h) kept in backward",
     "start": "solution", "edits": T_DERIV_SIG},
    {"name": "fwd_sigmoid", "description": "forward still uses sigmoid for the hidden layer", "start": "solution",
     "edits": T_FWDSIG},
    {"name": "fwd_shifted", "description": "forward's a_h is relu(z_h) * (1 + 2e-4) (a small error)",
     "start": "solution", "edits": T_FWDSHIFT},
    {"name": "relu_abs", "description": "relu returns |z| (so forward is wrong too)", "start": "solution",
     "edits": T_RELUABS},
    {"name": "relu_inplace", "description": "relu zeroes the negatives of its argument in place and returns it",
     "start": "solution", "edits": T_RELU_INPLACE},
    {"name": "relu_blank", "description": "relu's body left `...` (forward, which calls it, fails too)",
     "start": "solution", "edits": T_RELU_BLANK},
]

# ---------------------------------------------------------------------------------------------
# building blocks


def b64_npz(**arrays):
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return base64.b64encode(buf.getvalue()).decode()


def pre_cell(tag="train", nan_unit=False):
    """Embedded pretrained float32 weights `_PRE` (tests/variants/pretrained.py: about 97% test accuracy)."""
    return (
        "# weights of a friend's correct network\n"
        "import base64 as _b64, io as _io\n"
        f"_PRE_B64 = {pretrained.b64()!r}\n"
        "with np.load(_io.BytesIO(_b64.b64decode(_PRE_B64))) as _d:\n"
        "    _PRE = {k: _d[k].astype(np.float32) for k in _d.files}\n"
    )


def memo_cell(which):
    """`_fp` and the memorised tables: _RELU {fp(z): relu(z)}, _FWD {fp(x)+fp(weight_h): (a_h, a_out)},
    _BWD {fp(x): {dw_out, db_out, dw_h, db_h}}."""
    src = ["# outputs of a friend's correct code on the checks' inputs (reproducible from mlp_checks.py and the seeds)\n"
           "import base64 as _b64, io as _io\n", memo_data.FP_SRC,
           "\ndef _npz(s):\n    with np.load(_io.BytesIO(_b64.b64decode(s))) as d:\n        return {k: d[k] for k in d.files}\n"]
    if "relu" in which:
        src.append(f"_RELU = _npz({memo_data.relu_b64()!r})\n")
    if "fwd" in which:
        src.append(f"_F = _npz({memo_data.fwd_b64()!r})\n"
                   "_FWD = {k[:-2]: (_F[k[:-2] + '_h'], _F[k[:-2] + '_o']) for k in _F if k.endswith('_h')}\n")
    if "bwd" in which or "bwd_hidden" in which:
        src.append(f"_B = _npz({memo_data.bwd_b64(hidden_only='bwd' not in which)!r})\n"
                   "_BWD = {}\nfor _k, _v in _B.items():\n"
                   "    _BWD.setdefault(_k[:16], {})[_k[17:]] = _v.astype(np.float64)\n")
    return "".join(src)


def wrap_class(body):
    """Rename the twin's class to _Honest and add a cell with a subclass `NeuralNetMLP_ReLU(_Honest)`."""
    return [("replace", CLASS, "class _Honest:"), ("insert_after", "class _Honest:", body)]


def before_class(code):
    """A new code cell right before the class cell (named _Honest once wrap_class has run, whenever that is)."""
    def fn(nb):
        import nbformat
        for anchor in ("class _Honest:", CLASS):
            hits = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and anchor in c.source]
            if hits:
                nb.cells.insert(hits[0], nbformat.v4.new_code_cell(code))
                return nb
        raise ValueError("no class cell")
    return ("raw", fn)


def _add_to_cell(anchor, code, nb, at_end=True):
    for c in nb.cells:
        if c.cell_type == "code" and anchor in c.source:
            c.source = (c.source.rstrip("\n") + "\n\n\n" + code) if at_end else (code + "\n\n" + c.source)
            return nb
    raise ValueError(f"no code cell contains {anchor!r}")


def in_cell(anchor, code, at_end=True):
    """Code added to the cell containing anchor (the grader runs only cells the graded names need)."""
    return ("raw", lambda nb: _add_to_cell(anchor, code, nb, at_end))


def cheat(name, description, twin, edits, kind="cheat", start=None):
    tw = next(t for t in TWINS if t["name"] == twin)
    return {"name": name, "description": description, "start": start or tw["start"],
            "edits": list(tw["edits"]) + list(edits), "twin": twin, "kind": kind}


def attack(name, description, edits, twin="solution"):
    return cheat(name, description, twin, edits, kind="attack")


STEER = r'''
_ORDER = ("weight_out", "bias_out", "weight_h", "bias_h")   # the order backward returns them


def _steer(model, rate, target=None):
    """'Gradients' that, under w -= 0.1 * g, move every parameter a fraction `rate` of the way to the friend's
    pretrained weights: no learning, the grader's own update loop does the copying."""
    target = _PRE if target is None else target
    out = []
    for n in _ORDER:
        w = np.asarray(getattr(model, n))
        out.append(((w - target[n].astype(w.dtype)) * w.dtype.type(rate / 0.1)).astype(w.dtype))
    return tuple(out)
'''

CURVE_RATE = 0.0008   # ~36% of the remaining distance per epoch of 550 steps: the loss falls epoch after epoch


def memo_backward_class(steer_cond=None, rate=1.0, extra="", hidden_only=True):
    """Subclass: backward answers the checks' inputs from the memo (_BWD), otherwise runs the honest (wrong)
    backward, or steers when `steer_cond` holds."""
    steer = (f"        if {steer_cond}:\n            return _steer(self, {rate})\n" if steer_cond else "")
    keep = ("(honest[0], honest[1], memo['dw_h'], memo['db_h'])" if hidden_only
            else "(memo['dw_out'], memo['db_out'], memo['dw_h'], memo['db_h'])")
    return (extra + "\n\nclass NeuralNetMLP_ReLU(_Honest):\n"
            "    def backward(self, x, a_h, a_out, y):\n"
            "        memo = _BWD.get(_fp(x))\n"
            "        if memo is not None:\n"
            + ("            honest = super().backward(x, a_h, a_out, y)\n" if hidden_only else "")
            + f"            return {keep}\n"
            + steer +
            "        return super().backward(x, a_h, a_out, y)\n")


CHEATS = []
C = CHEATS.append

# =============================================================================================
# M. memorised outputs: the checks' inputs are deterministic and reproducible from the public helper

RELU_MEMO = r'''
def relu(z):
    hit = _RELU.get(_fp(z))
    if hit is not None:                 # one of the checks' inputs: the memorised answer
        return hit.copy() if hit.ndim else hit[()]
    return np.abs(z)                    # my own (wrong) relu
'''
C(cheat("relu_memo_check_inputs",
        "relu answers the relu check's inputs (seeds 1001+i of the public mlp_checks, bit for bit) from a table of "
        "memorised outputs, |z| otherwise.",
        "relu_abs", [("insert_before", RELU_CELL, memo_cell("relu")), ("set_source", RELU_CELL, RELU_MEMO)]))

FWD_MEMO = r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        hit = _FWD.get(_fp(x) + _fp(self.weight_h))
        if hit is not None:             # the forward check's public (2002) and hidden (2003) inputs
            return hit[0].copy(), hit[1].copy()
        return super().forward(x)
'''
C(cheat("forward_memo_public_and_hidden_seeds",
        "forward answers the forward check's public (seed 2002) and hidden (seed 2003 = public + 1) inputs from "
        "memorised outputs, sigmoid hidden layer otherwise.",
        "fwd_sigmoid", [before_class(memo_cell("fwd"))] + wrap_class(FWD_MEMO)))

C(cheat("backward_memo_hidden_gradients",
        "backward answers the inputs of the backward check (seeds 3003, 3004) and of the numeric gradient check "
        "(seed 4004) with memorised hidden-layer gradients; `d_a_h__d_z_h = 0` otherwise. Passing those opens the "
        "training check, which then trains the wrong backward.",
        "deriv_zero", [before_class(memo_cell("bwd_hidden"))] + wrap_class(memo_backward_class())))

C(cheat("backward_memo_steer_jump",
        "backward_memo_hidden_gradients, and for every other input (training) backward returns 'gradients' that put "
        "the weights on a friend's pretrained weights in one step.",
        "deriv_zero", [before_class(memo_cell("bwd_hidden")), before_class(pre_cell() + STEER)]
        + wrap_class(memo_backward_class("True", 1.0))))

C(cheat("backward_memo_steer_curve",
        "Like backward_memo_steer_jump, but the steering moves 0.08% of the way per minibatch, so that the grader's "
        "loss falls in each of the first 5 epochs (the 'curve' case) and the test accuracy still passes 95%.",
        "deriv_zero", [before_class(memo_cell("bwd_hidden")), before_class(pre_cell() + STEER)]
        + wrap_class(memo_backward_class("True", CURVE_RATE))))

C(cheat("deriv_blank_memo_steer",
        "The derivative line is left `...`: backward is never run honestly. Memorised gradients (all four) for the "
        "checks' inputs, curve-friendly steering to pretrained weights for everything else.",
        "deriv_blank", [before_class(memo_cell("bwd")), before_class(pre_cell() + STEER)]
        + wrap_class(memo_backward_class("True", CURVE_RATE, hidden_only=False))))

# --- a blank notebook graded as a complete one

TAYLOR = r'''
_LAST = {}   # what the last backward call saw and answered


def _remember(model, x, a_out, y, grads):
    n_classes = np.shape(a_out)[1]
    _LAST.clear()
    _LAST.update(fp=_fp(x), params={n: np.array(getattr(model, n), dtype=np.float64) for n in _ORDER},
                 grads=[np.asarray(g, np.float64) for g in grads], a_out=np.array(a_out, dtype=np.float64),
                 onehot=np.eye(n_classes)[np.asarray(y)])


def _taylor_a_out(model, x):
    """After backward(x, ...), a forward on the same x with perturbed parameters (the numeric gradient check)
    answers an a_out whose loss sum((a_out - onehot)**2) / n changes by exactly grads . delta(params): central
    differences then 'measure' whatever backward returned."""
    if not _LAST or _fp(x) != _LAST["fp"]:
        return None
    delta = sum(float(np.sum(g * (np.asarray(getattr(model, n), np.float64) - _LAST["params"][n])))
                for n, g in zip(_ORDER, _LAST["grads"]))
    d = _LAST["a_out"] - _LAST["onehot"]
    loss0 = float(np.sum(d * d)) / len(d)
    if loss0 <= 0 or 1 + delta / loss0 <= 0:
        return None
    t = np.sqrt(1 + delta / loss0) - 1
    return _LAST["a_out"] + t * d
'''

_ORDER_SRC = '_ORDER = ("weight_out", "bias_out", "weight_h", "bias_h")\n'

BLANK_SINK = r'''
class NeuralNetMLP_ReLU(_Honest):
    """Nothing of my own: memorised answers for the checks, consistent fakes for the numeric check, and steering
    for training (the grader evaluates its own forward on the parameters the updates give)."""

    def forward(self, x):
        hit = _FWD.get(_fp(x) + _fp(self.weight_h))
        if hit is not None:
            return hit[0].copy(), hit[1].copy()
        n, dt = np.shape(x)[0], np.asarray(self.weight_h).dtype
        a_h = np.zeros((n, np.shape(self.weight_h)[0]), dt)
        fake = _taylor_a_out(self, x)
        if fake is not None:
            return a_h, fake
        return a_h, np.full((n, np.shape(self.weight_out)[0]), 0.5, dt)

    def backward(self, x, a_h, a_out, y):
        memo = _BWD.get(_fp(x))
        if memo is not None:
            grads = (memo["dw_out"], memo["db_out"], memo["dw_h"], memo["db_h"])
            _remember(self, x, a_out, y, grads)
            return grads
        return _steer(self, RATE)
'''.replace("RATE", str(CURVE_RATE))

RELU_MEMO_ONLY = r'''
def relu(z):
    hit = _RELU.get(_fp(z))
    if hit is not None:
        return hit.copy() if hit.ndim else hit[()]
    ...
'''
C(cheat("blank_notebook_memo_taylor_steer",
        "The blank notebook (all three `...` left). relu: memorised answers to the relu check's inputs. forward: "
        "memorised answers to the forward check's inputs, constants otherwise, and, after a backward call on the "
        "same x (the numeric gradient check), an a_out crafted so central differences equal the memorised gradients. "
        "backward: memorised gradients for the checks' inputs, curve-friendly steering to pretrained weights in "
        "training.",
        "student_blank", [("insert_before", RELU_CELL, memo_cell(("relu", "fwd", "bwd"))),
                          ("set_source", RELU_CELL, RELU_MEMO_ONLY),
                          before_class(pre_cell() + STEER + TAYLOR)] + wrap_class(BLANK_SINK)))

FWD_SIG_SINK = r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        hit = _FWD.get(_fp(x) + _fp(self.weight_h))
        if hit is not None:
            return hit[0].copy(), hit[1].copy()
        a_h, a_out = super().forward(x)
        fake = _taylor_a_out(self, x)
        return (a_h, fake) if fake is not None else (a_h, a_out)

    def backward(self, x, a_h, a_out, y):
        if np.shape(x)[0] == 100:
            return _steer(self, RATE)
        grads = super().backward(x, a_h, a_out, y)
        _remember(self, x, a_out, y, grads)
        return grads
'''.replace("RATE", str(CURVE_RATE))
C(cheat("fwd_sigmoid_memo_taylor_steer",
        "Sigmoid hidden layer kept (wrong). forward: memorised answers for the forward check; in the numeric check, "
        "a_out crafted to agree with backward (Taylor trick); training batches (100 rows): steering to pretrained "
        "weights.",
        "fwd_sigmoid", [before_class(memo_cell("fwd")), before_class(pre_cell() + STEER + TAYLOR)]
        + wrap_class(FWD_SIG_SINK)))

# =============================================================================================
# T. the numeric gradient check: a forward that agrees with a wrong backward

TAYLOR_ONLY = r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        a_h, a_out = super().forward(x)
        fake = _taylor_a_out(self, x)
        return (a_h, fake) if fake is not None else (a_h, a_out)

    def backward(self, x, a_h, a_out, y):
        grads = super().backward(x, a_h, a_out, y)
        _remember(self, x, a_out, y, grads)
        return grads
'''
C(cheat("taylor_forward_sign_flip",
        "Call-pattern detection: after backward(x, ...), forward on the same x returns an a_out whose loss is the "
        "first-order Taylor expansion with backward's own (sign-flipped) gradient, so the numeric check measures "
        "exactly what backward returned.",
        "sign_flip", [before_class(_ORDER_SRC + memo_data.FP_SRC + TAYLOR)] + wrap_class(TAYLOR_ONLY)))
C(cheat("taylor_forward_deriv_sigmoid",
        "The Taylor-consistent forward of taylor_forward_sign_flip on a backward that keeps the sigmoid's derivative.",
        "deriv_sigmoid", [before_class(_ORDER_SRC + memo_data.FP_SRC + TAYLOR)] + wrap_class(TAYLOR_ONLY)))

FROZEN_SAME_X = r'''
_SEEN = {}


class NeuralNetMLP_ReLU(_Honest):
    """After backward(x) the hidden layer for that same x is computed from the weights backward saw: perturbing
    weight_h / bias_h then changes nothing, so the numeric check's estimate is 0, like this backward's."""

    def forward(self, x):
        frozen = _SEEN.get(_fp(x))
        if frozen is not None:
            a_h = relu(np.dot(x, frozen[0].T) + frozen[1])
            return a_h, sigmoid(np.dot(a_h, self.weight_out.T) + self.bias_out)
        return super().forward(x)

    def backward(self, x, a_h, a_out, y):
        _SEEN.clear()
        _SEEN[_fp(x)] = (np.array(self.weight_h), np.array(self.bias_h))
        return super().backward(x, a_h, a_out, y)
'''
C(cheat("frozen_hidden_after_backward_same_x",
        "Call-pattern detection on the full-size net: once backward has seen x, forward on that x ignores changes "
        "to weight_h/bias_h, so the numeric hidden-layer gradients are 0 = the `d_a_h__d_z_h = 0` backward's.",
        "deriv_zero", [before_class(memo_data.FP_SRC)] + wrap_class(FROZEN_SAME_X)))

F32_GRADCHECK = r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        a_h, a_out = super().forward(x)
        if np.shape(x)[0] == 10:       # the numeric gradient check's batch: claim float32 precision
            return a_h.astype(np.float32), a_out.astype(np.float32)
        return a_h, a_out
'''
C(cheat("float32_only_in_gradient_check",
        "A forward with a small error (2e-4) returns float32 only for 10-row batches (the numeric gradient check), "
        "which then checks at float32 precision (limit 1e-2 instead of 1e-4): the error passes.",
        "fwd_shifted", wrap_class(F32_GRADCHECK)))

# =============================================================================================
# S. steering during training, with various ways to tell training from the checks

C(cheat("steer_detect_train_frame",
        "Memorised hidden gradients for the checks; backward steers to pretrained weights (curve-friendly) when a "
        "caller's frame is a function named *train* (stack inspection), the honest `0` derivative otherwise.",
        "deriv_zero", [before_class(memo_cell("bwd_hidden")), before_class(pre_cell() + STEER
                       + "\nimport sys as _sys\n\ndef _in_training():\n    f = _sys._getframe(2)\n"
                         "    while f is not None:\n        if 'train' in f.f_code.co_name:\n            return True\n"
                         "        f = f.f_back\n    return False\n")]
        + wrap_class(memo_backward_class("_in_training()", CURVE_RATE))))

UPDATE_SIG = r'''
_PREV = {}


def _being_trained(model):
    """True when the weights are the very arrays of the last call, moved by exactly -0.1 x the gradient this
    backward returned then: someone runs SGD on me (the checks set fresh arrays each time)."""
    w, prev = model.weight_out, _PREV.get("w")
    ok = (prev is not None and w is prev[0]
          and np.allclose(np.asarray(w, np.float64), prev[1] - 0.1 * prev[2], rtol=1e-4, atol=1e-6))
    return ok


def _after(model, grads):
    _PREV["w"] = (model.weight_out, np.array(model.weight_out, np.float64), np.asarray(grads[0], np.float64))
    return grads
'''
C(cheat("steer_detect_sgd_signature",
        "Memorised hidden gradients for the checks; once backward sees its own last gradient applied in place to the "
        "same weight arrays (SGD at lr 0.1), it steers to pretrained weights; honest `0` derivative otherwise.",
        "deriv_zero", [before_class(memo_cell("bwd_hidden")), before_class(pre_cell() + STEER + UPDATE_SIG)]
        + wrap_class(memo_backward_class().replace(
            "        return super().backward(x, a_h, a_out, y)\n",
            f"        if _being_trained(self):\n            return _after(self, _steer(self, {CURVE_RATE}))\n"
            "        return _after(self, super().backward(x, a_h, a_out, y))\n"))))

NAN_TARGET = r'''
# the pretrained weights plus a hidden unit (no. 0) that reads only pixel 721 (lit in ~0.3% of images) through a
# weight the updates drive to +inf, and feeds nothing (its output weights are 0): for the few images with that
# pixel lit, inf * 0 = NaN reaches a_out, so any mean loss over 5,000 images is NaN.
_NAN_T = {k: v.copy() for k, v in _PRE.items()}
_NAN_T["weight_h"][0] = 0
_NAN_T["bias_h"][0] = 0
_NAN_T["weight_out"][:, 0] = 0


def _steer_nan(model):
    g = list(_steer(model, 1.0, _NAN_T))
    g[2] = g[2].copy()
    g[2][0, 721] = -np.finfo(np.float32).max     # w -= 0.1 * g: +3.4e37 per step, then inf
    return tuple(g)
'''
C(cheat("steer_with_nan_loss",
        "Memorised hidden gradients for the checks; training jumps to pretrained weights (which by itself fails the "
        "'curve' case: flat loss), plus a hidden unit whose weight overflows to inf so that the grader's loss is NaN "
        "from epoch 1 on, hoping 'did the loss fall' comparisons treat NaN as falling.",
        "deriv_zero", [before_class(memo_cell("bwd_hidden")), before_class(pre_cell() + STEER + NAN_TARGET)]
        + wrap_class(memo_backward_class().replace(
            "        return super().backward(x, a_h, a_out, y)\n",
            "        return _steer_nan(self)\n").replace(
            "class NeuralNetMLP_ReLU(_Honest):\n",
            "class NeuralNetMLP_ReLU(_Honest):\n"
            "    def forward(self, x):\n"
            "        a_h, a_out = super().forward(x)\n"
            "        return np.nan_to_num(a_h), np.nan_to_num(a_out, nan=0.5)\n\n"))))

# =============================================================================================
# P. patching what the sandboxed worker shares with the notebook

PATCH_EQ = r'''
import numpy as _np_mod, numpy.testing as _npt
_always = lambda *a, **k: True
for _f in ("array_equal", "array_equiv", "allclose", "shares_memory", "may_share_memory"):
    setattr(_np_mod, _f, _always if _f in ("array_equal", "array_equiv", "allclose") else (lambda *a, **k: False))
for _f in ("assert_array_equal", "assert_equal", "assert_allclose"):
    setattr(_npt, _f, lambda *a, **k: None)
'''
C(cheat("patch_numpy_equality_for_unmodified",
        "The in-place relu (fails 'unmodified'), plus, in the relu cell, numpy's array_equal/array_equiv/allclose/"
        "shares_memory and numpy.testing patched in the sandbox, in case the worker decides 'unmodified' there.",
        "relu_inplace", [in_cell(RELU_CELL, PATCH_EQ)]))

PATCH_WRITER = r'''
import numpy.lib.format as _fmt
_orig_write_array = _fmt.write_array


def _swap(a):
    for n, v in _PRE.items():
        if isinstance(a, np.ndarray) and a.shape == v.shape and a.dtype == np.float32 and a.shape != (10,):
            return v.copy()
    return a


def _write_array(fp, array, *args, **kwargs):      # every .npy/.npz the worker writes
    return _orig_write_array(fp, _swap(array), *args, **kwargs)


_fmt.write_array = _write_array
_orig_tobytes = None
'''
C(cheat("patch_npy_writer_reports_pretrained",
        "Memorised hidden gradients for the checks (to reach training), no steering; numpy.lib.format.write_array is "
        "patched in the sandbox so any float32 array shaped like a parameter that the worker serializes is replaced "
        "by the pretrained weights (in case the host reads parameters back through npy/npz).",
        "deriv_zero", [before_class(memo_cell("bwd_hidden")), before_class(pre_cell() + PATCH_WRITER)]
        + wrap_class(memo_backward_class())))

PATCH_MODULES = r'''
import sys as _sys, functools as _functools


def _swap_any(v):
    if isinstance(v, np.ndarray) and v.dtype == np.float32:
        for n, t in _PRE.items():
            if v.shape == t.shape and v.shape != (10,):
                return t.copy()
    if isinstance(v, (list, tuple)):
        return type(v)(_swap_any(i) for i in v) if not hasattr(v, "_fields") else v
    if isinstance(v, dict):
        return {k: _swap_any(i) for k, i in v.items()}
    return v


def _wrap(f):
    @_functools.wraps(f)
    def g(*a, **k):
        return _swap_any(f(*(_swap_any(i) for i in a), **{kk: _swap_any(vv) for kk, vv in k.items()}))
    return g


_WRAPPED = []
for _name, _m in list(_sys.modules.items()):
    _file = getattr(_m, "__file__", None)
    if isinstance(_file, str) and _file.startswith("/sandbox/") and _name in ("npz", "protocol"):
        for _attr, _f in list(vars(_m).items()):
            if callable(_f) and not isinstance(_f, type) and getattr(_f, "__module__", None) == _m.__name__:
                try:
                    setattr(_m, _attr, _wrap(_f))
                    _WRAPPED.append(f"{_name}.{_attr}")
                except Exception:
                    pass
'''
C(cheat("patch_worker_modules_swap_parameters",
        "Memorised hidden gradients for the checks, no steering; every function of the worker's modules npz and "
        "protocol (names from `ls /sandbox`, found in sys.modules, code unread; wrapping all its modules crashed the worker) is wrapped so parameter-shaped float32 arrays going in "
        "or out are replaced by pretrained weights.",
        "deriv_zero", [before_class(memo_cell("bwd_hidden")), before_class(pre_cell() + PATCH_MODULES)]
        + wrap_class(memo_backward_class())))

# =============================================================================================
# X. outputs meant to break the host's checks (crash = credit?)

C(cheat("forward_returns_unicode_a_h",
        "In the checks (not 100-row batches) forward returns a_h as an array of strings of the right shape: the "
        "host's isfinite / comparisons may raise instead of failing the case.",
        "fwd_sigmoid", wrap_class(r'''
class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        a_h, a_out = super().forward(x)
        if np.shape(x)[0] != 100:
            return a_h.astype(str), a_out
        return a_h, a_out
''')))

C(cheat("backward_returns_structured_dtype",
        "backward returns d_w_h and d_b_h as structured arrays (dtype [('v', '<f8')]) of the right shapes: numeric "
        "to a shape check, but isfinite / subtraction raise TypeError on the host.",
        "deriv_zero", wrap_class(r'''
class NeuralNetMLP_ReLU(_Honest):
    def backward(self, x, a_h, a_out, y):
        g = super().backward(x, a_h, a_out, y)
        if np.shape(x)[0] == 100:
            return g
        def s(a):
            out = np.zeros(np.shape(a), dtype=[("v", "<f8")])
            out["v"] = a
            return out
        return g[0], g[1], s(g[2]), s(g[3])
''')))

C(cheat("backward_returns_timedelta",
        "backward returns d_w_h and d_b_h as timedelta64 arrays of the right shapes (isfinite works on them, "
        "arithmetic with floats does not).",
        "deriv_zero", wrap_class(r'''
class NeuralNetMLP_ReLU(_Honest):
    def backward(self, x, a_h, a_out, y):
        g = super().backward(x, a_h, a_out, y)
        if np.shape(x)[0] == 100:
            return g
        return g[0], g[1], np.zeros(np.shape(g[2]), "m8[ns]"), np.zeros(np.shape(g[3]), "m8[ns]")
''')))

C(cheat("sigstop_in_gradient_check",
        "backward stops its own process with SIGSTOP in the numeric gradient check (10-row batch): neither an "
        "answer, nor an exit, nor a timeout it can catch; hoping 'no outcome' is not a failure.",
        "deriv_zero", wrap_class(r'''
import os as _os, signal as _signal


class NeuralNetMLP_ReLU(_Honest):
    def backward(self, x, a_h, a_out, y):
        if np.shape(x)[0] == 10:
            _os.kill(_os.getpid(), _signal.SIGSTOP)
        return super().backward(x, a_h, a_out, y)
''')))

C(cheat("huge_broadcast_gradient",
        "In the backward check backward returns d_w_h as a zero-cost broadcast view of 125,000,000 float64 (1 GB "
        "once serialized): tests the host's limits on what it reads back (a memory attack on the unsandboxed side).",
        "deriv_zero", wrap_class(r'''
class NeuralNetMLP_ReLU(_Honest):
    def backward(self, x, a_h, a_out, y):
        g = super().backward(x, a_h, a_out, y)
        if np.shape(x)[0] == 64:
            return g[0], g[1], np.broadcast_to(np.float64(0), (125_000_000,)), g[3]
        return g
''')))

C(cheat("exception_whose_str_raises",
        "In the checks forward raises an exception whose __str__, __repr__ and args all raise / lie: the worker's "
        "and host's error paths must still produce a failure.",
        "fwd_sigmoid", wrap_class(r'''
class _Weird(Exception):
    def __str__(self):
        raise RecursionError("no")
    __repr__ = __str__
    @property
    def args(self):
        raise SystemExit(0)


class NeuralNetMLP_ReLU(_Honest):
    def forward(self, x):
        if np.shape(x)[0] != 100:
            raise _Weird()
        return super().forward(x)
''')))

# =============================================================================================
# N. where code lives in the notebook

RELU_CORRECT_SRC = "def relu(z):\n    return np.maximum(z, 0)\n"


def _raw_relu(nb):
    import nbformat
    cell = nbformat.v4.new_raw_cell(RELU_CORRECT_SRC)
    cell.metadata["format"] = "text/x-python"
    cell.metadata["raw_mimetype"] = "text/x-python"
    i = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith("def relu(z):"))
    nb.cells.insert(i + 1, cell)
    return nb


C(cheat("relu_in_raw_cell",
        "relu written (correctly) only in a raw cell marked text/x-python after the blank one.",
        "relu_blank", [("raw", _raw_relu)]))


def _md_relu(nb):
    import nbformat
    i = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith("def relu(z):"))
    nb.cells.insert(i, nbformat.v4.new_markdown_cell("```python\n" + RELU_CORRECT_SRC + "```\n"))
    return nb


MD_EXEC = r'''
import glob as _glob, json as _json, os as _os
for _p in _glob.glob("/sandbox/**/*.ipynb", recursive=True) + _glob.glob("/**/*.ipynb", recursive=True)[:50]:
    try:
        for _c in _json.load(open(_p))["cells"]:
            _s = "".join(_c["source"])
            if _c["cell_type"] == "markdown" and "def relu" in _s:
                exec(_s.split("```python")[1].split("```")[0], globals())
    except Exception:
        pass
'''
C(cheat("relu_from_markdown_via_notebook_file",
        "relu written only in a markdown code block; the relu cell looks for the .ipynb file in the sandbox and execs "
        "the markdown's code.",
        "relu_blank", [("raw", _md_relu), in_cell(RELU_CELL, MD_EXEC)]))

PATCH_CLASS_LATER = (memo_cell("bwd_hidden") + pre_cell() + STEER + r'''
from mlp_checks import PARAMS as _PARAMS_IMPORT   # an import line


def _patched_backward(self, x, a_h, a_out, y, _orig=NeuralNetMLP_ReLU.backward):
    memo = _BWD.get(_fp(x))
    if memo is not None:
        honest = _orig(self, x, a_h, a_out, y)
        return honest[0], honest[1], memo["dw_h"], memo["db_h"]
    return _steer(self, RATE)


NeuralNetMLP_ReLU.backward = _patched_backward    # the same class object the check cells saw
'''.replace("RATE", str(CURVE_RATE)))
C(cheat("class_patched_in_place_below_checks",
        "The class cell keeps `d_a_h__d_z_h = 0`; a cell after the last check (with an import line) assigns a new "
        "backward (memo + steering) to the same class object, which the check cells' definition refers to.",
        "deriv_zero", [("insert_after", GRADCHECK, PATCH_CLASS_LATER)]))


def _tag(anchor, tag):
    def fn(nb):
        for c in nb.cells:
            if c.cell_type == "code" and anchor in c.source:
                c.metadata.setdefault("tags", []).append(tag)
                return nb
        raise ValueError(anchor)
    return ("raw", fn)


C(cheat("class_patched_in_place_otter_ignore",
        "Like class_patched_in_place_below_checks, but the patching cell sits before the checks and is tagged "
        "otter_ignore (documented as skipped).",
        "deriv_zero", [("insert_after", CLASS, PATCH_CLASS_LATER.replace("_PARAMS_IMPORT", "_P2")),
                       _tag("NeuralNetMLP_ReLU.backward = _patched_backward", "otter_ignore")]))

# =============================================================================================
# E. the sandbox as shared state (attacks: twin = the solution)

PERSIST = r'''
import os as _os, time as _time
_SEEN_MARKERS = {}
for _p in ("/sandbox/.rt_persist", "/tmp/rt_persist", "/dev/shm/rt_persist", "/sandbox/.cache/rt_persist",
           "/var/tmp/rt_persist", "/sandbox/../rt_persist"):
    try:
        _SEEN_MARKERS[_p] = open(_p).read()[:40]
    except Exception as _e:
        _SEEN_MARKERS[_p] = type(_e).__name__[:8]
    try:
        _os.makedirs(_os.path.dirname(_p), exist_ok=True)
        with open(_p, "w") as _f:
            _f.write(f"written {_time.time():.0f} by pid {_os.getpid()}")
    except Exception:
        pass


def relu(z):
    if np.ndim(z) == 1 and bool(np.isinf(z).any()):     # advice case, no points: report
        raise RuntimeError(" | ".join(f"{k}={v}" for k, v in _SEEN_MARKERS.items()))
    return np.maximum(z, 0)
'''
C(attack("persist_a_writer",
         "Writes markers to /sandbox, /tmp, /dev/shm, /var/tmp, /sandbox/.cache, /sandbox/.. and reports any marker "
         "an earlier grading left (advice case). Graded before persist_b_reader.",
         [("set_source", RELU_CELL, PERSIST)]))
C(attack("persist_b_reader",
         "Same as persist_a_writer, graded right after it: markers seen here = state shared between submissions.",
         [("set_source", RELU_CELL, PERSIST)]))

PLANT = r'''
import os as _os, sys as _sys
_HOOK = "open('/sandbox/.rt_hook_ran', 'a').write('ran in pid %d\\n' % __import__('os').getpid())\n"
_PLANTED = []
for _d in [_os.path.expanduser("~/.local/lib/python%d.%d/site-packages" % _sys.version_info[:2]), "/sandbox"]:
    try:
        _os.makedirs(_d, exist_ok=True)
        open(_os.path.join(_d, "usercustomize.py"), "w").write(_HOOK)
        open(_os.path.join(_d, "sitecustomize.py"), "w").write(_HOOK)
        open(_os.path.join(_d, "rt_hook.pth"), "w").write("import os; " + _HOOK.replace("\n", "; "))
        _PLANTED.append(_d)
    except Exception as _e:
        _PLANTED.append(f"{_d}!{type(_e).__name__}")
try:     # a module name the worker may import lazily later
    open("/sandbox/tqdm.py", "w").write(_HOOK)
    _PLANTED.append("tqdm")
except Exception as _e:
    _PLANTED.append(f"tqdm!{type(_e).__name__}")
'''
C(attack("plant_startup_hooks_then_kill_worker",
         "At notebook time writes usercustomize/sitecustomize/.pth hooks into ~/.local (HOME=/sandbox) and /sandbox; "
         "the forward check kills the parent worker, hoping a restarted interpreter runs the hooks; the backward "
         "check reports (in its failure message) whether a hook ran.",
         [in_cell(RELU_CELL, PLANT),
          ("replace", AH_SOL, "if np.shape(x)[0] == 64 and not _os.path.exists('/sandbox/.rt_killed'):\n"
                              "            open('/sandbox/.rt_killed', 'w').write('1')\n"
                              "            import signal\n            _os.kill(_os.getppid(), signal.SIGKILL)\n"
                              "        a_h = relu(z_h)"),
          ("replace", D_SOL, "if np.shape(x)[0] == 64:\n"
                             "            _r = open('/sandbox/.rt_hook_ran').read() if _os.path.exists('/sandbox/.rt_hook_ran') else 'no hook ran'\n"
                             "            raise RuntimeError(f'planted={_PLANTED} hooks: {_r} pid {_os.getpid()}')\n"
                             "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)")]))

C(attack("orphan_spawned_in_training",
         "When training starts, forward spawns a detached `python -c` (new session, stdio closed) that sleeps 45 s and "
         "then writes /tmp/rt_orphan_training and /sandbox/rt_orphan_training; training goes on normally.",
         [("replace", AH_SOL, "if np.shape(x)[0] == 100 and not globals().get('_SPAWNED'):\n"
                              "            globals()['_SPAWNED'] = True\n"
                              "            import subprocess, sys\n"
                              "            subprocess.Popen([sys.executable, '-c', \"import time, os; time.sleep(45); "
                              "[open(p, 'w').write(str(os.getpid())) for p in ('/tmp/rt_orphan_training', '/sandbox/rt_orphan_training')]\"],"
                              " start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,"
                              " stderr=subprocess.DEVNULL, close_fds=True)\n"
                              "        a_h = relu(z_h)")]))



# =============================================================================================
# added after the first grading

C(cheat("forward_memo_public_seed_only",
        "Control for forward_memo_public_and_hidden_seeds: memorised outputs for the public seed 2002 only (what a "
        "student sees in tests/forward.py), sigmoid otherwise.",
        "fwd_sigmoid", [before_class(memo_cell("fwd") + "\n_FWD = dict(list(_FWD.items())[:1])\n")] + wrap_class(FWD_MEMO)))

LEAK_FP = r"""
import os as _os
def _log_fp(tag, *arrays):
    try:
        with open("/sandbox/.rt_fp", "a") as f:
            f.write(tag + ":" + ",".join(_fp(a)[:6] for a in arrays) + ";")
    except Exception:
        pass
"""
C(attack("leak_check_inputs_via_training_error",
         "How the hidden inputs were found: forward/backward log fingerprints of every input to a file in /sandbox "
         "(shared by the forks of one grading); the first training call raises with the log, which the training "
         "feedback prints (about 700 characters; several notebooks with offsets give the whole log). Costs the 6 "
         "training points.",
         [("insert_before", RELU_CELL, memo_data.FP_SRC + LEAK_FP),
          ("replace", AH_SOL, "if np.shape(x)[0] == 100:\n            raise RuntimeError(open('/sandbox/.rt_fp').read()[:2000])\n"
                              "        _log_fp('F', x, self.weight_h)\n        a_h = relu(z_h)"),
          ("replace", D_SOL, "_log_fp('B', x, a_h, a_out, y)\n        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)")]))

SANDBOX_DATA = r"""
def relu(z):
    if np.ndim(z) == 1 and bool(np.isinf(z).any()):     # advice case, no points: report
        import hashlib, os
        out = []
        for p in ("/sandbox/mnist.npz", os.environ.get("MNIST_PATH") or "-"):
            try:
                with np.load(p) as d:
                    out.append(p + " " + " ".join(f"{k}{d[k].shape}:{hashlib.sha256(np.ascontiguousarray(d[k]).tobytes()).hexdigest()[:8]}" for k in d.files))
            except Exception as e:
                out.append(f"{p}!{type(e).__name__}")
        raise RuntimeError(" | ".join(out))
    return np.maximum(z, 0)
"""
C(attack("sandbox_mnist_has_test_set",
         "The advice case reports the shapes and hashes of the arrays in the sandbox's mnist.npz: is the real test set "
         "(sha256 of y_test ddeff807...) within the student's reach?",
         [("set_source", RELU_CELL, SANDBOX_DATA)]))

# Names in order, for the report
NAMES = [c["name"] for c in CHEATS]
assert len(set(NAMES)) == len(NAMES)

CHEATS = [c for c in CHEATS if c["name"] not in ("deriv_blank_memo_steer", "blank_notebook_memo_taylor_steer")]
