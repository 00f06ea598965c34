"""Red team, round 5 (a session that had not seen the grader's code): cheats that tell the checks from
the training by what the grader passes in (label dtypes, views, the very a_h forward returned), odd
exceptions and process kills in the checks, patched modules, and backwards that reach into the
training loop's frame and overwrite what its step hands over; each with its honest twin. Edits format
of tests/notebook_edits.py."""

DERIV = "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
RIGHT = "(a_h > 0).astype(a_h.dtype)"
FWD = "        a_h = relu(z_h)  # SOLUTION"
RELU = "    return np.maximum(z, 0)  # SOLUTION"
DLOSS = "        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]\n\n        # input/output dim: [n_examples, n_classes]\n        d_a_out__d_z_out = a_out * (1. - a_out) # sigmoid derivative\n\n        # output dim: [n_examples, n_classes]\n        delta_out = d_loss__d_a_out * d_a_out__d_z_out # \"delta (rule) placeholder\"\n\n        # [n_examples, n_hidden]\n        d_z_out__dw_out = a_h\n\n        # output dim: [n_classes, n_hidden]"

BUGS = {
    "one": "np.ones_like(a_h)",
    "sigmoid": "a_h * (1. - a_h)",
    "x2": "2. * (a_h > 0).astype(a_h.dtype)",
    "half": "0.5 * (a_h > 0).astype(a_h.dtype)",
    "zero": "np.zeros_like(a_h)",
    "neg": "-(a_h > 0).astype(a_h.dtype)",
}


def deriv(expr):
    return ("replace", DERIV, f"        d_a_h__d_z_h = {expr}")


def deriv_if(cond, bug, setup=""):
    """Right derivative when `cond` holds (the checks), the bug otherwise."""
    pre = "".join(f"        {line}\n" for line in setup.splitlines()) if setup else ""
    return ("replace", DERIV,
            f"{pre}        if {cond}:\n            d_a_h__d_z_h = {RIGHT}\n        else:\n            d_a_h__d_z_h = {BUGS[bug]}")


def deriv_raise_if(cond, bug, exc, setup=""):
    """The bug everywhere, except that where `cond` holds (the checks) an odd exception is raised instead."""
    pre = "".join(f"        {line}\n" for line in setup.splitlines()) if setup else ""
    return ("replace", DERIV,
            f"{pre}        if {cond}:\n            raise {exc}\n        d_a_h__d_z_h = {BUGS[bug]}")


TWINS = [
    {"name": "twin_deriv_one", "twin": None, "start": "solution",
     "description": "honest bug: ReLU derivative left as 1 everywhere (np.ones_like(a_h))",
     "edits": [deriv(BUGS["one"])]},
    {"name": "twin_deriv_sigmoid", "twin": None, "start": "solution",
     "description": "honest bug: the sigmoid derivative a_h * (1 - a_h) kept in backward",
     "edits": [deriv(BUGS["sigmoid"])]},
    {"name": "twin_deriv_x2", "twin": None, "start": "solution",
     "description": "honest bug: derivative doubled (2 * mask)",
     "edits": [deriv(BUGS["x2"])]},
    {"name": "twin_deriv_half", "twin": None, "start": "solution",
     "description": "honest bug: derivative halved (0.5 * mask)",
     "edits": [deriv(BUGS["half"])]},
    {"name": "twin_deriv_zero", "twin": None, "start": "solution",
     "description": "honest bug: derivative 0 (hidden layer never learns)",
     "edits": [deriv(BUGS["zero"])]},
    {"name": "twin_deriv_neg", "twin": None, "start": "solution",
     "description": "honest bug: derivative with the wrong sign (-mask)",
     "edits": [deriv(BUGS["neg"])]},
    {"name": "twin_fwd_sigmoid", "twin": None, "start": "solution",
     "description": "honest bug: forward keeps a_h = sigmoid(z_h) (backward has the ReLU mask)",
     "edits": [("replace", FWD, "        a_h = sigmoid(z_h)")]},
    {"name": "twin_fwd_leaky", "twin": None, "start": "solution",
     "description": "honest bug: forward uses a leaky ReLU (0.05 slope) instead of relu",
     "edits": [("replace", FWD, "        a_h = np.where(z_h > 0, z_h, 0.05 * z_h)")]},
    {"name": "twin_fwd_x1_1", "twin": None, "start": "solution",
     "description": "honest bug: forward scales a_h by 1.1 (a stray factor)",
     "edits": [("replace", FWD, "        a_h = 1.1 * relu(z_h)")]},
    {"name": "twin_relu_abs", "twin": None, "start": "solution",
     "description": "honest bug: relu returns |z| (forward uses relu too)",
     "edits": [("replace", RELU, "    return np.abs(z)")]},
    {"name": "twin_no_factor2", "twin": None, "start": "solution",
     "description": "honest bug: the 2 of the squared error's derivative is missing",
     "edits": [("replace_in", "class NeuralNetMLP_ReLU:", "        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]",
                "        d_loss__d_a_out = (a_out - y_onehot) / y.shape[0]")]},
]

