"""Checks of `relu`, `forward` and `backward` that need nothing but NumPy, and a numeric gradient check
in the manner of CS231n's gradient_check.py.

Students get this file as mlp_checks.py: their `grader.check` cells run the public cases with it, and
`gradient_check_report` prints how far their `backward` is from central differences. The autograder
runs the same functions on the student's code in its sandbox; its hidden checks are elsewhere.

Each check is a function of the student's definitions (`student.relu`, `student.cls`) and settings,
returning {case: Outcome}. A case fails with a message that says what is wrong and, where a common
mistake fits, which one.
"""

import contextlib
from dataclasses import dataclass

import numpy as np


class CodeStopped(Exception):
    """Raised by what runs the student's code elsewhere (the autograder's sandbox) when it did not
    return: it ran out of time or memory, or its process died. It ends the check it happened in.
    `kind`: "timeout", "memory" or "crashed". In the student's own kernel it never happens."""

    def __init__(self, message, kind):
        super().__init__(message)
        self.kind = kind


PARAMS = ("weight_out", "bias_out", "weight_h", "bias_h")  # in the order backward returns them
SIZES = (784, 50, 10)  # the assignment's network: features, hidden units, classes


@dataclass
class Outcome:
    passed: bool
    message: str = ""
    stopped: str = ""  # "timeout", "memory" or "crashed" when the student's code did not return


PASS = Outcome(True)


class CheckFailed(Exception):
    """The student's code fails the case at hand; the message says why."""


class Student:
    """The student's definitions as the checks see them. `fresh()` and `time_limit()` are hooks for
    the autograder, where the code runs in a process of its own (a new one after the code stopped,
    or when asked for with new=True) and a call may be given less time than the check; here they do
    nothing."""

    def __init__(self, relu=None, cls=None):
        self.relu, self.cls = relu, cls

    def fresh(self, new=False):
        return self

    def time_limit(self, seconds):
        return contextlib.nullcontext()


def describe(value, max_items=6):
    """A short description a student can act on: type, shape, dtype and a few values."""
    if isinstance(value, np.ndarray):
        flat = value.ravel()[:max_items]
        more = ", ..." if value.size > max_items else ""
        numeric = np.issubdtype(value.dtype, np.number)
        return (
            f"array of shape {value.shape}, dtype {value.dtype}: "
            f"[{', '.join(f'{v:.4g}' if numeric else str(v) for v in flat)}{more}]"
        )
    if value is None:
        return "None (did the function `return` its result?)"
    if value is Ellipsis:
        return "... (the placeholder is still there)"
    return f"{type(value).__name__} {value!r}"[:200]


def defined(obj, name, kind):
    if obj is None or obj is Ellipsis:
        raise CheckFailed(f"`{name}` is not defined: run the cell that defines the {kind} `{name}` first.")
    if not callable(obj):
        raise CheckFailed(f"`{name}` should be a {kind}, but it is {describe(obj)}.")
    return obj


def call(what, fn, *args):
    """Call student code; an exception it raises becomes a CheckFailed that names it."""
    try:
        return fn(*args)
    except (CheckFailed, CodeStopped):
        raise
    except Exception as e:
        text = getattr(e, "student_message", None) or f"{type(e).__name__}: {e}"  # as the student's code raised it
        hint = ""
        if "'ellipsis'" in text or "Ellipsis" in text:
            hint = " A `...` placeholder is still in your code: fill in each `...` of the stub."
        elif "truth value of an array" in text:
            hint = (
                " Python's `max`, `if z > 0` or `and`/`or` work on single numbers only; "
                "use NumPy's elementwise functions (np.maximum, np.where, masks) on arrays."
            )
        raise CheckFailed(f"{what} raised {text}.{hint}") from None


def case(fn, *args):
    """Run one case: its Outcome, whatever the student's code does."""
    try:
        return fn(*args) or PASS
    except CheckFailed as e:
        return Outcome(False, str(e))
    except CodeStopped as e:
        return Outcome(False, str(e), e.kind)


