"""Grade a folder of submissions on this machine, without Docker: `make grade SUBMISSIONS=DIR`.

DIR is either a plain folder of .ipynb files (searched recursively) or Gradescope's bulk export
(a folder per submission and a submission_metadata.yml naming its students). Each submission is
graded by `otter run` with dist/autograder.zip in a process group of its own, several at once,
each with the time limit `grade_timeout_s` of grading.yml; one that crashes or hangs costs only
its own row. Written to OUT (default: DIR/../grades):

  grades.csv            one row per submission: students, a column per check, total, status
  <name>/feedback.txt   what Gradescope would show the student
  <name>/results.json   Otter's results; <name>/row.json, the row (a re-run skips graded ones)
  summary.png           the score histogram and the pass rate of each check
"""
import argparse
import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import yaml

from . import config
from .gradescope_results import diagnose, fallback, finalize

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# finding submissions

def find_submissions(folder):
    """[(name, notebook or None, students)] for a plain folder or a Gradescope export."""
    folder = Path(folder)
    meta_file = folder / "submission_metadata.yml"
    if meta_file.exists():
        meta = yaml.safe_load(meta_file.read_text()) or {}
        found = []
        for sub_dir, info in sorted(meta.items()):
            info = {str(k).lstrip(":"): v for k, v in (info or {}).items()}
            people = [{str(k).lstrip(":"): v for k, v in p.items()} for p in info.get("submitters") or []]
            students = "; ".join(f"{p.get('name', '')} <{p.get('email', '')}>" for p in people)
            notebooks = sorted((folder / sub_dir).rglob("*.ipynb")) if (folder / sub_dir).is_dir() else []
            notebooks = [nb for nb in notebooks if ".ipynb_checkpoints" not in nb.parts]
            found.append((sub_dir, notebooks[0] if notebooks else None, students))
        return found
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return [(str(nb.relative_to(folder).with_suffix("")).replace(os.sep, "__"), nb, "") for nb in notebooks]


# ---------------------------------------------------------------------------------------------
# grading one

def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else None


