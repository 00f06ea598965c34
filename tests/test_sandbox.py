"""The student's process: isolation, limits, and what happens when its code misbehaves."""

import os
import shutil
import time

import numpy as np
import pytest

from autograder import config, errors, notebook, slicing
from autograder.sandbox import client, isolation
from autograder.sandbox.client import Files, RemoteFunction, Sandbox
from tests.conftest import ROOT, processes_mentioning

ROOTED = pytest.mark.skipif(os.geteuid() != 0, reason="runs as root only (the sandbox switches to nobody)")
BWRAP = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")


def start(sources, layout, tmp_path, cfg=None, **sandbox_cfg):
    cfg = cfg or config.load()
    sandbox_cfg = {"cell_timeout_s": 5, "notebook_timeout_s": 30, **sandbox_cfg}
    scfg = config.Sandbox(**{**vars(cfg.sandbox), **sandbox_cfg})
    nb = tmp_path / "nb.ipynb"
    import nbformat

    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), nb)
    plan = slicing.plan(notebook.read(nb))
    box = Sandbox(scfg, Files(layout.student_dir, layout.student_mnist))
    run = box.start(plan.message(scfg.cell_timeout_s, scfg.notebook_timeout_s), time.monotonic() + 60)
    return box, run


def probe(box, code, timeout=10):
    """Run `code` (which sets `result`) inside relu in a fresh fork; what it returned."""
    with box.session(time.monotonic() + timeout) as session:
        return RemoteFunction(session)(np.zeros(1))


PROBE = "import numpy as np\ndef relu(z):\n    {body}\n    return result"


def probe_cell(body):
    return PROBE.format(body=body.replace("\n", "\n    "))


@ROOTED
@BWRAP
def test_student_code_runs_as_nobody_without_capabilities(layout, tmp_path):
    box, run = start(
        [
            probe_cell(
                "import os\nresult = np.array([os.getuid(), os.geteuid(), "
                "int(open('/proc/self/status').read().split('CapEff:')[1].split()[0], 16)])"
            )
        ],
        layout,
        tmp_path,
    )
    try:
        assert run.method == "bubblewrap"
        assert probe(box, "").tolist() == [65534, 65534, 0]
    finally:
        box.close()


@pytest.mark.parametrize(
    "path", [str(ROOT / "README.md"), str(ROOT / "reference" / "mlp.py"), "/root/.bashrc", "/etc/shadow", "{test}"]
)
def test_student_code_cannot_read_the_graders_files(path, layout, tmp_path):
    path = path.format(test=layout.test_mnist)
    body = (
        f"try:\n    result = np.array([len(open({path!r}, 'rb').read())])\nexcept OSError:\n    result = np.array([-1])"
    )
    box, _ = start([probe_cell(body)], layout, tmp_path)
    try:
        assert probe(box, "").tolist() == [-1]
    finally:
        box.close()


def test_the_sandboxs_mnist_has_no_test_labels(layout, tmp_path):
    body = (
        "d = np.load('mnist.npz')\nresult = np.array([d['x_train'].shape[0], d['x_test'].shape[0], "
        "int((d['x_test'] == d['x_train'][50000:]).all()), int((d['y_test'] == d['y_train'][50000:]).all())])"
    )
    box, _ = start([probe_cell(body)], layout, tmp_path)
    try:
        assert probe(box, "").tolist() == [60000, 10000, 1, 1]
    finally:
        box.close()


@BWRAP
def test_student_code_cannot_reach_the_network(layout, tmp_path):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    body = (
        f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "    result = np.array([1])\n"
        "except OSError:\n    result = np.array([0])"
    )
    box, _ = start([probe_cell(body)], layout, tmp_path)
    try:
        assert probe(box, "").tolist() == [0]
    finally:
        box.close()
        server.close()


