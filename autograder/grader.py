"""Grade one notebook: read its cells, run those the graded definitions need in the sandbox, then run
each check against the definitions, each in a fresh fork of the notebook's process, within the
submission's time budget. Nothing the notebook does reaches this process: it only reads values back.

    python -m autograder.grader NOTEBOOK       prints the feedback and the instructor's log
"""

import contextlib
import sys
import time
import traceback
from pathlib import Path

from . import config, notebook, seeds, slicing
from .checks import REGISTRY, public
from .data import Layout
from .errors import NotIsolated
from .report import AUTOGRADER_FAILED, UPLOAD, Report
from .sandbox.client import Files, RemoteClass, RemoteFunction, Sandbox

RESERVE_S = 5  # of the budget, kept for writing the results
NEWER_PYTHON = (
    "If a cell with a syntax error runs where you wrote it: the autograder runs Python {0.major}.{0.minor}, "
    "and syntax new in a later version (such as Python 3.12's f-strings) is an error here."
)


class SandboxedStudent(public.Student):
    """The student's definitions as proxies into the sandbox; `fresh()` starts a new fork."""

    def __init__(self, sandbox, defined, deadline, layout, timings):
        super().__init__()
        self.sandbox, self.defined, self.deadline, self.paths, self.timings = (
            sandbox,
            defined,
            deadline,
            layout,
            timings,
        )
        self.session, self.earlier = None, {}  # earlier: the outcomes of the checks before this one
        self.contradicts = {}  # {check: {case: message}}: earlier cases the training's spot checks refute

    def fresh(self, new=False):
        """The check's process: one per check, a new one after the code stopped (a session forks
        again by itself) or when asked for."""
        if self.session is not None and not new:
            return self
        if self.session is not None:
            self.session.close(kill=True)
        self.session = self.sandbox.session(self.deadline)
        self.relu = RemoteFunction(self.session) if "relu" in self.defined else None
        self.cls = RemoteClass(self.session) if "NeuralNetMLP_ReLU" in self.defined else None
        return self

    @contextlib.contextmanager
    def time_limit(self, seconds):
        before = self.session.deadline
        self.session.deadline = min(before, time.monotonic() + seconds)
        try:
            yield
        finally:
            self.session.deadline = before

    def close(self):
        if self.session is not None:
            self.session.close(kill=True)


def grade(path, cfg=None, layout=None, deadline=None):
    """The Report of the notebook at path. Never raises: a failure of the autograder itself is
    reported as such, with its cause in report.log."""
    cfg = cfg or config.load()
    started = time.monotonic()
    deadline = deadline or started + cfg.budget_s
    report = Report()
    try:
        _grade(path, cfg, layout or Layout.find(), deadline, report)
    except NotIsolated as e:
        report.status = "autograder failed"
        report.notes = [AUTOGRADER_FAILED]
        report.log.append(f"the student's code was not run: {e}")
        report.fail_all(cfg, "Not graded: the autograder could not isolate your code on this machine.")
    except Exception:
        report.status = "autograder failed"
        report.notes.append(AUTOGRADER_FAILED)
        report.log.append(traceback.format_exc())
        for name, check in cfg.checks.items():
            for case in check.cases:
                report.results.setdefault(name, {}).setdefault(
                    case, public.Outcome(False, "Not graded: the autograder failed (see the message above).")
                )
    report.timings["total"] = round(time.monotonic() - started, 2)
    return report


def _grade(path, cfg, layout, deadline, report):
    t = time.monotonic()
    try:
        cells = notebook.read(path)
    except notebook.NotANotebook as e:
        report.status = "not graded"
        report.notes.append(f"{e} {UPLOAD}")
        report.fail_all(cfg, "Not graded: see the message above.")
        return
    plan = slicing.plan(cells)
    report.notes += [f"{label} has {why}; it was not run." for label, why in plan.unparsable]
    report.timings["read notebook"] = round(time.monotonic() - t, 3)
    sandbox = Sandbox(cfg.sandbox, Files(layout.student_dir, layout.student_mnist), cfg.blas_threads)
    try:
        t = time.monotonic()
        run = sandbox.start(plan.message(cfg.sandbox.cell_timeout_s, cfg.sandbox.notebook_timeout_s), deadline)
        also = set()
        for _ in range(3):  # the slice missed a cell (a NameError for a name a cell not run binds): add it
            missing = plan.binders_skipped(run.unbound) - also
            if not missing or time.monotonic() > deadline - RESERVE_S:
                break
            also |= missing
            report.log.append(f"cells run found {sorted(missing)} unbound: running the notebook again with them")
            sandbox.stop()
            plan = slicing.plan(cells, also=also)
            run = sandbox.start(plan.message(cfg.sandbox.cell_timeout_s, cfg.sandbox.notebook_timeout_s), deadline)
        report.timings["notebook in sandbox"] = round(time.monotonic() - t, 3)
        report.notes += run.notes
        if any("syntax error" in why for _, why in plan.unparsable) or any("syntax error" in n for n in run.notes):
            report.notes.append(NEWER_PYTHON.format(sys.version_info))
        report.log += run.log + [
            f"sandbox: {run.method}, memory limit by {sandbox.guard.kind}; cells run: "
            f"{plan.run}, not needed: {plan.skipped}"
        ]
        if not run.defined and not sandbox.alive:
            report.notes.append("Your notebook could not be run, so nothing could be checked.")
        settings = seeds.for_notebook(Path(path).read_bytes(), cfg.checks.items())
        for name, check_cfg in settings.items():
            t = time.monotonic()
            left = deadline - RESERVE_S - t
            if left <= 0:
                report.results[name] = {
                    case: public.Outcome(
                        False, f"Not graded: the time for your submission ({cfg.budget_s:g} s) ran out.", "timeout"
                    )
                    for case in check_cfg.cases
                }
                continue
            student = SandboxedStudent(sandbox, run.defined, t + min(check_cfg.timeout_s, left), layout, report.timings)
            student.earlier = dict(report.results)
            try:
                report.results[name] = REGISTRY[name](student, check_cfg)
                # what training's spot checks found wrong on the training data: cases of earlier checks
                for check, cases in student.contradicts.items():
                    report.results[check].update({case: public.Outcome(False, m) for case, m in cases.items()})
            except Exception:  # a fault of this check's code: the other checks still count
                report.status = "autograder failed"
                report.log.append(f"check {name}:\n{traceback.format_exc()}")
                report.results[name] = {
                    case: public.Outcome(
                        False,
                        "Not graded: the autograder failed in this check. "
                        "This is not your code's fault; your instructor "
                        "can see the cause.",
                    )
                    for case in check_cfg.cases
                }
            finally:
                student.close()
            if name != "training":  # its parts are timed inside
                report.timings[f"check {name}"] = round(time.monotonic() - t, 3)
    finally:
        sandbox.close()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    cfg = config.load()
    report = grade(argv[0], cfg)
    print(report.feedback(cfg))
    print("\n".join(["-- instructor's log --", *report.log, f"timings: {report.timings}"]), file=sys.stderr)


if __name__ == "__main__":
    main()
