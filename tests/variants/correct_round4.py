"""Round 4 (a session that had not seen the grader's code): correct notebooks, class construction,
numerics, notebook-level habits. Edits format of tests/notebook_edits.py."""
import os
import sys
import textwrap

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
ROUND = os.path.dirname(HERE)
from tests.notebook_edits import apply  # noqa: E402

CLS = "class NeuralNetMLP_ReLU"
RELU_STUB = "return np.maximum(z, 0)  # SOLUTION"
A_H = "a_h = relu(z_h)  # SOLUTION"
DERIV = "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
INIT_SIG = "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):"
TRAIN_CELL = "model_relu = NeuralNetMLP_ReLU(num_features=28*28"


def d(s):
    return textwrap.dedent(s).strip("\n") + "\n"


class S(str):
    """str whose replace() insists that the old text is there (once)."""
    def replace(self, old, new, count=-1):
        assert self.count(old) == 1, (old, str(self)[:80])
        return S(str.replace(self, old, new))


# A compact, complete class body used by several variants (forward/backward written by the student).
FWD = S(d('''
    def forward(self, x):
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = relu(z_h)
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out
'''))

BWD = S(d('''
    def backward(self, x, a_h, a_out, y):
        y_onehot = int_to_onehot(y, self.num_classes)
        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]
        d_a_out__d_z_out = a_out * (1. - a_out)
        delta_out = d_loss__d_a_out * d_a_out__d_z_out
        d_loss__dw_out = np.dot(delta_out.T, a_h)
        d_loss__db_out = np.sum(delta_out, axis=0)
        d_loss__a_h = np.dot(delta_out, self.weight_out)
        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)
        delta_h = d_loss__a_h * d_a_h__d_z_h
        d_loss__d_w_h = np.dot(delta_h.T, x)
        d_loss__d_b_h = np.sum(delta_h, axis=0)
        return (d_loss__dw_out, d_loss__db_out,
                d_loss__d_w_h, d_loss__d_b_h)
'''))


def ind(s, n=4):
    return textwrap.indent(s, " " * n)


BOOK_INIT_BODY = d('''
    self.num_classes = num_classes
    rng = np.random.RandomState(random_seed)
    self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
    self.bias_h = np.zeros(num_hidden)
    self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
    self.bias_out = np.zeros(num_classes)
''')


def cls_src(init_sig=INIT_SIG, init_body=BOOK_INIT_BODY, fwd=FWD, bwd=BWD, header="class NeuralNetMLP_ReLU:",
            extra="", pre=""):
    return (pre + header + "\n\n" + ind(init_sig) + "\n" + ind(init_body, 8) + "\n" + ind(fwd) + "\n" + ind(bwd)
            + ("\n" + ind(extra) if extra else ""))


def set_class(src):
    return ("set_source", CLS, src)


VARIANTS = []


def V(name, description, edits, start="solution", **kw):
    VARIANTS.append(dict(name=name, description=description, start=start, edits=edits, **kw))


# ------------------------------------------------------------------------------------------------
# (a) how the class is built and used

V("init_kwonly_seed_dtype",
  "__init__(self, num_features, num_hidden, num_classes, *, random_seed=123, dtype=np.float64): seed and dtype keyword-only",
  [set_class(cls_src(
      init_sig="def __init__(self, num_features, num_hidden, num_classes, *, random_seed=123, dtype=np.float64):",
      init_body=BOOK_INIT_BODY + d('''
          self.dtype = dtype
          for name in ("weight_h", "bias_h", "weight_out", "bias_out"):
              setattr(self, name, getattr(self, name).astype(dtype))
      ''')))])

V("init_args_kwargs_subclass",
  "class NeuralNetMLP_ReLU(NeuralNetMLP) whose __init__(*args, **kwargs) calls super().__init__(*args, **kwargs) and stores a name; forward/backward overridden",
  [set_class(d('''
      class NeuralNetMLP_ReLU(NeuralNetMLP):
          """The book's network with a ReLU hidden layer."""

          def __init__(self, *args, **kwargs):
              super().__init__(*args, **kwargs)
              self.hidden_activation = "relu"

      ''') + ind(FWD) + "\n" + ind(BWD))])

V("init_no_seed_param",
  "__init__(self, num_features, num_hidden, num_classes) without random_seed (fixed seed 123 inside); borderline: one parameter dropped",
  [set_class(cls_src(init_sig="def __init__(self, num_features, num_hidden, num_classes):",
                     init_body=S(BOOK_INIT_BODY).replace("RandomState(random_seed)", "RandomState(123)")))])

V("init_seed_none_default",
  "random_seed=None by default (a new random init every time); the training cell does not pass one",
  [set_class(cls_src(init_sig="def __init__(self, num_features, num_hidden, num_classes, random_seed=None):"))])

V("init_xavier_default_rng_stored",
  "Xavier/Glorot-uniform initialisation with np.random.default_rng, the Generator kept as self.rng, seed kept as self.random_seed",
  [set_class(cls_src(init_body=d('''
      self.num_classes = num_classes
      self.random_seed = random_seed
      self.rng = np.random.default_rng(random_seed)
      limit_h = np.sqrt(6.0 / (num_features + num_hidden))
      limit_out = np.sqrt(6.0 / (num_hidden + num_classes))
      self.weight_h = self.rng.uniform(-limit_h, limit_h, size=(num_hidden, num_features))
      self.bias_h = np.zeros(num_hidden)
      self.weight_out = self.rng.uniform(-limit_out, limit_out, size=(num_classes, num_hidden))
      self.bias_out = np.zeros(num_classes)
  ''')))])

V("init_stores_sizes_used_in_methods",
  "__init__ stores num_features/num_hidden; forward reshapes x with self.num_features, backward reshapes d_b_h with self.num_hidden",
  [set_class(cls_src(
      init_body="self.num_features = num_features\nself.num_hidden = num_hidden\n" + BOOK_INIT_BODY,
      fwd=FWD.replace("z_h = np.dot(x,", "x = x.reshape(-1, self.num_features)\n    z_h = np.dot(x,"),
      bwd=BWD.replace("d_loss__d_b_h = np.sum(delta_h, axis=0)",
                      "d_loss__d_b_h = np.sum(delta_h, axis=0).reshape(self.num_hidden)")))])

V("init_bias_row_vectors",
  "biases made as (1, n) row vectors in __init__ (CS231n habit); forward broadcasts, backward still returns 1-D bias gradients",
  [set_class(cls_src(init_body=S(BOOK_INIT_BODY).replace("np.zeros(num_hidden)", "np.zeros((1, num_hidden))")
                     .replace("np.zeros(num_classes)", "np.zeros((1, num_classes))")))])

