"""Submissions made from the solution notebook by replacing lines: correct, blank and buggy.

Each entry: what the student did, the line replacements, the checks that must lose points
(`loses`) and the checks that must keep full marks (`keeps`).
"""
from dataclasses import dataclass, field

import nbformat

RELU = "    return np.maximum(z, 0)  # SOLUTION"
A_H = "        a_h = relu(z_h)  # SOLUTION"
DERIV = "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
B_H = "        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)"
CHECKS = ("relu", "forward", "backward", "gradients", "training")


@dataclass
class Submission:
    name: str
    description: str
    replace: dict
    loses: set = field(default_factory=set)
    keeps: set = field(default_factory=set)

    def notebook(self, solution):
        nb = nbformat.from_dict(solution)
        student_cells = [cell for cell in nb.cells if "# SOLUTION" in cell.source]  # relu, the class
        for old, new in self.replace.items():
            hits = sum(cell.source.count(old) for cell in student_cells)
            assert hits == 1, f"{self.name}: {old!r} found {hits} times in the student's cells"
            for cell in student_cells:
                cell.source = cell.source.replace(old, new)
        return nb


BUGGY = [
    Submission("relu_abs", "relu returns |z|", {RELU: "    return np.abs(z)"},
               loses={"relu", "forward", "gradients"}, keeps={"backward"}),
    Submission("relu_leaky", "a leaky relu: 0.01 z for z < 0", {RELU: "    return np.where(z > 0, z, 0.01 * z)"},
               loses={"relu", "forward"}, keeps={"backward"}),
    Submission("relu_in_place", "relu zeroes its argument in place and returns it",
               {RELU: "    z[z < 0] = 0\n    return z"}, loses={"relu"}, keeps={"backward"}),
    Submission("forgotten_switch", "hidden layer left sigmoid, forward and backward (consistent)",
               {A_H: "        a_h = sigmoid(z_h)", DERIV: "        d_a_h__d_z_h = a_h * (1. - a_h)"},
               loses={"forward", "backward", "training"}, keeps={"relu", "gradients"}),
    Submission("sigmoid_derivative", "ReLU forward, but the sigmoid derivative left in backward",
               {DERIV: "        d_a_h__d_z_h = a_h * (1. - a_h)"},
               loses={"backward", "gradients"}, keeps={"relu", "forward"}),
    Submission("derivative_ge", "derivative (a_h >= 0): 1 where the activation is 0",
               {DERIV: "        d_a_h__d_z_h = (a_h >= 0).astype(float)"},
               loses={"backward", "gradients"}, keeps={"relu", "forward"}),
    Submission("derivative_omitted", "derivative left out (always 1)", {DERIV: "        d_a_h__d_z_h = 1."},
               loses={"backward", "gradients"}, keeps={"relu", "forward"}),
    Submission("bias_gradient_averaged", "hidden bias gradient divided by n once more",
               {B_H: B_H + " / y.shape[0]"}, loses={"backward", "gradients"}, keeps={"relu", "forward"}),
]

CORRECT = [
    Submission("reference", "the solution as written", {}),
    Submission("relu_where_mask", "np.where relu and a boolean-mask derivative",
               {RELU: "    return np.where(z > 0, z, 0)",
                DERIV: "        d_a_h__d_z_h = (a_h > 0) * 1.0"}),
]


def blank(student):
    return nbformat.from_dict(student)