def as_array(what, value, shape):
    if not isinstance(value, (np.ndarray, np.generic, float, int)):
        raise CheckFailed(f"{what} should return a NumPy array, but returned {describe(value)}.")
    value = np.asarray(value)
    if value.shape != tuple(shape):
        raise CheckFailed(f"{what} should have shape {tuple(shape)}, but has shape {value.shape}.")
    return value


# ---------------------------------------------------------------------------------------------
# 1. relu: each case on its own


def relu_result(relu, z, what):
    """relu(z), checked to be an array of z's shape with ReLU's values (at the precision it returned)."""
    z_before = np.array(z, copy=True)
    got = call(f"relu({what})", relu, z)
    if got is None or got is Ellipsis or not isinstance(got, (np.ndarray, np.generic, float, int)):
        raise CheckFailed(f"relu({what}) should return an array, but returned {describe(got)}.")
    got, z = np.asarray(got), z_before
    expected = np.where(z > 0, z, np.zeros_like(z))
    if got.shape != expected.shape:
        hint = (
            " It returned fewer values than it was given: np.max(z, 0) and max(z) reduce an array "
            "(the largest value along an axis); ReLU is np.maximum(z, 0), elementwise."
            if got.size < expected.size
            else ""
        )
        raise CheckFailed(
            f"relu({what}) should keep the input's shape {expected.shape}, but returned shape {got.shape}.{hint}"
        )
    if got.dtype.kind not in "fiub":
        raise CheckFailed(f"relu({what}) returned an array of dtype {got.dtype}, not numbers.")
    with np.errstate(all="ignore"):
        g = got.astype(np.float64)
        want = expected.astype(got.dtype if got.dtype.kind == "f" else np.float64).astype(np.float64)
    if np.isnan(g).any() and not np.isnan(want).any():
        raise CheckFailed(f"relu({what}) returned NaN: {describe(got)}.")
    if not np.array_equal(g, want, equal_nan=True):
        bad = g != want
        zs = z[bad]
        where = (
            "for negative inputs"
            if (zs < 0).all()
            else "for 0"
            if (zs == 0).all()
            else "for positive inputs"
            if (zs > 0).all()
            else ""
        )
        raise CheckFailed(
            f"relu({what}) is wrong {where}: for input {describe(z)} it returned {describe(got)}. "
            f"ReLU is 0 where z <= 0 and z where z > 0.{relu_hint(z, got)}"
        )
    return got


def relu_hint(z, got):
    """Name the common wrong relus."""
    with np.errstate(all="ignore"):
        g, z = got.astype(float), z.astype(float)
        if got.dtype.kind in "iub":
            return f" It returned integers (dtype {got.dtype}): keep the input's float dtype."
        if np.array_equal(g, np.abs(z)):
            return " That is |z|: ReLU is 0, not -z, for negative z."
        if np.array_equal(g, (z > 0).astype(float)):
            return " That is a step function, ReLU's derivative, not ReLU."
        neg = (z < 0) & np.isfinite(z)
        if neg.any() and (g[neg] != 0).all() and np.allclose(g[neg] / z[neg], g[neg][0] / z[neg][0]):
            return " It scales negative inputs (a leaky ReLU); ReLU makes them 0."
        pos = (z > 0) & np.isfinite(z)
        if pos.any() and np.ptp(g[pos] - z[pos]) < 1e-12 and (g[pos] != z[pos]).all():
            return f" It is shifted by {float((g[pos] - z[pos])[0]):.3g} for positive inputs."
    return ""


def relu_values(relu, rng):
    fixed = np.array([-3.0, -1.5, -1e-3, 0.0, -0.0, 1e-3, 0.5, 2.0])
    relu_result(
        relu, np.concatenate([fixed, rng.normal(0, 2, size=12)]), "a 1-D array of negative, zero and positive values"
    )
    # and what forward gives it in training (float32, a minibatch's worth): code must not tell them apart
    relu_result(relu, rng.normal(0, 2, size=(100, 50)).astype(np.float32), "a float32 array of shape (100, 50)")
    relu_result(relu, rng.normal(0, 2, size=(2, 3, 4, 5)), "a 4-D array")
    relu_result(relu, rng.randint(-5, 6, size=12), "an integer array")  # every correct idiom gets these right