V("init_reset_parameters_helpers",
  "__init__ calls self.reset_parameters(seed); forward calls self._dense(); backward calls self._output_delta() and self._hidden_delta()",
  [set_class(d('''
      class NeuralNetMLP_ReLU:

          def __init__(self, num_features, num_hidden, num_classes, random_seed=123):
              self.num_features, self.num_hidden, self.num_classes = num_features, num_hidden, num_classes
              self.reset_parameters(random_seed)

          def reset_parameters(self, random_seed=123):
              rng = np.random.RandomState(random_seed)
              self.weight_h = rng.normal(0.0, 0.1, size=(self.num_hidden, self.num_features))
              self.bias_h = np.zeros(self.num_hidden)
              self.weight_out = rng.normal(0.0, 0.1, size=(self.num_classes, self.num_hidden))
              self.bias_out = np.zeros(self.num_classes)

          @staticmethod
          def _dense(a, weight, bias):
              return a @ weight.T + bias

          def forward(self, x):
              a_h = relu(self._dense(x, self.weight_h, self.bias_h))
              a_out = sigmoid(self._dense(a_h, self.weight_out, self.bias_out))
              return a_h, a_out

          def _output_delta(self, a_out, y):
              y_onehot = int_to_onehot(y, self.num_classes)
              return 2. * (a_out - y_onehot) / y.shape[0] * a_out * (1. - a_out)

          def _hidden_delta(self, delta_out, a_h):
              return (delta_out @ self.weight_out) * self.relu_derivative(a_h)

          @staticmethod
          def relu_derivative(a_h):
              return (a_h > 0).astype(a_h.dtype)

          def backward(self, x, a_h, a_out, y):
              delta_out = self._output_delta(a_out, y)
              delta_h = self._hidden_delta(delta_out, a_h)
              return (delta_out.T @ a_h, delta_out.sum(axis=0),
                      delta_h.T @ x, delta_h.sum(axis=0))

          def predict(self, X, minibatch_size=1000):
              return predict(self, X, minibatch_size)

          def __call__(self, x):
              return self.forward(x)[1]
  '''))])

V("init_type_asserts",
  "__init__ asserts isinstance(num_features, int) etc. and num_hidden > 0 (a careful student's input validation)",
  [("replace_in", CLS, "super().__init__()\n",
    "super().__init__()\n"
    "        assert isinstance(num_features, int) and isinstance(num_hidden, int) and isinstance(num_classes, int), \\\n"
    "            \"sizes must be ints\"\n"
    "        assert num_features > 0 and num_hidden > 0 and num_classes > 1\n")])

V("init_kwargs_config_defaults",
  "__init__(self, num_features=784, num_hidden=50, num_classes=10, random_seed=123, **kwargs) storing a config dict (kwargs like learning_rate kept, unused)",
  [set_class(cls_src(
      init_sig="def __init__(self, num_features=784, num_hidden=50, num_classes=10, random_seed=123, **kwargs):",
      init_body=d('''
          self.config = dict(num_features=num_features, num_hidden=num_hidden, num_classes=num_classes,
                             random_seed=random_seed, **kwargs)
          self.learning_rate = kwargs.get("learning_rate", 0.1)
      ''') + BOOK_INIT_BODY)),
   ("replace_in", TRAIN_CELL, "num_hidden=50, num_classes=10)", "num_hidden=50, num_classes=10, learning_rate=0.1)")])

V("cooperative_mixin_mro",
  "class NeuralNetMLP_ReLU(HistoryMixin, NeuralNetMLP): a mixin whose __init__(*args, **kwargs) adds self.history and calls super(); forward/backward overridden",
  [set_class(d('''
      class HistoryMixin:
          """Keeps a list for the student's own notes of training runs."""

          def __init__(self, *args, **kwargs):
              self.history = []
              super().__init__(*args, **kwargs)


      class NeuralNetMLP_ReLU(HistoryMixin, NeuralNetMLP):

      ''') + ind(FWD) + "\n" + ind(BWD))])

V("backward_extra_l2_default_zero",
  "__init__(..., l2=0.0) stores self.l2 and backward(self, x, a_h, a_out, y, l2=None) adds l2 * W to the weight gradients (0 by default)",
  [set_class(cls_src(
      init_sig="def __init__(self, num_features, num_hidden, num_classes, random_seed=123, l2=0.0):",
      init_body="self.l2 = l2\n" + BOOK_INIT_BODY,
      bwd=BWD.replace("def backward(self, x, a_h, a_out, y):",
                      "def backward(self, x, a_h, a_out, y, l2=None):\n    l2 = self.l2 if l2 is None else l2")
      .replace("return (d_loss__dw_out,",
               "if l2:\n        d_loss__dw_out = d_loss__dw_out + l2 * self.weight_out\n"
               "        d_loss__d_w_h = d_loss__d_w_h + l2 * self.weight_h\n    return (d_loss__dw_out,")))])

V("forward_default_arg_binds_relu",
  "forward(self, x, activation=relu) and backward(..., activation_grad=relu_grad): the functions bound as default arguments at class definition",
  [("replace", RELU_STUB, RELU_STUB + "\n\n\ndef relu_grad(a):\n    return (a > 0).astype(a.dtype)"),
   set_class(cls_src(
       fwd=FWD.replace("def forward(self, x):", "def forward(self, x, activation=relu):").replace("a_h = relu(z_h)", "a_h = activation(z_h)"),
       bwd=BWD.replace("def backward(self, x, a_h, a_out, y):", "def backward(self, x, a_h, a_out, y, activation_grad=relu_grad):")
       .replace("d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)", "d_a_h__d_z_h = activation_grad(a_h)")))])

V("forward_asarray_float64",
  "forward starts with x = np.asarray(x, dtype=float) (so training runs in float64: slower, still right)",
  [("replace_in", CLS, "        z_h = np.dot(x, self.weight_h.T)", "        x = np.asarray(x, dtype=float)\n        z_h = np.dot(x, self.weight_h.T)")])

V("forward_integer_input_atleast_2d",
  "forward accepts integer/uint8 or 1-D input: np.atleast_2d(np.asarray(x)), ints cast to the weights' dtype",
  [("replace_in", CLS, "        z_h = np.dot(x, self.weight_h.T)",
    "        x = np.atleast_2d(np.asarray(x))\n        if not np.issubdtype(x.dtype, np.floating):\n"
    "            x = x.astype(self.weight_h.dtype)\n        z_h = np.dot(x, self.weight_h.T)")])

