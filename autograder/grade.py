"""`make grade SUBMISSIONS=DIR`: grade every notebook under DIR on this machine, without Docker.

Each submission is graded by `otter run` with dist/autograder.zip in a process of its own, with
a time limit, so one crash or hang costs only its own row. Writes OUT/grades.csv (one row per
submission, one column per check, the total) and OUT/<submission>/results.json.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import config

ROOT = Path(__file__).resolve().parent.parent


def grade_one(notebook, zip_path, out_dir, timeout_s):
    """Grade one notebook; return {check: score, ..., "total": t, "status": s}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_path), "-o", str(out_dir),
           str(notebook.resolve())]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=out_dir, env=env, capture_output=True, text=True, timeout=timeout_s)
        (out_dir / "otter_run.log").write_text(proc.stdout + proc.stderr)
        results_file = out_dir / "results.json"
        if results_file.exists():
            results, status = json.loads(results_file.read_text()), "graded"
        else:  # otter run itself failed, e.g. on a file that is not a notebook: its last words
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            results, status = {"tests": []}, f"not graded: {last}"[:300]
    except subprocess.TimeoutExpired:
        results, status = {"tests": []}, f"timed out after {timeout_s} s"
    row = {t["name"]: float(t.get("score") or 0) for t in results.get("tests", []) if "max_score" in t}
    row["total"] = sum(row.values())
    row["status"] = status
    row["seconds"] = round(time.monotonic() - start, 1)
    return row


def find_notebooks(folder):
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def grade_folder(folder, out, zip_path, jobs):
    cfg = config.load()
    checks = list(cfg["checks"])
    folder, out, zip_path = Path(folder).resolve(), Path(out).resolve(), Path(zip_path).resolve()
    notebooks = find_notebooks(folder)
    timeout_s = cfg["grade_timeout_s"]
    names = [str(nb.relative_to(folder).with_suffix("")).replace(os.sep, "__") for nb in notebooks]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        rows = list(pool.map(lambda a: grade_one(a[0], zip_path, out / a[1], timeout_s),
                             zip(notebooks, names)))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", *checks, "total", "status", "seconds"])
        for name, row in zip(names, rows):
            writer.writerow([name, *(row.get(c, 0) for c in checks), row["total"], row["status"],
                             row["seconds"]])
    return names, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, help="folder of .ipynb files (searched recursively)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: SUBMISSIONS/../grades)")
    parser.add_argument("--autograder", type=Path, default=ROOT / "dist" / "autograder.zip")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    args = parser.parse_args(argv)
    if not args.autograder.is_file():
        parser.error(f"{args.autograder} not found: run `make build` first")
    out = args.out or args.submissions.resolve().parent / "grades"
    names, rows = grade_folder(args.submissions, out, args.autograder.resolve(), args.jobs)
    print(f"{'submission':40s} {'total':>6s}  status")
    for name, row in zip(names, rows):
        print(f"{name:40s} {row['total']:6.2f}  {row['status']}")
    print(f"wrote {out / 'grades.csv'}")


if __name__ == "__main__":
    main()
