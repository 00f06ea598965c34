"""The training check (cases curve and accuracy): the grader trains the student's class and judges
the result itself.

What runs where, and why the result depends only on `forward` and `backward`:
- The grader makes the initial parameters (the reference's initialisation, its seed) and the order of
  the minibatches (its seed), and writes the parameters into the student's object in the sandbox.
- In the sandbox, each step runs the student's forward and backward on the grader's minibatch; the
  gradients go into shared memory; the book's update is applied to the parameters the object holds.
- The grader applies the same update, from the same gradients, to its own copy; after each epoch the
  sandbox copies the object's parameters into shared memory and the grader checks they are exactly
  its own copy: frozen, swapped or pretrained parameters end the check with a message. (Each step,
  the sandbox's side also checks that the object still holds what it was given.)
- The loss curve and the test accuracy are computed here, by the reference's forward, from the
  grader's own copy of the parameters. The student's outputs decide nothing, and the test images and
  labels never enter the sandbox.
"""

import mmap
import os
import select
import time

import numpy as np

from reference import mlp as ref

from .. import data
from ..config import KNOWN_CASES
from ..sandbox import protocol
from ..sandbox.client import clean
from .public import SIZES, CheckFailed, CodeStopped, Outcome, make_model, run_backward, run_forward

PARAMS = ("weight_h", "bias_h", "weight_out", "bias_out")
GRADIENTS = ("weight_out", "bias_out", "weight_h", "bias_h")  # the order backward returns their gradients in
ON_MNIST = "on MNIST images (float32, 100 at a time)"  # what the training feeds forward and backward


def initial_params(seed):
    """The reference's initialisation (the book's), in float32."""
    model = ref.NeuralNetMLP_ReLU(*SIZES, random_seed=seed)
    ref.to_float32(model)
    return [getattr(model, name) for name in PARAMS]


def shared(size, name):
    fd = os.memfd_create(name)
    os.ftruncate(fd, size)
    return fd, np.frombuffer(mmap.mmap(fd, size), dtype=np.float32)


def block_size(steps, at_most=32):
    """The largest divisor of an epoch's steps up to at_most: a block never spans two epochs."""
    return max(d for d in range(1, at_most + 1) if steps % d == 0)


def trusted_model(flat, shapes):
    model = ref.NeuralNetMLP_ReLU(*SIZES)
    start = 0
    for name, shape in zip(PARAMS, shapes):
        size = int(np.prod(shape))
        setattr(model, name, flat[start : start + size].reshape(shape))
        start += size
    return model


def loss_on(model, x, labels):
    """The book's mse_loss of the model on scaled images x, by the reference's forward."""
    return float(ref.mse_loss(labels, model.forward(x)[1]))


def test_accuracy(model, x_test, y_test):
    """The share of test images the model classifies right, by the reference's forward."""
    return float(np.mean(np.argmax(model.forward(x_test)[1], axis=1) == y_test))


def error(got, want):
    """The largest difference, relative to the largest entry of want."""
    return float(np.abs(got - want).max()) / max(float(np.abs(want).max()), 1e-12)


def handed_over(row, shapes, n, cfg):
    """A ring slot as (gradients by parameter name, a_h, a_out): what the sandbox's step reported."""
    got, start = {}, 0
    for name, shape in zip(PARAMS, shapes):
        size = int(np.prod(shape))
        got[name] = row[start : start + size].reshape(shape) / np.float32(cfg.learning_rate)
        start += size
    n_hidden, n_classes = shapes[1][0], shapes[3][0]
    a_h = row[start : start + n * n_hidden].reshape(n, n_hidden)
    return got, a_h, row[start + n * n_hidden :].reshape(n, n_classes)