V("backward_y_onehot_or_ints",
  "backward accepts y as integer labels or already one-hot (y.ndim == 2), n taken from y_onehot",
  [set_class(cls_src(bwd=BWD.replace(
      "y_onehot = int_to_onehot(y, self.num_classes)\n    d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]",
      "y = np.asarray(y)\n    if y.ndim == 2:  # already one-hot\n        y_onehot = y\n    else:\n"
      "        y_onehot = int_to_onehot(y.astype(int), self.num_classes)\n    n = y_onehot.shape[0]\n"
      "    d_loss__d_a_out = 2.*(a_out - y_onehot) / n")))])

V("backward_shape_dtype_asserts",
  "backward asserts shapes of a_h/a_out against x and the weights, that y is 1-D integer labels, and that the gradients have the parameters' shapes",
  [set_class(cls_src(bwd=BWD.replace(
      "y_onehot = int_to_onehot(y, self.num_classes)",
      "n = x.shape[0]\n    assert a_h.shape == (n, self.weight_h.shape[0]), a_h.shape\n"
      "    assert a_out.shape == (n, self.weight_out.shape[0]), a_out.shape\n"
      "    assert y.ndim == 1 and np.issubdtype(y.dtype, np.integer), (y.shape, y.dtype)\n"
      "    y_onehot = int_to_onehot(y, self.num_classes)").replace(
      "return (d_loss__dw_out,",
      "for g, p in zip((d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h),\n"
      "                 (self.weight_out, self.bias_out, self.weight_h, self.bias_h)):\n"
      "        assert g.shape == p.shape, (g.shape, p.shape)\n    return (d_loss__dw_out,")))])

V("forward_caches_on_self_and_predict",
  "forward keeps self.last_a_h / self.last_a_out (not used by backward); the class has predict() and accuracy() methods used after training",
  [set_class(cls_src(
      fwd=FWD.replace("return a_h, a_out", "self.last_a_h, self.last_a_out = a_h, a_out\n    return a_h, a_out"),
      extra=d('''
          def predict(self, X):
              """Labels for uint8 images."""
              return predict(self, X)

          def accuracy(self, X, y):
              return accuracy(y, self.predict(X))
      ''')))])

V("params_dtype_follow_x",
  "forward casts x to the weights' dtype (x.astype(self.weight_h.dtype, copy=False)); __init__ makes float64 weights with standard_normal * 0.1",
  [set_class(cls_src(
      init_body=d('''
          self.num_classes = num_classes
          rng = np.random.RandomState(random_seed)
          self.weight_h = 0.1 * rng.standard_normal((num_hidden, num_features))
          self.bias_h = np.zeros(num_hidden)
          self.weight_out = 0.1 * rng.standard_normal((num_classes, num_hidden))
          self.bias_out = np.zeros(num_classes)
      '''),
      fwd=FWD.replace("z_h = np.dot(x,", "x = x.astype(self.weight_h.dtype, copy=False)\n    z_h = np.dot(x,")))])

# ------------------------------------------------------------------------------------------------
# (b) numerically different but correct

V("sigmoid_deriv_from_z_out",
  "backward recomputes z_out from a_h and the output weights and takes sigmoid(z_out) * (1 - sigmoid(z_out)) as the derivative",
  [("replace_in", CLS, "d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative",
    "z_out = np.dot(a_h, self.weight_out.T) + self.bias_out\n"
    "        s = sigmoid(z_out)\n        d_a_out__d_z_out = s * (1. - s) # sigmoid derivative, from z_out")])

V("stable_sigmoid_method",
  "the class uses its own numerically stable sigmoid (np.where over exp(-|z|), no overflow warnings) for the output layer",
  [set_class(cls_src(
      fwd=FWD.replace("a_out = sigmoid(z_out)", "a_out = self._sigmoid(z_out)"),
      extra=d('''
          @staticmethod
          def _sigmoid(z):
              e = np.exp(-np.abs(z))
              return np.where(z >= 0, 1. / (1. + e), e / (1. + e))
      ''')))])

V("sigmoid_logaddexp",
  "output sigmoid written as np.exp(-np.logaddexp(0, -z_out)) (log-space, no overflow)",
  [("replace_in", CLS, "a_out = sigmoid(z_out)", "a_out = np.exp(-np.logaddexp(0., -z_out))")])

V("sigmoid_clip_in_class",
  "the class's own sigmoid clips z to [-500, 500] before np.exp",
  [("replace_in", CLS, "a_out = sigmoid(z_out)", "a_out = 1. / (1. + np.exp(-np.clip(z_out, -500, 500)))")])

V("tensordot_backward",
  "backward's weight gradients with np.tensordot over the examples axis",
  [set_class(cls_src(bwd=BWD.replace("d_loss__dw_out = np.dot(delta_out.T, a_h)",
                                      "d_loss__dw_out = np.tensordot(delta_out, a_h, axes=([0], [0]))")
                     .replace("d_loss__a_h = np.dot(delta_out, self.weight_out)",
                              "d_loss__a_h = np.tensordot(delta_out, self.weight_out, axes=1)")
                     .replace("d_loss__d_w_h = np.dot(delta_h.T, x)",
                              "d_loss__d_w_h = np.tensordot(delta_h, x, axes=([0], [0]))")))])

V("backward_transposed_layout",
  "backward works with transposed deltas ([n_hidden, n_examples]): delta_h_T = (W_out.T @ delta_out.T) * mask.T, d_w_h = delta_h_T @ x, sums over axis 1",
  [set_class(cls_src(bwd=d('''
      def backward(self, x, a_h, a_out, y):
          n = y.shape[0]
          Y = int_to_onehot(y, self.num_classes).T          # [n_classes, n]
          A_out, A_h, X = a_out.T, a_h.T, x.T                # column-major like Andrew Ng's course
          dZ_out = 2. / n * (A_out - Y) * A_out * (1. - A_out)   # [n_classes, n]
          dW_out = dZ_out @ A_h.T                            # [n_classes, n_hidden]
          db_out = np.sum(dZ_out, axis=1)
          dZ_h = (self.weight_out.T @ dZ_out) * (A_h > 0)    # [n_hidden, n]
          dW_h = dZ_h @ X.T                                  # [n_hidden, n_features]
          db_h = np.sum(dZ_h, axis=1)
          return dW_out, db_out, dW_h, db_h
  ''')))])

