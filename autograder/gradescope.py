"""Gradescope's entry point (the zip's run_autograder calls it): find the submission, grade it, write
results.json once, and print for the instructor what happened. Whatever the submission does, a
results file is written before the budget in grading.yml runs out.

    python -m autograder.gradescope [--submission DIR] [--results FILE]
"""

import argparse
import json
import os
import sys
import threading
import time
import traceback
import zipfile
from pathlib import Path

from . import config
from .report import AUTOGRADER_FAILED, UPLOAD, Report, write_results


def find_notebook(folder):
    """(notebook or None, message): the one notebook in the submission, or why there is none."""
    folder = Path(folder)
    files = [p for p in folder.rglob("*") if p.is_file() and not _hidden(p.relative_to(folder))]
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    if not notebooks:
        for z in (p for p in files if p.suffix == ".zip"):  # a zip Gradescope did not unpack
            try:
                with zipfile.ZipFile(z) as zf:
                    inside = [n for n in zf.namelist() if n.endswith(".ipynb") and not _hidden(Path(n))]
                    if len(inside) == 1:
                        target = folder / "_unzipped" / Path(inside[0]).name
                        target.parent.mkdir(exist_ok=True)
                        target.write_bytes(zf.read(inside[0]))
                        return target, ""
                    names = ", ".join(zf.namelist()[:5]) or "it is empty"
                    if inside:
                        return None, f"The zip file {z.name} holds {len(inside)} notebooks; upload only one. {UPLOAD}"
                    return None, f"The zip file {z.name} holds no notebook ({names}). {UPLOAD}"
            except zipfile.BadZipFile:
                return None, f"{z.name} is not a readable zip file. {UPLOAD}"
    if len(notebooks) == 1:
        return notebooks[0], ""
    if len(notebooks) > 1:
        return None, f"Your submission holds {len(notebooks)} notebooks; upload only one. {UPLOAD}"
    scripts = [p for p in files if p.suffix == ".py"]
    if scripts:
        return None, f"You uploaded {scripts[0].name}, a Python file; the autograder grades the notebook. {UPLOAD}"
    names = ", ".join(p.name for p in files[:5]) or "nothing"
    return None, f"No notebook (.ipynb) was found in your submission (it holds {names}). {UPLOAD}"


def _hidden(rel):
    return any(part.startswith(".") or part == "__MACOSX" for part in rel.parts)


def run(submission, results_path, cfg):
    """Grade and write results.json; returns the Report."""
    from .grader import grade  # after the watchdog is armed: imports take time too

    notebook, problem = find_notebook(submission)
    if notebook is None:
        report = Report(status="not graded", notes=[problem])
        report.fail_all(cfg, "Not graded: see the message above.")
    else:
        report = grade(notebook, cfg, deadline=STARTED + cfg.budget_s - WRITE_S)
    write_results(results_path, report.to_gradescope(cfg))
    return report


STARTED = time.monotonic()
WRITE_S = 10  # of the budget, for the last resort below


def watchdog(results_path, cfg):
    """If grading has not written results within the budget, write them now and exit: Gradescope
    must never reach its own timeout and show no score."""

    def fire():
        report = Report(
            status="timed out",
            notes=[
                f"Grading took longer than the time allowed for one submission ({cfg.budget_s:g} s) and was stopped."
            ],
        )
        report.fail_all(cfg, "Not graded: the time for your submission ran out.", "timeout")
        write_results(results_path, report.to_gradescope(cfg))
        print("autograder: the budget ran out; results written by the watchdog", flush=True)
        os._exit(0)

    timer = threading.Timer(max(1.0, cfg.budget_s - (time.monotonic() - STARTED) - 2), fire)
    timer.daemon = True
    timer.start()
    return timer


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submission", type=Path, default=Path("/autograder/submission"))
    parser.add_argument("--results", type=Path, default=Path("/autograder/results/results.json"))
    args = parser.parse_args(argv)
    try:
        cfg = config.load()
    except Exception as e:  # the instructor's grading.yml: say so, to both
        write_results(
            args.results, {"score": 0, "output": AUTOGRADER_FAILED, "tests": [], "stdout_visibility": "hidden"}
        )
        print(f"autograder: grading.yml could not be loaded: {e}")
        return 1
    timer = watchdog(args.results, cfg)
    try:
        report = run(args.submission, args.results, cfg)
    except BaseException:
        report = Report(status="autograder failed", notes=[AUTOGRADER_FAILED], log=[traceback.format_exc()])
        report.fail_all(cfg, "Not graded: the autograder failed (see the message above).")
        write_results(args.results, report.to_gradescope(cfg))
    timer.cancel()
    print(f"score {report.score(cfg):g} / {cfg.points:g}, {report.status}")
    for line in report.log:
        print(line)
    print("timings: " + json.dumps(report.timings))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
