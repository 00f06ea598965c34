"""Grade a folder of submissions on this machine, without Docker: `make grade SUBMISSIONS=DIR`.

DIR is either a plain folder of .ipynb files (searched recursively) or Gradescope's bulk export (a
folder per submission and a submission_metadata.yml naming its students). The autograder zip is
unpacked once; each submission is then graded exactly as on Gradescope, by the zip's own
`python -m autograder.gradescope` in a process of its own, several at once. Written to OUT
(default: DIR/../grades):

  grades.csv            one row per submission: students, a column per check, total, status, seconds
  <name>/results.json   what Gradescope would get;  <name>/feedback.txt  what the student would read
  <name>/log.txt        the grader's log for the instructor (sandbox, causes of failures)
  summary.png           the score histogram and the pass rate of each check

Running it again grades only what is new or changed, or all again when the zip has changed
(--regrade: all again in any case). The sandbox column says how each student's code was isolated;
"none" (no bubblewrap, not root) means it ran as you, and the summary says so.
"""

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

import yaml
from tqdm import tqdm

from autograder import config
from autograder.report import feedback_text

ROOT = Path(__file__).resolve().parent.parent


def find_submissions(folder):
    """[(name, path, students)]: path is the submission's folder (an export) or its notebook."""
    folder = Path(folder)
    meta_file = folder / "submission_metadata.yml"
    if meta_file.exists():
        meta = yaml.safe_load(meta_file.read_text()) or {}
        found = []
        for sub_dir, info in sorted(meta.items()):
            info = {str(k).lstrip(":"): v for k, v in (info or {}).items()}
            people = [{str(k).lstrip(":"): v for k, v in p.items()} for p in info.get("submitters") or []]
            students = "; ".join(f"{p.get('name', '')} <{p.get('email', '')}>" for p in people)
            found.append((str(sub_dir), folder / str(sub_dir), students))
        return found
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return [(str(nb.relative_to(folder).with_suffix("")).replace(os.sep, "__"), nb, "") for nb in notebooks]


def digest(path):
    h = hashlib.sha256()
    for f in sorted([path] if path.is_file() else path.rglob("*")):
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


@contextmanager
def unpacked(zip_path):
    """The autograder zip's files/ folder, unpacked once for the whole batch."""
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(tmp)
        yield Path(tmp) / "files"


def grade_one(name, path, students, files, out, cfg, regrade=False, autograder_sha=""):
    """Grade one submission with the zip's own entry point; its row of grades.csv."""
    out_dir = out / name
    row_file = out_dir / "row.json"
    sha = digest(path) + autograder_sha  # a new zip (config, checks) grades everything again
    if not regrade and row_file.exists():
        row = json.loads(row_file.read_text())
        if row.get("sha256") == sha:
            return dict(row, skipped=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    results_file = out_dir / "results.json"
    results_file.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="submission-") as tmp:
        submission = Path(tmp)
        if path.is_dir():
            shutil.copytree(path, submission, dirs_exist_ok=True)
        else:
            shutil.copy(path, submission / path.name)
        start = time.monotonic()
        threads = str(cfg.blas_threads)
        env = dict(
            os.environ,
            PYTHONPATH=str(files),
            OMP_NUM_THREADS=threads,
            OPENBLAS_NUM_THREADS=threads,
            MKL_NUM_THREADS=threads,
        )
        try:
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "autograder.gradescope",
                    "--submission",
                    str(submission),
                    "--results",
                    str(results_file),
                ],
                cwd=files,
                env=env,
                capture_output=True,
                text=True,
                timeout=cfg.budget_s + 60,
            )
            log = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as e:  # the grader's own watchdog should have fired long before
            log = f"timed out after {cfg.budget_s + 60} s\n{e.stdout or ''}"
        seconds = time.monotonic() - start
    (out_dir / "log.txt").write_text(log)
    if results_file.exists():
        results = json.loads(results_file.read_text())
        status = log.splitlines()[0].split(", ", 1)[-1] if log.startswith("score") else "graded"
    else:
        results, status = {"score": 0, "tests": []}, "no results: " + (log.strip().splitlines() or ["?"])[-1][:200]
    (out_dir / "feedback.txt").write_text(feedback_text(results, students))
    scores = {t["name"]: float(t.get("score") or 0) for t in results.get("tests", [])}
    sandbox = next((line[9:].split(",")[0].strip() for line in log.splitlines() if line.startswith("sandbox: ")), "")
    row = {
        "submission": name,
        "students": students,
        **{c: scores.get(c, 0.0) for c, _ in cfg.checks.items()},
        "total": float(results.get("score", 0)),
        "status": status,
        "sandbox": sandbox,
        "seconds": round(seconds, 1),
        "sha256": sha,
    }
    row_file.write_text(json.dumps(row))
    return row