V("bias_grads_ones_vector",
  "bias gradients as np.ones(n) @ delta (a float64 ones vector, so bias gradients are float64 in float32 training)",
  [set_class(cls_src(bwd=BWD.replace("d_loss__db_out = np.sum(delta_out, axis=0)", "ones = np.ones(x.shape[0])\n    d_loss__db_out = ones @ delta_out")
                     .replace("d_loss__d_b_h = np.sum(delta_h, axis=0)", "d_loss__d_b_h = ones @ delta_h")))])

V("divide_by_n_at_end",
  "delta_out without the 1/n; each of the four gradients divided by n just before returning",
  [set_class(cls_src(bwd=BWD.replace("d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]", "n = y.shape[0]\n    d_loss__d_a_out = 2.*(a_out - y_onehot)")
                     .replace("return (d_loss__dw_out, d_loss__db_out,\n            d_loss__d_w_h, d_loss__d_b_h)",
                              "return (d_loss__dw_out / n, d_loss__db_out / n,\n            d_loss__d_w_h / n, d_loss__d_b_h / n)")))])

V("inplace_ops_backward",
  "backward builds the deltas with in-place operators on fresh arrays (delta *= ..., np.multiply(..., out=))",
  [set_class(cls_src(bwd=d('''
      def backward(self, x, a_h, a_out, y):
          delta_out = a_out - int_to_onehot(y, self.num_classes)   # new array
          delta_out *= 2. / y.shape[0]
          delta_out *= a_out * (1. - a_out)
          delta_h = delta_out @ self.weight_out                    # new array
          np.multiply(delta_h, a_h > 0, out=delta_h)
          return (delta_out.T @ a_h, delta_out.sum(axis=0),
                  delta_h.T @ x, delta_h.sum(axis=0))
  ''')))])

V("delta_h_where_grouping",
  "hidden delta as np.where(a_h > 0, delta_out @ W_out, 0); the 2/n factor applied to the sigmoid term first",
  [set_class(cls_src(bwd=d('''
      def backward(self, x, a_h, a_out, y):
          n = y.shape[0]
          y_onehot = int_to_onehot(y, self.num_classes)
          delta_out = (a_out - y_onehot) * ((2. / n) * a_out * (1. - a_out))
          delta_h = np.where(a_h > 0, delta_out @ self.weight_out, 0)
          return (np.matmul(delta_out.T, a_h), delta_out.sum(0),
                  np.matmul(delta_h.T, x), delta_h.sum(0))
  ''')))])

V("np_float64_scalar_constants",
  "backward uses np.float64(2.0) and np.float64(1.0) constants (NumPy 2 promotes float32 training gradients to float64)",
  [("replace_in", CLS, "d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]",
    "d_loss__d_a_out = np.float64(2.0) * (a_out - y_onehot) / y.shape[0]"),
   ("replace_in", CLS, "d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative",
    "d_a_out__d_z_out = a_out * (np.float64(1.0) - a_out) # sigmoid derivative")])

V("gradients_transposed_products",
  "weight gradients computed as the transpose of x.T @ delta (returns F-ordered transposed views)",
  [("replace_in", CLS, "d_loss__dw_out = np.dot(delta_out.T, d_z_out__dw_out)", "d_loss__dw_out = (d_z_out__dw_out.T @ delta_out).T"),
   ("replace_in", CLS, "d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)",
    "d_loss__d_w_h = (d_z_h__d_w_h.T @ (d_loss__a_h * d_a_h__d_z_h)).T")])

V("float32_own_training_cell",
  "the (otter_ignore) ReLU training cell replaced by the student's own float32 loop on a float32 copy of the training set",
  [("set_source", TRAIN_CELL, d('''
      X_train32 = to_float(X_train)   # float32 copy, only for this cell
      model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)
      to_float32(model_relu)
      rng = np.random.RandomState(1)
      epoch_loss_relu, epoch_train_acc_relu, epoch_valid_acc_relu = [], [], []
      for epoch in range(20):
          idx = rng.permutation(len(X_train32))
          losses = []
          for start in range(0, len(idx) - 99, 100):
              b = idx[start:start + 100]
              a_h, a_out = model_relu.forward(X_train32[b])
              losses.append(mse_loss(y_train[b], a_out))
              grads = model_relu.backward(X_train32[b], a_h, a_out, y_train[b])
              for name, g in zip(("weight_out", "bias_out", "weight_h", "bias_h"), grads):
                  getattr(model_relu, name)[...] -= 0.1 * g
          epoch_loss_relu.append(np.mean(losses))
          epoch_train_acc_relu.append(accuracy(y_train, predict(model_relu, X_train)))
          epoch_valid_acc_relu.append(accuracy(y_valid, predict(model_relu, X_valid)))
          print(epoch, epoch_loss_relu[-1], epoch_valid_acc_relu[-1])
      del X_train32
      print(f"ReLU net, test accuracy: {accuracy(y_test, predict(model_relu, X_test)):.2%}")
  '''))])

V("relu_positional_only",
  "relu(z, /) with a positional-only parameter and a docstring",
  [("replace", "def relu(z):\n    " + RELU_STUB,
    'def relu(z, /):\n    """max(0, z), elementwise; z is positional-only."""\n    return np.maximum(z, 0)')])

# ------------------------------------------------------------------------------------------------
# (c) the notebook as a whole

V("otter_notebook_nb_path_arg",
  'grader = otter.Notebook("mlp_relu.ipynb", tests_dir="tests") (the notebook path given positionally)',
  [("replace", 'grader = otter.Notebook(tests_dir="tests")', 'grader = otter.Notebook("mlp_relu.ipynb", tests_dir="tests")')])

V("otter_notebook_abs_tests_dir",
  'grader = otter.Notebook(tests_dir=os.path.join(os.getcwd(), "tests")) with import os',
  [("replace", 'grader = otter.Notebook(tests_dir="tests")',
    'import os\ngrader = otter.Notebook(tests_dir=os.path.join(os.getcwd(), "tests"))')])

V("otter_notebook_trailing_slash_url_prefix",
  'grader = otter.Notebook(nb_path=None, tests_dir="./tests/", tests_url_prefix=None) (all keywords spelled out)',
  [("replace", 'grader = otter.Notebook(tests_dir="tests")',
    'grader = otter.Notebook(nb_path=None, tests_dir="./tests/", tests_url_prefix=None)')])

