"""The catalogue: submissions made from the solution notebook by replacing lines of the
student's cells (`relu` and `NeuralNetMLP_ReLU`), each with what it does wrong or right.

A buggy one names the checks that must lose points (`loses`) and, where the bug cannot touch
them, the checks that must keep full marks (`keeps`). A correct one must get full marks.
"""
from dataclasses import dataclass, field

import nbformat

CHECKS = ("relu", "forward", "backward", "gradients", "training")

RELU = "    return np.maximum(z, 0)  # SOLUTION"
A_H = "        a_h = relu(z_h)  # SOLUTION"
A_OUT = "        a_out = sigmoid(z_out)"
RETURN_FORWARD = "        return a_h, a_out"
DERIV = "        d_a_h__d_z_h = (a_h > 0).astype(a_h.dtype)  # SOLUTION"
D_A_OUT = "        d_loss__d_a_out = 2.*(a_out - y_onehot) / y.shape[0]"
DB_OUT = "        d_loss__db_out = np.sum(delta_out, axis=0)"
DW_H = "        d_loss__d_w_h = np.dot((d_loss__a_h * d_a_h__d_z_h).T, d_z_h__d_w_h)"
DB_H = "        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0)"
RETURN_BACKWARD = "        return (d_loss__dw_out, d_loss__db_out,\n                d_loss__d_w_h, d_loss__d_b_h)"
SIGMOID_DERIV = "        d_a_h__d_z_h = a_h * (1. - a_h)"


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


def bug(name, description, replace, loses, keeps=()):
    return Submission(name, description, replace, set(loses), set(keeps))


ALL_BUT = lambda *checks: set(CHECKS) - set(checks)  # noqa: E731