def relu_shapes(relu, rng):
    for z, what in [
        (np.float64(-1.5), "a negative scalar"),
        (np.float64(2.5), "a positive scalar"),
        (rng.normal(size=7), "a 1-D array"),
        (rng.normal(size=(5, 4)), "a 2-D array"),
        (rng.normal(size=(2, 3, 4)), "a 3-D array"),
    ]:
        relu_result(relu, z, what)


def relu_unmodified(relu, rng):
    for shape in ((4, 5), (100, 50)):
        z = rng.normal(size=shape)
        before = z.copy()
        relu_result(relu, z, "a 2-D array")  # it must work to earn this point
        if not np.array_equal(z, before):
            raise CheckFailed(
                "relu changed its argument in place (e.g. `z[z < 0] = 0`); return a new array "
                "instead: np.maximum(z, 0) does."
            )


def relu_float64(relu, rng):
    for shape in ((3, 4), (100, 50)):
        got = relu_result(relu, rng.normal(size=shape), "a float64 array")
        if got.dtype != np.float64:
            raise CheckFailed(
                f"relu(a float64 array) returned dtype {got.dtype}: a dtype problem, not a wrong value. "
                "Keep the input's dtype (don't cast, e.g. with astype or a float32 constant)."
            )


def relu_large(relu, rng):
    z = np.array([-1e308, -1e300, 1e300, 1e308, -np.inf, np.inf, 0.0])
    try:
        relu_result(relu, z, "very large values and +-inf")
    except CheckFailed as e:
        raise CheckFailed(
            f"{e} (np.maximum(z, 0) handles these; z * (z > 0) gives NaN for -inf and "
            "(z + abs(z)) / 2 overflows for 1e308.)"
        ) from None


def relu_float32(relu, rng):
    got = relu_result(relu, rng.normal(size=(6, 5)).astype(np.float32), "a float32 array")
    if got.dtype != np.float32:
        raise CheckFailed(
            f"relu(a float32 array) returned dtype {got.dtype}; np.maximum(z, 0) keeps float32 "
            "(the autograder trains in float32, where float64 copies cost time, not points)."
        )


RELU_CASES = {
    "values": relu_values,
    "shapes": relu_shapes,
    "unmodified": relu_unmodified,
    "float64": relu_float64,
    "large": relu_large,
    "float32": relu_float32,
}


def relu_case(name, relu, seed):
    RELU_CASES[name](defined(relu, "relu", "function"), np.random.RandomState(seed + list(RELU_CASES).index(name)))


def run_relu(student, cfg):
    """Each case on its own: one that raises costs only itself, and after one that hangs or crashes
    the next runs in a fresh process."""
    outcomes, relu = {}, student.fresh().relu
    for name in cfg.cases:
        outcomes[name] = case(relu_case, name, relu, cfg.seed)
        if outcomes[name].stopped:
            relu = student.fresh().relu
    return outcomes


# ---------------------------------------------------------------------------------------------
# 2, 3. forward and backward: what can be checked without the reference


def random_params(rng, sizes):
    n_features, n_hidden, n_classes = sizes
    return {
        "weight_h": rng.normal(0, 0.1, (n_hidden, n_features)),
        "bias_h": rng.normal(0, 0.5, n_hidden),
        "weight_out": rng.normal(0, 0.5, (n_classes, n_hidden)),
        "bias_out": rng.normal(0, 0.5, n_classes),
    }


def make_model(cls, sizes, params):
    """The student's class, built as the book builds it, then given these parameters."""
    model = call(f"NeuralNetMLP_ReLU{tuple(sizes)}", defined(cls, "NeuralNetMLP_ReLU", "class"), *sizes)
    for name, value in params.items():
        try:
            setattr(model, name, value.copy())
        except (CheckFailed, CodeStopped):
            raise
        except Exception as e:
            raise CheckFailed(f"setting model.{name} raised {e}") from None
    return model


