# %% [markdown]
# # A multi-layer neural network from scratch, then ReLU
#
# This notebook follows chapter 11 of Raschka, Liu and Mirjalili, *Machine Learning with PyTorch
# and Scikit-Learn* (2022): a multi-layer perceptron (MLP) for handwritten digits, written in
# NumPy only. Read it top to bottom and run each cell; the first part is given and runs as it
# is, the last part is yours.
#
# **Problem 1.** Switch the hidden layer from the sigmoid to the ReLU activation,
# $\mathrm{ReLU}(z) = \max(0, z)$. You write three things, each marked `...`:
# 1. the function `relu(z)`;
# 2. the line `a_h = ...` in `NeuralNetMLP_ReLU.forward`;
# 3. the line `d_a_h__d_z_h = ...` (the ReLU derivative) in `NeuralNetMLP_ReLU.backward`.
#
# After each part a `grader.check(...)` cell tells you what is still wrong. When you submit, the
# autograder runs more checks (see *Submit* at the end). It runs Python {{ python_version }} with NumPy,
# SciPy, scikit-learn and Matplotlib: write code that runs there.

# %%
# On Google Colab: install Otter and fetch the helper files (mnist_data.py, mlp_checks.py,
# tests/) that sit beside this notebook in the assignment folder. Elsewhere this does nothing.
import sys
if "google.colab" in sys.modules:
    import os, subprocess, urllib.request
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "otter-grader==7.0.0"], check=True)
    FILES_URL = "{{ colab_files_url }}"  # your instructor's copy of the assignment folder
    for name in {{ student_files }}:
        if not os.path.exists(name):
            os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
            urllib.request.urlretrieve(f"{FILES_URL.rstrip('/')}/{name}", name)

# %%
# Initialize Otter
import otter
grader = otter.Notebook(tests_dir="tests")

import numpy as np
from mnist_data import load_mnist, to_float

# %% [markdown]
# ## The data: MNIST
#
# 70,000 images of handwritten digits, 28 x 28 pixels with values 0..255. `load_mnist` reads it
# from the file named by the `MNIST_PATH` environment variable, or `mnist.npz` next to this
# notebook, or else downloads it from OpenML once (as the book does, with scikit-learn's
# `fetch_openml`) and keeps a copy beside `mnist_data.py`: after that no network is needed.
#
# The split is the official one: training = the first 55,000 official training images,
# validation = the last 5,000, test = the official 10,000. Each image is a row of 784 pixels.
# Pixels stay `uint8` to save memory; `to_float` scales a minibatch to $[-1, 1]$ as the book
# does with `((X / 255.) - .5) * 2`.

# %% tags=["otter_ignore"]
import matplotlib.pyplot as plt  # here: the autograder runs only the cells your code needs, and it needs no plots

X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()
print("train", X_train.shape, "valid", X_valid.shape, "test", X_test.shape)

fig, ax = plt.subplots(nrows=2, ncols=5, sharex=True, sharey=True, figsize=(8, 3.5))
for i, axis in enumerate(ax.flatten()):
    img = X_train[y_train == i][0].reshape(28, 28)
    axis.imshow(img, cmap="Greys")
    axis.set_title(str(i))
ax[0, 0].set_xticks([])
ax[0, 0].set_yticks([])
plt.suptitle("One training image of each digit")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The book's network: one sigmoid hidden layer
#
# 784 inputs, 50 hidden units, 10 output units (one per digit). For a minibatch `x` of shape
# `[n_examples, 784]` the **forward pass** computes
#
# $$z_h = x W_h^T + b_h, \quad a_h = \sigma(z_h), \quad z_{out} = a_h W_{out}^T + b_{out}, \quad a_{out} = \sigma(z_{out})$$
#
# with $\sigma(z) = 1 / (1 + e^{-z})$. The loss is the mean squared error against the one-hot
# labels. The **backward pass** applies the chain rule from the loss back to each weight; the
# variable names say which derivative each factor is: `d_loss__d_a_out` is
# $\partial L / \partial a_{out}$, `d_a_h__d_z_h` is $\partial a_h / \partial z_h$, and so on. The
# comments give each array's dimensions. `backward` returns the gradient of
# $L = \frac{1}{n} \sum_{i, k} (a_{out} - y_{onehot})_{ik}^2$ for each parameter; the book's
# `mse_loss` also averages over the 10 classes, so it is $L / 10$.

