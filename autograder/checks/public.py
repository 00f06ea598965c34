"""Checks that need only the student's code and numpy.

This module is copied into the student's folder as `mlp_checks.py` by `make build`, so it must
not import the reference or reveal the hidden checks. The autograder runs the same functions.
"""
import signal
import threading
from contextlib import contextmanager

import numpy as np

PARAMS = ("weight_out", "bias_out", "weight_h", "bias_h")  # in the order backward returns them


class Outcome:
    def __init__(self, passed, message=""):
        self.passed, self.message = passed, message

    def __repr__(self):
        return f"Outcome({self.passed}, {self.message!r})"


PASS = Outcome(True)


def fail(message):
    return Outcome(False, message)


class CheckError(Exception):
    """The student's code cannot be checked at all; its message says why."""


def describe(value, max_items=6):
    """A short description a student can act on: type, shape, dtype and a few values."""
    if isinstance(value, np.ndarray):
        flat = value.ravel()[:max_items]
        more = ", ..." if value.size > max_items else ""
        return (f"array of shape {value.shape}, dtype {value.dtype}: "
                f"[{', '.join(f'{v:.4g}' if np.issubdtype(value.dtype, np.number) else str(v) for v in flat)}{more}]")
    if value is None:
        return "None (did the function `return` its result?)"
    if value is Ellipsis:
        return "... (the placeholder is still there)"
    return f"{type(value).__name__} {value!r}"[:200]


@contextmanager
def time_limit(seconds):
    """Raise TimeoutError after `seconds`, where the platform allows it (SIGALRM, main thread)."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def get_defined(env, name, kind):
    obj = env.get(name)
    if obj is None or obj is Ellipsis:
        raise CheckError(f"`{name}` is not defined: run the cell that defines the {kind} `{name}` first.")
    if not callable(obj):
        raise CheckError(f"`{name}` should be a {kind}, but it is {describe(obj)}.")
    return obj


def call(what, fn, *args):
    """Call student code; turn an exception into a CheckError that names it."""
    try:
        return fn(*args)
    except (CheckError, TimeoutError):
        raise
    except Exception as e:
        raise CheckError(f"{what} raised {type(e).__name__}: {e}") from None


def as_array(what, value, shape):
    if not isinstance(value, (np.ndarray, np.generic, float, int)):
        raise CheckError(f"{what} should return a NumPy array, but returned {describe(value)}.")
    value = np.asarray(value)
    if value.shape != tuple(shape):
        raise CheckError(f"{what} should have shape {tuple(shape)}, but has shape {value.shape}.")
    return value


# ---------------------------------------------------------------------------------------------
# 1. relu

def _relu_expected(z):
    out = np.zeros_like(z)
    out[z > 0] = z[z > 0]
    return out


def _relu_case(relu, z, what):
    z_before = np.array(z, copy=True)
    with np.errstate(all="ignore"):
        got = call(f"relu({what})", relu, z)
    if not np.array_equal(np.asarray(z), z_before, equal_nan=True):
        return fail(f"relu({what}) changed its argument in place; return a new array instead.")
    if got is None or got is Ellipsis or not isinstance(got, (np.ndarray, np.generic, float, int)):
        return fail(f"relu({what}) should return an array, but returned {describe(got)}.")
    got = np.asarray(got)
    expected = _relu_expected(np.asarray(z))
    if got.shape != expected.shape:
        return fail(f"relu({what}) should keep the input's shape {expected.shape}, "
                    f"but returned shape {got.shape}.")
    if np.isnan(got.astype(float)).any():
        return fail(f"relu({what}) returned NaN: {describe(got)}.")
    if not np.array_equal(got.astype(float), expected.astype(float)):
        bad = got.astype(float) != expected.astype(float)
        zs = np.asarray(z)[bad]
        where = ("for negative inputs" if (zs < 0).all() else "for 0" if (zs == 0).all()
                 else "for positive inputs" if (zs > 0).all() else "")
        return fail(f"relu({what}) is wrong {where}: for input {describe(np.asarray(z))} it returned "
                    f"{describe(got)}. ReLU is 0 where z <= 0 and z where z > 0.")
    return None


def run_relu(env, cfg):
    relu = get_defined(env, "relu", "function")
    rng = np.random.RandomState(cfg["seed"])
    outcomes = {}

    fixed = np.array([-3.0, -1.5, -1e-3, 0.0, -0.0, 1e-3, 0.5, 2.0])
    values = np.concatenate([fixed, rng.normal(0, 2, size=12)])
    outcomes["values"] = _relu_case(relu, values, "a 1-D array of negative, zero and positive values") or PASS

    shaped = [(np.float64(-1.5), "a negative scalar"), (np.float64(2.5), "a positive scalar"),
              (rng.normal(size=7), "a 1-D array"), (rng.normal(size=(5, 4)), "a 2-D array"),
              (rng.normal(size=(2, 3, 4)), "a 3-D array")]
    outcomes["shapes"] = next(filter(None, (_relu_case(relu, z, what) for z, what in shaped)), PASS)

    z32 = rng.normal(size=(6, 5)).astype(np.float32)
    outcome = _relu_case(relu, z32, "a float32 array")
    if outcome is None:
        got = np.asarray(relu(z32))
        outcome = PASS if got.dtype == np.float32 else fail(
            f"relu(a float32 array) returned dtype {got.dtype}; keep the input's dtype "
            "(float32 in, float32 out), e.g. don't mix in float64 arrays.")
    outcomes["float32"] = outcome

    large = np.array([-1e308, -1e300, 1e300, 1e308, -np.inf, np.inf, 0.0])
    outcomes["large"] = _relu_case(relu, large, "very large values and +-inf") or PASS
    return outcomes


# ---------------------------------------------------------------------------------------------
# 2, 3. forward and backward: what can be checked without the reference

def random_model(cls, sizes, rng):
    """The student's class, built as the book builds it, then given random non-zero parameters."""
    model = call(f"{cls.__name__}{tuple(sizes)}", cls, *sizes)
    n_features, n_hidden, n_classes = sizes
    params = {"weight_h": rng.normal(0, 0.1, (n_hidden, n_features)),
              "bias_h": rng.normal(0, 0.5, n_hidden),
              "weight_out": rng.normal(0, 0.5, (n_classes, n_hidden)),
              "bias_out": rng.normal(0, 0.5, n_classes)}
    for name, value in params.items():
        setattr(model, name, value.copy())
    return model, params


