"""Run on Gradescope after Otter (the zip's run_autograder calls it): give each check the
visibility grading.yml sets, and make sure a results file exists even if Otter crashed, so the
student gets a score and a message rather than "The autograder failed to execute correctly".

    python -m autograder.gradescope_results /autograder/results/results.json
"""
import json
import sys
from pathlib import Path

from . import config

FALLBACK = "Your submission could not be graded."
UPLOAD = "Upload the assignment's .ipynb file as Jupyter saved it, or the .zip that grader.export() writes."


# what the zip puts beside a submission: not the student's
AUTOGRADER_FILES = {"mnist_data.py", "mnist.npz", "grading.yml", "__init__.py"}
AUTOGRADER_DIRS = {"autograder", "reference", "tests", "__pycache__"}


def diagnose(path):
    """What is wrong with a submission Otter could not grade: a file or a folder of files."""
    import zipfile
    path = Path(path)
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []
    if path.is_dir():
        files = [f for f in files if f.name not in AUTOGRADER_FILES
                 and not AUTOGRADER_DIRS & set(f.relative_to(path).parts[:-1])]
    notebooks = [f for f in files if f.suffix == ".ipynb"]
    scripts = [f for f in files if f.suffix == ".py"]
    for z in (f for f in files if f.suffix == ".zip"):
        try:
            names = zipfile.ZipFile(z).namelist()
        except zipfile.BadZipFile:
            return f"{z.name} is not a readable zip file. {UPLOAD}"
        if not any(n.endswith((".ipynb", ".py")) for n in names):
            return f"The zip file {z.name} holds no notebook ({', '.join(names[:5]) or 'it is empty'}). {UPLOAD}"
    if not notebooks and scripts:
        return (f"You uploaded {scripts[0].name}, a Python file; the autograder grades the notebook. {UPLOAD}")
    if not notebooks:
        names = ", ".join(f.name for f in files[:5]) or "nothing"
        return f"No notebook (.ipynb) was found in your submission (it holds {names}). {UPLOAD}"
    if len(notebooks) > 1:
        return f"Your submission holds {len(notebooks)} notebooks; upload only one. {UPLOAD}"
    try:
        content = json.loads(notebooks[0].read_text(encoding="utf-8", errors="replace"))
    except ValueError as e:
        return (f"{notebooks[0].name} is not a Jupyter notebook: it is not valid JSON ({e}). Was it "
                f"truncated, or saved by another program? {UPLOAD}")
    if not isinstance(content, dict) or "cells" not in content:
        return f"{notebooks[0].name} is JSON but not a Jupyter notebook (it has no cells). {UPLOAD}"
    return ""


def finalize(results, cfg):
    """Results dict -> results dict with per-check visibility (Otter sets one for all).

    Otter's "Public Tests" entry goes: it reports "All test cases passed!" for a check with no
    public case even when its hidden cases failed, and each check's own entry says it all."""
    checks = cfg["checks"]
    results["tests"] = [t for t in results.get("tests", []) if t.get("name") != "Public Tests"]
    for test in results["tests"]:
        if test.get("name") in checks:
            test["visibility"] = checks[test["name"]].get("visibility", "visible")
    return results


def fallback(cfg, detail=""):
    possible = sum(c["points"] for check in cfg["checks"].values() for c in check["cases"].values())
    tests = [{"name": name, "score": 0, "max_score": sum(c["points"] for c in check["cases"].values()),
              "visibility": "visible", "output": "Not graded: see the message above."}
             for name, check in cfg["checks"].items()]
    return {"score": 0, "output": FALLBACK + (f" {detail}" if detail else ""), "tests": tests,
            "max_score_possible": possible}


def main(path, submission="/autograder/submission"):
    path, cfg = Path(path), config.load()
    try:
        results = json.loads(path.read_text())
        if not results.get("tests") or any(t.get("name") == "Autograder Failed" for t in results["tests"]):
            raise ValueError("Otter reported no results")
        results = finalize(results, cfg)
    except (OSError, ValueError):
        results = fallback(cfg, diagnose(submission))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
