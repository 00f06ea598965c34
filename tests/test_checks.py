"""The checks as plain functions, without Otter: fast, and each shown able to fail."""
import numpy as np
import pytest

from autograder import otter_cases
from autograder.checks import public
from reference import mlp


def env(**overrides):
    return {"relu": mlp.relu, "NeuralNetMLP_ReLU": mlp.NeuralNetMLP_ReLU, **overrides}


def outcomes(check, namespace, cfg):
    return otter_cases.RUNNERS[check](namespace, cfg["checks"][check])


@pytest.mark.parametrize("check", ["relu", "forward", "backward", "gradients"])
def test_reference_passes_every_case(cfg, check):
    got = outcomes(check, env(), cfg)
    assert set(got) == set(cfg["checks"][check]["cases"])
    assert all(o.passed for o in got.values()), got


BAD_RELUS = {
    "abs": (lambda z: np.abs(z), {"values", "shapes", "large"}),
    "step": (lambda z: (z > 0).astype(float), {"values", "shapes"}),
    "shifted": (lambda z: np.maximum(z, 0) + 1e-3, {"values", "shapes", "large"}),
    "float64": (lambda z: np.maximum(np.asarray(z, dtype=np.float64), 0.0), {"float32"}),
    "none": (lambda z: None, {"values", "shapes", "float32", "large"}),
    "multiply_mask": (lambda z: z * (z > 0), {"large"}),
}


@pytest.mark.parametrize("name", BAD_RELUS)
def test_bad_relu_fails_its_cases(cfg, name):
    fn, expected_failures = BAD_RELUS[name]
    got = public.run_relu({"relu": fn}, cfg["checks"]["relu"])
    assert {c for c, o in got.items() if not o.passed} >= expected_failures


def test_missing_relu_is_named_in_the_message(cfg):
    with pytest.raises(AssertionError, match="`relu` is not defined"):
        public.check_case({}, "relu", "values", cfg["checks"]["relu"])


class SigmoidHidden(mlp.NeuralNetMLP):
    """The forgotten switch: consistent forward and backward, still sigmoid."""


def test_forgotten_switch_passes_gradient_check_but_not_forward(cfg):
    e = env(NeuralNetMLP_ReLU=SigmoidHidden)
    assert all(o.passed for o in outcomes("gradients", e, cfg).values())
    forward = outcomes("forward", e, cfg)
    assert not forward["a_h"].passed and "sigmoid" in forward["a_h"].message


class WrongDerivative(mlp.NeuralNetMLP_ReLU):
    def backward(self, x, a_h, a_out, y):
        return mlp.NeuralNetMLP.backward(self, x, a_h, a_out, y)  # sigmoid's derivative


def test_wrong_derivative_names_the_hidden_parameters(cfg):
    got = outcomes("gradients", env(NeuralNetMLP_ReLU=WrongDerivative), cfg)
    assert got["w_out"].passed and got["b_out"].passed
    assert not got["w_h"].passed and "weight_h" in got["w_h"].message and "relative error" in got["w_h"].message
    assert not got["b_h"].passed


def test_rel_error():
    assert public.rel_error(np.ones(3), np.ones(3)) == 0
    assert public.rel_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)


def test_hanging_forward_costs_only_its_check(cfg):
    class Hangs(mlp.NeuralNetMLP_ReLU):
        def forward(self, x):
            while True:
                pass

    quick = dict(cfg["checks"]["forward"], timeout_s=1)
    e = env(NeuralNetMLP_ReLU=Hangs)
    with pytest.raises(AssertionError, match="longer than 1 s"):
        public.check_case(e, "forward", "a_h", quick, otter_cases.RUNNERS)
    public.check_case(e, "relu", "values", cfg["checks"]["relu"], otter_cases.RUNNERS)


def test_training_loop_runs_in_float32():
    """The grader's loop is float32 end to end (half the time of float64, bench/grading.py); one
    float64 array anywhere, such as a float64 one-hot target, would make every product float64."""
    seen = set()

    class Spy(mlp.NeuralNetMLP_ReLU):
        def backward(self, x, a_h, a_out, y):
            grads = super().backward(x, a_h, a_out, y)
            seen.update(a.dtype for a in (x, a_h, a_out, *grads))
            return grads

    rng = np.random.default_rng(0)
    X, y = rng.integers(0, 256, (300, 784), dtype=np.uint8), rng.integers(0, 10, 300)
    model = Spy(784, 50, 10)
    mlp.train(model, X, y, num_epochs=1, log=None)
    assert seen == {np.dtype(np.float32)}
    assert all(getattr(model, p).dtype == np.float32 for p in ("weight_h", "bias_h", "weight_out", "bias_out"))