def run_forward(model, x, sizes):
    out = call("forward(x)", model.forward, x)
    if not isinstance(out, tuple) or len(out) != 2:
        raise CheckError(f"forward should return the pair (a_h, a_out), but returned {describe(out)}.")
    n = x.shape[0]
    a_h = as_array("a_h (the first value forward returns)", out[0], (n, sizes[1]))
    a_out = as_array("a_out (the second value forward returns)", out[1], (n, sizes[2]))
    for what, a in (("a_h", a_h), ("a_out", a_out)):
        if not np.isfinite(a).all():
            raise CheckError(f"{what} contains NaN or inf: {describe(a)}.")
    return a_h, a_out


def run_backward(model, x, a_h, a_out, y, sizes):
    out = call("backward(x, a_h, a_out, y)", model.backward, x, a_h, a_out, y)
    if not isinstance(out, tuple) or len(out) != 4:
        raise CheckError("backward should return the four gradients (d_loss__dw_out, d_loss__db_out, "
                         f"d_loss__d_w_h, d_loss__d_b_h), but returned {describe(out)}.")
    n_features, n_hidden, n_classes = sizes
    shapes = [(n_classes, n_hidden), (n_classes,), (n_hidden, n_features), (n_hidden,)]
    grads = [as_array(f"the gradient for {p} (value {i + 1} of backward's result)", g, s)
             for i, (p, g, s) in enumerate(zip(PARAMS, out, shapes))]
    for p, g in zip(PARAMS, grads):
        if not np.isfinite(g).all():
            raise CheckError(f"the gradient for {p} contains NaN or inf: {describe(g)}.")
    return grads


def random_batch(rng, n, sizes):
    return rng.normal(size=(n, sizes[0])), rng.randint(0, sizes[2], size=n)