def random_batch(rng, n, sizes):
    return rng.normal(size=(n, sizes[0])), rng.randint(0, sizes[2], size=n)


def run_forward(model, x, sizes):
    out = call("forward(x)", model.forward, x)
    if not isinstance(out, tuple) or len(out) != 2:
        raise CheckFailed(f"forward should return the pair (a_h, a_out), but returned {describe(out)}.")
    n = x.shape[0]
    if np.shape(out[0]) == (n, sizes[2]) and np.shape(out[1]) == (n, sizes[1]):
        raise CheckFailed(
            f"forward returned arrays of shapes {np.shape(out[0])} and {np.shape(out[1])}: "
            "return (a_h, a_out), the hidden activations first."
        )
    a_h = as_array("a_h (the first value forward returns)", out[0], (n, sizes[1]))
    a_out = as_array("a_out (the second value forward returns)", out[1], (n, sizes[2]))
    for what, a in (("a_h", a_h), ("a_out", a_out)):
        if not np.isfinite(a).all():
            raise CheckFailed(f"{what} contains NaN or inf: {describe(a)}.")
    return a_h, a_out


def gradient_shapes(sizes):
    n_features, n_hidden, n_classes = sizes
    return [(n_classes, n_hidden), (n_classes,), (n_hidden, n_features), (n_hidden,)]


def run_backward(model, x, a_h, a_out, y, sizes):
    out = call("backward(x, a_h, a_out, y)", model.backward, x, a_h, a_out, y)
    if not isinstance(out, tuple) or len(out) != 4:
        raise CheckFailed(
            "backward should return the four gradients (d_loss__dw_out, d_loss__db_out, "
            f"d_loss__d_w_h, d_loss__d_b_h), but returned {describe(out)}."
        )
    shapes = gradient_shapes(sizes)
    got_shapes = [np.shape(g) if isinstance(g, (np.ndarray, np.generic)) else None for g in out]
    if sorted(map(str, got_shapes)) == sorted(map(str, shapes)) and got_shapes != shapes:
        raise CheckFailed(
            f"backward returned gradients of shapes {got_shapes}; expected, in this order, "
            f"{shapes}: return (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h)."
        )
    for p, got, want in zip(PARAMS, got_shapes, shapes):
        if got is not None and len(want) == 2 and got == want[::-1]:
            raise CheckFailed(
                f"the gradient for {p} has shape {got}, the transpose of {p}'s shape {want}: "
                "check the order of the factors in np.dot."
            )
    grads = [
        as_array(f"the gradient for {p} (value {i + 1} of backward's result)", g, s)
        for i, (p, g, s) in enumerate(zip(PARAMS, out, shapes))
    ]
    for p, g in zip(PARAMS, grads):
        if not np.isfinite(g).all():
            raise CheckFailed(f"the gradient for {p} contains NaN or inf: {describe(g)}.")
    return grads


def forward_runs(student, cfg):
    rng = np.random.RandomState(cfg.seed)
    model = make_model(student.cls, SIZES, random_params(rng, SIZES))
    x, _ = random_batch(rng, cfg.n_examples, SIZES)
    a_h, a_out = run_forward(model, x, SIZES)
    if (a_h < 0).any():
        raise CheckFailed(f"a_h has negative values ({describe(a_h[a_h < 0])}); a ReLU activation is never negative.")
    if not ((a_out >= 0) & (a_out <= 1)).all():  # float64's sigmoid is exactly 1 for z > 37
        raise CheckFailed(f"a_out should be sigmoid outputs, between 0 and 1: {describe(a_out)}.")


def random_activations(rng, n, sizes):
    """Activations of the right shapes (a_h >= 0 with zeros, a_out in (0, 1))."""
    a_h = np.maximum(rng.normal(size=(n, sizes[1])), 0)
    a_out = 1 / (1 + np.exp(-rng.normal(size=(n, sizes[2]))))
    return a_h, a_out