V("extra_checks_nonexistent_tried",
  'extra check cells for tests that do not exist (grader.check("gradients"), grader.check("training")) wrapped in try/except',
  [("insert_after", "gradient_check_report(NeuralNetMLP_ReLU)", d('''
      for q in ["gradients", "training"]:
          try:
              display(grader.check(q))
          except Exception as e:
              print(f"no public check {q!r}: {type(e).__name__}: {e}")
  '''))])

V("checks_duplicated_early_and_late",
  "the student added check cells right after the imports (before relu/class exist: they fail there) and kept the real ones after the definitions",
  [("insert_after", 'grader = otter.Notebook(tests_dir="tests")', 'grader.check("relu")'),
   ("insert_after", 'grader = otter.Notebook(tests_dir="tests")', 'grader.check("forward")')])

V("checks_order_reversed_after_class",
  "relu check cell moved below the class; the three checks run in the order backward, forward, relu",
  [("raw", lambda nb: _reorder_checks(nb))])

V("checks_contextlib_suppress",
  "each check wrapped as `with contextlib.suppress(Exception): display(grader.check(...))`",
  [("replace", 'grader.check("relu")', 'import contextlib\nwith contextlib.suppress(Exception):\n    display(grader.check("relu"))'),
   ("replace", 'grader.check("forward")', 'with contextlib.suppress(Exception):\n    display(grader.check("forward"))'),
   ("replace", 'grader.check("backward")', 'with contextlib.suppress(Exception):\n    display(grader.check("backward"))')])

V("only_backward_check_kept",
  "the student deleted the relu and forward check cells but kept grader.check(\"backward\")",
  [("delete", 'grader.check("relu")'), ("delete", 'grader.check("forward")')])

V("data_subset_untagged_cell",
  "an untagged cell right after the data cell keeps only 10,000 training images (X_train, y_train = X_train[:10000], ...) for speed",
  [("insert_after", "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()",
    "# faster experiments\nX_train, y_train = X_train[:10000], y_train[:10000]\nprint(X_train.shape)")])

V("data_cell_edited_fewer_images",
  "the (otter_ignore) data cell itself edited to keep 20,000 training images",
  [("replace_in", "X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()",
    'print("train", X_train.shape', 'X_train, y_train = X_train[:20000], y_train[:20000]\nprint("train", X_train.shape')])

V("time_magic_training_untagged",
  "an untagged cell after the checks: %time train(...) of a fresh ReLU net for 2 epochs, then %timeit of one forward",
  [("insert_after", "gradient_check_report(NeuralNetMLP_ReLU)", d('''
      quick = NeuralNetMLP_ReLU(28*28, 50, 10)
      %time hist = train(quick, X_train[:5000], y_train[:5000], num_epochs=2, learning_rate=0.1)
      %timeit -n 3 -r 1 quick.forward(to_float(X_train[:1000]))
  '''))])

V("thread_training_untagged",
  "an untagged cell trains two ReLU nets with different learning rates in threading.Thread workers and joins them",
  [("insert_after", "gradient_check_report(NeuralNetMLP_ReLU)", d('''
      import threading
      results = {}
      def run(lr):
          m = NeuralNetMLP_ReLU(28*28, 50, 10)
          results[lr] = train(m, X_train[:5000], y_train[:5000], num_epochs=1, learning_rate=lr, log=None)[0][-1]
      threads = [threading.Thread(target=run, args=(lr,)) for lr in (0.05, 0.2)]
      for t in threads:
          t.start()
      for t in threads:
          t.join()
      print(results)
  '''))])

V("multiprocessing_pool_untagged",
  "an untagged cell runs two seeds in a multiprocessing Pool (fork) and prints the final losses",
  [("insert_after", "gradient_check_report(NeuralNetMLP_ReLU)", d('''
      import multiprocessing as mp
      def run_seed(seed):
          m = NeuralNetMLP_ReLU(28*28, 50, 10, random_seed=seed)
          return train(m, X_train[:3000], y_train[:3000], num_epochs=1, log=None)[0][-1]
      with mp.get_context("fork").Pool(2) as pool:
          print(pool.map(run_seed, [1, 2]))
  '''))])

V("seeds_reset_everywhere",
  "np.random.seed(0) / random.seed(0) at the top of the imports, relu and class cells and before each training",
  [("replace", "import numpy as np\nfrom mnist_data", "import numpy as np\nimport random\nnp.random.seed(0); random.seed(0)\nfrom mnist_data"),
   ("replace", "def relu(z):", "np.random.seed(0)\n\n\ndef relu(z):"),
   ("replace_in", CLS, "class NeuralNetMLP_ReLU:", "np.random.seed(42)\n\n\nclass NeuralNetMLP_ReLU:"),
   ("replace_in", TRAIN_CELL, "try:", "np.random.seed(1)\ntry:")])

V("colab_magic_inside_if_block",
  "imports cell detects Colab with try/except import and, inside `if IN_COLAB:`, mounts Drive and runs %cd (a magic in an indented block)",
  [("replace", "# Initialize Otter\n", d('''
      try:
          import google.colab  # noqa
          IN_COLAB = True
      except ImportError:
          IN_COLAB = False
      if IN_COLAB:
          from google.colab import drive
          drive.mount('/content/drive')
          %cd /content/drive/MyDrive/ml/hw4
      # Initialize Otter
  '''))])

V("colab_setup_cell_cd_content_shell",
  "the Colab setup cell ends with unguarded `%cd /content`, `!nvidia-smi -L` and `!ls` lines (they just print errors off Colab)",
  [("replace_in", 'if "google.colab" in sys.modules:', "urllib.request.urlretrieve(f\"{FILES_URL.rstrip('/')}/{name}\", name)",
    "urllib.request.urlretrieve(f\"{FILES_URL.rstrip('/')}/{name}\", name)\n%cd /content\n!nvidia-smi -L\n!ls")])

V("given_cells_split",
  "the imports cell split into four cells and the given sigmoid/int_to_onehot/NeuralNetMLP cell split into three",
  [("raw", lambda nb: _split_given(nb))])

V("memory_cleanup_end_untagged",
  "an untagged cell at the end deletes the data and models and calls gc.collect() (NameError-free in the student's run)",
  [("insert_before", "grader.export(", d('''
      import gc
      del X_train, y_train, X_valid, y_valid, X_test, y_test, model, model_relu
      gc.collect()
  '''))])