def write_csv(path, rows, checks):
    columns = ["submission", "students", *checks, "total", "status", "sandbox", "seconds"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_summary_png(path, rows, cfg):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    checks = [name for name, _ in cfg.checks.items()]
    maxima = {name: check.points for name, check in cfg.checks.items()}
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    ax[0].hist([r["total"] for r in rows], bins=20, range=(0, cfg.points), color="C0", edgecolor="white")
    ax[0].set_xlabel(f"Total score (of {cfg.points:g})")
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


def grade_folder(folder, out, zip_path, jobs=None, regrade=False, progress=False):
    cfg = config.load()
    jobs = jobs or cfg.batch_jobs or os.cpu_count() or 1
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    subs = find_submissions(Path(folder).resolve())
    rows = {}
    autograder_sha = digest(Path(zip_path))
    with unpacked(zip_path) as files, ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(grade_one, name, path, students, files, out, cfg, regrade, autograder_sha): name
            for name, path, students in subs
        }
        bar = tqdm(total=len(futures), unit="submission", disable=not progress, file=sys.stderr)
        for future in as_completed(futures):
            name = futures[future]
            try:
                rows[name] = future.result()
            except Exception as e:  # never lose the batch to one submission
                rows[name] = {
                    "submission": name,
                    "students": "",
                    "total": 0.0,
                    "seconds": 0,
                    **{c: 0.0 for c, _ in cfg.checks.items()},
                    "status": f"grader error: {e}"[:300],
                    "sandbox": "",
                }
            bar.update()
            bar.set_postfix(not_graded=sum(r["status"] != "graded" for r in rows.values()))
        bar.close()
    ordered = [rows[name] for name, _, _ in subs]
    write_csv(out / "grades.csv", ordered, [c for c, _ in cfg.checks.items()])
    if ordered:
        write_summary_png(out / "summary.png", ordered, cfg)
    return [name for name, _, _ in subs], ordered


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, help="a folder of .ipynb files, or a Gradescope export")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: SUBMISSIONS/../grades)")
    parser.add_argument("--autograder", type=Path, default=ROOT / "dist" / "autograder.zip")
    parser.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: batch_jobs)")
    parser.add_argument("--regrade", action="store_true", help="grade again those already graded")
    args = parser.parse_args(argv)
    if not args.autograder.is_file():
        parser.error(f"{args.autograder} not found: run `make build` first")
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    out = args.out or args.submissions.resolve().parent / "grades"
    names, rows = grade_folder(args.submissions, out, args.autograder, args.jobs, args.regrade, progress=True)
    print(f"{'submission':40s} {'total':>6s}  status")
    for name, row in zip(names, rows):
        print(f"{name:40s} {row['total']:6.2f}  {row['status']}{' (already graded)' if row.get('skipped') else ''}")
    print(f"wrote {out / 'grades.csv'} and {out / 'summary.png'}")
    if any(row.get("sandbox") == "none" for row in rows):
        print(
            "WARNING: student code ran unsandboxed, as you (no bubblewrap here, and not root): install "
            "bubblewrap (apt-get install bubblewrap) before grading submissions you do not trust.",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
