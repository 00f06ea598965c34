"""What each generated Otter test case calls: run its check (once per version of the student's
code, with grading.yml's settings) and fail with the check's feedback message."""
from . import config
from .checks import public
from .checks.against_reference import run_backward_vs_reference, run_forward_vs_reference
from .checks.training import run_training

RUNNERS = {
    "relu": public.run_relu,
    "forward": run_forward_vs_reference,
    "backward": run_backward_vs_reference,
    "gradients": public.run_gradients,
    "training": lambda env, cfg: run_training(env, cfg, config.load()["blas_threads"]),
}


def check_case(env, check, case):
    public.check_case(env, check, case, config.check_config(check), RUNNERS)