# %%
{{ source("sigmoid", "int_to_onehot", "NeuralNetMLP") }}

# %% [markdown]
# ## Training: minibatch gradient descent
#
# Each epoch shuffles the 55,000 training images and walks through them in minibatches of 100:
# forward pass, backward pass, then a step of size `learning_rate` against each gradient. The
# loss and accuracy of an epoch are averaged over its minibatches; the validation accuracy is
# measured after each epoch. Unlike the book, `train` works in float32 (images, parameters,
# one-hot targets): the matrix products take half the time, and SGD needs no more precision.

# %%
{{ source("minibatch_generator", "mse_loss", "accuracy", "predict", "to_float32", "train") }}

# %% tags=["otter_ignore"]
model = NeuralNetMLP(num_features=28*28, num_hidden=50, num_classes=10)
epoch_loss, epoch_train_acc, epoch_valid_acc = train(
    model, X_train, y_train, X_valid, y_valid, num_epochs={{ training.epochs }}, learning_rate={{ training.learning_rate }})
print(f"Sigmoid net, test accuracy: {accuracy(y_test, predict(model, X_test)):.2%}")

# %% [markdown]
# ## Problem 1: ReLU
#
# The sigmoid squashes its input into $(0, 1)$ and its derivative $\sigma(z)(1 - \sigma(z))$ is at
# most 0.25, so gradients shrink as they flow back through it. ReLU passes positive inputs
# through unchanged, with derivative 1, and zeroes the rest.
#
# ### 1. The activation
# `relu(z)` takes a NumPy array of any shape (or a scalar) and returns a new array of the same
# shape and dtype: 0 where $z \le 0$, $z$ where $z > 0$. It must not change its argument.

# %%
{{ source("relu") }}

# %%
grader.check("relu")

# %% [markdown]
# ### 2. and 3. The network
# A copy of the book's class with two lines to write: the hidden activation in `forward`, and its
# derivative in `backward`. The derivative of ReLU is 1 where $z > 0$ and 0 where $z \le 0$.
# `backward` receives `a_h`, the activation, not `z_h`: where is $a_h > 0$?

# %%
{{ source("NeuralNetMLP_ReLU") }}

# %%
grader.check("forward")

# %%
grader.check("backward")

# %% [markdown]
# ### Check your gradients numerically
# Central differences, $\frac{L(w + \epsilon) - L(w - \epsilon)}{2 \epsilon}$ for each
# parameter entry, estimate the gradient without calculus. Compared with what `backward`
# returns, the relative error $\max \frac{|g_{backward} - g_{numeric}|}{|g_{backward}| + |g_{numeric}|}$
# should be tiny (below $10^{-6}$) for every parameter. This runs on a small random network
# (20 inputs, 8 hidden units, 5 classes) so that it takes a moment only.

# %% tags=["otter_ignore"]
from mlp_checks import gradient_check_report
gradient_check_report(NeuralNetMLP_ReLU)

# %% [markdown]
# ### Train the ReLU network
# With your three parts right it reaches about 96% test accuracy in {{ training.epochs }} epochs.
# Once your forward, backward and gradients pass its checks, the autograder trains your class itself
# with this loop and these settings (its own initial weights and seeds) for up to
# {{ training.epochs }} epochs, and needs at least {{ training.min_test_accuracy | percent }} test
# accuracy{% if training.stop_at_accuracy %} (it stops as soon as that is reached){% endif %}.

