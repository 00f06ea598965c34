"""Test accuracy of the reference ReLU net (and, with --sigmoid, of the forgotten switch) after
each number of epochs, over model and shuffle seeds, trained the way the grader trains: the
margin that `training.epochs` in grading.yml is chosen by.

    .venv/bin/python -m instructor.accuracy_over_seeds [--seeds 10] [--epochs 40] [--sigmoid]
"""

import argparse
import time

import numpy as np
from mnist_data import load_mnist
from threadpoolctl import threadpool_limits

from autograder import config
from reference.mlp import NeuralNetMLP, NeuralNetMLP_ReLU, accuracy, predict, train


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--sigmoid", action="store_true", help="the sigmoid net instead")
    args = parser.parse_args()
    cfg = config.load().checks.training
    cls = NeuralNetMLP if args.sigmoid else NeuralNetMLP_ReLU
    X_train, y_train, _, _, X_test, y_test = load_mnist()
    report = sorted({5, 10, 15, 20, 25, 30, 40, cfg.epochs} & set(range(1, args.epochs + 1)))
    table, firsts = [], []
    with threadpool_limits(1):
        for seed in range(args.seeds):
            model = cls(784, 50, 10, random_seed=seed)
            accs = []

            def log(_, model=model, accs=accs):
                accs.append(accuracy(y_test, predict(model, X_test)))

            start = time.monotonic()
            train(
                model,
                X_train,
                y_train,
                num_epochs=args.epochs,
                learning_rate=cfg.learning_rate,
                minibatch_size=cfg.minibatch_size,
                seed=seed,
                log=log,
            )
            table.append([accs[e - 1] for e in report])
            firsts.append(next((e for e, a in enumerate(accs, 1) if a >= cfg.min_test_accuracy), None))
            print(
                f"seed {seed}: "
                + " ".join(f"{e}:{a:.2%}" for e, a in zip(report, table[-1]))
                + f"  (first {cfg.min_test_accuracy:.0%} after epoch {firsts[-1]}; {time.monotonic() - start:.0f} s)",
                flush=True,
            )
    worst = np.min(table, axis=0)
    reached = [e for e in firsts if e is not None]
    if reached:  # the accuracy is measured from accuracy_from_epoch on: earlier decides nothing
        print(
            f"first epoch at {cfg.min_test_accuracy:.0%}: {min(reached)} to {max(reached)} "
            f"({len(reached)} of {args.seeds} seeds); grading.yml accuracy_from_epoch: {cfg.accuracy_from_epoch}"
        )
    print(f"{cls.__name__}, worst over {args.seeds} seeds: " + " ".join(f"{e}:{a:.2%}" for e, a in zip(report, worst)))
    e = cfg.epochs
    if e in report:
        print(
            f"grading.yml: {e} epochs, worst {worst[report.index(e)]:.2%}, "
            f"margin {100 * (worst[report.index(e)] - cfg.min_test_accuracy):+.2f} points over "
            f"{cfg.min_test_accuracy:.0%}"
        )


if __name__ == "__main__":
    main()
