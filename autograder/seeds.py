"""The seeds of the checks' random inputs: the same for the same notebook, unknown to students.

grading.yml's seeds make the inputs of the students' own `grader.check` cells. If the autograder used
them too, a notebook could carry a table of right answers for them, computed once with somebody
else's code. Here each check's seed comes from a hash of the notebook's bytes and of the hidden
reference solution: grading a notebook again gives the same inputs (and score), and a table made for
one notebook's inputs changes that notebook, and with it the inputs.
"""

import dataclasses
import hashlib
from pathlib import Path

from reference import mlp as ref

SEEDED = ("relu", "forward", "backward", "gradients")  # training keeps grading.yml's seeds, but for spot_seed


def for_notebook(notebook_bytes, checks):
    """{check: its settings with the notebook's seed}, for the checks in `checks` (cfg.checks.items())."""
    secret = Path(ref.__file__).read_bytes()
    salt = hashlib.sha256(hashlib.sha256(secret).digest() + notebook_bytes).digest()
    out = {}
    for name, check in checks:
        seed = int.from_bytes(hashlib.sha256(salt + name.encode()).digest()[:4], "little") % 2**30
        if name in SEEDED:
            check = dataclasses.replace(check, seed=seed)
        elif name == "training":  # which steps the grader recomputes: unknown to the notebook's code
            check = dataclasses.replace(check, spot_seed=seed)
        out[name] = check
    return out
