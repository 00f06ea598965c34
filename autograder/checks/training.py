"""Checks 5 and 6: the grader trains the student's class with the reference's training loop
(the book's hyperparameters, fixed seeds, training data only) and judges the loss curve and
the test accuracy. Nothing the notebook trained or saved is used."""
import numpy as np
from threadpoolctl import threadpool_limits

from mnist_data import N_TRAIN, find_npz, load_mnist
from reference import mlp as ref

from .public import PASS, CheckError, call, fail, get_defined


def train_student(cls, cfg, blas_threads):
    """(per-epoch loss, test accuracy) of the student's class trained by the book's loop."""
    if hasattr(cls, "process"):  # the student's code runs in its own process (clean_grading)
        return train_remote(cls, cfg)
    X_train, y_train, _, _, X_test, y_test = load_mnist()
    model = call("NeuralNetMLP_ReLU(784, 50, 10)", cls, 784, 50, 10, cfg["model_seed"])
    with threadpool_limits(blas_threads), np.errstate(all="ignore"):
        epoch_loss, _, _ = call("training your NeuralNetMLP_ReLU", ref.train, model, X_train, y_train,
                                None, None, cfg["epochs"], cfg["learning_rate"],
                                cfg["minibatch_size"], cfg["shuffle_seed"], None)
        accuracy = float(ref.accuracy(y_test, call("predicting with it", ref.predict, model, X_test)))
    return epoch_loss, accuracy


def labels():
    with np.load(find_npz()) as d:
        return d["y_train"][:N_TRAIN], d["y_test"]


def train_remote(cls, cfg):
    """The same loop, run where the student's code runs: this process makes the parameters
    float32 and chooses the minibatches (as reference.mlp.train does) and computes the loss and the
    accuracy from the outputs that come back."""
    y_train, y_test = labels()
    model = call("NeuralNetMLP_ReLU(784, 50, 10)", cls, 784, 50, 10, cfg["model_seed"])
    call("making its parameters float32", ref.to_float32, model)
    rng, size = np.random.RandomState(cfg["shuffle_seed"]), cfg["minibatch_size"]
    onehot = np.eye(10)
    epoch_loss = []
    with np.errstate(all="ignore"):
        for _ in range(cfg["epochs"]):
            order = rng.permutation(N_TRAIN)
            a_out = call("training your NeuralNetMLP_ReLU", model.train_epoch, order, cfg["learning_rate"],
                         size, cfg["timeout_s"])
            n = (N_TRAIN // size) * size
            if not isinstance(a_out, np.ndarray) or a_out.shape != (n, 10):
                raise CheckError(f"training returned outputs of shape {np.shape(a_out)}, not ({n}, 10)")
            per_batch = ((a_out - onehot[y_train[order[:n]]]) ** 2).reshape(-1, size * 10).mean(axis=1)
            epoch_loss.append(float(per_batch.mean()))
        probas = call("predicting with it", model.predict_test, cfg["timeout_s"])
        if not isinstance(probas, np.ndarray) or probas.shape != (len(y_test), 10):
            raise CheckError(f"predicting the test set returned shape {np.shape(probas)}")
        accuracy = float(np.mean(np.argmax(probas, axis=1) == y_test))
    return epoch_loss, accuracy


def run_training(env, cfg, blas_threads=1):
    cls = get_defined(env, "NeuralNetMLP_ReLU", "class")
    epoch_loss, accuracy = train_student(cls, cfg, blas_threads)
    outcomes = {}

    first = np.array(epoch_loss[:cfg["curve_epochs"]])
    shown = ", ".join(f"{v:.4f}" for v in first)
    if not np.isfinite(first).all():
        outcomes["curve"] = fail(f"the training loss became NaN or inf (per-epoch loss: {shown}).")
    elif not (np.diff(first) < 0).all():
        outcomes["curve"] = fail(f"the training loss did not fall in every one of the first "
                                 f"{len(first)} epochs: {shown}.")
    else:
        outcomes["curve"] = PASS

    need = cfg["min_test_accuracy"]
    outcomes["accuracy"] = PASS if accuracy >= need else fail(
        f"trained by the grader ({cfg['epochs']} epochs, learning rate {cfg['learning_rate']}, "
        f"minibatches of {cfg['minibatch_size']}), your network reaches {accuracy:.2%} test accuracy; "
        f"{need:.0%} is needed.")
    return outcomes
