"""The checks that compare with the reference: forward and backward (their `runs` cases are public)
against the reference on random inputs with random non-zero weights and biases, and the numeric
gradient check against the network's own loss. A net that is wrong the same way in forward and
backward (the hidden layer left sigmoid) has consistent gradients: only the reference tells."""

import numpy as np

from reference import mlp as ref

from .public import (
    PARAMS,
    PASS,
    SIZES,
    CheckFailed,
    CodeStopped,
    Outcome,
    backward_after_forward,
    backward_runs,
    case,
    describe,
    forward_runs,
    hint_factor,
    make_model,
    random_batch,
    random_params,
    run_forward,
    run_gradients,
)


def compare(what, got, expected, cfg):
    close = np.isclose(got, expected, rtol=cfg.rtol, atol=cfg.atol)
    if close.all():
        return PASS
    diff = np.abs(got - expected)
    return Outcome(
        False,
        f"{what} differs from the expected values at {int((~close).sum())} of {close.size} "
        f"entries (largest difference {diff.max():.3g}). Yours: {describe(got)}.",
    )


def reference_model(params):
    model = ref.NeuralNetMLP_ReLU(*SIZES)
    for name, value in params.items():
        setattr(model, name, value.copy())
    return model


def hint_hidden_activation(a_h, x, params):
    """Name the common wrong hidden layers by recomputing them."""
    xw, b = x @ params["weight_h"].T, params["bias_h"]
    known = [
        (1 / (1 + np.exp(-(xw + b))), "Your a_h is sigmoid(z_h): the hidden layer has not been switched to ReLU."),
        (np.abs(xw + b), "Your a_h is |z_h|: ReLU is 0, not -z, for negative z."),
        (xw + b, "Your a_h equals z_h: no activation is applied."),
        ((xw + b > 0).astype(float), "Your a_h is a step function of z_h (ReLU's derivative), not ReLU."),
        (np.maximum(xw, 0), "Your a_h is ReLU of x @ weight_h.T without the bias bias_h."),
        (np.maximum(xw + 2 * b, 0), "Your a_h adds the bias bias_h twice."),
        (np.where(xw + b > 0, xw + b, 0.01 * (xw + b)), "Your a_h is a leaky ReLU; ReLU makes negative inputs 0."),
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
    delta_out = 2.0 * (a_out - np.eye(a_out.shape[1])[y]) / y.shape[0] * a_out * (1.0 - a_out)
    d_loss__a_h = delta_out @ params["weight_out"]
    known = [
        (
            a_h * (1.0 - a_h),
            "your d_a_h__d_z_h is sigmoid's derivative a_h * (1 - a_h); ReLU's is 1 where a_h > 0, else 0.",
        ),
        ((a_h >= 0).astype(float), "your derivative is 1 where the activation is 0 too: did you use `>=`?"),
        (a_h, "your d_a_h__d_z_h is the activation a_h itself, not its derivative."),
        (np.ones_like(a_h), "your d_a_h__d_z_h is 1 everywhere: the derivative of ReLU is 0 where a_h is 0."),
        ((a_h <= 0).astype(float), "your derivative is inverted: 1 where a_h is 0 and 0 where a_h > 0."),
        (np.zeros_like(a_h), "your d_a_h__d_z_h is 0 everywhere: the hidden layer never learns."),
    ]
    for deriv, hint in known:
        delta = d_loss__a_h * deriv
        value = delta.T @ x if name == "weight_h" else delta.sum(axis=0)
        if np.allclose(got, value):
            return " Hint: " + hint
    return ""


def run_forward_vs_reference(student, cfg):
    outcomes = {"runs": case(forward_runs, student.fresh(), cfg)}  # shapes and finiteness, with clear messages
    rng = np.random.RandomState(cfg.seed + 1)  # other data than the public case
    params = random_params(rng, SIZES)
    x, _ = random_batch(rng, cfg.n_examples, SIZES)
    e_h, e_out = reference_model(params).forward(x)
    try:
        a_h, a_out = run_forward(make_model(student.fresh().cls, SIZES, params), x, SIZES)
    except CheckFailed as e:
        return dict(outcomes, a_h=Outcome(False, str(e)), a_out=Outcome(False, str(e)))
    except CodeStopped as e:
        failed = Outcome(False, str(e), e.kind)
        return dict(outcomes, a_h=failed, a_out=failed)
    outcomes["a_h"] = compare("a_h (the hidden activations)", a_h, e_h, cfg)
    if not outcomes["a_h"].passed:
        outcomes["a_h"].message += hint_hidden_activation(a_h, x, params)
    outcomes["a_out"] = compare("a_out (the output activations)", a_out, e_out, cfg)
    if not outcomes["a_out"].passed:
        outcomes["a_out"].message += hint_output(a_out, a_h, params) or (
            " a_out follows from a_h: fix a_h first." if not outcomes["a_h"].passed else ""
        )
    return outcomes


def run_backward_vs_reference(student, cfg):
    outcomes = {"runs": case(backward_runs, student, cfg)}
    rng = np.random.RandomState(cfg.seed + 1)
    params = random_params(rng, SIZES)
    x, y = random_batch(rng, cfg.n_examples, SIZES)
    expected = reference_model(params)
    a_h, a_out = expected.forward(x)  # the reference's activations, so only backward is judged
    want = expected.backward(x, a_h, a_out, y)
    try:
        grads = backward_after_forward(student, params, x, a_h, a_out, y)
    except CheckFailed as e:
        return dict(outcomes, **{key: Outcome(False, str(e)) for key in cfg.cases if key != "runs"})
    except CodeStopped as e:
        failed = Outcome(False, str(e), e.kind)
        return dict(outcomes, **{key: failed for key in cfg.cases if key != "runs"})
    for name, got, w in zip(PARAMS, grads, want):
        key = "d_" + name.replace("weight", "w").replace("bias", "b")
        outcomes[key] = compare(f"the gradient for {name}", got, w, cfg)
        if not outcomes[key].passed:
            outcomes[key].message += hint_factor(got, w, y.shape[0]) or (
                hint_derivative(got, name, x, a_h, a_out, y, params) if name.endswith("_h") else ""
            )
    return outcomes


def run_gradients_vs_reference(student, cfg):
    """The numeric gradient check, differentiating the network itself (the reference's forward): the
    student's backward is judged where the student's forward computes the network's activations."""

    def reference(params):
        return reference_model(params)

    reference.rtol, reference.atol = cfg.rtol, cfg.atol  # as the forward check compares
    return run_gradients(student, cfg, reference)
