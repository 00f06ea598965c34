"""The checks, one function each of the student's definitions and the check's settings, returning
{case: Outcome}. `public` needs nothing but NumPy and is the students' mlp_checks.py; the others
compare with reference/ or train, and stay hidden."""

from . import against_reference, public, training

REGISTRY = {
    "relu": public.run_relu,
    "forward": against_reference.run_forward_vs_reference,
    "backward": against_reference.run_backward_vs_reference,
    "gradients": public.run_gradients,
    "training": training.run_training,
}
