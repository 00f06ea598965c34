"""Checks 2 and 3: the student's forward and backward against the reference, on random inputs
with random non-zero weights and biases. Only this comparison catches a net that is wrong the
same way forward and backward (the hidden layer left sigmoid): its gradients are consistent."""
import numpy as np

from reference import mlp as ref

from .public import (PARAMS, PASS, CheckError, describe, fail, get_defined, hint_factor, random_batch,
                     random_model, run_backward, run_backward_public, run_forward,
                     run_forward_public)

SIZES = (784, 50, 10)


def compare(what, got, expected, cfg):
    close = np.isclose(got, expected, rtol=cfg["rtol"], atol=cfg["atol"])
    if close.all():
        return PASS
    diff = np.abs(got - expected)
    return fail(f"{what} differs from the expected values at {int((~close).sum())} of {close.size} "
                f"entries (largest difference {diff.max():.3g}). Yours: {describe(got)}.")


def hint_hidden_activation(a_h, x, params):
    """Name the common wrong hidden layers by recomputing them."""
    xw = x @ params["weight_h"].T
    b = params["bias_h"]
    known = [
        (1 / (1 + np.exp(-(xw + b))), "Your a_h is sigmoid(z_h): the hidden layer has not been switched to ReLU."),
        (np.abs(xw + b), "Your a_h is |z_h|: ReLU is 0, not -z, for negative z."),
        (xw + b, "Your a_h equals z_h: no activation is applied."),
        ((xw + b > 0).astype(float), "Your a_h is a step function of z_h (ReLU's derivative), not ReLU."),
        (np.maximum(xw, 0), "Your a_h is ReLU of x @ weight_h.T without the bias bias_h."),
        (np.maximum(xw + 2 * b, 0), "Your a_h adds the bias bias_h twice."),
    ]
    for value, hint in known:
        if value.shape == a_h.shape and np.allclose(a_h, value):
            return " " + hint
    return ""


def hint_output(a_out, a_h, params):
    z_out = a_h @ params["weight_out"].T + params["bias_out"]
    if np.allclose(a_out, np.maximum(z_out, 0)):
        return " Your a_out is ReLU(z_out): only the hidden layer changes; the output layer stays sigmoid."
    return ""


def hint_derivative(got, name, x, a_h, a_out, y, params):
    """Name the common wrong ReLU derivatives: recompute the hidden gradient with each of them."""
    delta_out = 2. * (a_out - np.eye(a_out.shape[1])[y]) / y.shape[0] * a_out * (1. - a_out)
    d_loss__a_h = delta_out @ params["weight_out"]
    known = [
        (a_h * (1. - a_h), "your d_a_h__d_z_h is sigmoid's derivative a_h * (1 - a_h); ReLU's is 1 where a_h > 0, else 0."),
        ((a_h >= 0).astype(float), "your derivative is 1 where the activation is 0 too: did you use `>=`?"),
        (a_h, "your d_a_h__d_z_h is the activation a_h itself, not its derivative."),
        (np.ones_like(a_h), "your d_a_h__d_z_h is 1 everywhere: the derivative of ReLU is 0 where a_h is 0."),
        ((a_h <= 0).astype(float), "your derivative is inverted: 1 where a_h is 0 and 0 where a_h > 0."),
    ]
    for deriv, hint in known:
        delta = d_loss__a_h * deriv
        value = delta.T @ x if name == "weight_h" else delta.sum(axis=0)
        if np.allclose(got, value):
            return " Hint: " + hint
    return ""


def run_forward_vs_reference(env, cfg):
    outcomes = run_forward_public(env, cfg)  # shapes and finiteness first, with clear messages
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    rng = np.random.RandomState(cfg["seed"] + 1)  # other data than the public case
    model, params = random_model(cls, SIZES, rng)
    x, _ = random_batch(rng, cfg["n_examples"], SIZES)
    a_h, a_out = run_forward(model, x, SIZES)

    expected = ref.NeuralNetMLP_ReLU(*SIZES)
    for name, value in params.items():
        setattr(expected, name, value.copy())
    e_h, e_out = expected.forward(x)

    outcomes["a_h"] = compare("a_h (the hidden activations)", a_h, e_h, cfg)
    if not outcomes["a_h"].passed:
        outcomes["a_h"].message += hint_hidden_activation(a_h, x, params)
    outcomes["a_out"] = compare("a_out (the output activations)", a_out, e_out, cfg)
    if not outcomes["a_out"].passed:
        outcomes["a_out"].message += hint_output(a_out, a_h, params) or (
            " a_out follows from a_h: fix a_h first." if not outcomes["a_h"].passed else "")
    return outcomes


def run_backward_vs_reference(env, cfg):
    try:
        outcomes = run_backward_public(env, cfg)
    except CheckError as e:  # the student's forward may be at fault; judge backward on its own
        outcomes = {"runs": fail(str(e))}
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    rng = np.random.RandomState(cfg["seed"] + 1)
    model, params = random_model(cls, SIZES, rng)
    x, y = random_batch(rng, cfg["n_examples"], SIZES)

    expected = ref.NeuralNetMLP_ReLU(*SIZES)
    for name, value in params.items():
        setattr(expected, name, value.copy())
    a_h, a_out = expected.forward(x)  # the reference's activations, so only backward is judged
    grads = run_backward(model, x, a_h.copy(), a_out.copy(), y, SIZES)
    for name, got, want in zip(PARAMS, grads, expected.backward(x, a_h, a_out, y)):
        key = "d_" + name.replace("weight", "w").replace("bias", "b")
        outcomes[key] = compare(f"the gradient for {name}", got, want, cfg)
        if not outcomes[key].passed:
            outcomes[key].message += hint_factor(got, want, y.shape[0]) or (
                hint_derivative(got, name, x, a_h, a_out, y, params) if name.endswith("_h") else "")
    return outcomes