def spot_check(model, images, labels, row, cfg):
    """{} if the sandbox's step (row: learning_rate * its gradients, then its a_h and a_out) is what the
    network's forward and backward give on this minibatch at these parameters (model: the grader's
    copy); else {check: {case: message}} for the cases it contradicts, and "why". The checks before
    saw only their own inputs: this is what shows code that computes otherwise on training data."""
    x = ref.to_float(images)
    params = (model.weight_h, model.bias_h, model.weight_out, model.bias_out)
    got, got_h, got_out = handed_over(row, [p.shape for p in params], len(x), cfg)
    z_h = x @ model.weight_h.T + model.bias_h
    a_h = ref.relu(z_h)
    a_out = ref.sigmoid(a_h @ model.weight_out.T + model.bias_out)
    worst = {"a_h": error(got_h, a_h), "a_out": error(got_out, a_out)}
    wrong = [case for case, e in worst.items() if not e <= cfg.spot_max_error]
    found, why = {}, []
    if wrong:
        what = " and ".join(f"{case} (largest difference {worst[case]:.2g} of its largest value)" for case in wrong)
        message = (
            f"In the grader's training, {ON_MNIST}, forward's {what} differs from the network's: your forward computes "
            "otherwise there than on the checks' inputs."
        )
        if (got_h < 0).any() or not ((got_out >= 0) & (got_out <= 1)).all():
            wrong.append("runs")  # what the forward check's first case asks: a_h >= 0, a_out in [0, 1]
        found["forward"] = {case: message for case in wrong}
        found.update(all_cases(["gradients"], message))
        why.append(f"forward's {' and '.join(c for c in wrong if c != 'runs')} differ from the network's")
        a_h, a_out = got_h, got_out  # backward is judged on what it was given, as the backward check does
    else:  # at the kink, the student's side decides (float32 sums in another order may cross it)
        a_h = np.where(np.abs(z_h) < cfg.spot_kink_margin, got_h, a_h)
    want = model.backward(x, a_h, a_out, labels)
    bad = {}
    for name, grad in zip(GRADIENTS, want):
        e = error(got[name], grad)
        if not e <= cfg.spot_max_error:
            bad[name] = e
    if bad:
        names = " and ".join(f"{name} (largest difference {e:.2g} of its largest entry)" for name, e in bad.items())
        message = (
            f"In the grader's training, {ON_MNIST}, backward's gradient for {names} differs from the network's: your "
            "backward computes otherwise there than on the checks' inputs."
        )
        short = [name.replace("weight", "w").replace("bias", "b") for name in bad]
        found["backward"] = {f"d_{s}": message for s in short}
        found.setdefault("gradients", {}).update({s: message for s in short})
        why.append(f"backward's gradients for {' and '.join(bad)} differ from the network's")
    if found:
        found["why"] = " and ".join(why) + " on this minibatch"
    return found


def replayed(student, step, cfg):
    """True if the student's forward and backward, run again outside the training loop on the step a
    spot check found forward wrong in (its parameters, minibatch and labels, in a fresh process), give
    what the training handed over: then forward computes so there, and backward is judged on what it
    was given. False if not: what was handed over is not their result (code that behaves otherwise
    inside the training loop, or that overwrote what the loop hands over), and nothing of the step
    can be credited."""
    model = trusted_model(step["params"], step["shapes"])
    params = {name: getattr(model, name) for name in PARAMS}  # make_model gives the student copies
    x, y = ref.to_float(step["images"]), step["labels"]
    got, got_h, got_out = handed_over(step["row"], step["shapes"], len(x), cfg)
    try:
        with student.fresh().time_limit(cfg.timeout_s / 4):
            replay = make_model(student.cls, SIZES, params)
            a_h, a_out = run_forward(replay, x, SIZES)
            grads = run_backward(replay, x, np.array(a_h), np.array(a_out), y, SIZES)
    except (CheckFailed, CodeStopped):
        return False
    same = [error(a_h, got_h), error(a_out, got_out)]
    same += [error(g, got[name]) for name, g in zip(GRADIENTS, grads)]
    return all(e <= cfg.spot_max_error for e in same)