PRIME_S = 3  # for the forward that runs before backward


def backward_after_forward(student, params, x, a_h, a_out, y):
    """backward's gradients after a forward on the same x, as in any training loop (a backward may use
    what forward cached). If forward fails, backward runs anyway; if it does not return, backward
    runs in a fresh process without it."""
    model = make_model(student.fresh().cls, SIZES, params)
    try:
        with student.time_limit(PRIME_S):
            call("forward(x)", model.forward, x)
    except CheckFailed:
        pass
    except CodeStopped:
        model = make_model(student.fresh().cls, SIZES, params)
    return run_backward(model, x, a_h.copy(), a_out.copy(), y, SIZES)


def backward_runs(student, cfg):
    rng = np.random.RandomState(cfg.seed)
    params = random_params(rng, SIZES)
    x, y = random_batch(rng, cfg.n_examples, SIZES)
    a_h, a_out = random_activations(rng, cfg.n_examples, SIZES)
    backward_after_forward(student, params, x, a_h, a_out, y)


def run_forward_public(student, cfg):
    return {"runs": case(forward_runs, student.fresh(), cfg)}


def run_backward_public(student, cfg):
    return {"runs": case(backward_runs, student, cfg)}


# ---------------------------------------------------------------------------------------------
# 4. numeric gradient check


def rel_error(x, y, floor=1e-8):
    """CS231n's relative error: max |x - y| / max(floor, |x| + |y|), elementwise."""
    return float(np.max(np.abs(x - y) / np.maximum(floor, np.abs(x) + np.abs(y))))


def loss_backward_differentiates(a_out, y, n_classes):
    """L = sum((a_out - onehot)**2) / n: what the book's backward differentiates (10x `mse_loss`)."""
    return np.sum((a_out - np.eye(n_classes)[y]) ** 2) / y.shape[0]


def outputs_with(model, name, base, changes, x, sizes):
    """a_out of forward(x) with model.<name> set to `base` changed at one entry for each of `changes`
    ((flat index, value) pairs), in turn. The autograder's model of the student's code answers all
    of them in one call (`forward_with`); here, one by one."""
    batch = getattr(model, "forward_with", None)
    if batch is not None:
        outs = call("forward(x)", batch, name, base, changes, x)
        if isinstance(outs, np.ndarray) and outs.shape == (len(changes), x.shape[0], sizes[2]):
            return list(outs)
    outs = []
    for index, value in changes:
        param = base.copy()
        param.flat[index] = value
        setattr(model, name, param)
        outs.append(run_forward(model, x, sizes)[1])
    return outs


def numeric_gradient(loss, model, name, eps, x, sizes, entries=None):
    """Central differences of loss(a_out) with respect to model.<name> (set anew for each
    evaluation), at `entries` (flat indices; all of them by default, or a sample, as CS231n's
    grad_check_sparse does). Returns the estimate, with NaN where not evaluated."""
    base = np.array(getattr(model, name), dtype=np.float64)
    grad = np.full_like(base, np.nan)
    entries = list(range(base.size) if entries is None else entries)
    changes = [(int(i), base.flat[i] + step) for i in entries for step in (eps, -eps)]
    losses = [loss(a_out) for a_out in outputs_with(model, name, base, changes, x, sizes)]
    for k, i in enumerate(entries):
        grad.flat[i] = (losses[2 * k] - losses[2 * k + 1]) / (2 * eps)
    setattr(model, name, base)
    return grad


def hint_factor(got, want, n):
    """Name a gradient that is right but for a constant factor."""
    denom = float(np.sum(want * want))
    if denom == 0:
        return ""
    c = float(np.sum(got * want)) / denom
    if not np.allclose(got, c * want, rtol=1e-6, atol=1e-12):
        return ""
    named = {
        2.0: "twice the expected value",
        0.5: "half the expected value: is the 2 of the squared error's derivative, 2.*(a_out - y_onehot) / n, missing?",
        float(n): f"{n} (the number of examples) times too large: is the division by n = y.shape[0] missing?",
        1 / n: f"divided by n = {n} once too often: sum over the examples (np.sum), don't average (np.mean).",
    }
    for factor, text in named.items():
        if np.isclose(c, factor, rtol=1e-6):
            return f" It is {text}"
    if np.isclose(c, -1, rtol=1e-6):
        return " It has the wrong sign."
    return f" It is {c:.4g} times the expected value."


