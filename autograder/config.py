"""grading.yml: the one place for points, thresholds, seeds and budgets."""
from functools import lru_cache
from pathlib import Path

import yaml

# In the repository grading.yml sits beside this package; in the zip, the build puts it there too.
GRADING_YML = Path(__file__).resolve().parent.parent / "grading.yml"


@lru_cache(maxsize=None)
def load(path=GRADING_YML):
    with open(path) as f:
        return yaml.safe_load(f)


def check_config(name):
    return load()["checks"][name]
