"""The checks as plain functions of the student's definitions: fast, and each shown able to fail.
The training check runs against a real sandbox with a few epochs."""

import dataclasses
import time

import nbformat
import numpy as np
import pytest

from autograder import config, data, notebook, slicing
from autograder.checks import REGISTRY, public, training
from autograder.grader import SandboxedStudent
from autograder.sandbox.client import Files, Sandbox
from instructor.build import definitions
from reference import mlp
from tests.conftest import ROOT


def student(relu=mlp.relu, cls=mlp.NeuralNetMLP_ReLU):
    return public.Student(relu, cls)


def outcomes(check, s, cfg):
    return REGISTRY[check](s, getattr(cfg.checks, check))


def failed(result):
    return {case for case, o in result.items() if not o.passed}


@pytest.mark.parametrize("check", ["relu", "forward", "backward", "gradients"])
def test_reference_passes_every_case(cfg, check):
    got = outcomes(check, student(), cfg)
    assert set(got) == set(getattr(cfg.checks, check).cases)
    assert not failed(got), got


BAD_RELUS = {
    "abs": (lambda z: np.abs(z), {"values", "shapes", "unmodified", "float64", "large", "float32"}, "That is |z|"),
    "step": (lambda z: (z > 0).astype(float), set(public.RELU_CASES), "step function"),
    "in_place": (lambda z: in_place(z), {"unmodified"}, "changed its argument in place"),
    "max_reduction": (
        lambda z: np.max(z, 0),
        {"values", "shapes", "unmodified", "float64", "large", "float32"},
        "np.max(z, 0) and max(z) reduce an array",
    ),
    "float32_out": (lambda z: np.maximum(z, 0).astype(np.float32), {"float64"}, "a dtype problem, not a wrong value"),
    "none": (lambda z: None, set(public.RELU_CASES), "did the function `return` its result?"),
    "placeholder": (lambda z: z * ..., set(public.RELU_CASES), "A `...` placeholder is still in your code"),
    "python_max": (
        lambda z: max(z, 0),
        set(public.RELU_CASES) - {"shapes"} | {"shapes"},
        "work on single numbers only",
    ),
    "scalar_fails": (
        lambda z: z.copy().clip(min=0) if isinstance(z, np.ndarray) else z.no_such_thing,
        {"shapes"},
        "relu(a negative scalar) raised AttributeError",
    ),
}


def in_place(z):
    z = np.asarray(z)
    z[z < 0] = 0
    return z


@pytest.mark.parametrize("name", BAD_RELUS)
def test_each_bad_relu_fails_exactly_its_cases_with_a_named_defect(cfg, name):
    fn, expected, message = BAD_RELUS[name]
    got = outcomes("relu", student(relu=fn), cfg)
    assert failed(got) == expected
    assert any(message in o.message for o in got.values() if not o.passed), got


@pytest.mark.parametrize(
    "fn", [lambda z: z * (z > 0), lambda z: (z + np.abs(z)) / 2, lambda z: np.clip(np.array(z, dtype=float), 0, None)]
)
def test_idioms_that_differ_only_at_edges_get_advice_not_lost_points(cfg, fn):
    got = outcomes("relu", student(relu=fn), cfg)
    assert failed(got) <= {"large", "float32"} and failed(got)
    assert all(cfg.checks.relu.cases[c].advice for c in failed(got))


def test_missing_definitions_are_named(cfg):
    assert "`relu` is not defined" in outcomes("relu", student(relu=None), cfg)["values"].message
    assert "`NeuralNetMLP_ReLU` is not defined" in outcomes("forward", student(cls=None), cfg)["a_h"].message


class SigmoidHidden(mlp.NeuralNetMLP):
    """The forgotten switch: consistent forward and backward, still sigmoid."""


class WrongDerivative(mlp.NeuralNetMLP_ReLU):
    def backward(self, x, a_h, a_out, y):
        return mlp.NeuralNetMLP.backward(self, x, a_h, a_out, y)  # sigmoid's derivative


class GreaterEqual(mlp.NeuralNetMLP_ReLU):
    def backward(self, x, a_h, a_out, y):
        w = self.weight_h
        grads = list(mlp.NeuralNetMLP_ReLU.backward(self, x, np.where(a_h > 0, a_h, 0), a_out, y))
        delta = 2 * (a_out - np.eye(10)[y]) / y.shape[0] * a_out * (1 - a_out) @ self.weight_out
        grads[2], grads[3] = delta.T @ x, delta.sum(axis=0)
        assert w is self.weight_h
        return tuple(grads)


class UsesForwardCache(mlp.NeuralNetMLP_ReLU):
    def forward(self, x):
        self.z_h = x @ self.weight_h.T + self.bias_h
        return super().forward(x)

    def backward(self, x, a_h, a_out, y):
        return super().backward(x, np.maximum(self.z_h, 0), a_out, y)


