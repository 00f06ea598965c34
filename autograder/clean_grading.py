"""Grade a notebook with its code in a process of its own (sandbox/), the checks and their
expected values in this one. Nothing the notebook does (patching numpy, Otter or builtins,
redefining names, hanging, exhausting memory, printing, writing files) reaches the grader.

    python -m autograder.clean_grading NOTEBOOK     prints each check's outcomes
"""
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .checks import public
from .otter_cases import RUNNERS
from .sandbox.client import RemoteClass, RemoteFunction, StudentProcess

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Report:
    outcomes: dict = field(default_factory=dict)   # {check: {case: Outcome}}
    notes: list = field(default_factory=list)      # about the notebook as a whole

    def summary(self):
        return "\n".join(self.notes)


def mnist_path():
    sys.path.insert(0, str(support_dir()))
    from mnist_data import find_npz
    return find_npz()


def support_dir():
    """Where mnist_data.py is: beside grading.yml in the zip, in assignment/ in the repository."""
    return ROOT if (ROOT / "mnist_data.py").exists() else ROOT / "assignment"


def grade(notebook, cfg=None):
    cfg = cfg or config.load()
    sandbox = cfg["sandbox"]
    process = StudentProcess(notebook, mnist_path(), sandbox["cell_timeout_s"], sandbox["memory_mb"],
                             sandbox["notebook_timeout_s"], support_files=[support_dir() / "mnist_data.py"],
                             blas_threads=cfg["blas_threads"])
    report = Report()
    try:
        process.start()
        if process.start_error:
            report.notes.append(f"Your notebook could not be graded: {process.start_error}")
        report.notes += process.notes
        if process.user is None:
            print("clean_grading: student code runs as this user (not root, or `nobody` cannot run Python)",
                  file=sys.stderr)
        for check, check_cfg in cfg["checks"].items():
            if process.start_error:
                report.outcomes[check] = {None: public.fail(f"Not graded: {process.start_error}")}
                continue
            if not process.alive:
                process.restart()
            env = {"relu": RemoteFunction(process, check_cfg["timeout_s"]) if "relu" in process.defined else None,
                   "NeuralNetMLP_ReLU": (RemoteClass(process, check_cfg["timeout_s"])
                                         if "NeuralNetMLP_ReLU" in process.defined else None)}
            runner = RUNNERS[check]
            report.outcomes[check] = public.run_check(runner, env, check, check_cfg)
            if any(not o.passed and ("longer than" in o.message or "stopped" in o.message)
                   for o in report.outcomes[check].values()):
                process.restart()  # it may still be busy with the call that timed out
    finally:
        process.stop()
    return report


def main():
    report = grade(sys.argv[1])
    print(report.summary())
    for check, outcomes in report.outcomes.items():
        for case, outcome in outcomes.items():
            print(f"{check}: {case}: {'passed' if outcome.passed else 'FAILED ' + outcome.message}")


if __name__ == "__main__":
    main()