def run_forward_public(env, cfg):
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    rng, sizes = np.random.RandomState(cfg["seed"]), (784, 50, 10)
    model, _ = random_model(cls, sizes, rng)
    x, _ = random_batch(rng, cfg["n_examples"], sizes)
    a_h, a_out = run_forward(model, x, sizes)
    if (a_h < 0).any():
        return {"runs": fail(f"a_h has negative values ({describe(a_h[a_h < 0])}); "
                             "a ReLU activation is never negative.")}
    if not ((a_out > 0) & (a_out < 1)).all():
        return {"runs": fail(f"a_out should be sigmoid outputs in (0, 1): {describe(a_out)}.")}
    return {"runs": PASS}


def run_backward_public(env, cfg):
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    rng, sizes = np.random.RandomState(cfg["seed"]), (784, 50, 10)
    model, _ = random_model(cls, sizes, rng)
    x, y = random_batch(rng, cfg["n_examples"], sizes)
    a_h, a_out = run_forward(model, x, sizes)
    run_backward(model, x, a_h, a_out, y, sizes)
    return {"runs": PASS}


# ---------------------------------------------------------------------------------------------
# 4. numeric gradient check

def rel_error(x, y):
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|), elementwise."""
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def loss_backward_differentiates(a_out, y, n_classes):
    """L = sum((a_out - onehot)**2) / n: what the book's backward differentiates (10x `mse_loss`)."""
    return np.sum((a_out - np.eye(n_classes)[y]) ** 2) / y.shape[0]


def numeric_gradient(f, param, eps):
    grad = np.zeros_like(param)
    for i in np.ndindex(param.shape):
        old = param[i]
        param[i] = old + eps
        plus = f()
        param[i] = old - eps
        minus = f()
        param[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def run_gradients(env, cfg):
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    rng, sizes = np.random.RandomState(cfg["seed"]), tuple(cfg["sizes"])
    model, params = random_model(cls, sizes, rng)
    for _ in range(1000):  # keep every hidden pre-activation away from ReLU's kink at 0
        x, y = random_batch(rng, cfg["n_examples"], sizes)
        if np.abs(x @ params["weight_h"].T + params["bias_h"]).min() > cfg["kink_margin"]:
            break
    a_h, a_out = run_forward(model, x, sizes)
    analytic = run_backward(model, x, a_h, a_out, y, sizes)

    def loss():
        return loss_backward_differentiates(run_forward(model, x, sizes)[1], y, sizes[2])

    outcomes = {}
    for name, grad in zip(PARAMS, analytic):
        numeric = numeric_gradient(loss, getattr(model, name), cfg["eps"])
        err = rel_error(grad, numeric)
        key = name.replace("weight", "w").replace("bias", "b")
        outcomes[key] = PASS if err <= cfg["max_rel_error"] else fail(
            f"the gradient for {name} does not match its numeric estimate: relative error {err:.2e} "
            f"(at most {cfg['max_rel_error']:.0e} passes). Analytic {describe(grad)}; "
            f"numeric {describe(numeric)}. The loss differentiated is sum((a_out - onehot)**2) / n.")
    return outcomes


PUBLIC_CHECKS = {"relu": run_relu, "forward": run_forward_public,
                 "backward": run_backward_public, "gradients": run_gradients}


# ---------------------------------------------------------------------------------------------
# Otter glue: each Otter test case calls check_case for its case of a check.

_memo = {}


def run_check(runner, env, check, cfg):
    """Run a whole check once per version of the student's code; return {case: Outcome}."""
    key = (check, id(runner), id(env.get("relu")), id(env.get("NeuralNetMLP_ReLU")))
    if key not in _memo:
        try:
            with time_limit(cfg.get("timeout_s")):
                _memo[key] = runner(env, cfg)
        except CheckError as e:
            _memo[key] = {None: fail(str(e))}
        except TimeoutError as e:
            _memo[key] = {None: fail(f"the {check} check {e}: does your code loop forever or "
                                     "do far more work than it needs?")}
    return _memo[key]


def check_case(env, check, case, cfg, runners=PUBLIC_CHECKS):
    """Raise AssertionError with the feedback message unless `case` of `check` passed."""
    outcomes = run_check(runners[check], env, check, cfg)
    outcome = outcomes.get(case) or outcomes.get(None) or fail(f"no result for {check}: {case}")
    if not outcome.passed:
        raise AssertionError(outcome.message)