# Relative errors are taken against at least FLOOR times the parameter's largest gradient entry:
# central differences carry ~1e-11 of rounding noise, which is a large relative error on entries of
# 1e-9 (a hidden unit barely on). A forward that computes in float32: the students' check takes
# larger steps and allows a larger error; the autograder's keeps its limit, with a larger floor.
FLOAT64_FLOOR = 1e-4
FLOAT32_EPS, FLOAT32_MAX_REL_ERROR, FLOAT32_FLOOR = 1e-3, 1e-2, 1e-3


def gradient_errors(
    student, seed=0, sizes=(20, 8, 5), n_examples=10, eps=1e-5, kink_margin=1e-3, sampled_entries=None, reference=None
):
    """{parameter: (analytic, numeric, relative error)} for the class's backward on a random network,
    away from ReLU's kink. With sampled_entries, a parameter with more entries is checked at that
    many. errors["precision"] is "float32" for a forward that turns float64 into float32.

    Without `reference` (the students' copy), the loss is differentiated through the class's own
    forward (with larger steps, FLOAT32_EPS, for a float32 forward), which must be a function: its
    first output (in the autograder: in a process of its own) and the one after other calls agree.
    With `reference` (params -> a model of the network, the autograder's), the numeric gradient is
    the network's own, and the class's forward must compute the network's activations at the point
    checked (within `reference.rtol`, `reference.atol`) for its backward to be judged there: what
    forward does with other parameters then cannot make a wrong backward look right."""
    rng = np.random.RandomState(seed)
    params, other = random_params(rng, sizes), random_params(rng, sizes)
    x, _ = random_batch(rng, n_examples, sizes)
    if reference is None:
        low = any(a.dtype != np.float64 for a in run_forward(make_model(student.fresh().cls, sizes, other), x, sizes))
        if low:
            eps, kink_margin = FLOAT32_EPS, 20 * FLOAT32_EPS
    for _ in range(1000):  # keep every hidden pre-activation away from ReLU's kink at 0
        x, y = random_batch(rng, n_examples, sizes)
        if np.abs(x @ params["weight_h"].T + params["bias_h"]).min() > kink_margin:
            break
    if reference is None:
        _, first = run_forward(make_model(student.fresh(new=True).cls, sizes, params), x, sizes)
        model = make_model(student.fresh(new=True).cls, sizes, other)
        run_forward(model, x, sizes)  # a call with other parameters before the ones checked
        for name, value in params.items():
            setattr(model, name, value.copy())
        a_h, a_out = run_forward(model, x, sizes)
        if not np.allclose(first, a_out, rtol=1e-9, atol=1e-12):
            raise CheckFailed(
                "forward gave other outputs for the same parameters and inputs after an earlier call than in its "
                "first call: it keeps something from call to call. The numeric check (and any training) needs "
                "forward to be a function of the parameters and x."
            )
        differentiated = model
    else:
        model = make_model(student.fresh(new=True).cls, sizes, params)
        a_h, a_out = run_forward(model, x, sizes)
        low = a_h.dtype != np.float64 or a_out.dtype != np.float64
        differentiated = reference(params)
        want_h, want_out = differentiated.forward(x)
        close = (
            np.isclose(a_h, want_h, rtol=reference.rtol, atol=reference.atol).all()
            and np.isclose(a_out, want_out, rtol=reference.rtol, atol=reference.atol).all()
        )
        if not close:
            raise CheckFailed(
                "forward(x) does not compute the network's activations here (the forward check says how), so "
                "backward cannot be checked against the network's numeric gradients: fix forward first."
            )
    analytic = run_backward(model, x, a_h, a_out, y, sizes)

    def loss(a_out):
        return loss_backward_differentiates(a_out, y, sizes[2])

    errors = {}
    for name, grad in zip(PARAMS, analytic):
        entries = None
        if sampled_entries and grad.size > sampled_entries:
            entries = rng.choice(grad.size, sampled_entries, replace=False)
        numeric = numeric_gradient(loss, differentiated, name, eps, x, sizes, entries)
        mask = ~np.isnan(numeric)
        floor = (FLOAT32_FLOOR if low and reference is not None else FLOAT64_FLOOR) * float(np.abs(numeric[mask]).max())
        errors[name] = (grad, numeric, rel_error(grad[mask], numeric[mask], max(floor, 1e-8)))
    errors["precision"] = "float32" if low else "float64"
    return errors