# %% tags=["otter_ignore"]
try:
    model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)
    epoch_loss_relu, epoch_train_acc_relu, epoch_valid_acc_relu = train(
        model_relu, X_train, y_train, X_valid, y_valid, num_epochs={{ training.epochs }}, learning_rate={{ training.learning_rate }})
    print(f"ReLU net, test accuracy: {accuracy(y_test, predict(model_relu, X_test)):.2%}")
except Exception as e:  # the stubs are not filled in yet
    model_relu = None
    print(f"Training the ReLU net failed ({type(e).__name__}: {e}): make the checks above pass first.")

# %% [markdown]
# ### Sigmoid and ReLU side by side

# %% tags=["otter_ignore"]
if model_relu is not None:
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    epochs = np.arange(1, len(epoch_loss) + 1)
    ax[0].plot(epochs, epoch_loss, color="C0", label="sigmoid")
    ax[0].plot(epochs, epoch_loss_relu, color="C1", label="ReLU")
    ax[0].set_xlabel("Epoch")
    ax[0].set_ylabel("Mean squared error (training)")
    ax[0].legend()
    for color, name, train_acc, valid_acc in [("C0", "sigmoid", epoch_train_acc, epoch_valid_acc),
                                              ("C1", "ReLU", epoch_train_acc_relu, epoch_valid_acc_relu)]:
        ax[1].plot(epochs, train_acc, color=color, label=f"{name}: training")
        ax[1].plot(epochs, valid_acc, "--", color=color, label=f"{name}: validation")
    ax[1].set_xlabel("Epoch")
    ax[1].set_ylabel("Accuracy")
    ax[1].legend()
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ### What the ReLU network gets wrong
# Misclassified test digits, with the true label `t` and the prediction `p`.

# %% tags=["otter_ignore"]
if model_relu is not None:
    predicted = predict(model_relu, X_test)
    wrong = np.flatnonzero(predicted != y_test)[:25]
    fig, ax = plt.subplots(nrows=5, ncols=5, sharex=True, sharey=True, figsize=(7, 7.5))
    for axis, i in zip(ax.flatten(), wrong):
        axis.imshow(X_test[i].reshape(28, 28), cmap="Greys", interpolation="nearest")
        axis.set_title(f"{i}) t: {y_test[i]} p: {predicted[i]}")
    ax[0, 0].set_xticks([])
    ax[0, 0].set_yticks([])
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ### What the hidden units look at
# Each of the 50 hidden units has one weight per pixel: shown as an image, red where a bright
# pixel raises the unit's input, blue where it lowers it.

# %% tags=["otter_ignore"]
if model_relu is not None:
    fig, ax = plt.subplots(nrows=5, ncols=10, figsize=(12, 6.5))
    for axis, w in zip(ax.flatten(), model_relu.weight_h):
        limit = np.abs(w).max()
        axis.imshow(w.reshape(28, 28), cmap="seismic", vmin=-limit, vmax=limit)
        axis.set_xticks([])
        axis.set_yticks([])
    plt.suptitle("Hidden-layer weights of the ReLU network")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## Submit
#
# 1. Save the notebook (File > Save).
# 2. Run the cell below. It writes a `.zip` file next to this notebook.
# 3. Upload that `.zip` (or the `.ipynb` itself) to the assignment on Gradescope.
#
# What the autograder does with it:
# - It runs, in a sandbox of its own, the cells your `relu` and `NeuralNetMLP_ReLU` need (imports,
#   helper definitions), not your experiments: trainings and plots cost you no time. It grades the
#   definitions in effect at your `grader.check` cells, so a scratch version above them or a
#   "bonus" version below them changes nothing.
# - It checks `relu`, compares `forward` and `backward` with its own solution on random inputs, and
#   checks every gradient numerically on new random data. If those pass, it trains your
#   `NeuralNetMLP_ReLU` itself (up to {{ training.epochs }} epochs, its own initial weights and
#   seeds) and measures the loss and the test accuracy with its own code. Your code never sees the
#   test set there.
#
# So nothing above needs to finish before you submit, and your own results do not count: only
# your `relu` and your class do.

# %% tags=["otter_ignore"]
grader.export(pdf=False, run_tests=False)
