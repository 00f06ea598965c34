"""A graded submission: each check's cases with their outcomes, notes about the notebook for the
student, a log for the instructor. One writer of Gradescope's results.json (its specification:
https://gradescope-autograders.readthedocs.io/en/latest/specs/) and of the feedback text."""

import json
from dataclasses import asdict, dataclass, field

from .checks.public import Outcome

UPLOAD = "Upload the assignment's .ipynb file as Jupyter saved it, or the .zip that grader.export() writes."
AUTOGRADER_FAILED = (
    "The autograder failed while grading your submission: this is a problem with the autograder, "
    "not with your code. Your instructor can see the cause; resubmitting may help."
)
ICONS = {"passed": "✅", "failed": "❌", "advice": "💡"}


@dataclass
class Report:
    results: dict = field(default_factory=dict)  # {check: {case: Outcome}}
    notes: list = field(default_factory=list)  # for the student, about the notebook as a whole
    log: list = field(default_factory=list)  # for the instructor: the sandbox used, causes of failures
    status: str = "graded"  # "graded", "not graded" (not a notebook), "autograder failed", "timed out"
    timings: dict = field(default_factory=dict)  # phase: seconds

    def fail_all(self, cfg, message, stopped=""):
        for name, check in cfg.checks.items():
            self.results[name] = {case: Outcome(False, message, stopped) for case in check.cases}

    def score(self, cfg, check=None):
        names = [check] if check else [n for n, _ in cfg.checks.items()]
        total = 0.0
        for name in names:
            cases = getattr(cfg.checks, name).cases
            total += sum(c.points for case, c in cases.items() if self.outcome(name, case).passed)
        return round(total, 4)

    def outcome(self, check, case):
        return self.results.get(check, {}).get(case) or Outcome(False, "not graded")

    # -- what the student sees ---------------------------------------------------------------------
    def check_output(self, cfg, name):
        lines = []
        for case, c in getattr(cfg.checks, name).cases.items():
            o = self.outcome(name, case)
            if c.advice:
                lines.append(
                    f"{ICONS['passed']} {case} (advice, no points)"
                    if o.passed
                    else f"{ICONS['advice']} {case} (advice, no points): {o.message}"
                )
            elif o.passed:
                lines.append(
                    f"{ICONS['passed']} {case} ({c.points:g} / {c.points:g})" + (f": {o.message}" if o.message else "")
                )
            else:
                lines.append(f"{ICONS['failed']} {case} (0 / {c.points:g}): {o.message}")
        return "\n".join(lines)

    def to_gradescope(self, cfg):
        tests = []
        for name, check in cfg.checks.items():
            score = self.score(cfg, name)
            tests.append(
                {
                    "name": name,
                    "score": score,
                    "max_score": check.points,
                    "visibility": check.visibility,
                    "status": "passed" if score == check.points else "failed",
                    "output": self.check_output(cfg, name),
                }
            )
        results = {
            "score": self.score(cfg),
            "tests": tests,
            "stdout_visibility": "hidden",
            "execution_time": round(self.timings.get("total", 0), 1),
        }
        if self.notes:
            results["output"] = "About your notebook:\n" + "\n".join(f"- {n}" for n in self.notes)
        return results

    def feedback(self, cfg, who=""):
        return feedback_text(self.to_gradescope(cfg), who)

    # -- as data (the Otter plugin's report notebook, `make grade`'s rows) -----------------------
    def to_json(self):
        return json.dumps(
            {
                "results": {
                    check: {case: asdict(o) for case, o in cases.items()} for check, cases in self.results.items()
                },
                "notes": self.notes,
                "log": self.log,
                "status": self.status,
                "timings": self.timings,
            }
        )

    @classmethod
    def from_json(cls, text):
        d = json.loads(text)
        results = {check: {case: Outcome(**o) for case, o in cases.items()} for check, cases in d["results"].items()}
        return cls(results, d["notes"], d["log"], d["status"], d["timings"])


def write_results(path, results):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    tmp.replace(path)  # atomic: Gradescope never reads half a file


def feedback_text(results, who=""):
    """What Gradescope shows the student of a results.json, as plain text (feedback.txt)."""
    possible = sum(t.get("max_score", 0) for t in results.get("tests", []))
    parts = [f"Feedback for {who}" if who else "Feedback", f"Score: {results.get('score', 0):g} / {possible:g}", ""]
    if results.get("output"):
        parts += [results["output"], ""]
    for test in results.get("tests", []):
        parts += [
            f"== {test['name']} ({test.get('score', 0):g} / {test.get('max_score', 0):g})",
            test.get("output", "").rstrip(),
            "",
        ]
    return "\n".join(parts)
