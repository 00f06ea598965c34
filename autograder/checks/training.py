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
from ..sandbox import protocol
from ..sandbox.client import clean
from .public import SIZES, CodeStopped, Outcome

PARAMS = ("weight_h", "bias_h", "weight_out", "bias_out")


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
        self.seconds = self.evaluation_s = 0.0
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
        fd_params, params = shared(n_params * 4, "params")
        fd_ring, ring = shared(2 * block * n_params * 4, "gradients")
        fd_back, readback = shared(n_params * 4, "readback")
        mine = np.concatenate([p.ravel() for p in params0])
        params[:] = mine
        model = trusted_model(mine, shapes)
        evaluation = Stopwatch()
        with evaluation:
            self.losses.append(loss_on(model, curve_images, curve_labels))
        ring = ring.reshape(2 * block, n_params)
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
                        np.subtract(mine, ring[slot % (2 * block)], out=mine)
                        slot += 1
                    try:
                        sock.sendall(b"C")
                    except OSError:  # it stopped: what it sent before closing is still to be read
                        pass
                elif byte == b"E":
                    self.epochs_done += 1
                    if not np.array_equal(mine, readback):
                        diff = float(np.nanmax(np.abs(mine.astype(np.float64) - readback)))
                        self.error = (
                            f"after epoch {self.epochs_done}, your model's parameters are not what the "
                            f"updates made them (largest difference {diff:.3g}): do forward or backward "
                            "change the parameters themselves?"
                        )
                        break
                    if not np.isfinite(mine).all():  # NaN or inf weights classify nothing honestly
                        self.error = (
                            f"after epoch {self.epochs_done}, parameters are NaN or inf: the gradients "
                            "blew up (is the learning rate or a derivative too large?)"
                        )
                        self.losses.append(float("nan"))
                        break
                    if self.epochs_done <= cfg.curve_epochs:
                        with evaluation:
                            self.losses.append(loss_on(model, curve_images, curve_labels))
                    if cfg.stop_at_accuracy and self.epochs_done >= cfg.curve_epochs:
                        with evaluation:
                            self.accuracy = test_accuracy(model, *self.test_set())
                        if self.accuracy >= cfg.min_test_accuracy:
                            break  # the question is answered: no need for the remaining epochs
                elif byte == b"D":
                    break
                elif byte == b"X":
                    reply, _ = session.receive()
                    self.error = clean(reply.get("error", "training stopped"), 600)
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
        self.seconds, self.evaluation_s = time.monotonic() - start, evaluation.seconds
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
    t = Training(student.sandbox, cfg, student.deadline, student.paths).run()
    student.timings["training (sandbox and mirror)"] = round(t.seconds - t.evaluation_s, 3)
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