V("relu_cell_self_test_asserts",
  "the relu cell ends with assert-based self tests (scalars, ints, float32 dtype kept, input unchanged)",
  [("replace", "def relu(z):\n    " + RELU_STUB, d('''
      def relu(z):
          return np.maximum(z, 0)


      _z = np.array([-2., -0., 0., 3.])
      _before = _z.copy()
      assert np.array_equal(relu(_z), [0., 0., 0., 3.])
      assert np.array_equal(_z, _before)
      assert relu(-1) == 0 and relu(2.5) == 2.5
      assert relu(np.ones(3, dtype=np.float32)).dtype == np.float32
      del _z, _before
  ''').rstrip("\n"))])

V("kitchen_combo_a",
  "combo: kw-only seed, He init via default_rng stored, y one-hot or int, asarray/atleast_2d, shape asserts, predict method, checks with display",
  [set_class(cls_src(
      init_sig="def __init__(self, num_features=784, num_hidden=50, num_classes=10, *, random_seed=123):",
      init_body=d('''
          self.num_features, self.num_hidden, self.num_classes = num_features, num_hidden, num_classes
          self._rng = np.random.default_rng(random_seed)
          self.weight_h = self._rng.normal(0.0, np.sqrt(2.0 / num_features), size=(num_hidden, num_features))
          self.bias_h = np.zeros(num_hidden)
          self.weight_out = self._rng.normal(0.0, np.sqrt(1.0 / num_hidden), size=(num_classes, num_hidden))
          self.bias_out = np.zeros(num_classes)
      '''),
      fwd=FWD.replace("z_h = np.dot(x,", "x = np.atleast_2d(np.asarray(x))\n    assert x.shape[1] == self.weight_h.shape[1]\n    z_h = np.dot(x,"),
      bwd=BWD.replace("y_onehot = int_to_onehot(y, self.num_classes)",
                      "y = np.asarray(y)\n    y_onehot = y if y.ndim == 2 else int_to_onehot(y, self.num_classes)"),
      extra="def predict(self, X):\n    return np.argmax(self.forward(to_float(X))[1], axis=1)\n")),
   ("replace", 'grader.check("relu")', 'display(grader.check("relu"))'),
   ("replace", 'grader.check("forward")', 'display(grader.check("forward"))'),
   ("replace", 'grader.check("backward")', 'display(grader.check("backward"))')])



# ------------------------------------------------------------------------------------------------
# batch 2

V("activation_alias_after_class",
  "forward/backward use globals HIDDEN_ACT / HIDDEN_ACT_GRAD assigned (plain aliases of relu and a lambda) in a cell after the class, before the checks",
  [set_class(cls_src(fwd=FWD.replace("a_h = relu(z_h)", "a_h = HIDDEN_ACT(z_h)"),
                     bwd=BWD.replace("d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)", "d_a_h__d_z_h = HIDDEN_ACT_GRAD(a_h)"))),
   ("insert_after", CLS, "# choose the hidden activation here (I tried sigmoid first)\nHIDDEN_ACT = relu\nHIDDEN_ACT_GRAD = lambda a: (a > 0).astype(a.dtype)")])

V("class_train_method_wraps_global",
  "the class gains a train(self, X, y, **kw) method calling the global train(); the training cell uses %time model_relu.train(...)",
  [set_class(cls_src(extra=d('''
      def train(self, X, y, X_valid=None, y_valid=None, **kwargs):
          """Train in place with the notebook's train(); returns its history."""
          return train(self, X, y, X_valid, y_valid, **kwargs)
  '''))),
   ("set_source", TRAIN_CELL, d('''
      model_relu = NeuralNetMLP_ReLU(num_features=28*28, num_hidden=50, num_classes=10)
      %time epoch_loss_relu, epoch_train_acc_relu, epoch_valid_acc_relu = model_relu.train(X_train, y_train, X_valid, y_valid, num_epochs=20, learning_rate=0.1)
      print(f"ReLU net, test accuracy: {accuracy(y_test, predict(model_relu, X_test)):.2%}")
  '''))])

V("np_inner_forward",
  "forward uses np.inner(x, W) (= x @ W.T) for both layers",
  [("replace_in", CLS, "z_h = np.dot(x, self.weight_h.T) + self.bias_h", "z_h = np.inner(x, self.weight_h) + self.bias_h"),
   ("replace_in", CLS, "z_out = np.dot(a_h, self.weight_out.T) + self.bias_out", "z_out = np.inner(a_h, self.weight_out) + self.bias_out")])

V("onehot_zeros_like_fancy_index",
  "backward builds the one-hot targets itself: np.zeros_like(a_out) then y_onehot[np.arange(n), y] = 1; sigmoid derivative as a_out - a_out**2",
  [("replace_in", CLS, "y_onehot = int_to_onehot(y, self.num_classes)",
    "n = y.shape[0]\n        y_onehot = np.zeros_like(a_out)\n        y_onehot[np.arange(n), y] = 1"),
   ("replace_in", CLS, "d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative", "d_a_out__d_z_out = a_out - a_out**2")])

V("class_cell_ends_with_checks",
  "the forward and backward checks moved into the bottom of the class cell (display(grader.check(...))); their own cells deleted",
  [("raw", lambda nb: _delete_exact(nb, 'grader.check("forward")')),
   ("raw", lambda nb: _delete_exact(nb, 'grader.check("backward")')),
   ("replace_in", CLS, "                d_loss__d_w_h, d_loss__d_b_h)",
    "                d_loss__d_w_h, d_loss__d_b_h)\n\n\ndisplay(grader.check(\"forward\"))\ndisplay(grader.check(\"backward\"))\n")])

V("relu_in_imports_cell_stub_deleted",
  "relu written in the first imports cell (after numpy); the relu stub cell deleted, its check kept",
  [("replace", "import numpy as np\nfrom mnist_data import load_mnist, to_float",
    "import numpy as np\nfrom mnist_data import load_mnist, to_float\n\n\ndef relu(z):\n    return np.maximum(z, 0)"),
   ("delete", RELU_STUB)])

V("container_dunders_eq_len_iter",
  "the class defines __eq__ (so instances are unhashable), __len__ (number of parameter arrays), __iter__ over the parameters and __getitem__ by name",
  [set_class(cls_src(extra=d('''
      PARAM_NAMES = ("weight_h", "bias_h", "weight_out", "bias_out")

      def __eq__(self, other):
          return isinstance(other, NeuralNetMLP_ReLU) and all(
              np.array_equal(getattr(self, n), getattr(other, n)) for n in self.PARAM_NAMES)

      def __len__(self):
          return len(self.PARAM_NAMES)

      def __iter__(self):
          return (getattr(self, n) for n in self.PARAM_NAMES)

      def __getitem__(self, name):
          return getattr(self, name)
  ''')))])