def test_forgotten_switch_is_consistent_but_graded_against_the_network(cfg, capsys):
    s = student(cls=SigmoidHidden)
    public.gradient_check_report(SigmoidHidden)  # the students' check: its own forward, consistent
    assert "WRONG" not in capsys.readouterr().out
    assert "sigmoid(z_h)" in outcomes("forward", s, cfg)["a_h"].message
    graded = outcomes("gradients", s, cfg)  # the autograder's: the network's numeric gradients
    assert failed(graded) == set(cfg.checks.gradients.cases) and "fix forward first" in graded["w_h"].message


class FrozenAfterBackward(WrongDerivative):
    """A cheat: once backward has seen x, forward ignores changes to the hidden layer's parameters, so
    that differentiating forward numerically gives what a wrong backward says."""

    def forward(self, x):
        frozen = getattr(self, "frozen", None)
        if frozen is not None and np.array_equal(frozen[0], x):
            a_h = mlp.relu(x @ frozen[1].T + frozen[2])
            return a_h, mlp.sigmoid(a_h @ self.weight_out.T + self.bias_out)
        return super().forward(x)

    def backward(self, x, a_h, a_out, y):
        self.frozen = (x.copy(), self.weight_h.copy(), self.bias_h.copy())
        return super().backward(x, a_h, a_out, y)


def test_a_forward_that_plays_along_with_backward_changes_nothing(cfg):
    honest, cheat = (outcomes("gradients", student(cls=c), cfg) for c in (WrongDerivative, FrozenAfterBackward))
    assert failed(cheat) == failed(honest) == {"w_h", "b_h"}


def test_wrong_derivative_names_the_hidden_parameters(cfg):
    got = outcomes("gradients", student(cls=WrongDerivative), cfg)
    assert failed(got) == {"w_h", "b_h"} and "weight_h" in got["w_h"].message
    back = outcomes("backward", student(cls=WrongDerivative), cfg)
    assert failed(back) == {"d_w_h", "d_b_h"} and "sigmoid's derivative" in back["d_w_h"].message


def test_derivative_one_where_activation_is_zero_is_named(cfg):
    back = outcomes("backward", student(cls=GreaterEqual), cfg)
    assert failed(back) == {"d_w_h", "d_b_h"} and "did you use `>=`?" in back["d_w_h"].message


def test_backward_that_uses_what_forward_cached_is_graded_on_its_results(cfg):
    for check in ("backward", "gradients"):
        assert not failed(outcomes(check, student(cls=UsesForwardCache), cfg))


@pytest.mark.parametrize(
    "cls, fails",
    [
        (mlp.NeuralNetMLP_ReLU, set()),
        (UsesForwardCache, set()),
        (WrongDerivative, {"backward.d_w_h", "backward.d_b_h", "gradients.w_h", "gradients.b_h"}),
        (GreaterEqual, {"backward.d_w_h", "backward.d_b_h", "gradients.w_h", "gradients.b_h"}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_every_notebooks_seed_gives_the_same_verdict(cfg, cls, fails):
    """Each notebook gets inputs of its own (autograder/seeds.py): no seed may cost a correct
    notebook a point (rounding noise on tiny gradient entries did, 1 notebook in 5) or spare a bug."""
    s = student(cls=cls)
    for seed in range(1, 400, 7):
        failed_here = set()
        for check in ("relu", "forward", "backward", "gradients"):
            settings = dataclasses.replace(getattr(cfg.checks, check), seed=seed)
            failed_here |= {f"{check}.{case}" for case in failed(REGISTRY[check](s, settings))}
        assert failed_here == fails, f"seed {seed}"


@pytest.mark.slow
def test_the_reference_passes_for_a_thousand_notebooks_seeds(cfg):
    """The same with more seeds: a failure 1 notebook in 300 (a_out exactly 1.0) shows here."""
    s = student()
    for seed in range(1000):
        for check in ("relu", "forward", "backward", "gradients"):
            settings = dataclasses.replace(getattr(cfg.checks, check), seed=seed)
            assert not failed(REGISTRY[check](s, settings)), f"{check}, seed {seed}"


def test_rel_error():
    assert public.rel_error(np.ones(3), np.ones(3)) == 0
    assert public.rel_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)


def test_public_check_case_raises_for_points_and_prints_advice(cfg, capsys):
    settings = {"seed": cfg.checks.relu.seed, "points": 1}
    with pytest.raises(AssertionError, match="That is |z|"):
        public.check_case({"relu": np.abs}, "relu", "values", settings)
    public.check_case({"relu": lambda z: z * (z > 0)}, "relu", "large", dict(settings, points=0))
    assert "Advice (no points), relu: large" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# training: in a sandbox, the grader's loop, a few epochs


def class_cells(extra=""):
    defs = definitions(ROOT / "reference" / "mlp.py")
    return [
        "import numpy as np\nfrom mnist_data import to_float",
        "\n\n".join(defs[n] for n in ("sigmoid", "int_to_onehot", "relu")),
        defs["NeuralNetMLP_ReLU"] + extra,
    ]


def train_with(cells, layout, cfg, tmp_path, epochs=2, **changes):
    nb = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells]), nb)
    plan = slicing.plan(notebook.read(nb))
    box = Sandbox(cfg.sandbox, Files(layout.student_dir, layout.student_mnist))
    try:
        run = box.start(plan.message(10, 60), time.monotonic() + 60)
        tcfg = dataclasses.replace(cfg.checks.training, epochs=epochs, curve_epochs=min(epochs, 2), **changes)
        s = SandboxedStudent(box, run.defined, time.monotonic() + 60, layout, {})
        t = training.settle(training.Training(box, tcfg, time.monotonic() + 60, layout).run(), s, tcfg)
        return t, training.judge(t, tcfg), s
    finally:
        box.close()


