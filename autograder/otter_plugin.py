"""The Otter plugin that grades in a clean process (named in the zip's otter_config.json).

Otter 7 runs a notebook's cells and then its tests in one kernel, so whatever the notebook
patched, the tests see patched. This plugin hands Otter's kernel an empty notebook (its tests
then score nothing there), and after Otter has run it, in Otter's own process, grades the
submission with autograder.clean_grading and writes those outcomes into Otter's results.
"""
import tempfile
from pathlib import Path

import nbformat
from otter.plugins import AbstractOtterPlugin
from otter.test_files.abstract_test import TestCaseResult

from . import clean_grading
from .gradescope_results import AUTOGRADER_FILES, UPLOAD, diagnose


class CleanProcessGrading(AbstractOtterPlugin):

    def before_execution(self, submission):
        self.submission = submission
        # Otter falls back on any .py it finds: with no notebook uploaded, that is our own loader
        self.no_notebook = Path(self.submission_path).name in AUTOGRADER_FILES
        if isinstance(submission, str):  # a .py file: Otter passes its source
            return ""
        return nbformat.v4.new_notebook(metadata=submission.get("metadata", {}))

    def after_grading(self, results):
        submission = self.submission
        notes = []
        if self.no_notebook:
            notes.append(diagnose(Path(self.submission_path).parent) or f"No notebook was found. {UPLOAD}")
            submission = nbformat.v4.new_notebook()
        elif isinstance(submission, str):
            notes.append("You uploaded a Python file, not the notebook; it was graded as one code cell. "
                         "Upload mlp_relu.ipynb next time.")
            submission = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(submission)])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "submission.ipynb"
            nbformat.write(submission, path)
            report = clean_grading.grade(path)
        for name, test_file in results.results.items():
            outcomes = report.outcomes.get(name, {})
            for i, tcr in enumerate(test_file.test_case_results):
                case = tcr.test_case.name.split(": ", 1)[-1]
                outcome = outcomes.get(case) or outcomes.get(None)
                passed = bool(outcome and outcome.passed)
                message = "✅ Test case passed" if passed else "❌ Test case failed\n" + (
                    outcome.message if outcome else f"no result for {tcr.test_case.name}")
                test_file.test_case_results[i] = TestCaseResult(test_case=tcr.test_case, message=message,
                                                                passed=passed)
        output = "\n".join(notes + report.notes)
        if output:
            results.set_output("About your notebook:\n" + output)