V("custom_getstate_setstate_copy",
  "the class defines __getstate__/__setstate__ (pickles only the parameters and num_classes, drops a forward cache) and copy()",
  [set_class(cls_src(
      fwd=FWD.replace("return a_h, a_out", "self._cache = (a_h, a_out)  # for debugging\n    return a_h, a_out"),
      extra=d('''
      def __getstate__(self):
          return {k: v for k, v in self.__dict__.items() if k != "_cache"}

      def __setstate__(self, state):
          self.__dict__.update(state)
          self._cache = None

      def copy(self):
          import copy
          return copy.deepcopy(self)
  ''')))])

V("setattr_forces_float64",
  "__setattr__ stores every parameter as np.asarray(value, dtype=np.float64) (so train()'s float32 cast is undone: float64 training, slower)",
  [set_class(cls_src(extra=d('''
      def __setattr__(self, name, value):
          if name in ("weight_h", "bias_h", "weight_out", "bias_out"):
              value = np.asarray(value, dtype=np.float64)
          object.__setattr__(self, name, value)
  ''')))])

V("getattr_defaults_none",
  "__getattr__ answers optional settings from a DEFAULTS dict and returns None for any other missing attribute (sloppy, but forward/backward are right)",
  [set_class(cls_src(extra=d('''
      DEFAULTS = {"learning_rate": 0.1, "l2": 0.0, "verbose": False}

      def __getattr__(self, name):
          # only called when normal lookup fails
          return self.DEFAULTS.get(name)
  ''')))])

V("method_aliases",
  "methods written as forward_pass/backprop; forward = forward_pass and backward = backprop aliases in the class body",
  [set_class(cls_src(fwd=FWD.replace("def forward(self, x):", "def forward_pass(self, x):"),
                     bwd=BWD.replace("def backward(self, x, a_h, a_out, y):", "def backprop(self, x, a_h, a_out, y):"),
                     extra="forward = forward_pass\nbackward = backprop\n"))])

V("method_decorators_timing",
  "forward and backward decorated with a functools.wraps timing decorator (defined in the class cell) that adds to a per-instance stats dict",
  [set_class(d('''
      import functools
      import time


      def timed(method):
          @functools.wraps(method)
          def wrapper(self, *args, **kwargs):
              t0 = time.perf_counter()
              try:
                  return method(self, *args, **kwargs)
              finally:
                  stats = self.__dict__.setdefault("stats", {})
                  stats[method.__name__] = stats.get(method.__name__, 0.0) + time.perf_counter() - t0
          return wrapper


  ''') + cls_src(fwd="@timed\n" + FWD, bwd="@timed\n" + BWD))])

V("grader_created_late_own_cell",
  "`grader = otter.Notebook(...)` moved out of the imports cell into its own cell just above the relu check",
  [("replace", 'grader = otter.Notebook(tests_dir="tests")\n', ""),
   ("insert_before", 'grader.check("relu")', 'grader = otter.Notebook(tests_dir="tests")')])

V("init_dtype_float32_default",
  "__init__(..., dtype=np.float32) makes float32 weights by default; forward keeps whatever dtype the weights/x have",
  [set_class(cls_src(init_sig="def __init__(self, num_features, num_hidden, num_classes, random_seed=123, dtype=np.float32):",
                     init_body=BOOK_INIT_BODY + d('''
                         self.weight_h = self.weight_h.astype(dtype)
                         self.bias_h = self.bias_h.astype(dtype)
                         self.weight_out = self.weight_out.astype(dtype)
                         self.bias_out = self.bias_out.astype(dtype)
                     ''')))])


# ------------------------------------------------------------------------------------------------
# batch 3

V("backward_per_example_loop",
  "backward sums per-example outer products in a Python loop over the minibatch (naive but right; slower training)",
  [set_class(cls_src(bwd=d('''
      def backward(self, x, a_h, a_out, y):
          n = x.shape[0]
          y_onehot = int_to_onehot(y, self.num_classes)
          d_w_out = np.zeros_like(self.weight_out, dtype=np.result_type(a_out, self.weight_out))
          d_b_out = np.zeros(self.weight_out.shape[0], dtype=d_w_out.dtype)
          d_w_h = np.zeros_like(self.weight_h, dtype=np.result_type(x, a_out, self.weight_h))
          d_b_h = np.zeros(self.weight_h.shape[0], dtype=d_w_h.dtype)
          for i in range(n):
              delta_out = 2. * (a_out[i] - y_onehot[i]) / n * a_out[i] * (1. - a_out[i])
              d_w_out += np.outer(delta_out, a_h[i])
              d_b_out += delta_out
              delta_h = (self.weight_out.T @ delta_out) * (a_h[i] > 0)
              d_w_h += np.outer(delta_h, x[i])
              d_b_h += delta_h
          return d_w_out, d_b_out, d_w_h, d_b_h
  ''')))])

V("otter_optional_guarded",
  "otter made optional: try: import otter / grader = otter.Notebook(...) except ImportError: grader = None; every check cell is `if grader: display(grader.check(...))`",
  [("replace", '# Initialize Otter\nimport otter\ngrader = otter.Notebook(tests_dir="tests")',
    '# Initialize Otter (optional: I also run this at home without it)\ntry:\n    import otter\n    grader = otter.Notebook(tests_dir="tests")\nexcept ImportError:\n    grader = None'),
   ("replace", 'grader.check("relu")', 'if grader:\n    display(grader.check("relu"))'),
   ("replace", 'grader.check("forward")', 'if grader:\n    display(grader.check("forward"))'),
   ("replace", 'grader.check("backward")', 'if grader:\n    display(grader.check("backward"))')])

V("init_smoke_forward_and_print",
  "__init__ prints its sizes and ends with a smoke test: self.forward(np.zeros((2, num_features))) and asserts the output shapes",
  [("replace_in", CLS, "        self.bias_out = np.zeros(num_classes)\n",
    "        self.bias_out = np.zeros(num_classes)\n"
    "        print(f\"NeuralNetMLP_ReLU({num_features}, {num_hidden}, {num_classes}), seed {random_seed}\")\n"
    "        _a_h, _a_out = self.forward(np.zeros((2, num_features)))\n"
    "        assert _a_h.shape == (2, num_hidden) and _a_out.shape == (2, num_classes)\n")])

