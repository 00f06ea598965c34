"""grading.yml, the one place for points, thresholds, seeds and budgets, as typed config.

Loading checks every key and type against the dataclasses below and names the line at fault:
a misspelt `timout_s` fails `make build` instead of being ignored in silence.
"""

import dataclasses
import types
import typing
from functools import cache
from pathlib import Path

import yaml

# In the repository grading.yml sits beside this package; the build puts it there in the zip too.
GRADING_YML = Path(__file__).resolve().parent.parent / "grading.yml"


class ConfigError(ValueError):
    pass


# The cases each check reports (autograder/checks); grading.yml gives every one its points, so a
# misspelt or missing case fails the build too. Adding a case means writing it in the check first.
KNOWN_CASES = {
    "relu": ("values", "shapes", "unmodified", "float64", "large", "float32"),
    "forward": ("runs", "a_h", "a_out"),
    "backward": ("runs", "d_w_out", "d_b_out", "d_w_h", "d_b_h"),
    "gradients": ("w_out", "b_out", "w_h", "b_h"),
    "training": ("curve", "accuracy"),
}


@dataclasses.dataclass(frozen=True)
class Case:
    points: float
    public: bool = False  # also in the students' copy of the tests (grader.check)

    @property
    def advice(self):
        """A case worth nothing is reported as advice: where correct idioms differ."""
        return self.points == 0


@dataclasses.dataclass(frozen=True)
class Check:
    cases: dict[str, Case]
    visibility: typing.Literal["visible", "after_due_date", "after_published", "hidden"] = "visible"
    timeout_s: float = 10
    seed: int = 0
    n_examples: int = 64
    rtol: float = 1e-6
    atol: float = 1e-8

    @property
    def points(self):
        return sum(c.points for c in self.cases.values())


@dataclasses.dataclass(frozen=True)
class GradientsCheck(Check):
    eps: float = 1e-5
    kink_margin: float = 1e-3
    max_rel_error: float = 1e-4
    sampled_entries: int = 40  # entries checked of each larger parameter (CS231n's grad_check_sparse)


@dataclasses.dataclass(frozen=True)
class TrainingCheck(Check):
    model_seed: int = 4
    shuffle_seed: int = 4
    epochs: int = 20
    learning_rate: float = 0.1
    minibatch_size: int = 100
    curve_epochs: int = 5
    curve_examples: int = 5000
    min_test_accuracy: float = 0.95
    stop_at_accuracy: bool = True  # stop once min_test_accuracy is reached, not after all epochs
    accuracy_from_epoch: int = 10  # with stop_at_accuracy: the first epoch after which the accuracy is measured
    # steps whose forward and backward the grader recomputes with the reference (one in spot_check_every, drawn
    # from spot_seed: the notebook's own, autograder/seeds.py), to spot_max_error of the largest entry
    spot_check_every: int = 40
    spot_check_first: int = 20  # and every one of the first steps: code wrong from the start is found at once
    spot_max_error: float = 1e-4
    spot_kink_margin: float = 1e-3  # hidden units this close to ReLU's kink are judged by the student's side
    spot_seed: int = 0
    # checks that must pass in full for the network to be trained (else: no training points)
    requires: tuple[typing.Literal["relu", "forward", "backward", "gradients"], ...] = (
        "forward",
        "backward",
        "gradients",
    )

    @property
    def first_accuracy_epoch(self):
        """With stop_at_accuracy, the epoch after which the accuracy is first measured: never before the
        loss curve is complete, never after the last epoch."""
        return min(max(self.curve_epochs, self.accuracy_from_epoch), self.epochs)


@dataclasses.dataclass(frozen=True)
class Checks:
    relu: Check
    forward: Check
    backward: Check
    gradients: GradientsCheck
    training: TrainingCheck

    def items(self):
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]