BUGGY = [
    # relu wrong in every way students get it wrong
    bug("relu_abs", "relu returns |z|", {RELU: "    return np.abs(z)"},
        {"relu", "forward", "gradients"}, {"backward"}),
    bug("relu_leaky", "a leaky relu: 0.01 z for z < 0", {RELU: "    return np.where(z > 0, z, 0.01 * z)"},
        {"relu", "forward"}, {"backward"}),
    bug("relu_step", "a step function (ReLU's derivative) instead of ReLU",
        {RELU: "    return (z > 0).astype(float)"}, {"relu", "forward"}, {"backward"}),
    bug("relu_shifted", "relu shifted left: max(z + 0.5, 0)", {RELU: "    return np.maximum(z + 0.5, 0)"},
        {"relu", "forward"}, {"backward"}),
    bug("relu_builtin_max", "Python's max on arrays", {RELU: "    return max(z, 0)"},
        {"relu", "forward", "gradients", "training"}, {"backward"}),
    bug("relu_returns_ints", "relu returns integers", {RELU: "    return np.maximum(z, 0).astype(int)"},
        {"relu", "forward"}, {"backward"}),
    bug("relu_returns_none", "relu computes but does not return", {RELU: "    np.maximum(z, 0)"},
        {"relu", "forward", "gradients", "training"}, {"backward"}),
    bug("relu_in_place", "relu zeroes its argument in place and returns it",
        {RELU: "    z[z < 0] = 0\n    return z"}, {"relu"}, ALL_BUT("relu")),
    bug("relu_float64", "relu casts everything to float64", {RELU: "    return np.maximum(z, 0).astype(np.float64)"},
        {"relu"}, ALL_BUT("relu")),
    bug("relu_multiply_mask", "z * (z > 0): NaN for -inf", {RELU: "    return z * (z > 0)"},
        {"relu"}, ALL_BUT("relu")),
    # forward
    bug("forgotten_switch", "hidden layer left sigmoid, forward and backward (consistent)",
        {A_H: "        a_h = sigmoid(z_h)", DERIV: SIGMOID_DERIV},
        {"forward", "backward", "training"}, {"relu", "gradients"}),
    bug("forward_still_sigmoid", "forward left sigmoid, backward switched to ReLU",
        {A_H: "        a_h = sigmoid(z_h)"}, {"forward", "gradients"}, {"relu", "backward"}),
    bug("output_relu_too", "the output layer switched to ReLU as well", {A_OUT: "        a_out = relu(z_out)"},
        {"forward", "gradients"}, {"relu", "backward"}),
    bug("bias_dropped", "the hidden bias dropped in forward", {A_H: "        a_h = relu(z_h - self.bias_h)"},
        {"forward", "gradients"}, {"relu", "backward"}),
    bug("bias_doubled", "the hidden bias added twice in forward", {A_H: "        a_h = relu(z_h + self.bias_h)"},
        {"forward", "gradients"}, {"relu", "backward"}),
    bug("forward_pair_swapped", "forward returns (a_out, a_h)", {RETURN_FORWARD: "        return a_out, a_h"},
        {"forward", "gradients", "training"}, {"relu", "backward"}),
    bug("no_activation", "no activation in forward, ReLU derivative in backward", {A_H: "        a_h = z_h"},
        {"forward", "gradients"}, {"relu", "backward"}),
    bug("linear_hidden_consistent", "no activation at all, forward and backward (consistent)",
        {A_H: "        a_h = z_h", DERIV: "        d_a_h__d_z_h = 1."},
        {"forward", "backward"}, {"relu", "gradients"}),
    # every wrong ReLU derivative
    bug("sigmoid_derivative", "ReLU forward, the sigmoid derivative left in backward", {DERIV: SIGMOID_DERIV},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("derivative_ge", "derivative (a_h >= 0): 1 where the activation is 0",
        {DERIV: "        d_a_h__d_z_h = (a_h >= 0).astype(float)"}, {"backward", "gradients"}, {"relu", "forward"}),
    bug("derivative_is_activation", "the activation itself as its derivative", {DERIV: "        d_a_h__d_z_h = a_h"},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("derivative_omitted", "derivative left out (always 1)", {DERIV: "        d_a_h__d_z_h = 1."},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("derivative_inverted", "derivative 1 where a_h <= 0", {DERIV: "        d_a_h__d_z_h = (a_h <= 0).astype(float)"},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("derivative_from_x", "derivative computed from the input x", {DERIV: "        d_a_h__d_z_h = (x > 0).astype(float)"},
        {"backward", "gradients", "training"}, {"relu", "forward"}),
    bug("derivative_from_a_out", "derivative computed from a_out", {DERIV: "        d_a_h__d_z_h = (a_out > 0).astype(float)"},
        {"backward", "gradients", "training"}, {"relu", "forward"}),
    bug("derivative_from_upstream", "derivative computed from the upstream gradient d_loss__a_h",
        {DERIV: "        d_a_h__d_z_h = (d_loss__a_h > 0).astype(float)"}, {"backward", "gradients"}, {"relu", "forward"}),
    # gradients wrong by a factor, transposed, in the wrong order, wrong dtype or shape
    bug("missing_divide_by_n", "d_loss__d_a_out without / n", {D_A_OUT: "        d_loss__d_a_out = 2.*(a_out - y_onehot)"},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("missing_factor_2", "d_loss__d_a_out without the 2", {D_A_OUT: "        d_loss__d_a_out = (a_out - y_onehot) / y.shape[0]"},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("bias_gradient_averaged", "hidden bias gradient averaged (np.mean) instead of summed",
        {DB_H: "        d_loss__d_b_h = np.mean((d_loss__a_h * d_a_h__d_z_h), axis=0)"},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("output_bias_wrong_axis", "output bias gradient summed over the classes",
        {DB_OUT: "        d_loss__db_out = np.sum(delta_out, axis=1)"},
        {"backward", "gradients", "training"}, {"relu", "forward"}),
    bug("w_h_gradient_transposed", "hidden weight gradient transposed",
        {DW_H: "        d_loss__d_w_h = np.dot(d_z_h__d_w_h.T, (d_loss__a_h * d_a_h__d_z_h))"},
        {"backward", "gradients", "training"}, {"relu", "forward"}),
    bug("gradients_wrong_order", "backward returns the hidden gradients first",
        {RETURN_BACKWARD: "        return (d_loss__d_w_h, d_loss__d_b_h,\n                d_loss__dw_out, d_loss__db_out)"},
        {"backward", "gradients", "training"}, {"relu", "forward"}),
    bug("gradients_float16", "gradients returned as float16",
        {RETURN_BACKWARD: "        return tuple(g.astype(np.float16) for g in (d_loss__dw_out, d_loss__db_out,\n"
                          "                d_loss__d_w_h, d_loss__d_b_h))"},
        {"backward", "gradients"}, {"relu", "forward"}),
    bug("bias_gradient_keepdims", "hidden bias gradient of shape (1, 50)",
        {DB_H: "        d_loss__d_b_h = np.sum((d_loss__a_h * d_a_h__d_z_h), axis=0, keepdims=True)"},
        {"backward", "gradients", "training"}, {"relu", "forward"}),
]

CORRECT = [
    Submission("reference", "the solution as written", {}),
    Submission("where_and_bool_times_one", "np.where relu, boolean mask times 1.0",
               {RELU: "    return np.where(z > 0, z, 0)", DERIV: "        d_a_h__d_z_h = (a_h > 0) * 1.0"}),
    Submission("clip_and_where", "np.clip relu, np.where derivative",
               {RELU: "    return np.clip(z, 0, None)", DERIV: "        d_a_h__d_z_h = np.where(a_h > 0, 1.0, 0.0)"}),
    Submission("copy_and_mask", "a copy with negatives set to 0",
               {RELU: "    out = np.array(z, copy=True)\n    out[out < 0] = 0\n    return out"}),
    Submission("heaviside", "np.heaviside derivative", {DERIV: "        d_a_h__d_z_h = np.heaviside(a_h, 0)"}),
    Submission("boolean_derivative", "a plain boolean array as derivative", {DERIV: "        d_a_h__d_z_h = a_h > 0"}),
    Submission("float32_throughout", "float32 constants in relu and derivative",
               {RELU: "    return np.maximum(z, np.float32(0))",
                DERIV: "        d_a_h__d_z_h = (a_h > 0).astype(np.float32)"}),
    Submission("inlined_in_forward", "ReLU written out in forward, not calling relu",
               {A_H: "        a_h = np.maximum(z_h, 0.)"}),
    Submission("maximum_zero_first_sign", "np.maximum(0, z), np.sign derivative",
               {RELU: "    return np.maximum(0, z)", DERIV: "        d_a_h__d_z_h = np.sign(a_h)"}),
]
