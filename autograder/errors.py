"""What running the student's code in the sandbox can end in, besides a value: CodeRaised (the
student's own exception), CodeStopped (a timeout, a crash, the memory limit; defined in
checks/public.py so that the students' mlp_checks.py has it too) and NotIsolated (no sandbox here)."""

from .checks.public import CodeStopped

__all__ = ["CodeStopped", "CodeRaised", "NotIsolated"]


class CodeRaised(Exception):
    """The student's code raised an exception in the sandbox: `student_message` is "ExceptionType: text"."""

    def __init__(self, message, type_name=""):
        super().__init__(message)
        self.student_message, self.type_name = message, type_name


class NotIsolated(Exception):
    """The autograder could not isolate the student's code on this machine: nothing is run."""