@dataclasses.dataclass(frozen=True)
class Sandbox:
    isolation: tuple[typing.Literal["bubblewrap", "nobody"], ...] = ("bubblewrap", "nobody")
    cell_timeout_s: float = 30
    notebook_timeout_s: float = 120
    memory_mb: int = 550
    max_processes: int = 64


@dataclasses.dataclass(frozen=True)
class Config:
    assignment: str
    python_version: str
    checks: Checks
    sandbox: Sandbox
    blas_threads: int = 1
    budget_s: float = 420
    colab_files_url: str = ""
    batch_jobs: int = 0  # `make grade`: submissions graded at once; 0 = one per core

    @property
    def points(self):
        return sum(check.points for _, check in self.checks.items())


def _type_name(tp):
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _convert(tp, node, where):
    """The YAML node as a value of type tp; ConfigError with the node's line otherwise."""
    line = node.start_mark.line + 1
    origin, args = typing.get_origin(tp), typing.get_args(tp)

    def fail(msg):
        raise ConfigError(f"grading.yml, line {line}: {where or 'the top level'}: {msg}")

    if dataclasses.is_dataclass(tp):
        if not isinstance(node, yaml.MappingNode):
            fail(f"expected a mapping of {', '.join(f.name for f in dataclasses.fields(tp))}")
        fields = {f.name: f for f in dataclasses.fields(tp)}
        hints = typing.get_type_hints(tp)
        values = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in fields:
                raise ConfigError(
                    f"grading.yml, line {key_node.start_mark.line + 1}: unknown key {key!r}"
                    f"{' in ' + where if where else ''} (known: {', '.join(fields)})"
                )
            values[key] = _convert(hints[key], value_node, f"{where}.{key}" if where else key)
        missing = [
            name
            for name, f in fields.items()
            if name not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            fail(f"missing {', '.join(missing)}")
        return tp(**values)
    if origin is dict:
        if not isinstance(node, yaml.MappingNode):
            fail("expected a mapping")
        check = where.removeprefix("checks.").removesuffix(".cases")
        known = KNOWN_CASES.get(check) if where == f"checks.{check}.cases" else None
        for k, _ in node.value:
            if known and k.value not in known:
                raise ConfigError(
                    f"grading.yml, line {k.start_mark.line + 1}: unknown case {k.value!r} in {where}"
                    f" (known: {', '.join(known)})"
                )
        missing = [name for name in known or () if name not in {k.value for k, _ in node.value}]
        if missing:
            fail(f"missing {', '.join(missing)} (give a case points: 0 to make it advice)")
        return {k.value: _convert(args[1], v, f"{where}.{k.value}") for k, v in node.value}
    if origin is tuple:
        if not isinstance(node, yaml.SequenceNode):
            fail("expected a list")
        items = node.value
        item_types = [args[0]] * len(items) if len(args) == 2 and args[1] is Ellipsis else list(args)
        if len(item_types) != len(items):
            fail(f"expected {len(item_types)} items, got {len(items)}")
        return tuple(_convert(t, n, f"{where}[{i}]") for i, (t, n) in enumerate(zip(item_types, items)))
    if origin is typing.Literal:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if value not in args:
            fail(f"expected one of {', '.join(map(str, args))}, got {value!r}")
        return value
    if origin in (typing.Union, types.UnionType):
        raise TypeError(f"unsupported type {tp}")
    if not isinstance(node, yaml.ScalarNode):
        fail(f"expected a {_type_name(tp)}")
    value = yaml.constructor.SafeConstructor().construct_object(node)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if tp is str and node.tag == "tag:yaml.org,2002:str":
        return value
    if type(value) is not tp:
        fail(f"expected a {_type_name(tp)}, got {node.value!r}")
    return value


def parse(text):
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise ConfigError(f"grading.yml is not valid YAML: {e}") from None
    if node is None:
        raise ConfigError("grading.yml is empty")
    return _convert(Config, node, "")


def load(path=None):
    """The config in grading.yml (or path), read once per file."""
    return _load(Path(path or GRADING_YML))


@cache
def _load(path):
    return parse(path.read_text())