# code used by several cheats
CLASS_ATTR_LAST = "type(self)._rt_last_a_h = a_h"

RING_SETUP = "import sys as _s\n_L = _s._getframe(1).f_locals if y.dtype == np.uint8 else {}\n_ring, _slot = _L.get('ring'), _L.get('slot')"

CODESTOPPED = "__import__('mlp_checks').CodeStopped('the code ran out of time', 'timeout')"

CHEATS = [
    # ---- telling the checks from the training by what the grader passes in -------------------------
    {"name": "y_uint8_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative right unless y is uint8 (MNIST labels in the grader's training are uint8; the checks' y are int64)",
     "edits": [deriv_if("y.dtype != np.uint8", "one")]},
    {"name": "y_uint8_deriv_x2", "twin": "twin_deriv_x2", "start": "solution",
     "description": "derivative right unless y is uint8; doubled (a bug that still trains) in training",
     "edits": [deriv_if("y.dtype != np.uint8", "x2")]},
    {"name": "y_owndata_deriv_sigmoid", "twin": "twin_deriv_sigmoid", "start": "solution",
     "description": "derivative right when y is a view (checks pass views); sigmoid derivative when y owns its data (training)",
     "edits": [deriv_if("not y.flags.owndata", "sigmoid")]},
    {"name": "a_h_identity_deriv_x2", "twin": "twin_deriv_x2", "start": "solution",
     "description": "backward is right unless its a_h is the very object this class's last forward returned (training passes it through; the checks pass copies)",
     "edits": [("replace", FWD, FWD + "\n        " + CLASS_ATTR_LAST),
               deriv_if("a_h is not getattr(type(self), '_rt_last_a_h', None)", "x2")]},
    {"name": "a_h_identity_deriv_half", "twin": "twin_deriv_half", "start": "solution",
     "description": "like a_h_identity_deriv_x2, halved derivative when a_h is forward's own output",
     "edits": [("replace", FWD, FWD + "\n        " + CLASS_ATTR_LAST),
               deriv_if("a_h is not getattr(type(self), '_rt_last_a_h', None)", "half")]},
    {"name": "a_h_owndata_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative right when a_h does not own its data (checks); 1 when it does (training)",
     "edits": [deriv_if("not a_h.flags.owndata", "one")]},
    {"name": "instance_first_backward_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "per-instance counter (not class/process level): the first 2 backward calls on an instance are right, later ones use derivative 1",
     "edits": [deriv_if("self.__dict__.setdefault('_rt_nb', [0]) and (self._rt_nb.__setitem__(0, self._rt_nb[0] + 1) or self._rt_nb[0] <= 2)", "one")]},
    {"name": "random_5pct_steps_deriv_zero", "twin": "twin_deriv_zero", "start": "solution",
     "description": "probes the sampling of training spot checks: in training (y uint8) 5% of the steps, at random, use derivative 0; checks right",
     "edits": [deriv_if("y.dtype != np.uint8 or np.random.random_sample() > 0.05", "zero")]},
    {"name": "y_uint8_deriv_x2_after_epoch1", "twin": "twin_deriv_x2", "start": "solution",
     "description": "training detected by uint8 y; doubled derivative only after 550 training steps (epoch 2 on), to dodge spot checks concentrated at the start",
     "edits": [deriv_if("y.dtype != np.uint8 or (type(self).__dict__.get('_rt_k', 0) < 550 and not setattr(type(self), '_rt_k', type(self).__dict__.get('_rt_k', 0) + 1))", "x2")]},
    # ---- forward: training rhythm (backward got forward's own a_h) -------------------------
    {"name": "fwd_leaky_after_own_backward", "twin": "twin_fwd_leaky", "start": "solution",
     "description": "forward is leaky only once backward of this instance received forward's own a_h object (the training rhythm F,B,F,B...); the checks pass copies",
     "edits": [("replace", FWD,
                "        if getattr(self, '_rt_train', False):\n            a_h = np.where(z_h > 0, z_h, 0.05 * z_h)\n        else:\n            a_h = relu(z_h)\n        self._rt_last = a_h"),
               ("replace", DERIV, "        if a_h is getattr(self, '_rt_last', None):\n            self._rt_train = True\n" + DERIV)]},
    {"name": "fwd_x1_1_if_y_uint8_seen", "twin": "twin_fwd_x1_1", "start": "solution",
     "description": "forward scales a_h by 1.1 once backward of the class has seen uint8 labels (training); right before",
     "edits": [("replace", FWD,
                "        a_h = relu(z_h) * (1.1 if getattr(type(self), '_rt_train', False) else 1.0)"),
               ("replace", DERIV, "        if y.dtype == np.uint8:\n            type(self)._rt_train = True\n        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)")]},
    # ---- odd exceptions in the checks (float64 inputs), the bug elsewhere -------------------------
    {"name": "stopiteration_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1 everywhere, but on float64 inputs (the checks) backward raises StopIteration instead of answering",
     "edits": [deriv_raise_if("a_h.dtype == np.float64", "one", "StopIteration")]},
    {"name": "generatorexit_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1, but in the checks backward raises GeneratorExit (a BaseException)",
     "edits": [deriv_raise_if("a_h.dtype == np.float64", "one", "GeneratorExit")]},
    {"name": "custom_baseexception_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1, but in the checks backward raises a custom BaseException subclass",
     "edits": [("insert_before", "class NeuralNetMLP_ReLU:", "class _Skip(BaseException):\n    pass"),
               deriv_raise_if("a_h.dtype == np.float64", "one", "_Skip('skip')")]},
    {"name": "codestopped_timeout_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1, but in the checks backward raises mlp_checks.CodeStopped(kind='timeout') itself (the exception the sandbox uses for 'did not return')",
     "edits": [deriv_raise_if("a_h.dtype == np.float64", "one", CODESTOPPED)]},
    {"name": "codestopped_memory_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1, but in the checks backward raises mlp_checks.CodeStopped(kind='memory')",
     "edits": [deriv_raise_if("a_h.dtype == np.float64", "one", "__import__('mlp_checks').CodeStopped('out of memory', 'memory')")]},
    {"name": "fake_codestopped_class_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1; in the checks backward raises an exception of its own class named CodeStopped (kind='timeout'), in case the host matches by name",
     "edits": [("insert_before", "class NeuralNetMLP_ReLU:", "class CodeStopped(Exception):\n    def __init__(self, message, kind):\n        super().__init__(message)\n        self.kind = kind\n        self.stopped = kind"),
               deriv_raise_if("a_h.dtype == np.float64", "one", "CodeStopped('timed out', 'timeout')")]},
    {"name": "memoryerror_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1; in the checks backward raises MemoryError (may be classed as 'memory', not a wrong answer)",
     "edits": [deriv_raise_if("a_h.dtype == np.float64", "one", "MemoryError()")]},
    {"name": "timeouterror_in_checks_fwd_sigmoid", "twin": "twin_fwd_sigmoid", "start": "solution",
     "description": "forward keeps the sigmoid; on float64 inputs (the checks) it raises TimeoutError instead",
     "edits": [("replace", FWD, "        if x.dtype == np.float64:\n            raise TimeoutError('timed out')\n        a_h = sigmoid(z_h)")]},
    {"name": "codestopped_crashed_in_checks_fwd_sigmoid", "twin": "twin_fwd_sigmoid", "start": "solution",
     "description": "forward keeps the sigmoid; in the checks it raises mlp_checks.CodeStopped(kind='crashed')",
     "edits": [("replace", FWD, "        if x.dtype == np.float64:\n            raise __import__('mlp_checks').CodeStopped('process died', 'crashed')\n        a_h = sigmoid(z_h)")]},
    {"name": "self_sigkill_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1; in the checks backward SIGKILLs its own process (looks like the cgroup OOM killer)",
     "edits": [("replace", DERIV, "        if a_h.dtype == np.float64:\n            import os, signal\n            os.kill(os.getpid(), signal.SIGKILL)\n        d_a_h__d_z_h = np.ones_like(a_h)")]},
    {"name": "relu_codestopped_on_float64", "twin": "twin_relu_abs", "start": "solution",
     "description": "relu returns |z|, but for anything but a float32 2-D array it raises mlp_checks.CodeStopped(kind='timeout')",
     "edits": [("replace", RELU, "    if not (isinstance(z, np.ndarray) and z.dtype == np.float32 and z.ndim == 2 and z.shape[0] != 100):\n        raise __import__('mlp_checks').CodeStopped('the code ran out of time', 'timeout')\n    return np.abs(z)")]},
    {"name": "deep_cause_chain_in_checks_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1; in the checks backward raises an exception with a __cause__ chain 200,000 deep (traceback formatting / pickling recursion)",
     "edits": [("replace", DERIV, "        if a_h.dtype == np.float64:\n            e = ValueError('x')\n            for _ in range(200000):\n                e2 = ValueError('x')\n                e2.__cause__ = e\n                e = e2\n            raise e\n        d_a_h__d_z_h = np.ones_like(a_h)")]},
    {"name": "cyclic_context_exception_in_checks", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1; in the checks backward raises an exception whose __context__ and __cause__ form a cycle and whose args hold itself",
     "edits": [("replace", DERIV, "        if a_h.dtype == np.float64:\n            a, b = ValueError('a'), ValueError('b')\n            a.__cause__ = b; b.__cause__ = a; a.__context__ = b; b.__context__ = a\n            a.args = (a, b)\n            raise a\n        d_a_h__d_z_h = np.ones_like(a_h)")]},
    # ---- interfering with the sandbox process -------------------------
    {"name": "recursionlimit_tiny_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1; the class cell ends with sys.setrecursionlimit(60) for the whole sandbox process (the worker's serializers and traceback code may fail)",
     "edits": [deriv(BUGS["one"]), ("insert_after", "class NeuralNetMLP_ReLU:", "import sys as _sys\n_sys.setrecursionlimit(60)\nimport numpy as np")]},
    {"name": "patch_mnist_data_to_float_deriv_one", "twin": "twin_deriv_one", "start": "solution",
     "description": "derivative 1; the notebook replaces mnist_data.to_float in the sandbox by one that returns all-zero images (if the grader's own training/mirror uses it, everything trains the same and any backward looks right)",
     "edits": [deriv(BUGS["one"]), ("insert_after", "class NeuralNetMLP_ReLU:", "import mnist_data as _md, numpy as np\n_md.to_float = lambda X: np.zeros(X.shape, dtype=np.float32)")]},
    {"name": "patch_np_random_state_deriv_zero", "twin": "twin_deriv_zero", "start": "solution",
     "description": "derivative 0; the notebook replaces np.random.RandomState (and default_rng) in the sandbox by subclasses whose normal() returns 0 (init weights drawn in the sandbox become degenerate for any checker that compares)",
     "edits": [deriv(BUGS["zero"]), ("insert_after", "class NeuralNetMLP_ReLU:", "import numpy as np\nclass _RS(np.random.RandomState):\n    def normal(self, loc=0.0, scale=1.0, size=None):\n        return np.zeros(size) if size is not None else 0.0\nnp.random.RandomState = _RS")]},
    # ---- tampering with the training record the sandbox keeps for the host (found by frame inspection) ----
    {"name": "ring_nan_snapshots_deriv_x2", "twin": "twin_deriv_x2", "start": "solution",
     "description": "derivative right on the checks (int64 y), doubled in training; in training backward also writes NaN into its step's parameter snapshot in the caller's (worker's) ring buffer, hoping NaN comparisons in the host's spot checks pass",
     "edits": [deriv_if("y.dtype != np.uint8", "x2", setup=RING_SETUP + "\nif _ring is not None:\n    _ring[_slot, 0:39760:3] = np.nan")]},
    {"name": "ring_nan_activations_deriv_x2", "twin": "twin_deriv_x2", "start": "solution",
     "description": "as ring_nan_snapshots_deriv_x2, but NaN written into the recorded a_h/a_out of the step in the ring",
     "edits": [deriv_if("y.dtype != np.uint8", "x2", setup=RING_SETUP + "\nif _ring is not None:\n    _ring[_slot, 39760:] = np.nan")]},
    {"name": "ring_nan_everything_deriv_zero", "twin": "twin_deriv_zero", "start": "solution",
     "description": "derivative 0 in training (right on checks); backward fills its step's whole ring row (snapshot and activations) with NaN",
     "edits": [deriv_if("y.dtype != np.uint8", "zero", setup=RING_SETUP + "\nif _ring is not None:\n    _ring[_slot, :] = np.nan")]},
    {"name": "ring_inf_snapshots_deriv_x2", "twin": "twin_deriv_x2", "start": "solution",
     "description": "as ring_nan_snapshots_deriv_x2 with +inf instead of NaN",
     "edits": [deriv_if("y.dtype != np.uint8", "x2", setup=RING_SETUP + "\nif _ring is not None:\n    _ring[_slot, 0:39760:3] = np.inf")]},
    {"name": "ring_zero_snapshots_deriv_zero", "twin": "twin_deriv_zero", "start": "solution",
     "description": "derivative 0 in training; backward zeroes its step's whole ring row (all-zero params: the reference's hidden gradients are then 0 too, like the derivative-0 backward's)",
     "edits": [deriv_if("y.dtype != np.uint8", "zero", setup=RING_SETUP + "\nif _ring is not None:\n    _ring[_slot, :] = 0")]},
]


TWINS = [{key: value for key, value in twin.items() if key != "twin"} for twin in TWINS]
