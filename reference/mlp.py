"""The reference solution: the book's MLP (Raschka et al., ch. 11) and Problem 1, its ReLU variant.

This is the one place the model is written in full. `make build` copies these definitions into
the student notebook; lines marked `# SOLUTION` become `...` there (Otter Assign's convention).
"""
import numpy as np
from mnist_data import to_float

##########################
### MODEL
##########################

def sigmoid(z):
    return 1. / (1. + np.exp(-z))


def int_to_onehot(y, num_labels):
    # float32 like the images (the book: float64), so that float32 training stays float32
    return np.eye(num_labels, dtype=np.float32)[y]


class NeuralNetMLP:

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
        super().__init__()

        self.num_classes = num_classes

        # hidden
        rng = np.random.RandomState(random_seed)

        self.weight_h = rng.normal(
            loc=0.0, scale=0.1, size=(num_hidden, num_features))
        self.bias_h = np.zeros(num_hidden)

        # output
        self.weight_out = rng.normal(
            loc=0.0, scale=0.1, size=(num_classes, num_hidden))
        self.bias_out = np.zeros(num_classes)

    def forward(self, x):
        # Hidden layer
        # input dim: [n_examples, n_features] dot [n_hidden, n_features].T
        # output dim: [n_examples, n_hidden]
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = sigmoid(z_h)

        # Output layer
        # input dim: [n_examples, n_hidden] dot [n_classes, n_hidden].T
        # output dim: [n_examples, n_classes]
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):

        #########################
        ### Output layer weights
        #########################

        # onehot encoding
        y_onehot = int_to_onehot(y, self.num_classes)

        # Part 1: dLoss/dOutWeights
        ## = dLoss/dOutAct * dOutAct/dOutNet * dOutNet/dOutWeight
        ## where DeltaOut = dLoss/dOutAct * dOutAct/dOutNet
        ## for convenient re-use

        # input/output dim: [n_examples, n_classes]
        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]

        # input/output dim: [n_examples, n_classes]
        d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative

        # output dim: [n_examples, n_classes]
        delta_out = d_loss__d_a_out * d_a_out__d_z_out # "delta (rule) placeholder"

        # gradient for output weights

        # [n_examples, n_hidden]
        d_z_out__dw_out = a_h

        # input dim: [n_classes, n_examples] dot [n_examples, n_hidden]
        # output dim: [n_classes, n_hidden]
        d_loss__dw_out = np.dot(delta_out.T, d_z_out__dw_out)
        d_loss__db_out = np.sum(delta_out, axis=0)

        #################################
        # Part 2: dLoss/dHiddenWeights
        ## = DeltaOut * dOutNet/dHiddenAct * dHiddenAct/dHiddenNet * dHiddenNet/dWeight

        # [n_classes, n_hidden]
        d_z_out__a_h = self.weight_out

        # output dim: [n_examples, n_hidden]
        d_loss__a_h = np.dot(delta_out, d_z_out__a_h)

        # [n_examples, n_hidden]
        d_a_h__d_z_h = a_h * (1. - a_h) # sigmoid derivative

        # [n_examples, n_features]
        d_z_h__d_w_h = x

        # output dim: [n_hidden, n_features]
        d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)
        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)

        return (d_loss__dw_out, d_loss__db_out,
                d_loss__d_w_h, d_loss__d_b_h)


##########################
### PROBLEM 1: ReLU
##########################

def relu(z):
    return np.maximum(z, 0)  # SOLUTION


class NeuralNetMLP_ReLU:

    def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
        super().__init__()

        self.num_classes = num_classes

        # hidden
        rng = np.random.RandomState(random_seed)

        self.weight_h = rng.normal(
            loc=0.0, scale=0.1, size=(num_hidden, num_features))
        self.bias_h = np.zeros(num_hidden)

        # output
        self.weight_out = rng.normal(
            loc=0.0, scale=0.1, size=(num_classes, num_hidden))
        self.bias_out = np.zeros(num_classes)

    def forward(self, x):
        # Hidden layer
        # input dim: [n_examples, n_features] dot [n_hidden, n_features].T
        # output dim: [n_examples, n_hidden]
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = relu(z_h)  # SOLUTION

        # Output layer
        # input dim: [n_examples, n_hidden] dot [n_classes, n_hidden].T
        # output dim: [n_examples, n_classes]
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out

    def backward(self, x, a_h, a_out, y):

        # onehot encoding
        y_onehot = int_to_onehot(y, self.num_classes)

        # Part 1: dLoss/dOutWeights (unchanged: the output layer is still sigmoid)

        # input/output dim: [n_examples, n_classes]
        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]

        # input/output dim: [n_examples, n_classes]
        d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative

        # output dim: [n_examples, n_classes]
        delta_out = d_loss__d_a_out * d_a_out__d_z_out # "delta (rule) placeholder"

        # [n_examples, n_hidden]
        d_z_out__dw_out = a_h

        # output dim: [n_classes, n_hidden]
        d_loss__dw_out = np.dot(delta_out.T, d_z_out__dw_out)
        d_loss__db_out = np.sum(delta_out, axis=0)

        # Part 2: dLoss/dHiddenWeights

        # [n_classes, n_hidden]
        d_z_out__a_h = self.weight_out

        # output dim: [n_examples, n_hidden]
        d_loss__a_h = np.dot(delta_out, d_z_out__a_h)

        # [n_examples, n_hidden]
        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION

        # [n_examples, n_features]
        d_z_h__d_w_h = x

        # output dim: [n_hidden, n_features]
        d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)
        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)

        return (d_loss__dw_out, d_loss__db_out,
                d_loss__d_w_h, d_loss__d_b_h)


