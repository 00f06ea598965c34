"""The checks, one function each of the student's definitions and the check's settings, returning
{case: Outcome}. `public.py` needs nothing but NumPy and ships to students as mlp_checks.py (the
relu cases, the `runs` cases, the numeric gradient check: nothing in them is a hidden answer);
`against_reference.py` and `training.py` compare with reference/ or train, and stay in the zip."""

from . import against_reference, public, training

REGISTRY = {
    "relu": public.run_relu,
    "forward": against_reference.run_forward_vs_reference,
    "backward": against_reference.run_backward_vs_reference,
    "gradients": against_reference.run_gradients_vs_reference,
    "training": training.run_training,
}
