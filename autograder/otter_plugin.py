"""`otter run` with this zip: the Otter plugin (named in the zip's otter_config.json) that grades.

Otter runs a submission's cells and then its tests in one Jupyter kernel. Here the plugin grades the
submission before that, in `before_execution` (the student's code in the sandbox, exactly as on
Gradescope: grader.grade), and hands Otter's kernel, in place of the submission, a small notebook
that only holds the report (GRADER_REPORT). The zip's tests read each case's outcome from it and fail
when it is missing; Otter scores them and writes results.json as it always does. The notes about
the notebook go to Otter's results through its documented `set_output`.

On Gradescope, run_autograder calls autograder/gradescope.py directly instead: starting Otter and its
kernel costs about 2.4 s of CPU, more than the training the grade needs (README: How a submission
is graded).
"""

import json
import sys
from pathlib import Path

import nbformat
from otter.plugins import AbstractOtterPlugin

from . import config
from .data import Layout
from .grader import grade


class AutograderPlugin(AbstractOtterPlugin):
    def before_execution(self, submission):
        here = Path.cwd()  # Otter copied the zip's files/ into the submission's folder: its grading.yml and data
        cfg = config.load(here / "grading.yml" if (here / "grading.yml").exists() else None)
        path = Path(self.submission_path)
        if path.suffix != ".ipynb":  # Otter takes a .py when no notebook is there: grade it as one cell
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(path.read_text(errors="replace"))])
            path = path.with_name("_script_as_notebook.ipynb")
            nbformat.write(nb, path)
        self.report = grade(path, cfg, Layout.find(here))
        self.cfg = cfg
        results = {
            check: {case: {"passed": o.passed, "message": o.message} for case, o in cases.items()}
            for check, cases in self.report.results.items()
        }
        cell = nbformat.v4.new_code_cell(f"import json\nGRADER_REPORT = json.loads({json.dumps(json.dumps(results))})")
        nb = nbformat.v4.new_notebook(cells=[cell])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        return nb

    def after_grading(self, results):
        # the student reads the notes; the instructor's log (sandbox, timings, tracebacks) goes to stderr
        for line in self.report.log:
            print(f"autograder: {line}", file=sys.stderr)
        if self.report.notes:
            results.set_output("About your notebook:\n" + "\n".join(f"- {n}" for n in self.report.notes))