V("forward_reuses_hidden_buffer",
  "BORDERLINE: forward computes z_h/a_h into a buffer kept on self (np.dot(..., out=), np.maximum(..., out=)) and returns it: a_h is overwritten by the next forward",
  [set_class(cls_src(fwd=d('''
      def forward(self, x):
          shape = (x.shape[0], self.weight_h.shape[0])
          dtype = np.result_type(x, self.weight_h, self.bias_h)
          buf = getattr(self, "_buf", None)
          if buf is None or buf.shape != shape or buf.dtype != dtype:
              buf = self._buf = np.empty(shape, dtype=dtype)
          np.dot(x, self.weight_h.T, out=buf)
          buf += self.bias_h
          a_h = np.maximum(buf, 0, out=buf)
          z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
          a_out = sigmoid(z_out)
          return a_h, a_out
  ''')))])

V("init_log_file_handle",
  "__init__ opens train_log.txt (append) in the working folder and keeps the handle; forward/backward unchanged; __del__ closes it",
  [set_class(cls_src(init_body=BOOK_INIT_BODY + d('''
          self._log = open("train_log.txt", "a")
          self._log.write(f"new net {num_features}-{num_hidden}-{num_classes} seed {random_seed}\\n")
      '''), extra=d('''
      def __del__(self):
          log = self.__dict__.get("_log")
          if log is not None and not log.closed:
              log.close()
  ''')))])

V("relu_after_class_checks_duplicated",
  "class cell first, then the relu cell, then all three checks; plus a second grader.check('relu') right after relu",
  [("raw", lambda nb: _relu_after_class(nb))])

V("student_start_kwonly_np_where",
  "from the blank notebook: relu with np.where(z > 0, z, 0.0) cast back, a_h via self-less helper, derivative np.where(a_h > 0, 1.0, 0.0); seed made keyword-only",
  [("replace", "def relu(z):\n    ...", "def relu(z):\n    z = np.asarray(z)\n    return np.where(z > 0, z, 0).astype(z.dtype)"),
   ("replace", "a_h = ...", "a_h = relu(z_h)"),
   ("replace", "d_a_h__d_z_h = ...", "d_a_h__d_z_h = np.where(a_h > 0, 1.0, 0.0)"),
   ("replace_in", CLS, "num_classes, random_seed=123):", "num_classes, *, random_seed=123):")], start="student")


# ------------------------------------------------------------------------------------------------
# batch 4

V("forward_threadpool_chunks",
  "forward splits the minibatch in two halves computed in a concurrent.futures ThreadPoolExecutor (2 workers) and concatenates",
  [set_class("from concurrent.futures import ThreadPoolExecutor\n\n\n" + cls_src(fwd=d('''
      def _forward_rows(self, x):
          z_h = np.dot(x, self.weight_h.T) + self.bias_h
          a_h = relu(z_h)
          a_out = sigmoid(np.dot(a_h, self.weight_out.T) + self.bias_out)
          return a_h, a_out

      def forward(self, x):
          halves = np.array_split(x, 2) if x.shape[0] > 1 else [x]
          with ThreadPoolExecutor(max_workers=2) as pool:
              parts = list(pool.map(self._forward_rows, halves))
          return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
  ''')))])

V("onehot_sklearn_label_binarize",
  "backward one-hot encodes with sklearn.preprocessing.label_binarize(y, classes=range(num_classes)) imported inside backward",
  [("replace_in", CLS, "y_onehot = int_to_onehot(y, self.num_classes)",
    "from sklearn.preprocessing import label_binarize\n"
    "        y_onehot = label_binarize(y, classes=list(range(self.num_classes))).astype(a_out.dtype)")])

V("relu_and_class_at_top",
  "the relu cell and the class cell moved to the top of the notebook (above the imports and the given sigmoid/int_to_onehot cell); checks where they were",
  [("raw", lambda nb: _move_to_top(nb, ["def relu(z):", CLS]))])

V("numpy_import_after_relu",
  "the relu cell sits just above the imports cell (relu only looks up np when called); the relu check after both",
  [("raw", lambda nb: _move_to_top(nb, ["def relu(z):"]))])

# ------------------------------------------------------------------------------------------------
def _cell(nb, anchor):
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and anchor in c.source][0]


def _delete_exact(nb, src):
    hits = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip() == src]
    assert len(hits) == 1, hits
    del nb.cells[hits[0]]
    return nb


def _relu_after_class(nb):
    i = _cell(nb, "def relu(z):")
    relu_cell = nb.cells.pop(i)
    i_chk = _cell(nb, 'grader.check("relu")')
    chk = nb.cells.pop(i_chk)
    j = _cell(nb, CLS)
    nb.cells.insert(j + 1, relu_cell)
    nb.cells.insert(j + 2, nbformat.v4.new_code_cell('grader.check("relu")'))
    nb.cells.insert(j + 3, chk)
    return nb


def _move_to_top(nb, anchors):
    cells = []
    for a in anchors:
        cells.append(nb.cells.pop(_cell(nb, a)))
    i = _cell(nb, "# Initialize Otter")
    nb.cells[i:i] = cells
    return nb


def _reorder_checks(nb):
    i_relu = _cell(nb, 'grader.check("relu")')
    relu_check = nb.cells.pop(i_relu)
    i_f = _cell(nb, 'grader.check("forward")')
    fwd = nb.cells.pop(i_f)
    i_b = _cell(nb, 'grader.check("backward")')
    nb.cells.insert(i_b + 1, fwd)
    nb.cells.insert(i_b + 2, relu_check)
    return nb


def _split_given(nb):
    i = _cell(nb, 'grader = otter.Notebook(tests_dir="tests")')
    parts = ["# Initialize Otter\nimport otter", 'grader = otter.Notebook(tests_dir="tests")', "import numpy as np",
             "from mnist_data import load_mnist, to_float"]
    assert nb.cells[i].source.replace("\n\n", "\n").strip() == "\n".join(parts).strip(), nb.cells[i].source
    nb.cells[i:i + 1] = [nbformat.v4.new_code_cell(p) for p in parts]
    j = _cell(nb, "class NeuralNetMLP:")
    src = nb.cells[j].source
    a = src.index("def int_to_onehot")
    b = src.index("class NeuralNetMLP:")
    pieces = [src[:a].rstrip() + "\n", src[a:b].rstrip() + "\n", src[b:]]
    nb.cells[j:j + 1] = [nbformat.v4.new_code_cell(p) for p in pieces]
    return nb
