"""Students writing correct notebooks, round 5 (a session that had not seen the grader's code): files one
cell writes and another reads, the notebook's module found through `sys.modules[__name__]`, unusual
class machinery, other algebra, environment habits and odd saves. Edits format of
tests/notebook_edits.py; "post" writes saves nbformat would not produce."""

import base64
import json
import textwrap

CLS = "class NeuralNetMLP_ReLU"
RELU_CELL = "return np.maximum(z, 0)  # SOLUTION"
A_H = "a_h = relu(z_h)  # SOLUTION"
DERIV = "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
IMPORTS = 'grader = otter.Notebook(tests_dir="tests")'
RELU_CHECK = 'grader.check("relu")'
TRAIN_CELL = "model_relu = NeuralNetMLP_ReLU(num_features=28*28"


def d(s):
    return textwrap.dedent(s).strip("\n") + "\n"


def ind(s, n=4):
    return textwrap.indent(s, " " * n)


INIT_SIG = "def __init__(self, num_features, num_hidden, num_classes, random_seed=123):"
INIT_BODY = d('''
    self.num_classes = num_classes
    rng = np.random.RandomState(random_seed)
    self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
    self.bias_h = np.zeros(num_hidden)
    self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
    self.bias_out = np.zeros(num_classes)
''')
FWD = d('''
    def forward(self, x):
        z_h = np.dot(x, self.weight_h.T) + self.bias_h
        a_h = relu(z_h)
        z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
        a_out = sigmoid(z_out)
        return a_h, a_out
''')
BWD = d('''
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
''')


def rep(s, old, new):
    assert s.count(old) == 1, (old, s[:80])
    return s.replace(old, new)


def cls_src(init_sig=INIT_SIG, init_body=INIT_BODY, fwd=FWD, bwd=BWD, header="class NeuralNetMLP_ReLU:",
            extra="", pre=""):
    return (pre + header + "\n\n" + ind(init_sig) + "\n" + ind(init_body, 8) + "\n" + ind(fwd) + "\n" + ind(bwd)
            + ("\n" + ind(extra) if extra else ""))


def set_class(src):
    return ("set_source", CLS, src)


def set_relu(src):
    return ("set_source", RELU_CELL, src)


# ---- raw edits (functions of the notebook) ------------------------------------------------------

def _code_cell(nb, anchor):
    return next(c for c in nb.cells if c.cell_type == "code" and anchor in c.source)


def _trailing_ws(nb):
    for c in nb.cells:
        if c.cell_type == "code":
            out = []
            for i, line in enumerate(c.source.split("\n")):
                if line.endswith("\\"):  # a backslash continuation must stay last on its line
                    out.append(line)
                    continue
                out.append(line + ("  " if i % 3 == 0 else "\t" if i % 3 == 1 else " ") if line.strip() or i % 2
                           else line + "    ")
            c.source = "\n".join(out)
    return nb


def _cr_only(nb):
    for anchor in ("def relu", CLS):
        c = _code_cell(nb, anchor)
        c.source = c.source.replace("\n", "\r")
    return nb


_PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a1d0b9"
    "e10000000049454e44ae426082")).decode()


def _attachment(nb):
    import nbformat
    i = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code" and "def relu" in c.source)
    md = nbformat.v4.new_markdown_cell("My sketch of ReLU and its derivative (drawn on my tablet):\n\n"
                                       "![relu_sketch.png](attachment:relu_sketch.png)")
    md["attachments"] = {"relu_sketch.png": {"image/png": _PNG}}
    nb.cells.insert(i, md)
    return nb


def _tags(nb):
    _code_cell(nb, "def relu").metadata["tags"] = ["hide-input"]
    _code_cell(nb, CLS).metadata["tags"] = ["hide-cell", "thebe-init"]
    for q in ("relu", "forward", "backward"):
        _code_cell(nb, f'grader.check("{q}")').metadata["tags"] = ["remove-input"]
    c = _code_cell(nb, "grader.export(")
    c.metadata["tags"] = c.metadata.get("tags", []) + ["skip-execution"]
    _code_cell(nb, IMPORTS).metadata["tags"] = ["thebe-init", "remove-output"]
    return nb


def _old_nbformat(minor, extra_meta):
    def post(path, nb):
        data = json.loads(json.dumps(nb))
        data["nbformat_minor"] = minor
        data["metadata"].update(extra_meta)
        for c in data["cells"]:
            c.pop("id", None)
            if c["cell_type"] == "code":
                c["metadata"].setdefault("collapsed", False)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return post


# ---- the catalogue -------------------------------------------------------------------------------

