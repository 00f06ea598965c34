"""The comparison anchor: the book's pipeline as written (ch. 11), training the ReLU net for the
grader's number of epochs: the whole set scaled to float64 in memory, int_to_onehot by a Python
loop, and the training and validation sets evaluated after every epoch.

    python bench/book_pipeline.py      (bench/grading.py runs it under Gradescope's limits)
"""

import time

import numpy as np

from autograder import config
from reference.mlp import NeuralNetMLP_ReLU


def int_to_onehot(y, num_labels):
    ary = np.zeros((y.shape[0], num_labels))
    for i, val in enumerate(y):
        ary[i, val] = 1
    return ary


def minibatch_generator(X, y, minibatch_size):
    indices = np.arange(X.shape[0])
    np.random.shuffle(indices)
    for start_idx in range(0, indices.shape[0] - minibatch_size + 1, minibatch_size):
        batch_idx = indices[start_idx : start_idx + minibatch_size]
        yield X[batch_idx], y[batch_idx]


def compute_mse_and_acc(nnet, X, y, num_labels=10, minibatch_size=100):
    mse, correct_pred, num_examples = 0.0, 0, 0
    minibatch_gen = minibatch_generator(X, y, minibatch_size)
    for i, (features, targets) in enumerate(minibatch_gen):  # noqa: B007 (the book's code: i is used below)
        _, probas = nnet.forward(features)
        predicted_labels = np.argmax(probas, axis=1)
        onehot_targets = int_to_onehot(targets, num_labels=num_labels)
        loss = np.mean((onehot_targets - probas) ** 2)
        correct_pred += (predicted_labels == targets).sum()
        num_examples += targets.shape[0]
        mse += loss
    return mse / (i + 1), correct_pred / num_examples


def train(model, X_train, y_train, X_valid, y_valid, num_epochs, learning_rate=0.1, minibatch_size=100):
    for _epoch in range(num_epochs):
        for X_train_mini, y_train_mini in minibatch_generator(X_train, y_train, minibatch_size):
            a_h, a_out = model.forward(X_train_mini)
            d_loss__d_w_out, d_loss__d_b_out, d_loss__d_w_h, d_loss__d_b_h = model.backward(
                X_train_mini, a_h, a_out, y_train_mini
            )
            model.weight_h -= learning_rate * d_loss__d_w_h
            model.bias_h -= learning_rate * d_loss__d_b_h
            model.weight_out -= learning_rate * d_loss__d_w_out
            model.bias_out -= learning_rate * d_loss__d_b_out
        train_mse, train_acc = compute_mse_and_acc(model, X_train, y_train)
        valid_mse, valid_acc = compute_mse_and_acc(model, X_valid, y_valid)


def main():
    from mnist_data import find_npz

    cfg = config.load().checks.training
    start = time.monotonic()
    with np.load(find_npz()) as d:  # as fetch_openml gives it: 70,000 x 784 float64
        X = np.concatenate([d["x_train"], d["x_test"]]).reshape(-1, 784).astype(np.float64)
        y = np.concatenate([d["y_train"], d["y_test"]]).astype(int)
    X = ((X / 255.0) - 0.5) * 2
    X_train, y_train = X[:55000], y[:55000]
    X_valid, y_valid = X[55000:60000], y[55000:60000]
    X_test, y_test = X[60000:], y[60000:]
    np.random.seed(123)
    model = NeuralNetMLP_ReLU(784, 50, 10, random_seed=cfg.model_seed)
    train(model, X_train, y_train, X_valid, y_valid, num_epochs=cfg.epochs)
    _, test_acc = compute_mse_and_acc(model, X_test, y_test)
    print(f"book pipeline: {cfg.epochs} epochs, test accuracy {test_acc:.2%}, {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    main()