def settle(t, student, cfg):
    """The training t, its contradictions settled: where a spot check found forward wrong, the step is
    replayed outside the loop, and a step that replays otherwise refutes everything it touched."""
    if "forward" in t.contradicts and not replayed(student, t.step, cfg):
        t.contradicts = not_its_own(t.step["where"])
        t.error = f"in {t.step['where']}: what your code handed over is not what it computes on its own"
    return t


def not_its_own(where):
    """The cases a step that replays otherwise refutes: all of forward's, backward's and the gradients'."""
    message = (
        f"In the grader's training ({where}), what your code handed over for a step is not what your forward "
        "and backward give when the grader runs that same step again on its own: code that computes otherwise "
        "inside the training loop cannot be credited."
    )
    return all_cases(["forward", "backward", "gradients"], message)


def refuted(check, error):
    """The cases that malformed outputs of forward or backward in training refute (all of the check's,
    and the gradients' that follow from them)."""
    if check not in ("forward", "backward"):
        return {}
    return all_cases([check, "gradients"], f"In the grader's training, {ON_MNIST}, {error}.")


def all_cases(checks, message):
    """{check: {case: message}} for every case of these checks."""
    return {check: dict.fromkeys(KNOWN_CASES[check], message) for check in checks}


class Stopwatch:
    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        self.start = time.monotonic()

    def __exit__(self, *exc):
        self.seconds += time.monotonic() - self.start


