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
        hint = ""
        # an error from the student's own process arrives as "ExceptionType: message"
        if type(e).__name__ == "StudentProcessDied":
            raise CheckError(f"{what}: {e}") from None
        raised = str(e) if type(e).__name__ == "RemoteError" else f"{type(e).__name__}: {e}"
        if "truth value of an array" in str(e):
            hint = (" Python's `max`, `if z > 0` or `and`/`or` work on single numbers only; "
                    "use NumPy's elementwise functions (np.maximum, np.where, masks) on arrays.")
        raise CheckError(f"{what} raised {raised}.{hint}") from None


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
                    f"{describe(got)}. ReLU is 0 where z <= 0 and z where z > 0.{_relu_hint(np.asarray(z), got)}")
    return None


def _relu_hint(z, got):
    """Name the common wrong relus."""
    with np.errstate(all="ignore"):
        g, z = got.astype(float), z.astype(float)
        if np.issubdtype(got.dtype, np.integer) or got.dtype == bool:
            return f" It returned integers (dtype {got.dtype}): keep the input's float dtype."
        if np.array_equal(g, np.abs(z)):
            return " That is |z|: ReLU is 0, not -z, for negative z."
        if np.array_equal(g, (z > 0).astype(float)):
            return " That is a step function, ReLU's derivative, not ReLU."
        neg = z < 0
        if neg.any() and np.allclose(g[neg] / z[neg], g[neg][0] / z[neg][0]) and (g[neg] != 0).all():
            return " It scales negative inputs (a leaky ReLU); ReLU makes them 0."
        pos = z > 0
        if pos.any() and np.ptp(g[pos] - z[pos]) < 1e-12 and (g[pos] != z[pos]).all():
            return f" It is shifted by {float((g[pos] - z[pos])[0]):.3g} for positive inputs."
    return ""


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
    if np.shape(out[0]) == (n, sizes[2]) and np.shape(out[1]) == (n, sizes[1]):
        raise CheckError(f"forward returned arrays of shapes {np.shape(out[0])} and {np.shape(out[1])}: "
                         "return (a_h, a_out), the hidden activations first.")
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
    got_shapes = [np.shape(g) if isinstance(g, (np.ndarray, np.generic)) else None for g in out]
    if sorted(map(str, got_shapes)) == sorted(map(str, shapes)) and got_shapes != shapes:
        raise CheckError(f"backward returned gradients of shapes {got_shapes}; expected, in this order, "
                         f"{shapes}: return (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h).")
    for p, got, want in zip(PARAMS, got_shapes, shapes):
        if got is not None and len(want) == 2 and got == want[::-1]:
            raise CheckError(f"the gradient for {p} has shape {got}, the transpose of {p}'s shape {want}: "
                             "check the order of the factors in np.dot.")
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


def random_activations(rng, n, sizes):
    """Activations of the right shapes (a_h >= 0 with zeros, a_out in (0, 1)), made without
    calling the student's forward, so that backward is judged on its own."""
    a_h = np.maximum(rng.normal(size=(n, sizes[1])), 0)
    a_out = 1 / (1 + np.exp(-rng.normal(size=(n, sizes[2]))))
    return a_h, a_out


def run_backward_public(env, cfg):
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    rng, sizes = np.random.RandomState(cfg["seed"]), (784, 50, 10)
    model, _ = random_model(cls, sizes, rng)
    x, y = random_batch(rng, cfg["n_examples"], sizes)
    run_backward(model, x, *random_activations(rng, cfg["n_examples"], sizes), y, sizes)
    return {"runs": PASS}


# ---------------------------------------------------------------------------------------------
# 4. numeric gradient check

def rel_error(x, y):
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|), elementwise."""
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def loss_backward_differentiates(a_out, y, n_classes):
    """L = sum((a_out - onehot)**2) / n: what the book's backward differentiates (10x `mse_loss`)."""
    return np.sum((a_out - np.eye(n_classes)[y]) ** 2) / y.shape[0]


def numeric_gradient(f, model, name, eps):
    """Central differences of f() with respect to model.<name>, set anew for each evaluation."""
    param = np.array(getattr(model, name), dtype=np.float64)
    grad = np.zeros_like(param)
    for i in np.ndindex(param.shape):
        old, losses = param[i], []
        for value in (old + eps, old - eps):
            param[i] = value
            setattr(model, name, param.copy())
            losses.append(f())
        param[i] = old
        grad[i] = (losses[0] - losses[1]) / (2 * eps)
    setattr(model, name, param)
    return grad


def hint_factor(got, want, n):
    """Name a gradient that is right but for a constant factor."""
    denom = float(np.sum(want * want))
    if denom == 0:
        return ""
    c = float(np.sum(got * want)) / denom
    if not np.allclose(got, c * want, rtol=1e-6, atol=1e-12):
        return ""
    named = {2.0: "twice the expected value", 0.5: "half the expected value: is the 2 of the squared "
             "error's derivative, 2.*(a_out - y_onehot) / n, missing?", float(n): f"{n} (the number of "
             "examples) times too large: is the division by n = y.shape[0] missing?", 1 / n: f"divided "
             f"by n = {n} once too often: sum over the examples (np.sum), don't average (np.mean)."}
    for factor, text in named.items():
        if np.isclose(c, factor, rtol=1e-6):
            return f" It is {text}"
    return f" It is {c:.4g} times the expected value."


def gradient_errors(cls, cfg):
    """{parameter: (analytic, numeric, relative error)} for the student's class on small random data."""
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

    errors = {}
    for name, grad in zip(PARAMS, analytic):
        numeric = numeric_gradient(loss, model, name, cfg["eps"])
        errors[name] = (grad, numeric, rel_error(grad, numeric))
    return errors


def run_gradients(env, cfg):
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    outcomes = {}
    for name, (grad, numeric, err) in gradient_errors(cls, cfg).items():
        key = name.replace("weight", "w").replace("bias", "b")
        outcomes[key] = PASS if err <= cfg["max_rel_error"] else fail(
            f"the gradient for {name} does not match its numeric estimate: relative error {err:.2e} "
            f"(at most {cfg['max_rel_error']:.0e} passes). Analytic {describe(grad)}; "
            f"numeric {describe(numeric)}. The loss differentiated is sum((a_out - onehot)**2) / n."
            + hint_factor(grad, numeric, cfg["n_examples"]))
    return outcomes


def gradient_check_report(cls, seed=0, sizes=(20, 8, 5), n_examples=10, eps=1e-5):
    """For students: print the relative error of each gradient of `cls`'s backward against
    central differences of L = sum((a_out - onehot)**2) / n, on a small random network."""
    cfg = {"seed": seed, "sizes": sizes, "n_examples": n_examples, "eps": eps, "kink_margin": 1e-3}
    try:
        errors = gradient_errors(cls, cfg)
    except CheckError as e:
        print(f"Cannot check the gradients yet: {e}")
        return None
    for name, (_, _, err) in errors.items():
        verdict = "ok" if err < 1e-6 else "suspicious" if err < 1e-3 else "WRONG"
        print(f"{name:10s} relative error {err:.2e}  {verdict}")
    return {name: err for name, (_, _, err) in errors.items()}


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