def test_no_process_outlives_the_sandbox(layout, tmp_path):
    marker = f"mlp-sandbox-test-{os.getpid()}"
    cell = (
        f"import os, time\nif os.fork() == 0:\n    if os.fork() == 0:\n        os.setsid()\n"
        f"        os.execvp('sleep', ['sleep', '300', '{marker}'])\n    os._exit(0)\nos.wait()"
    )
    box, _ = start(["import numpy as np", cell, "def relu(z):\n    return z"], layout, tmp_path)
    box.close()
    time.sleep(0.5)
    survivors = processes_mentioning(marker)
    assert not survivors


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def test_a_cell_past_its_time_is_stopped_and_what_it_defined_stays(layout, tmp_path):
    box, run = start(
        [
            "import numpy as np\ndef relu(z):\n    return np.maximum(z, 0)\nwhile True:\n    try:\n"
            "        pass\n    except BaseException:\n        pass"
        ],
        layout,
        tmp_path,
        cell_timeout_s=1,
    )
    box.close()
    assert "relu" in run.defined and any("did not finish within 1 s" in n for n in run.notes)


def test_a_cell_that_cannot_be_stopped_is_left_out(layout, tmp_path):
    cell = "import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])\nwhile True:\n    pass\nZERO = 0"
    box, run = start(
        ["import numpy as np", cell, "def relu(z):\n    return np.maximum(z, ZERO)"], layout, tmp_path, cell_timeout_s=1
    )
    try:
        assert any(
            "Cell 2 (`import signal`), line 3, did not finish in time and could not be stopped; that statement" in n
            for n in run.notes
        ), run.notes
        assert probe(box, "").tolist() == [0.0]  # the statements before and after it ran: ZERO is defined
    finally:
        box.close()


def test_a_cell_that_ends_the_process_is_left_out(layout, tmp_path):
    box, run = start(
        ["import numpy as np", "import os\nos._exit(3)\nZERO = 0", "def relu(z):\n    return np.maximum(z, ZERO)"],
        layout,
        tmp_path,
    )
    try:
        assert any(
            "Cell 2 (`import os`), line 2, ended the process (exit code 3); that statement was left out" in n
            for n in run.notes
        ), run.notes
        assert probe(box, "").tolist() == [0.0]
    finally:
        box.close()


def test_memory_bomb_in_a_cell_is_stopped(layout, tmp_path):
    box, run = start(
        [
            "import numpy as np",
            "hog = []\nwhile True:\n    hog.append(np.ones(10**7))\nZERO = 0",
            "def relu(z):\n    return np.maximum(z, ZERO)",
        ],
        layout,
        tmp_path,
        memory_mb=400,
    )
    try:
        assert any("ran out of memory" in n for n in run.notes), run.notes
        assert probe(box, "").tolist() == [0.0]
    finally:
        box.close()


def test_a_fork_bomb_is_bounded_and_its_processes_end_before_the_checks(layout, tmp_path):
    from tests.bad_inputs import FORK_BOMB

    box, run = start(
        ["import numpy as np\n" + FORK_BOMB + "\nZERO = 0", "def relu(z):\n    return np.maximum(z, ZERO)"],
        layout,
        tmp_path,
    )
    try:
        for _ in range(40):  # killed: gone or zombies within moments
            alive = [p for p in client.limits.descendants(box.proc.pid) if _state(p) not in ("Z", "X", "")]
            if len(alive) <= 2:  # bwrap's init and the notebook's process
                break
            time.sleep(0.05)
        assert len(alive) <= 2, alive
        assert probe(box, "").tolist() == [0.0]
    finally:
        box.close()