class Training:
    """One training run of the student's class in a sandbox session, mirrored by the grader."""

    def __init__(self, sandbox, cfg, deadline, paths):
        self.sandbox, self.cfg, self.deadline, self.paths = sandbox, cfg, deadline, paths
        self.losses, self.epochs_done, self.error, self.stopped, self.accuracy = [], 0, "", "", None
        self.contradicts = {}  # {check: {case: message}} a spot check found wrong on the training data
        self.step = None  # the step it found them in
        self.seconds = self.evaluation_s = self.spot_s = 0.0
        self.stall_s = max(10.0, cfg.timeout_s / 6)

    def run(self):
        cfg = self.cfg
        start = time.monotonic()
        params0 = initial_params(cfg.model_seed)
        shapes = [p.shape for p in params0]
        n_params = sum(p.size for p in params0)
        train_labels = data.train_labels(self.paths)
        n_train = len(train_labels)
        steps = n_train // cfg.minibatch_size
        block = block_size(steps)
        rng = np.random.RandomState(cfg.shuffle_seed)
        orders = np.empty((cfg.epochs, n_train), dtype=np.int32)
        for e in range(cfg.epochs):  # as the book's minibatch_generator shuffles
            indices = np.arange(n_train)
            rng.shuffle(indices)
            orders[e] = indices
        curve_images, curve_labels = data.curve_sample(self.paths, cfg)
        curve_images = ref.to_float(curve_images)
        n_hidden, n_classes, size = SIZES[1], SIZES[2], cfg.minibatch_size
        width = n_params + size * (n_hidden + n_classes)  # a slot: a step's gradients, then its a_h and a_out
        fd_params, params = shared(n_params * 4, "params")
        fd_ring, ring = shared(2 * block * width * 4, "gradients")
        fd_back, readback = shared(n_params * 4, "readback")
        mine = np.concatenate([p.ravel() for p in params0])
        params[:] = mine
        model = trusted_model(mine, shapes)
        evaluation, spotting = Stopwatch(), Stopwatch()
        with evaluation:
            self.losses.append(loss_on(model, curve_images, curve_labels))
        ring = ring.reshape(2 * block, width)
        spot = np.random.RandomState(cfg.spot_seed).rand(cfg.epochs * steps) < 1 / cfg.spot_check_every
        spot[: cfg.spot_check_first] = True
        images = data.train_images(self.paths)
        session = self.sandbox.session(self.deadline, train=True)
        self.progress = time.monotonic()
        try:
            sock = session.open()
            protocol.send_with_fds(sock, {}, [fd_params, fd_ring, fd_back])
            protocol.send(
                sock,
                {
                    "op": "train",
                    "args": list(SIZES),
                    "shapes": [list(s) for s in shapes],
                    "block": block,
                    "learning_rate": cfg.learning_rate,
                    "minibatch_size": cfg.minibatch_size,
                    "images": "mnist.npz",
                },
                [orders],
            )
            slot, total = 0, cfg.epochs * steps
            while True:
                byte = self.read_byte(session)
                if byte == b"B":
                    n = min(block, total - slot)
                    for _ in range(n):  # the book's update, W -= learning_rate * dW, as the sandbox applies it
                        row = ring[slot % (2 * block)]
                        if spot[slot]:
                            epoch, k = divmod(slot, steps)
                            idx = orders[epoch, k * size : (k + 1) * size]
                            with spotting:
                                self.contradicts = spot_check(model, images[idx], train_labels[idx], row, cfg)
                            if self.contradicts:
                                where = f"epoch {epoch + 1}, minibatch {k + 1}"
                                self.error = f"in {where}: {self.contradicts.pop('why')}"
                                self.step = {  # to replay it outside the loop (replayed)
                                    "params": mine.copy(),
                                    "shapes": shapes,
                                    "images": images[idx],
                                    "labels": train_labels[idx],
                                    "row": row.copy(),
                                    "where": where,
                                }
                                break
                        np.subtract(mine, row[:n_params], out=mine)
                        slot += 1
                    if self.error:
                        break
                    try:
                        sock.sendall(b"C")
                    except OSError:  # it stopped: what it sent before closing is still to be read
                        pass
                elif byte == b"E":
                    self.epochs_done += 1
                    if not np.isfinite(mine).all():  # NaN or inf weights classify nothing honestly (first:
                        # NaN differs from NaN, and the updates, not the student's object, made them)
                        self.error = (
                            f"after epoch {self.epochs_done}, parameters are NaN or inf: the gradients "
                            "blew up (is the learning rate or a derivative too large?)"
                        )
                        self.losses.append(float("nan"))
                        break
                    if not np.array_equal(mine, readback):
                        diff = float(np.nanmax(np.abs(mine.astype(np.float64) - readback)))
                        self.error = (
                            f"after epoch {self.epochs_done}, your model's parameters are not what the "
                            f"updates made them (largest difference {diff:.3g}): do forward or backward "
                            "change the parameters themselves?"
                        )
                        break
                    if self.epochs_done <= cfg.curve_epochs:
                        with evaluation:
                            self.losses.append(loss_on(model, curve_images, curve_labels))
                    if cfg.stop_at_accuracy and self.epochs_done >= cfg.first_accuracy_epoch:
                        with evaluation:
                            self.accuracy = test_accuracy(model, *self.test_set())
                        if self.accuracy >= cfg.min_test_accuracy:
                            break  # the question is answered: no need for the remaining epochs
                elif byte == b"D":
                    break
                elif byte == b"X":
                    reply, _ = session.receive()
                    self.error = clean(reply.get("error", "training stopped"), 600)
                    # outputs of the wrong kind in training refute what the checks' "runs" cases saw
                    self.contradicts = refuted(reply.get("refutes"), self.error)
                    break
                else:
                    self.error = "the process running your code sent something unexpected"
                    break
        except CodeStopped as e:
            self.error, self.stopped = str(e), e.kind
        finally:
            session.close(kill=True)
            for fd in (fd_params, fd_ring, fd_back):
                os.close(fd)
        if self.error:
            self.accuracy = None
        elif self.epochs_done == cfg.epochs and not cfg.stop_at_accuracy:
            with evaluation:
                self.accuracy = test_accuracy(model, *self.test_set())
        self.seconds, self.evaluation_s, self.spot_s = time.monotonic() - start, evaluation.seconds, spotting.seconds
        return self

    def test_set(self):
        """The test images, scaled once, and their labels: only here, in the grader's process."""
        if not hasattr(self, "_test"):
            self._test = data.test_images_scaled(self.paths), data.test_labels(self.paths)
        return self._test

    def read_byte(self, session):
        """The next byte from the sandbox; a stall (no block of minibatches done in stall_s) ends the
        training as a timeout without waiting for the whole check's time."""
        now = time.monotonic()
        limit = min(self.deadline, self.progress + self.stall_s)
        if limit <= now or not select.select([session.sock], [], [], limit - now)[0]:
            stopped = session.stopped("timeout")
            if limit < self.deadline:
                stopped = CodeStopped(
                    f"Your code made no progress for {self.stall_s:g} s (a few minibatches take milliseconds): "
                    "does forward or backward hang?",
                    "timeout",
                )
            raise stopped
        byte = session.sock.recv(1)
        if not byte:
            raise session.stopped("crashed")
        self.progress = time.monotonic()
        return byte