CORRECT = [
    # (a) dependencies a name-based slicer cannot see
    {"name": "config_json_file_dependency",
     "description": "an untagged cell after the imports writes mlp_config.json (json.dump, defines no used name); the class cell reads it (json.load) for the init scale and default seed",
     "start": "solution",
     "edits": [
         ("insert_after", IMPORTS, d('''
             # keep the hyper-parameters in one file, my run_experiments.py script reads it too
             import json
             with open("mlp_config.json", "w") as fh:
                 json.dump({"init_scale": 0.1, "random_seed": 123, "learning_rate": 0.1, "num_epochs": 20}, fh, indent=2)
             print(open("mlp_config.json").read())
         ''')),
         set_class(cls_src(
             pre=d('''
                 import json
                 with open("mlp_config.json") as fh:
                     CONFIG = json.load(fh)
             ''') + "\n\n",
             init_sig="def __init__(self, num_features, num_hidden, num_classes, random_seed=None):",
             init_body=d('''
                 if random_seed is None:
                     random_seed = CONFIG["random_seed"]
                 scale = CONFIG["init_scale"]
                 self.num_classes = num_classes
                 rng = np.random.RandomState(random_seed)
                 self.weight_h = rng.normal(loc=0.0, scale=scale, size=(num_hidden, num_features))
                 self.bias_h = np.zeros(num_hidden)
                 self.weight_out = rng.normal(loc=0.0, scale=scale, size=(num_classes, num_hidden))
                 self.bias_out = np.zeros(num_classes)
             '''))),
     ]},
    {"name": "env_var_set_in_cell_read_in_init",
     "description": "a cell after the imports sets os.environ['MLP_INIT_SCALE'] = '0.1'; __init__ reads float(os.environ['MLP_INIT_SCALE']) (the class cell imports os itself)",
     "start": "solution",
     "edits": [
         ("insert_after", IMPORTS, d('''
             import os
             os.environ["MLP_INIT_SCALE"] = "0.1"   # the scale of the initial weights, also used by my scripts
         ''')),
         set_class(cls_src(
             pre="import os\n\n\n",
             init_body=rep(rep(INIT_BODY, "scale=0.1, size=(num_hidden", "scale=scale, size=(num_hidden"),
                           "scale=0.1, size=(num_classes", "scale=scale, size=(num_classes")
             .replace("self.num_classes = num_classes\n",
                      "self.num_classes = num_classes\nscale = float(os.environ[\"MLP_INIT_SCALE\"])\n"))),
     ]},
    {"name": "globals_string_lookup_helper",
     "description": "relu_derivative / sigmoid_derivative defined in their own cell after the relu check; the class stores activation='relu' and looks both functions up with globals()[name] and globals()[name + '_derivative']",
     "start": "solution",
     "edits": [
         ("insert_after", RELU_CHECK, d('''
             def relu_derivative(a):
                 """ReLU'(z) from the activation a = relu(z): 1 where a > 0, else 0."""
                 return (a > 0).astype(a.dtype)


             def sigmoid_derivative(a):
                 """sigmoid'(z) from a = sigmoid(z)."""
                 return a * (1. - a)
         ''')),
         set_class(cls_src(
             init_sig="def __init__(self, num_features, num_hidden, num_classes, random_seed=123, activation=\"relu\"):",
             init_body="self.activation = activation\n" + INIT_BODY,
             fwd=rep(FWD, "a_h = relu(z_h)", "a_h = globals()[self.activation](z_h)"),
             bwd=rep(BWD, "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)",
                     "d_a_h__d_z_h = globals()[self.activation + \"_derivative\"](a_h)"))),
     ]},
    {"name": "this_module_getattr_helper",
     "description": "relu cell defines relu, relu_grad and get_activation(name) = getattr(sys.modules[__name__], name) (the 'this module' idiom); backward calls get_activation('relu_grad')",
     "start": "solution",
     "edits": [
         set_relu(d('''
             import sys


             def relu(z):
                 return np.maximum(z, 0)


             def relu_grad(a):
                 return (a > 0).astype(a.dtype)


             def get_activation(name):
                 """Look an activation (or its gradient) up by name in this module."""
                 return getattr(sys.modules[__name__], name)
         ''')),
         ("replace", DERIV, "d_a_h__d_z_h = get_activation(\"relu_grad\")(a_h)"),
     ]},
    # (b) instances that are hard to copy/pickle, unusual class machinery
    {"name": "lock_attribute_in_init",
     "description": "__init__ keeps a threading.Lock on self (for training from threads); forward and backward run inside `with self._lock:` (instances cannot be pickled or deep-copied)",
     "start": "solution",
     "edits": [set_class(cls_src(
         pre="import threading\n\n\n",
         init_body=INIT_BODY + "self._lock = threading.Lock()\n",
         fwd=d('''
             def forward(self, x):
                 with self._lock:
                     z_h = np.dot(x, self.weight_h.T) + self.bias_h
                     a_h = relu(z_h)
                     z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
                     a_out = sigmoid(z_out)
                 return a_h, a_out
         '''),
         bwd="def backward(self, x, a_h, a_out, y):\n    with self._lock:\n        return self._backward(x, a_h, a_out, y)\n\n"
             + rep(BWD, "def backward(", "def _backward(")))]},
    {"name": "generator_attribute_lr_schedule",
     "description": "__init__ stores a learning-rate schedule as a generator object (unpicklable); backward advances it with next() and records self.last_lr (gradients unaffected)",
     "start": "solution",
     "edits": [set_class(cls_src(
         pre="import itertools\n\n\n",
         init_body=INIT_BODY + "self._lr_schedule = (0.1 * 0.999 ** k for k in itertools.count())  # for later\nself.last_lr = None\n",
         bwd=rep(BWD, "y_onehot = int_to_onehot", "self.last_lr = next(self._lr_schedule)\n    y_onehot = int_to_onehot")))]},
    {"name": "getattribute_access_counter",
     "description": "the class overrides __getattribute__ to count reads of weight_h/weight_out in a collections.Counter (object.__getattribute__ for everything)",
     "start": "solution",
     "edits": [set_class(cls_src(
         pre="import collections\n\n\n",
         init_body="self._reads = collections.Counter()\n" + INIT_BODY,
         extra=d('''
             def __getattribute__(self, name):
                 if name in ("weight_h", "weight_out"):
                     object.__getattribute__(self, "_reads")[name] += 1
                 return object.__getattribute__(self, name)
         ''')))]},
    {"name": "methodtype_instance_binding",
     "description": "forward/backward are module functions bound per instance in __init__ with types.MethodType (the class itself has no forward/backward attribute)",
     "start": "solution",
     "edits": [set_class(
         "import types\n\n\n"
         + FWD.replace("def forward(self, x):", "def _forward(self, x):") + "\n\n"
         + BWD.replace("def backward(self, x, a_h, a_out, y):", "def _backward(self, x, a_h, a_out, y):") + "\n\n"
         + "class NeuralNetMLP_ReLU:\n\n" + ind(INIT_SIG) + "\n"
         + ind(INIT_BODY + "self.forward = types.MethodType(_forward, self)\nself.backward = types.MethodType(_backward, self)\n", 8))]},
    {"name": "metaclass_registry_cell",
     "description": "a ModelMeta metaclass in its own cell above the class (registers classes by name, its __call__ tags instances); class NeuralNetMLP_ReLU(metaclass=ModelMeta)",
     "start": "solution",
     "edits": [
         ("insert_before", CLS, d('''
             class ModelMeta(type):
                 """Keeps every model class by name, and tags each instance with its class name."""
                 registry = {}

                 def __new__(mcls, name, bases, namespace):
                     cls = super().__new__(mcls, name, bases, namespace)
                     mcls.registry[name] = cls
                     return cls

                 def __call__(cls, *args, **kwargs):
                     obj = super().__call__(*args, **kwargs)
                     obj.model_name = cls.__name__
                     return obj
         ''')),
         ("replace", "class NeuralNetMLP_ReLU:", "class NeuralNetMLP_ReLU(metaclass=ModelMeta):"),
     ]},
    {"name": "class_decorator_separate_cell",
     "description": "a with_summary class decorator (adds summary() and __repr__) in its own cell above; @with_summary on NeuralNetMLP_ReLU",
     "start": "solution",
     "edits": [
         ("insert_before", CLS, d('''
             def with_summary(cls):
                 """Class decorator: a parameter summary and a readable repr."""
                 def summary(self):
                     names = ("weight_h", "bias_h", "weight_out", "bias_out")
                     return {n: (getattr(self, n).shape, str(getattr(self, n).dtype)) for n in names}

                 def __repr__(self):
                     return f"{cls.__name__}({summary(self)})"

                 cls.summary = summary
                 cls.__repr__ = __repr__
                 return cls
         ''')),
         ("replace", "class NeuralNetMLP_ReLU:", "@with_summary\nclass NeuralNetMLP_ReLU:"),
     ]},
    {"name": "init_subclass_base_separate_cell",
     "description": "MLPBase (own cell) uses __init_subclass__(activation=...) to attach the activation and its gradient; class NeuralNetMLP_ReLU(MLPBase, activation='relu'); helper relu_grad in the relu cell",
     "start": "solution",
     "edits": [
         ("replace", RELU_CELL, RELU_CELL + "\n\n\ndef relu_grad(a):\n    return (a > 0).astype(a.dtype)"),
         ("insert_before", CLS, "ACTIVATIONS = {'sigmoid': (sigmoid, lambda a: a * (1. - a))}\n\n\n" + cls_src(
             header="class MLPBase:",
             fwd=rep(FWD, "a_h = relu(z_h)", "a_h = type(self).act(z_h)"),
             bwd=rep(BWD, "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)", "d_a_h__d_z_h = type(self).act_grad(a_h)"),
             extra=d('''
                 def __init_subclass__(cls, activation="sigmoid", **kwargs):
                     super().__init_subclass__(**kwargs)
                     cls.activation = activation
                     if activation == "relu":
                         cls.act, cls.act_grad = staticmethod(relu), staticmethod(relu_grad)
                     else:
                         cls.act, cls.act_grad = map(staticmethod, ACTIVATIONS[activation])
             '''))),
         set_class('class NeuralNetMLP_ReLU(MLPBase, activation="relu"):\n    """The book\'s network with a ReLU hidden layer."""\n'),
     ]},
    {"name": "generic_typevar_class",
     "description": "typing: FloatT = TypeVar('FloatT', np.float32, np.float64) in the relu cell; class NeuralNetMLP_ReLU(Generic[FloatT]) with NDArray[FloatT] annotations",
     "start": "solution",
     "edits": [
         set_relu(d('''
             from typing import Generic, TypeVar

             import numpy.typing as npt

             FloatT = TypeVar("FloatT", np.float32, np.float64)


             def relu(z: npt.NDArray[FloatT]) -> npt.NDArray[FloatT]:
                 return np.maximum(z, 0)
         ''')),
         set_class(cls_src(
             header="class NeuralNetMLP_ReLU(Generic[FloatT]):",
             init_sig="def __init__(self, num_features: int, num_hidden: int, num_classes: int, random_seed: int = 123) -> None:",
             fwd=rep(FWD, "def forward(self, x):",
                     "def forward(self, x: npt.NDArray[FloatT]) -> tuple[npt.NDArray[FloatT], npt.NDArray[FloatT]]:"),
             bwd=rep(BWD, "def backward(self, x, a_h, a_out, y):",
                     "def backward(self, x: npt.NDArray[FloatT], a_h: npt.NDArray[FloatT], a_out: npt.NDArray[FloatT],\n"
                     "             y: npt.NDArray[np.integer]) -> tuple[npt.NDArray[FloatT], ...]:"))),
     ]},
    {"name": "param_descriptor_validation",
     "description": "a Param data descriptor (class attributes) validates and stores each parameter as instance attribute _weight_h etc.; vars(model) has no 'weight_h' key",
     "start": "solution",
     "edits": [set_class(d('''
         class Param:
             """A parameter array: stored on the instance as _<name>, must be a float array."""

             def __set_name__(self, owner, name):
                 self.private = "_" + name

             def __get__(self, obj, objtype=None):
                 if obj is None:
                     return self
                 return getattr(obj, self.private)

             def __set__(self, obj, value):
                 value = np.asarray(value)
                 if value.dtype.kind != "f":
                     raise TypeError(f"{self.private[1:]} must be a float array, got {value.dtype}")
                 setattr(obj, self.private, value)


     ''') + cls_src(extra="", header="class NeuralNetMLP_ReLU:\n    weight_h = Param()\n    bias_h = Param()\n    weight_out = Param()\n    bias_out = Param()"))]},
    {"name": "flat_parameter_vector_views",
     "description": "all parameters live in one flat vector self.theta (Ng-course style); weight_h etc. are properties returning reshaped views, setters copy into theta (theta follows the dtype set)",
     "start": "solution",
     "edits": [set_class(d('''
         def _param(name):
             def fget(self):
                 start, shape = self._layout[name]
                 return self.theta[start:start + int(np.prod(shape))].reshape(shape)

             def fset(self, value):
                 value = np.asarray(value)
                 if value.dtype != self.theta.dtype:  # train() makes everything float32: follow it
                     self.theta = self.theta.astype(value.dtype)
                 fget(self)[...] = value

             return property(fget, fset)


     ''') + cls_src(
         header="class NeuralNetMLP_ReLU:\n    weight_h = _param(\"weight_h\")\n    bias_h = _param(\"bias_h\")\n"
                "    weight_out = _param(\"weight_out\")\n    bias_out = _param(\"bias_out\")",
         init_body=d('''
             self.num_classes = num_classes
             shapes = {"weight_h": (num_hidden, num_features), "bias_h": (num_hidden,),
                       "weight_out": (num_classes, num_hidden), "bias_out": (num_classes,)}
             self._layout, start = {}, 0
             for name, shape in shapes.items():
                 self._layout[name] = (start, shape)
                 start += int(np.prod(shape))
             self.theta = np.zeros(start)
             rng = np.random.RandomState(random_seed)
             self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(num_hidden, num_features))
             self.bias_h = np.zeros(num_hidden)
             self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(num_classes, num_hidden))
             self.bias_out = np.zeros(num_classes)
         ''')))]},
    {"name": "functools_cache_eye_cached_property",
     "description": "backward one-hot encodes with a @functools.cache'd read-only identity matrix _eye(n, dtype_name); the class has a functools.cached_property n_params",
     "start": "solution",
     "edits": [set_class(d('''
         import functools


         @functools.cache
         def _eye(n, dtype_name="float32"):
             eye = np.eye(n, dtype=dtype_name)
             eye.setflags(write=False)  # shared by every call: must not be changed
             return eye


     ''') + cls_src(
         bwd=rep(BWD, "y_onehot = int_to_onehot(y, self.num_classes)", "y_onehot = _eye(self.num_classes)[y]"),
         extra=d('''
             @functools.cached_property
             def n_params(self):
                 return sum(p.size for p in (self.weight_h, self.bias_h, self.weight_out, self.bias_out))
         ''')))]},
    {"name": "enum_activation_members",
     "description": "an enum.Enum Activation (RELU, SIGMOID) whose members are callable and have grad(); the class attribute hidden = Activation.RELU is used in forward/backward",
     "start": "solution",
     "edits": [set_class(d('''
         import enum


         class Activation(enum.Enum):
             RELU = "relu"
             SIGMOID = "sigmoid"

             def __call__(self, z):
                 return relu(z) if self is Activation.RELU else sigmoid(z)

             def grad(self, a):
                 """The derivative, from the activation a."""
                 return (a > 0).astype(a.dtype) if self is Activation.RELU else a * (1. - a)


     ''') + cls_src(
         header="class NeuralNetMLP_ReLU:\n    hidden = Activation.RELU",
         fwd=rep(FWD, "a_h = relu(z_h)", "a_h = self.hidden(z_h)"),
         bwd=rep(BWD, "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)", "d_a_h__d_z_h = self.hidden.grad(a_h)")))]},
    {"name": "singledispatchmethod_forward",
     "description": "forward is a functools.singledispatchmethod: the np.ndarray overload does the work, lists/other inputs are converted with np.asarray first",
     "start": "solution",
     "edits": [set_class(cls_src(
         pre="import functools\n\n\n",
         fwd=d('''
             @functools.singledispatchmethod
             def forward(self, x):
                 return self.forward(np.asarray(x, dtype=self.weight_h.dtype))

             @forward.register
             def _(self, x: np.ndarray):
                 z_h = np.dot(x, self.weight_h.T) + self.bias_h
                 a_h = relu(z_h)
                 z_out = np.dot(a_h, self.weight_out.T) + self.bias_out
                 a_out = sigmoid(z_out)
                 return a_h, a_out
         ''')))]},
    {"name": "dataclass_slots_true",
     "description": "@dataclass(slots=True, eq=False) class with the sizes as fields and the parameters as init=False fields set in __post_init__ (no instance __dict__)",
     "start": "solution",
     "edits": [set_class(d('''
         from dataclasses import dataclass, field


         @dataclass(slots=True, eq=False)
         class NeuralNetMLP_ReLU:
             num_features: int
             num_hidden: int
             num_classes: int
             random_seed: int = 123
             weight_h: np.ndarray = field(init=False, repr=False)
             bias_h: np.ndarray = field(init=False, repr=False)
             weight_out: np.ndarray = field(init=False, repr=False)
             bias_out: np.ndarray = field(init=False, repr=False)

             def __post_init__(self):
                 rng = np.random.RandomState(self.random_seed)
                 self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(self.num_hidden, self.num_features))
                 self.bias_h = np.zeros(self.num_hidden)
                 self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(self.num_classes, self.num_hidden))
                 self.bias_out = np.zeros(self.num_classes)

     ''') + "\n" + ind(FWD) + "\n" + ind(BWD))]},
    {"name": "attrs_define_class",
     "description": "the class written with attrs: @attrs.define(eq=False) (slotted by default), parameters as attrs.field(init=False), made in __attrs_post_init__",
     "start": "solution",
     "edits": [set_class(d('''
         import attrs


         @attrs.define(eq=False)
         class NeuralNetMLP_ReLU:
             num_features: int
             num_hidden: int
             num_classes: int
             random_seed: int = 123
             weight_h: np.ndarray = attrs.field(init=False, repr=False)
             bias_h: np.ndarray = attrs.field(init=False, repr=False)
             weight_out: np.ndarray = attrs.field(init=False, repr=False)
             bias_out: np.ndarray = attrs.field(init=False, repr=False)

             def __attrs_post_init__(self):
                 rng = np.random.RandomState(self.random_seed)
                 self.weight_h = rng.normal(loc=0.0, scale=0.1, size=(self.num_hidden, self.num_features))
                 self.bias_h = np.zeros(self.num_hidden)
                 self.weight_out = rng.normal(loc=0.0, scale=0.1, size=(self.num_classes, self.num_hidden))
                 self.bias_out = np.zeros(self.num_classes)

     ''') + "\n" + ind(FWD) + "\n" + ind(BWD))]},
    {"name": "three_level_inheritance_across_cells",
     "description": "MLPBase (generic forward/backward via self.act/self.act_grad) in one cell, SigmoidMLP(MLPBase) in the next, NeuralNetMLP_ReLU(SigmoidMLP) overriding the two staticmethods in the class cell",
     "start": "solution",
     "edits": [
         ("insert_before", CLS, cls_src(
             header="class MLPBase:",
             fwd=rep(FWD, "a_h = relu(z_h)", "a_h = self.act(z_h)"),
             bwd=rep(BWD, "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)", "d_a_h__d_z_h = self.act_grad(a_h)"))),
         ("insert_before", CLS, d('''
             class SigmoidMLP(MLPBase):
                 act = staticmethod(sigmoid)

                 @staticmethod
                 def act_grad(a):
                     return a * (1. - a)
         ''')),
         set_class(d('''
             class NeuralNetMLP_ReLU(SigmoidMLP):
                 @staticmethod
                 def act(z):
                     return relu(z)

                 @staticmethod
                 def act_grad(a):
                     return (a > 0).astype(a.dtype)
         ''')),
     ]},
    {"name": "instance_registry_strong_list",
     "description": "the class keeps every instance in a class-level list (_instances) appended in __init__, with a latest() classmethod used after training",
     "start": "solution",
     "edits": [set_class(cls_src(
         header="class NeuralNetMLP_ReLU:\n    _instances = []  # every model made, to compare them later",
         init_body=INIT_BODY + "type(self)._instances.append(self)\n",
         extra=d('''
             @classmethod
             def latest(cls):
                 return cls._instances[-1] if cls._instances else None
         '''))),
         ("append", "print(len(NeuralNetMLP_ReLU._instances), 'models made; latest:', NeuralNetMLP_ReLU.latest())\n")]},
    {"name": "forward_readonly_outputs",
     "description": "forward marks a_h and a_out read-only (setflags(write=False)) so that nothing downstream changes them by accident",
     "start": "solution",
     "edits": [set_class(cls_src(fwd=rep(FWD, "return a_h, a_out",
                                         "a_h.setflags(write=False)  # protect them from in-place changes\n"
                                         "    a_out.setflags(write=False)\n    return a_h, a_out")))]},
    # (c) the algebra of backward / forward
    {"name": "blas_gemm_backward",
     "description": "backward's weight gradients with scipy.linalg.get_blas_funcs('gemm') (trans_a=True), sgemm/dgemm picked by dtype",
     "start": "solution",
     "edits": [set_class(d('''
         from scipy.linalg import get_blas_funcs


         def _at_b(a, b):
             """a.T @ b straight from BLAS (sgemm for float32, dgemm for float64)."""
             gemm = get_blas_funcs("gemm", (a, b))
             return gemm(1.0, a, b, trans_a=True)


     ''') + cls_src(bwd=rep(rep(BWD, "d_loss__dw_out = np.dot(delta_out.T, a_h)", "d_loss__dw_out = _at_b(delta_out, a_h)"),
                            "d_loss__d_w_h = np.dot(delta_h.T, x)", "d_loss__d_w_h = _at_b(delta_h, x)")))]},
    {"name": "scipy_sparse_hidden_delta",
     "description": "backward stores the hidden delta (about half zeros) as a scipy.sparse CSR matrix: d_w_h = np.asarray(S.T @ x), d_b_h from S.sum(axis=0) made a 1-D array",
     "start": "solution",
     "edits": [set_class(cls_src(
         pre="from scipy import sparse\n\n\n",
         bwd=rep(rep(BWD, "d_loss__d_w_h = np.dot(delta_h.T, x)",
                     "S = sparse.csr_matrix(delta_h)  # ReLU zeroes about half of it\n"
                     "    d_loss__d_w_h = np.asarray(S.T @ x)"),
                 "d_loss__d_b_h = np.sum(delta_h, axis=0)",
                 "d_loss__d_b_h = np.asarray(S.sum(axis=0)).ravel().astype(delta_h.dtype, copy=False)")))]},
    {"name": "backward_float64_internal_cast_back",
     "description": "backward casts every input and weight to float64, computes there, and casts the four gradients back to the input dtype (np.result_type(x, a_h, a_out))",
     "start": "solution",
     "edits": [set_class(cls_src(bwd=d('''
         def backward(self, x, a_h, a_out, y):
             dtype = np.result_type(x, a_h, a_out)
             x, a_h, a_out = (np.asarray(v, dtype=np.float64) for v in (x, a_h, a_out))
             w_out = np.asarray(self.weight_out, dtype=np.float64)
             y_onehot = np.eye(self.num_classes)[y]
             delta_out = 2. * (a_out - y_onehot) / y.shape[0] * a_out * (1. - a_out)
             delta_h = (delta_out @ w_out) * (a_h > 0)
             grads = (delta_out.T @ a_h, delta_out.sum(axis=0), delta_h.T @ x, delta_h.sum(axis=0))
             return tuple(g.astype(dtype) for g in grads)
     ''')))]},
    {"name": "forward_float64_cast_back",
     "description": "forward computes in float64 whatever it gets and casts a_h, a_out back to np.result_type(x, weight_h)",
     "start": "solution",
     "edits": [set_class(cls_src(fwd=d('''
         def forward(self, x):
             dtype = np.result_type(x, self.weight_h)
             x64 = np.asarray(x, dtype=np.float64)
             z_h = x64 @ self.weight_h.astype(np.float64).T + self.bias_h.astype(np.float64)
             a_h = relu(z_h)
             z_out = a_h @ self.weight_out.astype(np.float64).T + self.bias_out.astype(np.float64)
             a_out = sigmoid(z_out)
             return a_h.astype(dtype), a_out.astype(dtype)
     ''')))]},
    {"name": "onehot_free_delta_fancy_index",
     "description": "no one-hot matrix: d_loss__d_a_out = 2*a_out/n, then 2/n subtracted at [np.arange(n), y] by fancy indexing",
     "start": "solution",
     "edits": [set_class(cls_src(bwd=rep(rep(BWD, "y_onehot = int_to_onehot(y, self.num_classes)\n", "n = y.shape[0]\n"),
                                         "d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]",
                                         "d_loss__d_a_out = 2. * a_out / n\n"
                                         "    d_loss__d_a_out[np.arange(n), y] -= 2. / n  # the one-hot part")))]},
    {"name": "multi_dot_add_reduce",
     "description": "backward with np.linalg.multi_dot for the weight gradients and np.add.reduce for the bias gradients; hidden delta via np.multiply",
     "start": "solution",
     "edits": [set_class(cls_src(bwd=d('''
         def backward(self, x, a_h, a_out, y):
             y_onehot = int_to_onehot(y, self.num_classes)
             delta_out = np.multiply(2. * (a_out - y_onehot) / y.shape[0], a_out * (1. - a_out))
             d_loss__dw_out = np.linalg.multi_dot([delta_out.T, a_h])
             d_loss__db_out = np.add.reduce(delta_out, axis=0)
             delta_h = np.multiply(np.linalg.multi_dot([delta_out, self.weight_out]), np.greater(a_h, 0))
             d_loss__d_w_h = np.linalg.multi_dot([delta_h.T, x])
             d_loss__d_b_h = np.add.reduce(delta_h, axis=0)
             return d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h
     ''')))]},
    {"name": "broadcast_outer_product_sum",
     "description": "weight gradients as sums of per-example outer products by broadcasting: (delta[:, :, None] * a[:, None, :]).sum(axis=0) (right, slower, ~15 MB temporaries)",
     "start": "solution",
     "edits": [set_class(cls_src(bwd=rep(rep(BWD, "d_loss__dw_out = np.dot(delta_out.T, a_h)",
                                             "d_loss__dw_out = (delta_out[:, :, None] * a_h[:, None, :]).sum(axis=0)"),
                                         "d_loss__d_w_h = np.dot(delta_h.T, x)",
                                         "d_loss__d_w_h = (delta_h[:, :, None] * x[:, None, :]).sum(axis=0)")))]},
    # (d) relu / derivative written other ways
    {"name": "relu_signbit_bit_trick",
     "description": "relu clears negative floats with integer bit operations on a view (bits & ~(bits >> 63)), np.maximum for ints; derivative from the bits: a_h's integer view > 0",
     "start": "solution",
     "edits": [
         set_relu(d('''
             def relu(z):
                 """ReLU with a bit trick: a float whose sign bit is set becomes +0.0."""
                 z = np.asarray(z)
                 if z.dtype.kind != "f" or z.dtype.itemsize not in (2, 4, 8):
                     return np.maximum(z, 0)
                 bits = z.view(f"i{z.dtype.itemsize}")
                 sign = bits >> (8 * z.dtype.itemsize - 1)  # all ones where negative, 0 elsewhere
                 return (bits & ~sign).view(z.dtype)
         ''')),
         ("replace", DERIV, 'd_a_h__d_z_h = (a_h.view(f"i{a_h.dtype.itemsize}") > 0).astype(a_h.dtype)  # positive floats have positive bits'),
     ]},
    {"name": "relu_place_copy_deriv_ceil_tanh",
     "description": "relu as np.place on a copy (np.array(z, copy=True)); derivative as np.ceil(np.tanh(a_h))",
     "start": "solution",
     "edits": [
         set_relu(d('''
             def relu(z):
                 out = np.array(z, copy=True)
                 np.place(out, out < 0, 0)
                 return out
         ''')),
         ("replace", DERIV, "d_a_h__d_z_h = np.ceil(np.tanh(a_h))  # 0 at 0, 1 for any a_h > 0"),
     ]},
    {"name": "relu_copysign_deriv_one_minus_le",
     "description": "relu as np.where(np.copysign(1.0, z) > 0, z, 0); derivative 1.0 - (a_h <= 0)",
     "start": "solution",
     "edits": [
         ("replace", RELU_CELL, "return np.where(np.copysign(1.0, z) > 0, z, 0)"),
         ("replace", DERIV, "d_a_h__d_z_h = 1.0 - (a_h <= 0)"),
     ]},
    {"name": "relu_choose_with_asserts",
     "description": "relu asserts no NaN in its input and uses np.choose(z > 0, [zeros, z]); forward asserts x's shape and that x is finite; backward asserts finite gradients",
     "start": "solution",
     "edits": [
         set_relu(d('''
             def relu(z):
                 z = np.asarray(z)
                 assert not np.isnan(z).any(), "relu got NaN"
                 return np.choose(z > 0, [np.zeros_like(z), z])
         ''')),
         set_class(cls_src(
             fwd=rep(FWD, "z_h = np.dot", "assert x.ndim == 2 and x.shape[1] == self.weight_h.shape[1], x.shape\n"
                                          "    assert np.isfinite(x).all(), \"x has NaN/inf\"\n    z_h = np.dot"),
             bwd=rep(BWD, "return (d_loss__dw_out,", "for g in (d_loss__dw_out, d_loss__db_out, d_loss__d_w_h, d_loss__d_b_h):\n"
                                                   "        assert np.isfinite(g).all(), \"gradient blew up\"\n"
                                                   "    return (d_loss__dw_out,"))),
     ]},
    # (e) environment habits in needed cells
    {"name": "warnings_all_errors",
     "description": "imports cell ends with warnings.simplefilter('error') (every warning an exception, while debugging)",
     "start": "solution",
     "edits": [("replace", "from mnist_data import load_mnist, to_float",
                "from mnist_data import load_mnist, to_float\n\nimport warnings\nwarnings.simplefilter(\"error\")  # stop at every warning while I debug")]},
    {"name": "interactivity_all_bare_expressions",
     "description": "InteractiveShell.ast_node_interactivity = 'all' in the imports cell; the relu cell ends with three bare expressions to show",
     "start": "solution",
     "edits": [
         ("replace", "from mnist_data import load_mnist, to_float",
          "from mnist_data import load_mnist, to_float\n\nfrom IPython.core.interactiveshell import InteractiveShell\n"
          "InteractiveShell.ast_node_interactivity = \"all\"  # show every expression, not just the last"),
         ("replace", RELU_CELL, RELU_CELL + "\n\n\nrelu(np.array([-2., 0., 3.]))\nrelu(-1.5)\nrelu(np.float32(2.5)).dtype"),
     ]},
    {"name": "np_float_alias_compat",
     "description": "imports cell restores np.float/np.int/np.bool aliases (np.float = float ...) for old code; the derivative uses .astype(np.float)",
     "start": "solution",
     "edits": [
         ("replace", "from mnist_data import load_mnist, to_float",
          "from mnist_data import load_mnist, to_float\n\n# old code from the internet still uses these (removed from NumPy)\nnp.float = float\nnp.int = int\nnp.bool = bool"),
         ("replace", DERIV, "d_a_h__d_z_h = (a_h > 0).astype(np.float)"),
     ]},
    {"name": "threadpoolctl_omp_limits",
     "description": "imports cell sets OMP_NUM_THREADS/MKL_NUM_THREADS env vars and calls threadpoolctl.threadpool_limits(1) (a shared JupyterHub)",
     "start": "solution",
     "edits": [("replace", "# Initialize Otter\nimport otter",
                "import os\nos.environ[\"OMP_NUM_THREADS\"] = \"1\"\nos.environ[\"MKL_NUM_THREADS\"] = \"1\"\n"
                "from threadpoolctl import threadpool_limits\nthreadpool_limits(1)  # be nice on the shared hub\n\n"
                "# Initialize Otter\nimport otter")]},
    {"name": "faulthandler_atexit_imports",
     "description": "imports cell: faulthandler.enable() and an atexit hook that prints a goodbye line when the kernel exits",
     "start": "solution",
     "edits": [("replace", "from mnist_data import load_mnist, to_float",
                "from mnist_data import load_mnist, to_float\n\nimport atexit, faulthandler, time\nfaulthandler.enable()\n"
                "_t0 = time.time()\natexit.register(lambda: print(f\"session lasted {time.time() - _t0:.0f} s\"))")]},
    {"name": "jupyterbook_tags",
     "description": "Jupyter Book tags on graded cells: hide-input (relu), hide-cell/thebe-init (class), remove-input (checks), thebe-init/remove-output (imports), skip-execution added to the export cell",
     "start": "solution",
     "edits": [("raw", _tags)]},
    # (f) odd saves
    {"name": "nbformat_4_2_no_ids",
     "description": "saved as nbformat 4.2 (no cell ids, collapsed: false on code cells)",
     "start": "solution", "edits": [], "post": _old_nbformat(2, {})},
    {"name": "nbformat_4_1_orig_v3_signature",
     "description": "a notebook converted from v3: nbformat 4.1, metadata orig_nbformat 3 and an old signature, no cell ids",
     "start": "solution", "edits": [],
     "post": _old_nbformat(1, {"orig_nbformat": 3, "signature": "sha256:" + "3f" * 32})},
    {"name": "markdown_image_attachment",
     "description": "a markdown cell above relu with an image attachment (attachment:relu_sketch.png, a small PNG)",
     "start": "solution", "edits": [("raw", _attachment)]},
    {"name": "trailing_whitespace_sources",
     "description": "every code cell has trailing spaces/tabs on its lines and whitespace-only blank lines",
     "start": "solution", "edits": [("raw", _trailing_ws)]},
    {"name": "cr_only_line_endings",
     "description": "the relu cell and the class cell have classic-Mac CR-only line endings (\\r, no \\n) in their sources",
     "start": "solution", "edits": [("raw", _cr_only)]},
    {"name": "nbsp_zwsp_smart_quotes_comments",
     "description": "comments and a docstring copied from the web: non-breaking spaces, zero-width spaces, smart quotes and an en dash",
     "start": "solution",
     "edits": [
         ("replace", "def relu(z):\n", "def relu(z):\n    \"\"\"ReLU\u00a0\u2013 \u201crectified linear unit\u201d: max(0,\u200bz).\"\"\"\n"),
         ("replace", A_H, "a_h = relu(z_h)  # \u2018ReLU\u2019\u00a0instead of sigmoid\u200b"),
         ("replace", DERIV, "d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # derivative\u00a0=\u00a01 if a_h\u00a0>\u00a00\u200b"),
     ]},
    {"name": "form_feed_vertical_tab_in_source",
     "description": "Emacs-style form-feed (\\x0c) page breaks between the methods of the class and in the relu cell, a vertical tab in a comment",
     "start": "solution",
     "edits": [
         ("replace_in", CLS, "    def forward(self, x):\n        # Hidden layer", "\x0c\n    def forward(self, x):\n        # Hidden layer"),
         ("replace_in", CLS, "    def backward(self, x, a_h, a_out, y):\n\n        # onehot", "\x0c\n    def backward(self, x, a_h, a_out, y):\n\n        # onehot"),
         ("replace", RELU_CELL, RELU_CELL + "\n\x0c\n# end of relu\x0bsection"),
     ]},
]

VARIANTS = CORRECT