def test_grader_trains_the_reference_as_the_book_does(layout, cfg, tmp_path):
    t, result, _ = train_with(class_cells(), layout, cfg, tmp_path, epochs=2, min_test_accuracy=0.9)
    assert not t.error and t.epochs_done == 2
    assert t.losses[0] > t.losses[1] > t.losses[2]
    assert result["curve"].passed and result["accuracy"].passed and t.accuracy > 0.9
    # the same two epochs with the reference's own loop in this process give the same parameters
    import mnist_data

    X, y, *_ = mnist_data.load_mnist(layout.student_mnist)
    X_test, y_test = data.test_images(layout), data.test_labels(layout)
    model = mlp.NeuralNetMLP_ReLU(784, 50, 10, random_seed=cfg.checks.training.model_seed)
    mlp.train(model, X, y, num_epochs=2, seed=cfg.checks.training.shuffle_seed, log=None)
    assert mlp.accuracy(y_test, mlp.predict(model, X_test)) == t.accuracy


@pytest.mark.parametrize("start, stop", [(1, 2), (3, 3)])  # never before the curve's 2 epochs are done
def test_accuracy_is_measured_from_accuracy_from_epoch_on(layout, cfg, tmp_path, start, stop):
    t, result, _ = train_with(
        class_cells(), layout, cfg, tmp_path, epochs=4, min_test_accuracy=0.5, accuracy_from_epoch=start
    )
    assert t.epochs_done == stop and result["curve"].passed and result["accuracy"].passed


FROZEN = """

    def __setattr__(self, name, value):
        if name in ("weight_h", "bias_h", "weight_out", "bias_out") and name in self.__dict__:
            value = np.array(value, copy=True) * 0 + self.__dict__[name]
        object.__setattr__(self, name, value)
"""


def test_parameters_that_ignore_assignments_end_training_with_a_message(layout, cfg, tmp_path):
    t, result, _ = train_with(class_cells(FROZEN), layout, cfg, tmp_path, epochs=1)
    assert "does not keep the parameters it is given" in t.error
    assert not result["curve"].passed and not result["accuracy"].passed


def test_parameters_changed_in_place_by_backward_are_caught(layout, cfg, tmp_path):
    cells = class_cells()
    cells[-1] = cells[-1].replace(
        "        return (d_loss__dw_out,", "        self.bias_h += 0.001\n        return (d_loss__dw_out,"
    )
    t, result, _ = train_with(cells, layout, cfg, tmp_path, epochs=1)
    assert "changed the model's parameters themselves" in t.error and not t.contradicts


def test_the_students_outputs_decide_nothing(layout, cfg, tmp_path):
    """forward returning perfect one-hot labels for the test set, or constant falling losses, does not
    change the accuracy or the loss curve: the grader computes both from the parameters."""
    cells = class_cells()
    cells[-1] = cells[-1].replace(
        "        a_out = sigmoid(z_out)\n        return a_h, a_out",
        "        a_out = sigmoid(z_out)\n        self.calls = getattr(self, 'calls', 0) + 1\n"
        "        return a_h, a_out if x.shape[0] != 100 else np.full_like(a_out, 1 / self.calls)",
    )
    t, _, _ = train_with(cells, layout, cfg, tmp_path, epochs=1)
    honest, _, _ = train_with(class_cells(), layout, cfg, tmp_path, epochs=1)
    assert t.losses[0] == honest.losses[0] and t.accuracy != honest.accuracy  # its own (constant) outputs trained it


FLOAT64_SUMS = (  # hidden pre-activations summed in float64: units at the kink fall the other way
    "z_h = np.dot(x, self.weight_h.T) + self.bias_h",
    "z_h = (np.dot(x.astype(np.float64), self.weight_h.T.astype(np.float64)) + self.bias_h).astype(x.dtype)",
)