def test_a_check_that_hangs_costs_only_its_fork(layout, tmp_path):
    box, _ = start(
        [
            "import numpy as np\nimport time\ndef relu(z):\n    if z.size == 1:\n        while True:\n"
            "            time.sleep(1)\n    return np.maximum(z, 0)"
        ],
        layout,
        tmp_path,
    )
    try:
        with box.session(time.monotonic() + 1) as session, pytest.raises(errors.CodeStopped) as stopped:
            RemoteFunction(session)(np.zeros(1))
        assert stopped.value.kind == "timeout"
        with box.session(time.monotonic() + 10) as session:
            assert RemoteFunction(session)(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    finally:
        box.close()


def test_printing_a_lot_costs_linear_time(layout, tmp_path):
    started = time.monotonic()
    box, run = start(
        [
            "import numpy as np\nfor i in range(200_000):\n    print('x' * 50, np.arange(20))",
            "def relu(z):\n    return z",
        ],
        layout,
        tmp_path,
    )
    box.close()
    assert "relu" in run.defined and time.monotonic() - started < 10


@ROOTED
def test_as_root_with_no_isolation_nothing_runs(layout, tmp_path, monkeypatch):
    monkeypatch.setattr(isolation.Bubblewrap, "available", staticmethod(lambda: False))
    monkeypatch.setattr(isolation.Nobody, "available", staticmethod(lambda: False))
    with pytest.raises(errors.NotIsolated, match="none of the isolation methods"):
        start(["def relu(z):\n    return z"], layout, tmp_path)


def test_a_method_that_fails_to_start_falls_back_to_the_next(layout, tmp_path, monkeypatch):
    real = isolation.Bubblewrap.argv
    monkeypatch.setattr(isolation.Bubblewrap, "argv", lambda self, fd: ["false"] + real(self, fd)[1:0])
    if os.geteuid() == 0 and not isolation.Nobody.available():
        pytest.skip("nobody cannot run this Python here")
    box, run = start(["def relu(z):\n    return z"], layout, tmp_path)
    box.close()
    assert run.method in ("nobody", "none") and any("bubblewrap failed to start" in line for line in run.log)


def test_worker_files_are_all_shipped():
    for name in client.WORKER_FILES:
        assert (client.HERE / name).exists()


def test_a_future_import_holds_for_later_cells(layout, tmp_path):
    box, run = start(
        [
            "from __future__ import annotations",
            "import numpy as np",
            "class NeuralNetMLP_ReLU:\n    def copy(self) -> NeuralNetMLP_ReLU:\n        return self",
            "def relu(z: Undefined) -> np.ndarray:\n    return np.maximum(z, 0)",
        ],
        layout,
        tmp_path,
    )
    try:
        assert not run.notes and set(run.defined) == {"relu", "NeuralNetMLP_ReLU"}
    finally:
        box.close()


def test_a_cell_the_slice_missed_is_run_when_its_names_are_found_unbound(layout, tmp_path, monkeypatch):
    from autograder import grader

    real_plan = slicing.plan

    def missing_cell_2(cells, graded=slicing.GRADED, also=()):  # a slice that misses cell 2 the first time
        plan = real_plan(cells, graded, also)
        if not also:
            plan.steps = [s for s in plan.steps if s.get("cell") != 2]
            plan.skipped = sorted(plan.skipped + [2])
        return plan

    monkeypatch.setattr(slicing, "plan", missing_cell_2)
    import nbformat

    sources = ["import numpy as np", "ZERO = 0", "def relu(z):\n    return np.maximum(z, ZERO)\n\nrelu(np.ones(2))"]
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), tmp_path / "n.ipynb"
    )
    report = grader.grade(tmp_path / "n.ipynb", config.load(), layout)
    assert any("['ZERO'] unbound" in line for line in report.log), report.log
    assert report.score(config.load(), "relu") == config.load().checks.relu.points
    assert not any("NameError" in n for n in report.notes), report.notes


def test_an_import_the_grader_lacks_costs_only_that_import(layout, tmp_path):
    box, run = start(
        [
            "import numpy as np\nimport torch_is_not_installed_here as torch\nZERO = 0",
            "def relu(z):\n    return np.maximum(z, ZERO)",
        ],
        layout,
        tmp_path,
    )
    try:
        assert any("the rest of the cell was run without it" in n for n in run.notes), run.notes
        assert probe(box, "").tolist() == [0.0]
    finally:
        box.close()


def test_the_notebook_namespace_is_the_main_module(layout, tmp_path):
    """As in Jupyter: `sys.modules[__name__]` and pickle find the notebook's definitions."""
    box, run = start(
        [
            "import sys, pickle\nimport numpy as np\ndef relu_grad(a):\n    return a > 0",
            probe_cell("result = [getattr(sys.modules[__name__], 'relu_grad') is relu_grad, pickle.dumps(relu_grad)]"),
        ],
        layout,
        tmp_path,
    )
    try:
        assert not run.notes, run.notes
        found, pickled = probe(box, "")
        assert found is True and pickled
    finally:
        box.close()
