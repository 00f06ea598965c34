"""grading.yml as typed config: every key and type checked, the line at fault named."""

import pytest

from autograder import config
from instructor import build

GOOD = config.GRADING_YML.read_text()


def test_grading_yml_loads_with_twenty_points(cfg):
    assert cfg.points == 20
    assert cfg.checks.relu.cases["large"].advice and not cfg.checks.relu.cases["values"].advice
    assert cfg.checks.gradients.sampled_entries > 0 and cfg.checks.training.requires


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "    timeout_s: 10\n    seed: 1001",
            "    timout_s: 10\n    seed: 1001",
            "line 25: unknown key 'timout_s' in checks.relu",
        ),
        (
            "    timeout_s: 10\n    seed: 1001",
            "    timeout_s: ten\n    seed: 1001",
            "line 25: checks.relu.timeout_s: expected a float",
        ),
        ("isolation: [bubblewrap, nobody]", "isolation: [bwrap]", "expected one of bubblewrap, nobody, got 'bwrap'"),
        ("budget_s: 420", "budget: 420", "unknown key 'budget' (known:"),
        (
            "      accuracy: {points: 4}",
            "      accuracy: {points: 4, publik: true}",
            "unknown key 'publik' in checks.training.cases.accuracy",
        ),
        ("      values: {points: 1, public: true}", "      valeus: {points: 1, public: true}", "unknown case 'valeus'"),
        ("      a_out: {points: 1}\n", "", "checks.forward.cases: missing a_out"),
    ],
)
def test_misspelt_or_mistyped_key_names_key_and_line(old, new, message):
    assert old in GOOD
    with pytest.raises(config.ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        config.parse(GOOD.replace(old, new, 1))


def test_build_fails_on_a_misspelt_key(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "grading.yml"
    bad.write_text(GOOD.replace("budget_s: 420", "budgt_s: 420"))
    monkeypatch.setattr(config, "GRADING_YML", bad)
    with pytest.raises(SystemExit, match="line 8: unknown key 'budgt_s'"):
        build.main(["--no-zip"])