##########################
### TRAINING
##########################

def minibatch_generator(X, y, minibatch_size, rng=np.random):
    indices = np.arange(X.shape[0])
    rng.shuffle(indices)
    for start_idx in range(0, indices.shape[0] - minibatch_size + 1, minibatch_size):
        batch_idx = indices[start_idx:start_idx + minibatch_size]
        yield to_float(X[batch_idx]), y[batch_idx]


def mse_loss(targets, probas, num_labels=10):
    onehot_targets = int_to_onehot(targets, num_labels=num_labels)
    return np.mean((onehot_targets - probas)**2)


def accuracy(targets, predicted_labels):
    return np.mean(predicted_labels == targets)


def predict(nnet, X, minibatch_size=1000):
    """Predicted labels for uint8 images X, a minibatch at a time (no float copy of all of X)."""
    return np.concatenate([np.argmax(nnet.forward(to_float(X[i:i + minibatch_size]))[1], axis=1)
                           for i in range(0, X.shape[0], minibatch_size)])


def to_float32(model):
    """Make the model's parameters float32, as `train` does: float32 matrix products take half
    the time of the book's float64 ones, and SGD needs no more precision."""
    for name in ("weight_h", "bias_h", "weight_out", "bias_out"):
        setattr(model, name, np.asarray(getattr(model, name), dtype=np.float32))


def train(model, X_train, y_train, X_valid=None, y_valid=None, num_epochs=20,
          learning_rate=0.1, minibatch_size=100, seed=123, log=print):
    """The book's training loop; returns per-epoch (loss, train acc, valid acc).

    Loss and train accuracy are averaged over the epoch's minibatches as they are seen, rather
    than by a second pass over all 55,000 images after each epoch as in the book: same trend,
    a third of the time. The shuffle uses its own RandomState(seed), not numpy's global one.
    Unlike the book, it trains in float32.
    """
    to_float32(model)
    rng = np.random.RandomState(seed)
    epoch_loss, epoch_train_acc, epoch_valid_acc = [], [], []

    for e in range(num_epochs):
        losses, correct = [], 0
        for X_train_mini, y_train_mini in minibatch_generator(X_train, y_train, minibatch_size, rng):
            #### Compute outputs ####
            a_h, a_out = model.forward(X_train_mini)
            losses.append(mse_loss(y_train_mini, a_out, model.num_classes))
            correct += int(np.sum(np.argmax(a_out, axis=1) == y_train_mini))

            #### Compute gradients ####
            d_loss__d_w_out, d_loss__d_b_out, d_loss__d_w_h, d_loss__d_b_h = \
                model.backward(X_train_mini, a_h, a_out, y_train_mini)

            #### Update weights ####
            model.weight_h -= learning_rate * d_loss__d_w_h
            model.bias_h -= learning_rate * d_loss__d_b_h
            model.weight_out -= learning_rate * d_loss__d_w_out
            model.bias_out -= learning_rate * d_loss__d_b_out

        #### Epoch Logging ####
        epoch_loss.append(float(np.mean(losses)))
        epoch_train_acc.append(correct / (len(losses) * minibatch_size))
        if X_valid is not None:
            epoch_valid_acc.append(float(accuracy(y_valid, predict(model, X_valid))))
        if log:
            valid = f" | Valid Acc: {epoch_valid_acc[-1]*100:.2f}%" if epoch_valid_acc else ""
            log(f"Epoch: {e+1:03d}/{num_epochs:03d} | Train MSE: {epoch_loss[-1]:.4f} "
                f"| Train Acc: {epoch_train_acc[-1]*100:.2f}%{valid}")

    return epoch_loss, epoch_train_acc, epoch_valid_acc
