# %% [markdown]
# # A multi-layer neural network from scratch, then ReLU
#
# After Raschka et al., *Machine Learning with PyTorch and Scikit-Learn*, chapter 11: a
# 784-50-10 multi-layer perceptron for MNIST written in NumPy, with a sigmoid hidden layer, a
# sigmoid output layer, the mean squared error loss and minibatch gradient descent.
#
# **Problem 1.** Switch the hidden layer to the ReLU activation, $\mathrm{ReLU}(z) = \max(0, z)$.
# You write three things, each marked `...`:
# 1. the function `relu(z)`;
# 2. the line `a_h = ...` in `NeuralNetMLP_ReLU.forward`;
# 3. the line `d_a_h__d_z_h = ...` (the ReLU derivative) in `NeuralNetMLP_ReLU.backward`.
#
# Run the notebook top to bottom. The `grader.check(...)` cells tell you what is still wrong.

# %%
# Initialize Otter
import otter
grader = otter.Notebook(tests_dir="tests")

import numpy as np
from mnist_data import load_mnist, to_float

# %% [markdown]
# ## The data
#
# `load_mnist` reads MNIST from the file named by the `MNIST_PATH` environment variable, or
# `mnist.npz` next to this notebook, or downloads it from OpenML once (it needs a network then).
# Pixels stay `uint8` (0..255) to save memory; `to_float` scales a minibatch to $[-1, 1]$.
# Training set: the first 55,000 official training images; validation: the last 5,000;
# test: the official 10,000.

# %% tags=["otter_ignore"]
X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()
print("train", X_train.shape, "valid", X_valid.shape, "test", X_test.shape)

# %% [markdown]
# ## The book's network: sigmoid hidden layer

# %%
#| include: sigmoid, int_to_onehot, NeuralNetMLP

# %% [markdown]
# ## Training and evaluation

# %%
#| include: minibatch_generator, mse_loss, accuracy, predict, train

# %% tags=["otter_ignore"]
model = NeuralNetMLP(num_features=28*28, num_hidden=50, num_classes=10)
epoch_loss, epoch_train_acc, epoch_valid_acc = train(
    model, X_train, y_train, X_valid, y_valid, num_epochs={{training.epochs}}, learning_rate=0.1)
print(f"Sigmoid net, test accuracy: {accuracy(y_test, predict(model, X_test)):.2%}")

# %% [markdown]
# ## Problem 1: ReLU
#
# ### 1. The activation
# `relu(z)` takes a NumPy array of any shape (or a scalar) and returns a new array of the same
# shape and dtype: 0 where $z \le 0$, $z$ where $z > 0$. It must not change its argument.

# %%
#| include: relu

# %%
grader.check("relu")

# %% [markdown]
# ### 2. and 3. The network
# Copy of the book's class with two lines to write: the hidden activation in `forward`, and its
# derivative in `backward`. The derivative of ReLU is 1 where $z > 0$ and 0 where $z \le 0$;
# `backward` receives `a_h`, the activation, not `z_h`.

# %%
#| include: NeuralNetMLP_ReLU

# %%
grader.check("forward")

# %%
grader.check("backward")

# %% [markdown]
# ### Train the ReLU network
# With your three parts right it reaches about 96% test accuracy in {{training.epochs}} epochs.
# The autograder trains your class itself with this loop and these settings (and fixed seeds),
# and needs at least {{training.min_test_accuracy}} test accuracy.

# %% tags=["otter_ignore"]
model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)
epoch_loss_relu, epoch_train_acc_relu, epoch_valid_acc_relu = train(
    model_relu, X_train, y_train, X_valid, y_valid, num_epochs={{training.epochs}}, learning_rate=0.1)
print(f"ReLU net, test accuracy: {accuracy(y_test, predict(model_relu, X_test)):.2%}")

# %% [markdown]
# ## Submit
# Save the notebook, run the cell below, and upload the `.zip` it writes to Gradescope.
# The autograder runs the hidden checks too: the numeric gradient check on new data, the
# training curve and the test accuracy.

# %% tags=["otter_ignore"]
grader.export(pdf=False, run_tests=False)