def run_training(student, cfg):
    """student.sandbox, .paths and .earlier (the outcomes of the checks before): the grader's Student."""
    earlier = student.earlier
    unmet = [
        name for name in cfg.requires if not earlier.get(name) or not all(o.passed for o in earlier[name].values())
    ]
    if unmet:
        checks = f"{' and '.join(unmet)} check{'s' if len(unmet) > 1 else ''}"
        msg = (
            f"Not trained: the grader trains only a network whose {checks} passed in full (above), since "
            "training with a wrong forward or wrong gradients shows nothing about the ReLU switch. Fix what "
            "they report, and the grader will train it."
        )
        return {"curve": Outcome(False, msg), "accuracy": Outcome(False, msg)}
    if "NeuralNetMLP_ReLU" not in student.defined:
        msg = "`NeuralNetMLP_ReLU` is not defined: run the cell that defines the class `NeuralNetMLP_ReLU` first."
        return {"curve": Outcome(False, msg), "accuracy": Outcome(False, msg)}
    t = settle(Training(student.sandbox, cfg, student.deadline, student.paths).run(), student, cfg)
    student.contradicts = t.contradicts  # the grader marks those cases failed too
    student.timings["training (sandbox and mirror)"] = round(t.seconds - t.evaluation_s - t.spot_s, 3)
    student.timings["spot checks (the reference on sampled steps)"] = round(t.spot_s, 3)
    student.timings["evaluation (loss curve, test accuracy)"] = round(t.evaluation_s, 3)
    return judge(t, cfg)


def judge(t, cfg):
    stopped = (
        f" Training stopped after {t.epochs_done} of {cfg.epochs} epochs: {t.error.rstrip('.')}." if t.error else ""
    )
    first = np.array(t.losses[: cfg.curve_epochs + 1])
    shown = ", ".join(f"{v:.4f}" for v in first)
    what = (
        f"the loss on {cfg.curve_examples:,} training images, measured by the grader before training and "
        "after each epoch"
    )
    if len(first) < cfg.curve_epochs + 1:
        curve = Outcome(
            False, f"{what}, could not be followed for {cfg.curve_epochs} epochs ({shown}).{stopped}", t.stopped
        )
    elif not np.isfinite(first).all():
        curve = Outcome(False, f"{what} became NaN or inf: {shown}.")
    elif not (np.diff(first) < 0).all():
        curve = Outcome(False, f"{what} did not fall in every one of the first {cfg.curve_epochs} epochs: {shown}.")
    else:
        curve = Outcome(True)
    need = cfg.min_test_accuracy
    if t.accuracy is None:
        accuracy = Outcome(False, f"the test accuracy could not be measured.{stopped}", t.stopped)
    elif t.accuracy >= need:
        accuracy = Outcome(True, f"{t.accuracy:.2%} test accuracy after {t.epochs_done} epochs.")
    else:
        accuracy = Outcome(
            False,
            f"trained by the grader ({t.epochs_done} epochs, learning rate {cfg.learning_rate}, "
            f"minibatches of {cfg.minibatch_size}), your network reaches {t.accuracy:.2%} test "
            f"accuracy; {need:.0%} is needed.",
        )
    return {"curve": curve, "accuracy": accuracy}
