"""Checks 2 and 3: the student's forward and backward against the reference, on random inputs
with random non-zero weights and biases. Only this comparison catches a net that is wrong the
same way forward and backward (the hidden layer left sigmoid): its gradients are consistent."""
import numpy as np

from reference import mlp as ref

from .public import (PARAMS, PASS, CheckError, describe, fail, get_defined, random_batch,
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


def hint_hidden_activation(a_h, z_h):
    if np.allclose(a_h, 1 / (1 + np.exp(-z_h))):
        return " Your a_h is sigmoid(z_h): the hidden layer has not been switched to ReLU."
    if np.allclose(a_h, np.abs(z_h)):
        return " Your a_h is |z_h|: ReLU is 0, not -z, for negative z."
    if np.allclose(a_h, z_h):
        return " Your a_h equals z_h: no activation is applied."
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
        z_h = x @ params["weight_h"].T + params["bias_h"]
        outcomes["a_h"].message += hint_hidden_activation(a_h, z_h)
    outcomes["a_out"] = compare("a_out (the output activations)", a_out, e_out, cfg)
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
    return outcomes
