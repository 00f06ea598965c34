"""Grading whole notebooks as users do, in parallel: `otter run` on the built zip (as an instructor
grades one notebook) and the zip's Gradescope entry point (as `make grade` and Gradescope do)."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def otter_run(notebook, zip_path, out_dir):
    """{check: score} and the results.json Otter wrote, for one notebook through `otter run`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_path), "-o", str(out_dir), str(notebook)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    (out_dir / "otter_run.log").write_text(proc.stdout + proc.stderr)
    results = json.loads((out_dir / "results.json").read_text())
    scores = {t["name"]: float(t.get("score") or 0) for t in results["tests"] if "max_score" in t}
    return scores, results


def otter_run_all(folder, zip_path, out, jobs):
    notebooks = sorted(Path(folder).glob("*.ipynb"))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = pool.map(lambda nb: otter_run(nb, zip_path, Path(out) / nb.stem), notebooks)
        return {nb.stem: result for nb, result in zip(notebooks, done)}