def run_gradients(student, cfg, reference=None):
    def check():
        errors = gradient_errors(
            student, cfg.seed, SIZES, cfg.n_examples, cfg.eps, cfg.kink_margin, cfg.sampled_entries, reference
        )
        low = errors.pop("precision") == "float32"
        limit = max(cfg.max_rel_error, FLOAT32_MAX_REL_ERROR) if low and reference is None else cfg.max_rel_error
        note = " (Your forward turns float64 into float32, so this was checked at float32 precision.)" if low else ""
        result = {}
        for name, (grad, numeric, err) in errors.items():
            key = name.replace("weight", "w").replace("bias", "b")
            mask = ~np.isnan(numeric)
            result[key] = (
                PASS
                if err <= limit
                else Outcome(
                    False,
                    (
                        f"the gradient for {name} does not match its numeric estimate: relative error {err:.2e} "
                        f"(at most {limit:.0e} passes). Analytic {describe(grad[mask])}; numeric "
                        f"{describe(numeric[mask])}. The loss differentiated is sum((a_out - onehot)**2) / n."
                        + hint_factor(grad[mask], numeric[mask], cfg.n_examples)
                        + note
                    ),
                )
            )
        return result

    try:
        return check()
    except CheckFailed as e:
        return {key: Outcome(False, str(e)) for key in cfg.cases}
    except CodeStopped as e:
        return {key: Outcome(False, str(e), e.kind) for key in cfg.cases}


def gradient_check_report(cls, seed=0, sizes=(20, 8, 5), n_examples=10, eps=1e-5):
    """For students: print the relative error of each gradient of `cls`'s backward against central
    differences of L = sum((a_out - onehot)**2) / n, on a small random network."""
    try:
        errors = gradient_errors(Student(cls=cls), seed, sizes, n_examples, eps)
    except CheckFailed as e:
        print(f"Cannot check the gradients yet: {e}")
        return None
    if errors.pop("precision") == "float32":
        print("Your forward turns float64 into float32: checked with larger steps, at float32 precision.")
    for name, (_, _, err) in errors.items():
        verdict = "ok" if err < 1e-6 else "suspicious" if err < 1e-3 else "WRONG"
        print(f"{name:10s} relative error {err:.2e}  {verdict}")
    return {name: err for name, (_, _, err) in errors.items()}


# ---------------------------------------------------------------------------------------------
# grader.check in the student's notebook: one public case of a check

PUBLIC = {"relu": run_relu, "forward": run_forward_public, "backward": run_backward_public}


def check_case(env, check, name, settings):
    """Raise AssertionError with the case's message unless it passed; a case worth no points (advice)
    prints its message instead of failing."""
    cfg = type("Settings", (), dict(settings, cases=[name] if check == "relu" else ["runs"]))
    student = Student(env.get("relu"), env.get("NeuralNetMLP_ReLU"))
    outcome = PUBLIC[check](student, cfg)[name]
    if outcome.passed:
        return
    if settings.get("points") == 0:  # advice: said only once the function works at all
        if (
            check != "relu"
            or PUBLIC[check](student, type("Settings", (), dict(settings, cases=["values"])))["values"].passed
        ):
            print(f"Advice (no points), {check}: {name}: {outcome.message}")
        return
    raise AssertionError(outcome.message)