IN_PLACE_DERIVATIVE = (  # backward turns a_h into the derivative in place, after its last use
    "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)",
    "d_a_h__d_z_h = a_h\n        d_a_h__d_z_h[d_a_h__d_z_h > 0] = 1",
)


@pytest.mark.parametrize(
    "change", [None, FLOAT64_SUMS, IN_PLACE_DERIVATIVE], ids=["reference", "float64_sums", "in_place_derivative"]
)
def test_every_step_of_a_correct_training_passes_the_spot_checks(layout, cfg, tmp_path, change):
    """Spot checks on all 550 steps of an epoch: float32 sums in other orders and units at the kink
    never make a correct notebook's step look wrong (with spot_kink_margin 0, float64_sums fails)."""
    cells = class_cells()
    if change:
        cells[-1] = cells[-1].replace(*change)
    t, _, _ = train_with(cells, layout, cfg, tmp_path, epochs=1, spot_check_every=1)
    assert not t.error and not t.contradicts


IN_TRAINING = "\n\ntraining = lambda x: x.dtype == np.float32  # a cheat's test: MNIST batches are float32\n"


def train_cheat(cheat, layout, cfg, tmp_path):
    """One epoch of the reference class with cheat = (old, new) applied to it, and `training(x)`."""
    cells = class_cells()
    old, new = cheat
    assert old in cells[-1]
    cells[-1] = cells[-1].replace(old, new) + IN_TRAINING
    t, result, _ = train_with(cells, layout, cfg, tmp_path, epochs=1)
    return t, result


RING_ZEROED = (  # backward finds the training loop's frame and zeroes what its step hands over: the
    # claimed a_h = 0 makes the hidden gradients of a derivative left 0 look consistent
    "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)",
    "_loop = __import__('sys')._getframe(1).f_locals\n"
    "        if 'ring' in _loop:\n"
    "            _loop['ring'][_loop['slot'], :] = 0\n"
    "        d_a_h__d_z_h = (a_h > 0) * (0. if training(x) else 1.)",
)


@pytest.mark.parametrize(
    "cheat",
    [
        RING_ZEROED,
        # forward right on a replay of the step (a new process), doubled inside the training loop
        ("a_h = relu(z_h)", "a_h = relu(z_h) * (2 if 'ring' in __import__('sys')._getframe(1).f_locals else 1)"),
    ],
)
def test_a_step_that_replays_otherwise_refutes_forward_backward_and_gradients(layout, cfg, tmp_path, cheat):
    t, result = train_cheat(cheat, layout, cfg, tmp_path)
    assert {check: set(cases) for check, cases in t.contradicts.items()} == {
        check: set(config.KNOWN_CASES[check]) for check in ("forward", "backward", "gradients")
    }
    assert "runs that same step again on its own" in t.contradicts["backward"]["d_w_h"]
    assert not result["accuracy"].passed and "not what it computes on its own" in result["accuracy"].message


@pytest.mark.parametrize(
    "cheat, contradicted",
    [
        (  # a derivative twice too large, only on training data
            ("d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)", "d_a_h__d_z_h = (a_h > 0) * (2. if training(x) else 1.)"),
            {"backward": {"d_w_h", "d_b_h"}, "gradients": {"w_h", "b_h"}},
        ),
        (  # a hidden layer doubled, only on training data
            ("a_h = relu(z_h)", "a_h = relu(z_h) * (2 if training(x) else 1)"),
            {"forward": {"a_h", "a_out"}, "gradients": {"w_out", "b_out", "w_h", "b_h"}},
        ),
        (  # the switch forgotten, only on training data: backward is judged on what forward gave it
            (
                "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)",
                "d_a_h__d_z_h = a_h * (1. - a_h) if training(x) else (a_h > 0).astype(a_h.dtype)",
            ),
            {"backward": {"d_w_h", "d_b_h"}, "gradients": {"w_h", "b_h"}},
        ),
        (  # gradients of another shape, only on training data
            (
                "d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)",
                "d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0, keepdims=training(x))",
            ),
            {
                "backward": {"runs", "d_w_out", "d_b_out", "d_w_h", "d_b_h"},
                "gradients": {"w_out", "b_out", "w_h", "b_h"},
            },
        ),
    ],
)
def test_code_that_computes_otherwise_in_training_loses_the_cases_it_passed(layout, cfg, tmp_path, cheat, contradicted):
    t, result = train_cheat(cheat, layout, cfg, tmp_path)
    assert {check: set(cases) for check, cases in t.contradicts.items()} == contradicted
    assert "In the grader's training" in next(iter(t.contradicts["gradients"].values()))
    assert not result["curve"].passed and "Training stopped after 0 of 1 epochs" in result["accuracy"].message
