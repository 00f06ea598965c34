"""The autograder: what dist/autograder.zip ships to Gradescope.

gradescope.py   run_autograder's entry: find the submission, grade it, write results.json
otter_plugin.py the same grading for `otter run`
grader.py       one notebook: the sandbox, then each check within the time budget
notebook.py     the cells as IPython would run them;  slicing.py  which of them to run
checks/         the checks;  sandbox/  the student's process;  report.py  the results
"""

import sys
from pathlib import Path

# reference/mlp.py imports the students' data loader, mnist_data.py: in the zip it is in student/,
# in the repository in assignment/.
_ROOT = Path(__file__).resolve().parent.parent
for _folder in (_ROOT / "student", _ROOT / "assignment"):
    if (_folder / "mnist_data.py").exists() and str(_folder) not in sys.path:
        sys.path.append(str(_folder))