def run_otter(notebook, zip_path, out_dir, timeout_s):
    """`otter run` in its own process group, killed whole (kernel included) past the limit."""
    cmd = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_path), "-o", str(out_dir),
           str(notebook)]
    with open(out_dir / "otter_run.log", "w") as log:
        threads = str(config.load()["blas_threads"])
        env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
        proc = subprocess.Popen(cmd, cwd=out_dir, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return f"timed out after {timeout_s} s"
    if (out_dir / "results.json").exists():
        return "graded"
    lines = (out_dir / "otter_run.log").read_text(errors="replace").strip().splitlines() or ["no output"]
    return f"not graded: {lines[-1]}"[:300]


def feedback_text(results, students):
    """The text a student sees on Gradescope, as plain text."""
    parts = [f"Feedback for {students}" if students else "Feedback", ""]
    if results.get("output"):
        parts += [results["output"], ""]
    for test in results.get("tests", []):
        score = f" ({test['score']:g} / {test['max_score']:g})" if "max_score" in test else ""
        parts += [f"== {test['name']}{score}", test.get("output", "").rstrip(), ""]
    return "\n".join(parts)


def grade_one(name, notebook, students, zip_path, out, timeout_s, cfg, regrade=False):
    out_dir = out / name
    row_file = out_dir / "row.json"
    sha = digest(notebook)
    if not regrade and row_file.exists():
        row = json.loads(row_file.read_text())
        if row.get("sha256") == sha:  # the same file, graded before
            return dict(row, skipped=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").unlink(missing_ok=True)
    start = time.monotonic()
    status = run_otter(notebook.resolve(), zip_path, out_dir, timeout_s) if notebook else "no .ipynb in the submission"
    if status == "graded":
        results = finalize(json.loads((out_dir / "results.json").read_text()), cfg)
    else:  # what Gradescope would show: the diagnosis of the file, or why grading stopped
        results = fallback(cfg, (diagnose(notebook) if notebook else "") or f"Not graded: {status}")
        (out_dir / "results.json").write_text(json.dumps(results, indent=2))
    scores = {t["name"]: float(t.get("score") or 0) for t in results["tests"] if "max_score" in t}
    row = {"submission": name, "students": students, **{c: scores.get(c, 0.0) for c in cfg["checks"]},
           "total": round(sum(scores.get(c, 0.0) for c in cfg["checks"]), 4), "status": status,
           "seconds": round(time.monotonic() - start, 1), "sha256": sha}
    (out_dir / "feedback.txt").write_text(feedback_text(results, students))
    row_file.write_text(json.dumps(row))
    return row


# ---------------------------------------------------------------------------------------------
# reporting

def write_csv(path, rows, checks):
    columns = ["submission", "students", *checks, "total", "status", "seconds"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_summary_png(path, rows, cfg):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    checks = list(cfg["checks"])
    maxima = {c: sum(v["points"] for v in cfg["checks"][c]["cases"].values()) for c in checks}
    possible = sum(maxima.values())
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    ax[0].hist([r["total"] for r in rows], bins=20, range=(0, possible), color="C0", edgecolor="white")
    ax[0].set_xlabel(f"Total score (of {possible:g})")
    ax[0].set_ylabel("Submissions")
    ax[0].set_title(f"Scores of {len(rows)} submissions")
    rates = [100 * sum(r[c] >= maxima[c] for r in rows) / max(1, len(rows)) for c in checks]
    bars = ax[1].barh(checks[::-1], rates[::-1], color="C2")
    ax[1].bar_label(bars, fmt="%.0f%%")
    ax[1].set_xlim(0, 110)
    ax[1].set_xlabel("Submissions with full marks on the check (%)")
    ax[1].set_title("Pass rate per check")
    plt.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


class Progress:
    """One line on stderr: a bar, done/total, failures, an estimate of the time left."""

    def __init__(self, total, jobs):
        self.total, self.jobs, self.done, self.failed, self.start = total, jobs, 0, 0, time.monotonic()
        self.graded_seconds = []

    def update(self, row):
        self.done += 1
        self.failed += row["status"] != "graded"
        if not row.get("skipped"):
            self.graded_seconds.append(row["seconds"])
        left = self.total - self.done
        per = sum(self.graded_seconds) / len(self.graded_seconds) if self.graded_seconds else 0
        eta = per * left / self.jobs
        width = 30
        bar = "#" * (width * self.done // max(1, self.total))
        sys.stderr.write(f"\r[{bar:<{width}}] {self.done}/{self.total} done, {self.failed} not graded, "
                         f"~{eta / 60:.1f} min left ")
        sys.stderr.flush()
        if self.done == self.total:
            sys.stderr.write(f"\n{self.total} submissions in {time.monotonic() - self.start:.0f} s\n")


def grade_folder(folder, out, zip_path, jobs, regrade=False, progress=False, timeout_s=None):
    cfg = config.load()
    timeout_s = timeout_s or cfg["grade_timeout_s"]
    out, zip_path = Path(out).resolve(), Path(zip_path).resolve()
    out.mkdir(parents=True, exist_ok=True)
    subs = find_submissions(Path(folder).resolve())
    bar = Progress(len(subs), jobs) if progress else None
    rows = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_one, name, nb, students, zip_path, out, timeout_s, cfg,
                               regrade): name for name, nb, students in subs}
        for future in as_completed(futures):
            try:
                row = future.result()
            except Exception as e:  # never lose the batch to one submission
                row = {"submission": futures[future], "students": "", "total": 0.0, "seconds": 0,
                       **{c: 0.0 for c in cfg["checks"]}, "status": f"grader error: {e}"[:300]}
            rows[futures[future]] = row
            if bar:
                bar.update(row)
    ordered = [rows[name] for name, _, _ in subs]
    write_csv(out / "grades.csv", ordered, list(cfg["checks"]))
    if ordered:
        write_summary_png(out / "summary.png", ordered, cfg)
    return [name for name, _, _ in subs], ordered


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, help="a folder of .ipynb files, or a Gradescope export")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: SUBMISSIONS/../grades)")
    parser.add_argument("--autograder", type=Path, default=ROOT / "dist" / "autograder.zip")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    parser.add_argument("--regrade", action="store_true", help="grade again those already graded")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds for one submission (default: grade_timeout_s in grading.yml)")
    args = parser.parse_args(argv)
    if not args.autograder.is_file():
        parser.error(f"{args.autograder} not found: run `make build` first")
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    out = args.out or args.submissions.resolve().parent / "grades"
    names, rows = grade_folder(args.submissions, out, args.autograder, args.jobs, args.regrade,
                               progress=True, timeout_s=args.timeout)
    print(f"{'submission':40s} {'total':>6s}  status")
    for name, row in zip(names, rows):
        print(f"{name:40s} {row['total']:6.2f}  {row['status']}{' (already graded)' if row.get('skipped') else ''}")
    print(f"wrote {out / 'grades.csv'} and {out / 'summary.png'}")


if __name__ == "__main__":
    main()
